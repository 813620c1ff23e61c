"""Checks of a case against the Leistung (placeholder until the XZuFi loader lands)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from xzufi_toolkit.case.model import Case
from xzufi_toolkit.findings import Finding
from xzufi_toolkit.model import Leistung

__all__ = ["check_against_leistung"]


def check_against_leistung(
    case: Case,
    leistung: Leistung,
    *,
    today: dt.date,
    file: str | None = None,
    show_values: bool = False,
) -> Iterator[Finding]:
    del case, leistung, today, file, show_values
    yield from ()

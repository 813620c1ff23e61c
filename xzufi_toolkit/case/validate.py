"""One entry point for a whole case check: JSON → schema → model → rules → Leistung.

Three ways in, as everywhere in the toolkit: :func:`validate_case` returns the
report (and the model when the schema passed), :func:`is_valid_case` says
yes or no, :func:`require_valid_case` raises
:class:`~xzufi_toolkit.errors.ValidationFailedError`.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from xzufi_toolkit.case.checks import check_case
from xzufi_toolkit.case.io import iter_schema_findings, nfc, parse_case_json
from xzufi_toolkit.case.model import Case, case_from_dict
from xzufi_toolkit.errors import ValidationFailedError
from xzufi_toolkit.findings import Report

if TYPE_CHECKING:
    from xzufi_toolkit.model import Leistung

__all__ = ["is_valid_case", "require_valid_case", "validate_case"]


def validate_case(
    data: bytes | Any,
    *,
    today: dt.date,
    file: str | None = None,
    leistung: Leistung | None = None,
    show_values: bool = False,
) -> tuple[Case | None, Report]:
    """Check case JSON (bytes or a parsed value) completely.

    Unreadable JSON raises :class:`~xzufi_toolkit.errors.InputError`; every
    problem in readable data is a finding. With ``leistung`` the checks against
    the service description run too (prerequisites, documents, fee, duration).
    The model is ``None`` when the schema failed (later rules need its shape).
    """
    value = parse_case_json(data, file=file) if isinstance(data, bytes) else data
    report = Report(documents=1)
    report.extend(iter_schema_findings(value, file=file, show_values=show_values))
    if not report.valid:
        return None, report
    case = case_from_dict(nfc(value))
    report.extend(check_case(case, today=today, file=file, show_values=show_values))
    if leistung is not None:
        from xzufi_toolkit.case.leistung import check_against_leistung

        report.extend(
            check_against_leistung(case, leistung, today=today, file=file, show_values=show_values)
        )
    return case, report


def is_valid_case(data: bytes | Any, *, today: dt.date, leistung: Leistung | None = None) -> bool:
    """Whether the case has no error finding (unreadable JSON counts as invalid)."""
    from xzufi_toolkit.errors import InputError

    try:
        return validate_case(data, today=today, leistung=leistung)[1].valid
    except InputError:
        return False


def require_valid_case(
    data: bytes | Any,
    *,
    today: dt.date,
    file: str | None = None,
    leistung: Leistung | None = None,
) -> Case:
    """The case, or :class:`ValidationFailedError` carrying the report."""
    case, report = validate_case(data, today=today, file=file, leistung=leistung)
    if case is None or not report.valid:
        raise ValidationFailedError(
            f"case check failed ({report.counts['error']} error(s))",
            report,
            file=file,
            hint="run 'xzufi case check' to see the findings",
        )
    return case

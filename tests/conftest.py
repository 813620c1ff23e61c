"""Shared test fixtures: paths into the repository and the installed package."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from xzufi_toolkit.io import xmlsafe

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
SOURCES = FIXTURES / "sources"  # copies of the reference data (see its README)


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    return FIXTURES


@pytest.fixture(scope="session")
def sources_dir() -> Path:
    """The reference data the tables and fixtures derive from, copied into the repository."""
    return SOURCES


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str | None]:
    """The ``file`` names of every ``xmlsafe.parse_bytes`` call from now on, in order."""
    calls: list[str | None] = []
    parse_bytes = xmlsafe.parse_bytes

    def counting(data: bytes, **kwargs: Any) -> etree._ElementTree:
        calls.append(kwargs.get("file"))
        return parse_bytes(data, **kwargs)

    monkeypatch.setattr(xmlsafe, "parse_bytes", counting)
    return calls

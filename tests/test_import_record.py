"""Test of record: the seed imports to the curated fixture's Leistung.

The curated fixture (xzufi_toolkit/fixtures/leistung/) adds on purpose what
the portal's export does not carry: German texts and the legal basis (text
module 07). Apart from those, the import must equal it field for field, after
both went through the same XZuFi writer and reader. Where the fixture is
curated beyond the seed's words, the difference is listed here with its
reason, so a new difference fails.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from xzufi_toolkit.io.resources import fixture_file
from xzufi_toolkit.portal_import import import_portal
from xzufi_toolkit.xzufi.reader import read_leistung

PORTAL = Path(__file__).resolve().parent.parent / "fixtures" / "portal"
SEED = PORTAL / "seed.txt"

# path → why the import cannot produce the fixture's value from the export
KNOWN: dict[str, str] = {
    # "… the purpose of the stay A maximum of three years": the second bullet
    # glyph is missing from the export's text; the fixture restores it.
    ".deadline_modules[0].items[0].description[0].text": "bullet lost in the export text",
}


def _without(value: Any, lang: str = "de") -> Any:
    """``value`` (a model's JSON form) without the texts in ``lang``."""
    if isinstance(value, dict):
        return {k: _without(v, lang) for k, v in value.items()}
    if isinstance(value, list):
        return [
            _without(v, lang)
            for v in value
            if not (isinstance(v, dict) and v.get("language") == lang)
        ]
    return value


def _differences(a: Any, b: Any, path: str = "") -> dict[str, tuple[Any, Any]]:
    if isinstance(a, dict) and isinstance(b, dict):
        out: dict[str, tuple[Any, Any]] = {}
        for key in sorted(set(a) | set(b)):
            out.update(_differences(a.get(key), b.get(key), f"{path}.{key}"))
        return out
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        out = {}
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            out.update(_differences(x, y, f"{path}[{i}]"))
        return out
    return {} if a == b else {path: (a, b)}


@pytest.mark.parametrize("version", ["2.3.1", "2.2.0"])
def test_seed_imports_to_the_curated_fixture(version: str) -> None:
    curated = read_leistung(fixture_file("leistung", f"99010022001012-{version}.xml")).leistung
    result = import_portal(SEED.read_bytes(), name="seed.txt", version=version)
    assert result.xml is not None and result.report.valid
    imported = read_leistung(result.xml, file="imported.xml").leistung

    # What the export does carry in German must match the fixture's German.
    assert imported.name("de") == curated.name("de")

    expected = _without(curated.to_dict())
    expected["text_modules"] = [m for m in expected["text_modules"] if m["code"]["code"] != "07"]
    got = _without(imported.to_dict())
    diff = _differences(expected, got)
    assert set(diff) == set(KNOWN), {k: v for k, v in diff.items() if k not in KNOWN}


def test_known_differences_are_what_they_claim() -> None:
    result = import_portal(SEED.read_bytes(), name="seed.txt")
    assert result.leistung is not None
    costs = result.leistung.costs
    assert [c.description[0].text for c in costs[:2]] == [
        "When issuing the residence permit, a fee of 100 euros is due",
        "50 euros for minors",
    ]
    assert costs[2].free_description[0].text == "Exemption from fees for social benefits"
    frist = result.leistung.deadlines[0].description[0].text
    assert "the purpose of the stay A maximum of three years" in frist


def test_german_export_imports_to_the_fixtures_german_texts() -> None:
    """fixtures/portal/german.txt carries the fixture's German texts in the portal layout.

    Everything German, the legal basis included, must come back.
    """
    curated = read_leistung(fixture_file("leistung", "99010022001012-2.3.1.xml")).leistung
    result = import_portal((PORTAL / "german.txt").read_bytes(), name="german.txt")
    assert result.xml is not None and result.report.valid
    assert not [f for f in result.report if f.code.startswith("IMP-") and f.severity != "info"]
    imported = read_leistung(result.xml, file="imported.xml").leistung
    diff = _differences(_without(curated.to_dict(), "en"), _without(imported.to_dict(), "en"))
    assert diff == {}, diff


@pytest.mark.parametrize("source", ["seed.txt", "german.txt"])
@pytest.mark.parametrize("version", ["2.3.1", "2.2.0"])
def test_imported_xml_is_schema_valid(source: str, version: str) -> None:
    """The written XML passes the profile XSD; what business rules then ask for
    (German texts, the legal basis) is the editorial office's next step."""
    from xzufi_toolkit.validate.api import validate_bytes

    result = import_portal((PORTAL / source).read_bytes(), name=source, version=version)
    assert result.xml is not None
    codes = {f.code for f in validate_bytes(result.xml, name=source)}
    assert not {c for c in codes if c.startswith("XZ-XSD")}, codes

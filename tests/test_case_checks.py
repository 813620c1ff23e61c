"""Business rules of a case: the invalid corpus with its expected findings, dates, DIN 91379."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import pytest

from xzufi_toolkit.case import load_case
from xzufi_toolkit.case.checks import age_at, check_case
from xzufi_toolkit.case.leistung import load_leistung
from xzufi_toolkit.case.validate import is_valid_case, require_valid_case, validate_case
from xzufi_toolkit.errors import InputError, ValidationFailedError
from xzufi_toolkit.findings import Severity
from xzufi_toolkit.io.resources import fixture_file

INVALID = Path(__file__).resolve().parent.parent / "fixtures" / "cases" / "invalid"
CASES = sorted(p for p in INVALID.glob("*.json") if not p.name.endswith(".expected.json"))
TODAY = dt.date(2026, 11, 20)
LEISTUNG = load_leistung()  # the bundled XZuFi 2.3.1 fixture of 99010022001012


def test_invalid_corpus_is_complete() -> None:
    assert len(CASES) >= 15
    for case in CASES:
        assert case.with_suffix(".expected.json").is_file(), case.name


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_invalid_case_gives_expected_findings(path: Path) -> None:
    expected = json.loads(path.with_suffix(".expected.json").read_text(encoding="utf-8"))
    today = dt.date.fromisoformat(expected["today"])
    if "error" in expected:
        with pytest.raises(InputError, match=expected["error"]) as info:
            validate_case(path.read_bytes(), today=today, file=path.name)
        assert info.value.file == path.name
        return
    _, report = validate_case(path.read_bytes(), today=today, file=path.name, leistung=LEISTUNG)
    got = sorted((f.code, f.location.json_path) for f in report if f.severity >= Severity.WARNING)
    want = sorted((f["code"], f["json_path"]) for f in expected["findings"])
    assert got == want
    assert all(f.location.file == path.name for f in report)
    assert is_valid_case(path.read_bytes(), today=today, leistung=LEISTUNG) == report.valid


@pytest.mark.parametrize("path", sorted(fixture_file("cases").glob("*.json")), ids=lambda p: p.stem)
def test_bundled_cases_pass_the_rules(path: Path) -> None:
    case = require_valid_case(path.read_bytes(), today=TODAY, file=path.name, leistung=LEISTUNG)
    assert check_case(case, today=TODAY) == []
    _, report = validate_case(path.read_bytes(), today=TODAY, leistung=LEISTUNG)
    assert report.valid
    assert [f.code for f in report if f.code == "CASE-FEE"] == ["CASE-FEE"]


def test_require_valid_case_raises_with_report() -> None:
    data = (INVALID / "future-date.json").read_bytes()
    with pytest.raises(ValidationFailedError) as info:
        require_valid_case(data, today=TODAY)
    assert info.value.report.codes() == ["CASE-DATE-FUTURE"]  # type: ignore[attr-defined]  # report is typed object in errors.py


def test_messages_carry_no_values_unless_asked() -> None:
    data = json.loads((INVALID / "name-cyrillic.json").read_text(encoding="utf-8"))
    _, report = validate_case(data, today=TODAY)
    (finding,) = [f for f in report if f.code == "CASE-DIN91379"]
    assert "Иванов" not in finding.message
    assert "U+0418" in finding.message and "position 0" in finding.message
    _, shown = validate_case(data, today=TODAY, show_values=True)
    assert any("Иванов" in f.message for f in shown)


def test_reference_date_is_injected() -> None:
    case = load_case(fixture_file("cases", "adult-employed.json").read_bytes())
    assert check_case(case, today=case.datum) == []
    before = case.datum - dt.timedelta(days=1)
    assert [f.code for f in check_case(case, today=before)] == ["CASE-DATE-FUTURE"]


@pytest.mark.parametrize(
    ("birth", "on", "ages"),
    [
        ("2008-11-20", dt.date(2026, 11, 20), (18, 18)),
        ("2008-11-21", dt.date(2026, 11, 20), (17, 17)),
        ("2008-11", dt.date(2026, 11, 20), (17, 18)),
        ("2008", dt.date(2026, 11, 20), (17, 18)),
        ("2008-02", dt.date(2026, 11, 20), (18, 18)),
        ("2000-02-29", dt.date(2018, 2, 28), (17, 17)),
    ],
)
def test_age_at_partly_known_birth(birth: str, on: dt.date, ages: tuple[int, int]) -> None:
    assert age_at(birth, on) == ages


def test_invalid_partial_birth_date_is_a_finding() -> None:
    case = load_case(fixture_file("cases", "adult-employed.json").read_bytes())
    a = case.antragsteller
    broken = dataclasses.replace(
        case,
        antragsteller=dataclasses.replace(
            a, geburt=dataclasses.replace(a.geburt, datum="1991-02-30")
        ),
    )
    assert [f.code for f in check_case(broken, today=TODAY)] == ["CASE-DATE-INVALID"]


def test_every_emitted_code_has_rule_metadata_docs_and_german_text() -> None:
    from xzufi_toolkit.case.rules import RULES

    docs = (Path(__file__).resolve().parent.parent / "docs" / "applications.md").read_text(
        encoding="utf-8"
    )
    seen: set[str] = set()
    for path in [*CASES, *sorted(fixture_file("cases").glob("*.json"))]:
        try:
            _, report = validate_case(path.read_bytes(), today=TODAY, leistung=LEISTUNG)
        except InputError:
            continue
        for f in report:
            seen.add(f.code)
            assert f.message_de and f.message_de != f.message, f.code
            assert f.code in RULES, f.code
    assert len(seen) >= 19  # the corpora exercise most rules; the rest have unit tests
    for code in RULES:  # docs list each code, or its suffix after a sibling ("`-EXPULSION`")
        parts = code.split("-", 2)
        names = (f"`{code}`", f"`-{parts[-1]}`", f"`-{code.rsplit('-', 1)[1]}`")
        assert any(name in docs for name in names), code


def _table_glyphs(*groups: str) -> set[str]:
    from xzufi_toolkit.io.resources import data_file

    table = json.loads(data_file("din91379.json").read_text(encoding="utf-8"))
    out: set[str] = set()
    for group in groups:
        for entry in [*table["groups"][group]["chars"], *table["groups"][group]["sequences"]]:
            out.add("".join(chr(int(cp, 16)) for cp in entry.split()))
    return out


def test_whole_character_list_in_a_name_field() -> None:
    """Every glyph of the list: accepted in a person's name exactly when it is type A."""
    case = load_case(fixture_file("cases", "adult-employed.json").read_bytes())
    a = case.antragsteller
    type_a = _table_glyphs("bll", "bnlreq")
    everything = _table_glyphs("bll", "bnlreq", "bnl", "bnlopt", "bnlnot", "gl", "cl", "enl")
    assert len(everything) > 900
    for glyph in sorted(everything):
        name = dataclasses.replace(a.name, familienname=f"A{glyph}a")
        found = check_case(
            dataclasses.replace(case, antragsteller=dataclasses.replace(a, name=name)), today=TODAY
        )
        din = [f for f in found if f.code == "CASE-DIN91379"]
        if glyph in type_a:
            assert din == [], f"U+{ord(glyph[0]):04X} rejected"
        else:
            assert [f.location.json_path for f in din] == ["$.antragsteller.name.familienname"]
            assert "position 1" in din[0].message, f"U+{ord(glyph[0]):04X}"

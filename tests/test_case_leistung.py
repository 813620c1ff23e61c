"""Checks against the Leistung: prerequisites (09), documents (08), fee, Frist.

The Leistung here is built from the seed's texts (the FIM Portal export of
99010022001012); the bundled XZuFi fixture is tested the same way where it
is present.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest

from xzufi_toolkit.case import load_case
from xzufi_toolkit.case.leistung import check_against_leistung, list_items, load_leistung
from xzufi_toolkit.case.model import Case
from xzufi_toolkit.findings import Finding, Severity
from xzufi_toolkit.io.resources import fixture_file
from xzufi_toolkit.model import (
    Code,
    Cost,
    CostModule,
    Duration,
    DurationModule,
    Identifier,
    Leistung,
    LocalizedText,
    TextModule,
)

TODAY = dt.date(2026, 11, 20)

DOCS_08 = """<ul><li>Presentation of the currently valid residence permit</li>
<li>current biometric photo</li>
<li>Proof of identity, e.g. passport, ID card, birth certificate,
 marriage certificate; Citizenship card</li>
<li>Employment contract or binding job offer</li>
<li>for regulated professions: your licence to practise medicine
(e.g. licence to practise medicine or licence to practise a profession)</li>
<li>Proof of your health insurance</li>
<li>Lease</li></ul>"""

PREREQ_09 = """<ul><li>Possession of a residence permit</li>
<li>No possibility of renewal or issuance of another residence permit</li>
<li>Special circumstances of the individual case justify extraordinary hardship</li>
<li>Threat of an enforceable obligation to leave the country</li>
<li>Submission of general grant requirements (e.g. securing livelihood,
sufficient living space, passport requirement)</li>
<li>No interest in expulsion</li>
<li>No entry and residence ban</li></ul>"""


def _text(code: str, html: str) -> TextModule:
    return TextModule(code=Code(code=code), contents=[LocalizedText(language="en", text=html)])


def seed_leistung() -> Leistung:
    def en(text: str) -> list[LocalizedText]:
        return [LocalizedText(language="en", text=text)]

    return Leistung(
        id=Identifier(value="99010022001012", scheme_agency_id="HE"),
        leika_keys=["99010022001012"],
        text_modules=[_text("08", DOCS_08), _text("09", PREREQ_09)],
        cost_modules=[
            CostModule(
                costs=[
                    Cost(
                        kind="fix",
                        amount=Decimal(100),
                        currency="EUR",
                        description=en("Issuing the residence permit"),
                    ),
                    Cost(
                        kind="fix", amount=Decimal(50), currency="EUR", description=en("for minors")
                    ),
                    Cost(
                        kind="frei", free_description=en("Exemption from fees for social benefits")
                    ),
                ]
            )
        ],
        deadline_modules=[DurationModule(items=[Duration(value=3, unit="JAHR")])],
    )


def _case(name: str) -> Case:
    return load_case(fixture_file("cases", f"{name}.json").read_bytes())


def _check(case: Case, leistung: Leistung | None = None) -> list[Finding]:
    return list(check_against_leistung(case, leistung or seed_leistung(), today=TODAY))


def _codes(findings: list[Finding], severity: Severity | None = None) -> list[str]:
    return [f.code for f in findings if severity is None or f.severity is severity]


def test_list_items_from_html() -> None:
    assert list_items("<ul><li>A &amp; B</li><li> <b>C</b> </li></ul>") == ["A & B", "C"]
    assert list_items("<p>one</p><p>two<br>three</p>") == ["one", "two", "three"]
    assert list_items("<script>x</script><li>ok</li>") == ["ok"]
    assert list_items("* one\n* two") == ["one", "two"]
    assert len(list_items(DOCS_08)) == 7


@pytest.mark.parametrize(
    ("name", "fee"),
    [
        ("adult-employed", "fee due: 100 EUR (adult"),
        ("regulated-profession", "fee due: 100 EUR (adult"),
        ("minor", "fee due: 50 EUR (minor"),
        ("sgb2-exempt", "no fee: exempt"),
    ],
)
def test_fee_from_the_cost_module(name: str, fee: str) -> None:
    (finding,) = [f for f in _check(_case(name)) if f.code == "CASE-FEE"]
    assert fee in finding.message
    assert finding.severity is Severity.INFO


def test_partly_known_birth_date_can_leave_the_fee_open() -> None:
    case = _case("minor")
    a = case.antragsteller
    born_2008 = dataclasses.replace(
        case,
        antragsteller=dataclasses.replace(a, geburt=dataclasses.replace(a.geburt, datum="2008")),
    )
    assert "CASE-FEE-UNDECIDED" in _codes(_check(born_2008))


def test_bundled_cases_meet_the_prerequisites_and_bring_their_documents() -> None:
    for name in ("adult-employed", "regulated-profession"):
        findings = _check(_case(name))
        assert _codes(findings, Severity.ERROR) == [], name
        assert _codes(findings, Severity.WARNING) == [], name
        enclosed = [f for f in findings if f.code == "CASE-DOC-ENCLOSED"]
        assert len(enclosed) == (7 if name == "regulated-profession" else 6)


def test_missing_documents_are_warnings_licence_only_for_regulated_professions() -> None:
    findings = _check(_case("minor"))
    missing = [f.message for f in findings if f.code == "CASE-DOC-MISSING"]
    assert len(missing) == 2  # employment contract, lease
    assert any("Employment contract" in m for m in missing)
    assert any("Lease" in m for m in missing)
    assert not any("licence" in m for m in missing)
    regulated = _case("regulated-profession")
    without_licence = dataclasses.replace(
        regulated, unterlagen=tuple(u for u in regulated.unterlagen if u.art != "05")
    )
    missing = [f.message for f in _check(without_licence) if f.code == "CASE-DOC-MISSING"]
    assert len(missing) == 1 and "licence" in missing[0]


@pytest.mark.parametrize(
    ("change", "code", "path"),
    [
        (
            {"ausweisungsinteresse": True},
            "CASE-PREREQ-EXPULSION",
            "$.erklaerungen.ausweisungsinteresse",
        ),
        (
            {"einreiseUndAufenthaltsverbot": True},
            "CASE-PREREQ-ENTRY-BAN",
            "$.erklaerungen.einreiseUndAufenthaltsverbot",
        ),
    ],
)
def test_declarations_decide_prerequisites(change: dict[str, bool], code: str, path: str) -> None:
    case = _case("adult-employed")
    bad = dataclasses.replace(case, erklaerungen=dataclasses.replace(case.erklaerungen, **change))
    errors = [f for f in _check(bad) if f.severity is Severity.ERROR]
    assert [(f.code, f.location.json_path) for f in errors] == [(code, path)]


def test_permit_of_another_kind_fails_the_prerequisite() -> None:
    case = _case("adult-employed")
    bad = dataclasses.replace(
        case, aufenthaltstitel=dataclasses.replace(case.aufenthaltstitel, art="07")
    )
    assert _codes(_check(bad), Severity.ERROR) == ["CASE-PREREQ-PERMIT"]


def test_open_prerequisites_are_reported_as_info() -> None:
    (finding,) = [f for f in _check(_case("adult-employed")) if f.code == "CASE-PREREQ-OPEN"]
    assert "4 of 7" in finding.message


def test_requested_duration_within_the_frist() -> None:
    case = _case("adult-employed")
    assert case.antrag.beantragteDauerMonate == 36
    assert "CASE-DURATION-EXCEEDED" not in _codes(_check(case))
    longer = dataclasses.replace(
        case, antrag=dataclasses.replace(case.antrag, beantragteDauerMonate=37)
    )
    (finding,) = [f for f in _check(longer) if f.code == "CASE-DURATION-EXCEEDED"]
    assert "36 months" in finding.message and "37" not in finding.message


def test_case_for_another_leistung() -> None:
    case = dataclasses.replace(_case("adult-employed"), leistungsschluessel="99010022001013")
    assert _codes(_check(case)) == ["CASE-LEISTUNG-MISMATCH"]


def test_leistung_without_modules_says_what_it_did_not_check() -> None:
    empty = Leistung(id=Identifier(value="99010022001012"), leika_keys=["99010022001012"])
    codes = _codes(_check(_case("adult-employed"), empty))
    assert codes == [
        "CASE-LEISTUNG-INCOMPLETE",
        "CASE-LEISTUNG-INCOMPLETE",
        "CASE-FEE-UNKNOWN",
        "CASE-LEISTUNG-INCOMPLETE",
    ]


@pytest.mark.parametrize(
    ("name", "fee", "missing"),
    [
        ("adult-employed", "fee due: 100 EUR", 0),
        ("minor", "fee due: 50 EUR", 2),
        ("sgb2-exempt", "no fee", 1),
        ("regulated-profession", "fee due: 100 EUR", 0),
    ],
)
def test_against_the_bundled_xzufi_fixture(name: str, fee: str, missing: int) -> None:
    findings = _check(_case(name), load_leistung())
    assert _codes(findings, Severity.ERROR) == []
    assert next(f.message for f in findings if f.code == "CASE-FEE").startswith(
        f"$.{'lebensunterhalt' if name == 'sgb2-exempt' else 'datum'}: {fee}"
    )
    assert _codes(findings).count("CASE-DOC-MISSING") == missing
    assert "4 of 7" in next(f.message for f in findings if f.code == "CASE-PREREQ-OPEN")

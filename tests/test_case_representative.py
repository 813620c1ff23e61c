"""The legal representative (gesetzlicherVertreter): the case rules that need the
applicant's age on the application date, and that messages carry no values."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from typing import Any

import pytest

from xzufi_toolkit.case import load_case
from xzufi_toolkit.case.checks import check_case
from xzufi_toolkit.case.io import dump_case
from xzufi_toolkit.case.model import Case, Geburt
from xzufi_toolkit.findings import Severity
from xzufi_toolkit.io.resources import fixture_file
from xzufi_toolkit.message import Message, MessageHeader, build_message, read_message

TODAY = dt.date(2026, 11, 20)
REP_CODES = {"CASE-REPRESENTATIVE-MISSING", "CASE-REPRESENTATIVE-ADULT"}


def _case(name: str) -> Case:
    return load_case(fixture_file("cases", f"{name}.json").read_bytes())


def _with_birth(case: Case, birth: str) -> Case:
    a = dataclasses.replace(case.antragsteller, geburt=Geburt(datum=birth))
    return dataclasses.replace(case, antragsteller=a)


def _rep_findings(case: Case, *, show_values: bool = False) -> list[Any]:
    found = check_case(case, today=TODAY, show_values=show_values)
    return [f for f in found if f.code in REP_CODES]


@pytest.mark.parametrize("name", ["minor", "minor-parents"])
def test_represented_minor_has_no_finding(name: str) -> None:
    assert _case(name).gesetzlicherVertreter is not None
    assert _rep_findings(_case(name)) == []


def test_minor_without_representative_is_a_warning() -> None:
    case = dataclasses.replace(_case("minor"), gesetzlicherVertreter=None)
    (f,) = _rep_findings(case)
    assert (f.code, f.severity, f.location.json_path) == (
        "CASE-REPRESENTATIVE-MISSING",
        Severity.WARNING,
        "$.gesetzlicherVertreter",
    )
    assert f.message_de and "Vertretung" in f.message_de


def test_representative_of_an_adult_is_an_info() -> None:
    adult = _case("adult-employed")
    rep = _case("minor").gesetzlicherVertreter
    (f,) = _rep_findings(dataclasses.replace(adult, gesetzlicherVertreter=rep))
    assert (f.code, f.severity) == ("CASE-REPRESENTATIVE-ADULT", Severity.INFO)
    assert _rep_findings(adult) == []  # an adult without one: nothing to say


@pytest.mark.parametrize(
    ("birth", "expected"),
    [
        ("2008-11-09", []),  # 18th birthday on the application date (2026-11-09): adult
        ("2008-11-10", ["CASE-REPRESENTATIVE-MISSING"]),  # one day short of 18
        ("2008", []),  # partly known, 17 or 18: the age is open, as for the fee
        ("2008-11", []),
        ("2009", ["CASE-REPRESENTATIVE-MISSING"]),  # surely under 18
        ("2023-02-30", []),  # no calendar date: CASE-DATE-INVALID speaks
    ],
)
def test_age_is_the_fee_checks_age(birth: str, expected: list[str]) -> None:
    case = _with_birth(dataclasses.replace(_case("minor"), gesetzlicherVertreter=None), birth)
    assert [f.code for f in _rep_findings(case)] == expected


def test_messages_name_no_value_unless_asked() -> None:
    rep = _case("minor").gesetzlicherVertreter
    case = dataclasses.replace(_case("adult-employed"), gesetzlicherVertreter=rep)
    (quiet,) = _rep_findings(case)
    assert rep is not None
    for text in (quiet.message, quiet.message_de or ""):
        assert rep.name.familienname not in text and "Văn" not in text


def test_representative_round_trips_json_and_message() -> None:
    case = _case("minor-parents")
    assert load_case(dump_case(case)) == case
    message = Message(case=case, header=MessageHeader.new())
    xml = build_message(message)
    assert read_message(xml).case == case
    assert xml.index(b"<aa:angabenZurPerson>") < xml.index(b"<aa:gesetzlicherVertreter>")
    assert xml.index(b"<aa:gesetzlicherVertreter>") < xml.index(b"<aa:ausweisdokument>")
    assert b"urn:xzufi-toolkit:codeliste:vertretungsart" in xml


def test_case_without_representative_writes_no_element() -> None:
    case = _case("adult-employed")
    assert case.gesetzlicherVertreter is None
    xml = build_message(Message(case=case, header=MessageHeader.new()))
    assert b"gesetzlicherVertreter" not in xml
    assert "gesetzlicherVertreter" not in json.loads(dump_case(case))

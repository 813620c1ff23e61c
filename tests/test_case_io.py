"""Case JSON at the boundary: schema findings with JSON paths, hostile JSON, round trips."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from xzufi_toolkit.case import case_to_dict, dump_case, iter_schema_findings, load_case
from xzufi_toolkit.errors import InputError, ValidationFailedError
from xzufi_toolkit.io.resources import fixture_file

VALID = sorted(fixture_file("cases").glob("*.json"))


def _adult() -> dict[str, object]:
    data: dict[str, object] = json.loads(
        fixture_file("cases", "adult-employed.json").read_text(encoding="utf-8")
    )
    return data


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.stem)
def test_bundled_cases_are_schema_valid_and_round_trip(path: Path) -> None:
    raw = path.read_bytes()
    case = load_case(raw, file=str(path))
    assert case_to_dict(case) == json.loads(raw)
    assert dump_case(case) == raw  # golden: key order and formatting are stable


def test_there_are_several_bundled_cases() -> None:
    assert len(VALID) >= 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"{", "not valid JSON"),
        (b'{"a": 1, "a": 2}', "duplicate key"),
        (b'{"a": NaN}', "not valid JSON"),
        (b'{"a": 1e999}', "not valid JSON"),
        (b"\xff\xfe{}", "not UTF-8"),
        (b"[" * 100000, "not valid JSON"),
    ],
)
def test_unreadable_json_is_one_input_error(data: bytes, message: str) -> None:
    with pytest.raises(InputError, match=message) as info:
        load_case(data, file="x.json")
    assert info.value.file == "x.json"


def test_schema_errors_name_path_and_rule_but_not_value() -> None:
    data = _adult()
    secret = "Geheimname"
    antragsteller = data["antragsteller"]
    assert isinstance(antragsteller, dict)
    antragsteller["name"]["familienname"] = 12345
    antragsteller["anschrift"]["postleitzahl"] = secret
    data["hobby"] = secret
    del data["datum"]
    found = {(f.code, f.location.json_path) for f in iter_schema_findings(data)}
    assert found == {
        ("CASE-SCHEMA-TYPE", "$.antragsteller.name.familienname"),
        ("CASE-SCHEMA-PATTERN", "$.antragsteller.anschrift.postleitzahl"),
        ("CASE-SCHEMA-UNKNOWN-FIELD", "$.hobby"),
        ("CASE-SCHEMA-REQUIRED", "$.datum"),
    }
    assert all(
        secret not in f.message and "12345" not in f.message for f in iter_schema_findings(data)
    )
    shown = [f.message for f in iter_schema_findings(data, show_values=True)]
    assert any(secret in m for m in shown)


def test_load_case_raises_with_report() -> None:
    data = _adult()
    data["antrag"] = {"grund": "02"}
    with pytest.raises(ValidationFailedError) as info:
        load_case(data)
    assert "$.antrag.begruendungHaertefall" in {
        f.location.json_path
        for f in info.value.report  # type: ignore[attr-defined]  # report is typed object in errors.py
    }


def test_impossible_date_is_a_format_finding() -> None:
    data = _adult()
    antrag = data["antrag"]
    assert isinstance(antrag, dict)
    antrag["ersteEinreise"] = "2015-02-30"
    assert [f.code for f in iter_schema_findings(data)] == ["CASE-SCHEMA-FORMAT"]


def test_text_is_nfc_normalised_on_load() -> None:
    data = _adult()
    antragsteller = data["antragsteller"]
    assert isinstance(antragsteller, dict)
    antragsteller["name"]["familienname"] = "Wis\u0301niewski"
    case = load_case(data)
    assert case.antragsteller.name.familienname == "Wi\u015bniewski"

"""``xzufi xdf jsonschema`` and ``xzufi data check``: the derived JSON Schema,
and the application-data corpus through the library and the CLI.

``fixtures/xdf/data/{valid,invalid}/NAME.json`` each have ``NAME.expected.json``
naming the schema (relative to ``fixtures/xdf``), the ``--codelist`` files and
the findings (code, severity, JSON path) in order.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from xzufi_toolkit.cli.main import main
from xzufi_toolkit.xdf.data import (
    RULES,
    check_data,
    compile_schema,
    din_type,
    iter_data_findings,
    load_data_schema,
)
from xzufi_toolkit.xdf.genericode import read_genericode
from xzufi_toolkit.xdf.jsonschema import derive
from xzufi_toolkit.xdf.model import Datenfeld, Regel, walk
from xzufi_toolkit.xdf.reader import read_xdf
from xzufi_toolkit.xdf.rules import RuleCondition, parse_rule

XDF = Path(__file__).resolve().parent.parent / "fixtures" / "xdf"
DATA = XDF / "data"
VALID = sorted(p for p in (DATA / "valid").glob("*.json") if not p.name.endswith(".expected.json"))
INVALID = sorted(
    p for p in (DATA / "invalid").glob("*.json") if not p.name.endswith(".expected.json")
)
BLAUE_KARTE = XDF / "S00000121-antrag-blaue-karte-eu.xdf2.xml"
APPLICATION = DATA / "valid" / "blaue-karte-application.json"
GESCHLECHT = XDF / "codelists" / "geschlecht-xinneres-1.gc.xml"
# a fallback for keywords the derived schemas do not use
NO_FIXTURE = {"DATA-INVALID"}


def _side(path: Path) -> dict[str, Any]:
    side = json.loads(
        path.with_name(path.name.removesuffix(".json") + ".expected.json").read_text()
    )
    assert isinstance(side, dict)
    return side


def _items(findings: Any) -> list[dict[str, Any]]:
    return [
        {"code": f.code, "severity": f.severity.value, "json_path": f.location.json_path}
        for f in findings
    ]


def test_corpus_covers_every_rule() -> None:
    assert VALID and INVALID
    named = {max((c for c in RULES if p.name.startswith(c + "-")), key=len) for p in INVALID}
    found = {f["code"] for p in INVALID for f in _side(p)["findings"]}
    assert named <= found
    assert set(RULES) - NO_FIXTURE <= found, sorted(set(RULES) - NO_FIXTURE - found)


@pytest.mark.parametrize("path", VALID + INVALID, ids=lambda p: p.name)
def test_library(path: Path) -> None:
    side = _side(path)
    ds = load_data_schema(XDF / side["schema"], [XDF / c for c in side["codelists"]])
    report = check_data(path.read_bytes(), ds, file=path.name)
    assert _items(report) == side["findings"]
    if path.parent.name == "valid":
        assert not report.findings
    else:
        code = max((c for c in RULES if path.name.startswith(c + "-")), key=len)
        assert code in report.codes()


@pytest.mark.parametrize("path", VALID + INVALID, ids=lambda p: p.name)
def test_cli(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    side = _side(path)
    argv = ["data", "check", str(path), "--schema", str(XDF / side["schema"]), "-f", "json"]
    for c in side["codelists"]:
        argv += ["--codelist", str(XDF / c)]
    rc = main(argv)
    out = json.loads(capsys.readouterr().out)
    got = [
        {
            "code": f["code"],
            "severity": f["severity"],
            "json_path": f["location"].get("json_path"),
        }
        for f in out["findings"]
    ]
    assert got == side["findings"]
    assert rc == (1 if any(f["severity"] == "error" for f in got) else 0)


# --- the derived JSON Schema --------------------------------------------------------------
def test_blaue_karte_schema_shape() -> None:
    derived = derive(read_xdf(BLAUE_KARTE))
    schema = derived.schema
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["additionalProperties"] is False
    defs = schema["$defs"]
    person = defs["G00000630"]
    assert person["title"] == "Persönliche Angaben zum Antragsteller"
    assert "F00000043" not in person["required"]  # 0:1 → optional
    assert "F00000013" in person["required"]
    assert defs["F00000013"]["type"] == "string" and defs["F00000013"]["minLength"] == 1
    assert defs["F00000013"]["description"].startswith("Geben Sie den Nachnamen")
    assert defs["F00001016"] | {"type": "string", "format": "date"} == defs["F00001016"]
    assert defs["F00001027"]["type"] == "boolean"
    assert defs["F00001017"]["type"] == "number"
    assert defs["F00001019"]["$ref"] == "#/$defs/xdf-file"
    zeilen = defs["G00000245"]["properties"]["F00000087"]
    assert zeilen == {
        "type": "array",
        "items": {"$ref": "#/$defs/F00000087"},
        "minItems": 2,
        "maxItems": 5,
    }
    kanal = defs["G00000016"]["properties"]["G00000015"]
    assert kanal["minItems"] == 1 and "maxItems" not in kanal  # 1:*
    # 4 code lists (F00000038 is used twice), none at hand: strings with a note
    assert [f.code for f in derived.findings] == ["XDF-JSON-001"] * 4
    assert "enum" not in defs["F00000065"] and "geschlecht" in defs["F00000065"]["$comment"]


def test_hand_made_application_is_valid_and_invalid_ones_are_refused() -> None:
    validator = Draft202012Validator(
        derive(read_xdf(BLAUE_KARTE)).schema, format_checker=Draft202012Validator.FORMAT_CHECKER
    )
    app = json.loads(APPLICATION.read_text())
    assert list(validator.iter_errors(app)) == []
    app["G00000630"].pop("F00000013")
    app["G00000642"]["F00000728"] = "viel"
    assert len(list(validator.iter_errors(app))) == 2


def test_codelist_given_becomes_enum_and_bundled_when_version_matches() -> None:
    doc = read_xdf(XDF / "valid" / "minimal.xdf2.xml")
    given = derive(doc, codelists=[("g.xml", read_genericode(GESCHLECHT))])
    assert given.schema["$defs"]["F99000004"]["enum"] == ["m", "w", "d", "x"]
    assert given.findings == ()
    # the same list is bundled (xzufi_toolkit/data/codelists/geschlecht.json, version 1)
    bundled = derive(doc)
    assert bundled.schema["$defs"]["F99000004"]["enum"] == ["m", "w", "d", "x"]
    # a list the schema does not reference is named
    other = derive(read_xdf(BLAUE_KARTE), codelists=[("g.xml", read_genericode(GESCHLECHT))])
    assert "XDF-JSON-003" in [f.code for f in other.findings]


def test_v3_schema_constraints() -> None:
    defs = derive(read_xdf(XDF / "valid" / "minimal.xdf3.xml")).schema["$defs"]
    assert defs["F99000034"]["pattern"] == "^(?:[0-9]{5})$"
    assert (
        defs["F99000038"]["type"],
        defs["F99000038"]["minimum"],
        defs["F99000038"]["maximum"],
    ) == (
        "integer",
        0,
        20,
    )
    assert defs["F99000040"]["properties"] == {
        "mimeType": {"enum": ["application/pdf", "image/jpeg"]},
        "size": {"maximum": 5000000},
    }
    assert "F99000041" not in defs  # a label field holds no data


def test_cli_jsonschema_writes_file_and_reports_on_stderr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "schema.json"
    assert main(["xdf", "jsonschema", str(BLAUE_KARTE), "-o", str(out)]) == 0
    schema = json.loads(out.read_text())
    assert schema == derive(read_xdf(BLAUE_KARTE)).schema
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("[XDF-JSON-001]") == 4


def test_cli_jsonschema_refuses_to_overwrite_its_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "s.xml"
    src.write_bytes(BLAUE_KARTE.read_bytes())
    assert main(["xdf", "jsonschema", str(src), "-o", str(src)]) == 2
    assert src.read_bytes() == BLAUE_KARTE.read_bytes()
    assert "xzufi: error:" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("content", "text"),
    [
        (b"<x/>", "not an XDatenfelder message"),
        (
            b"<a:xdatenfelder.stammdatenschema.0102"
            b' xmlns:a="urn:xoev-de:fim:standard:xdatenfelder_9"/>',
            "unknown XDatenfelder version",
        ),
        (b"\x00\x01binary", "not an XML document"),
    ],
)
def test_cli_bad_schema_is_one_error_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, text: str
) -> None:
    bad = tmp_path / "bad.xml"
    bad.write_bytes(content)
    out = tmp_path / "o.json"
    assert main(["xdf", "jsonschema", str(bad), "-o", str(out)]) == 1
    assert main(["data", "check", str(APPLICATION), "--schema", str(bad)]) == 1
    err = capsys.readouterr().err
    lines = err.splitlines()
    assert len(lines) == 2 and all(line.startswith("xzufi: error:") for line in lines)
    assert text in lines[0]
    assert not out.exists()


def test_cli_bad_codelist_is_one_error_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        main(["xdf", "jsonschema", str(BLAUE_KARTE), "-o", "-", "--codelist", str(BLAUE_KARTE)])
        == 1
    )
    err = capsys.readouterr().err
    assert err.startswith("xzufi: error:") and "not a genericode" in err


# --- data check ---------------------------------------------------------------------------
def test_schema_compiled_once_per_process() -> None:
    first = load_data_schema(BLAUE_KARTE)
    assert load_data_schema(BLAUE_KARTE) is first
    assert load_data_schema(BLAUE_KARTE, [GESCHLECHT]) is not first


def test_values_only_with_show_values(capsys: pytest.CaptureFixture[str]) -> None:
    path = DATA / "invalid" / "DATA-DIN91379-blaue-karte-emoji-in-name.json"
    for fmt in ("text", "json", "sarif", "junit", "github", "gitlab"):
        main(["data", "check", str(path), "--schema", str(BLAUE_KARTE), "-f", fmt])
        out = capsys.readouterr().out
        assert "Yılmaz" not in out and "Ayşe" not in out, fmt
    main(["data", "check", str(path), "--schema", str(BLAUE_KARTE), "--show-values"])
    assert "Yılmaz" in capsys.readouterr().out


@pytest.mark.parametrize("name", [p.name for p in INVALID])
def test_no_value_of_the_data_in_messages(name: str) -> None:
    path = DATA / "invalid" / name
    side = _side(path)
    ds = load_data_schema(XDF / side["schema"], [XDF / c for c in side["codelists"]])
    report = check_data(path.read_bytes(), ds, file=name)
    try:
        data = json.loads(path.read_text())
    except ValueError:
        return
    secrets = {v for v in _strings(data) if len(v) > 3}
    for f in report:
        for text in (f.text("en"), f.text("de")):
            assert not any(s in text for s in secrets), (f.code, text)


def _strings(value: Any) -> set[str]:
    if isinstance(value, str):
        return {value}
    if isinstance(value, dict):
        return {s for v in value.values() for s in _strings(v)}
    if isinstance(value, list):
        return {s for v in value for s in _strings(v)}
    return set()


def test_script_is_never_executed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    marker = tmp_path / "ran"
    schema = (XDF / "valid" / "script-rule.xdf3.xml").read_text()
    schema = schema.replace("/tmp/xzufi-script-ran", str(marker))
    path = tmp_path / "s.xml"
    path.write_text(schema)
    calls: list[str] = []
    load_data_schema(BLAUE_KARTE)  # jsonschema builds its validator class with exec, once
    monkeypatch.setattr("builtins.eval", lambda *a, **k: calls.append("eval"))
    monkeypatch.setattr("builtins.exec", lambda *a, **k: calls.append("exec"))
    ds = load_data_schema(path)
    data = (DATA / "valid" / "minimal-v3.json").read_bytes()
    report = check_data(data, ds)
    assert "DATA-RULE-004" in report.codes()
    assert not marker.exists() and calls == []


def test_rule_forms() -> None:
    doc = read_xdf(BLAUE_KARTE)
    rules = {
        r.identifikation.id: r
        for _, e in walk(doc.content)
        for r in getattr(e.element, "regeln", ())
    }
    assert parse_rule(rules["R00000252"]) == RuleCondition(
        ("F00001031", "F00001032", "F00001033"), "F00001030", True
    )
    assert parse_rule(rules["R00000255"]) == RuleCondition(
        ("F00001042", "F00000609", "F00001043", "F00000008", "F00001045"), "F00001041", True
    )
    from xzufi_toolkit.xdf.model import Identifikation, Metadaten

    prose = Regel(Identifikation("R1", "1"), Metadaten(definition="Bitte prüfen."))
    assert parse_rule(prose) is None
    huge = Regel(Identifikation("R1", "1"), freitext_regel='"F00000001 a" ' * 5000 + "ist")
    assert parse_rule(huge) is None


def test_din_types_of_blaue_karte_fields() -> None:
    doc = read_xdf(BLAUE_KARTE)
    fields = {e.element.identifikation.id: e.element for _, e in walk(doc.content)}
    kinds = {}
    for fid in ("F00000013", "F00000045", "F00000014", "F00000035", "F00000112", "F00001043"):
        fld = fields[fid]
        assert isinstance(fld, Datenfeld)
        kinds[fid] = din_type(fld).value
    assert kinds == {
        "F00000013": "A",  # Familienname
        "F00000045": "A",  # Vorname
        "F00000014": "A",  # Geburtsname
        "F00000035": "B",  # Ort
        "F00000112": "B",  # Name juristische Person
        "F00001043": "C",  # Tatbestand
    }


def test_data_input_refusals(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ds = compile_schema(read_xdf(BLAUE_KARTE))
    for raw, text in (
        (b'{"a": 1, "a": 2}', "duplicate key"),
        (b"\xff\xfe", "not UTF-8"),
        (b"", "empty"),
        (b"[1, NaN]", "not valid JSON"),
        (b"{" * 5000, "not valid JSON"),
    ):
        (f,) = check_data(raw, ds).findings
        assert f.code == "DATA-INPUT" and text in f.message
    assert (
        main(["data", "check", str(tmp_path / "missing.json"), "--schema", str(BLAUE_KARTE)]) == 1
    )
    assert "[DATA-INPUT]" in capsys.readouterr().out


_IDS = ["G00000630", "F00000013", "G00000636", "F00001027", "F00001028", "F00000728", "x"]
_JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(_IDS), inner, max_size=3)
    ),
    max_leaves=10,
)


@settings(max_examples=150, deadline=None)
@given(_JSON)
def test_any_json_gives_findings_not_exceptions(value: Any) -> None:
    """Whatever shape the data has, the checker reports; it never raises."""
    ds = load_data_schema(BLAUE_KARTE)
    findings = list(iter_data_findings(value, ds))
    if not isinstance(value, dict):
        assert [f.code for f in findings] == ["DATA-TYPE"]


def test_cli_several_data_files_one_schema(capsys: pytest.CaptureFixture[str]) -> None:
    bad = DATA / "invalid" / "DATA-REQUIRED-blaue-karte-no-familienname.json"
    argv = ["data", "check", str(APPLICATION), str(bad), "--schema", str(BLAUE_KARTE)]
    assert main(argv) == 1
    out = capsys.readouterr().out
    assert "2 document(s) checked: 1 error(s)" in out
    assert str(bad) in out and str(APPLICATION) not in out

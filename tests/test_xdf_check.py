"""``xzufi xdf check``: the schema corpus through the library and the CLI.

``fixtures/xdf/invalid/<CODE>-<what>.xdf?.xml`` holds at least one schema per
rule; beside each, ``.expected.json`` lists the findings (code, severity, line)
in order. ``fixtures/xdf/valid/`` has no errors or warnings.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from xzufi_toolkit.cli.main import main
from xzufi_toolkit.findings import Report, Severity
from xzufi_toolkit.xdf.check import RULES, check, check_file, is_valid, iter_findings
from xzufi_toolkit.xdf.reader import read_xdf

XDF = Path(__file__).resolve().parent.parent / "fixtures" / "xdf"
VALID = sorted((XDF / "valid").glob("*.xml"))
INVALID = sorted((XDF / "invalid").glob("*.xml"))
BLAUE_KARTE = XDF / "S00000121-antrag-blaue-karte-eu.xdf2.xml"


def _expected(path: Path) -> list[dict[str, Any]]:
    data = json.loads(path.with_name(path.name.removesuffix(".xml") + ".expected.json").read_text())
    assert isinstance(data, list)
    return data


def _code_of(path: Path) -> str:
    """The rule a fixture is named after: the longest code its name starts with."""
    return max((c for c in RULES if path.name.startswith(c + "-")), key=len)


def _items(report: Report) -> list[dict[str, Any]]:
    return [{"code": f.code, "severity": f.severity.value, "line": f.location.line} for f in report]


def test_corpus_covers_every_rule() -> None:
    assert VALID and INVALID
    covered = {_code_of(p) for p in INVALID}
    assert covered == set(RULES), sorted(set(RULES) - covered)
    for p in VALID + INVALID:
        assert _expected(p) is not None


@pytest.mark.parametrize("path", VALID + INVALID, ids=lambda p: p.name)
def test_library(path: Path) -> None:
    report = check_file(path)
    assert _items(report) == _expected(path)
    if path.parent.name == "invalid":
        assert _code_of(path) in report.codes()
    else:
        assert not report.fails(Severity.WARNING)


@pytest.mark.parametrize("path", VALID + INVALID, ids=lambda p: p.name)
def test_cli(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc = main(["xdf", "check", "-f", "json", str(path)])
    out = json.loads(capsys.readouterr().out)
    got = [
        {"code": f["code"], "severity": f["severity"], "line": f["location"].get("line")}
        for f in out["findings"]
    ]
    assert got == _expected(path)
    errors = any(f["severity"] == "error" for f in got)
    assert rc == (1 if errors else 0)


def test_blaue_karte_quality_report() -> None:
    """The published schema: three elements without bezeichnungEingabe; its three
    rules are in the fixed 'nur dann zu befüllen' form, so none is left to a human."""
    report = check_file(BLAUE_KARTE)
    assert [(f.code, f.location.object_id) for f in report] == [
        ("XDF-LABEL-002", "F00000087 1.0"),
        ("XDF-LABEL-002", "G00000080 1.0"),
        ("XDF-LABEL-002", "G00000015 1.0"),
    ]
    assert report.valid


def test_three_entry_points_agree() -> None:
    doc = read_xdf(XDF / "invalid" / "XDF-CARD-002-min-above-max.xdf2.xml")
    assert not is_valid(doc)
    assert [f.code for f in iter_findings(doc)] == [f.code for f in check(doc)]
    assert is_valid(read_xdf(BLAUE_KARTE))


def test_messages_in_both_languages() -> None:
    report = check_file(XDF / "invalid" / "XDF-SELECT-001-no-codelist.xdf2.xml")
    (f,) = report.findings
    assert "select field F99000001 1.0" in f.text("en")
    assert "Auswahlfeld F99000001 1.0" in f.text("de")


def test_cli_several_files_and_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    ok = XDF / "valid" / "minimal.xdf3.xml"
    warn = XDF / "invalid" / "XDF-ID-002-missing-version.xdf2.xml"
    assert main(["xdf", "check", str(ok), str(warn)]) == 0
    assert main(["xdf", "check", "--fail-on", "warning", str(ok), str(warn)]) == 1
    assert (
        main(
            [
                "xdf",
                "check",
                "--exit-zero",
                str(XDF / "invalid" / "XDF-CARD-001-malformed.xdf2.xml"),
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "2 document(s) checked" in out


@pytest.mark.parametrize(
    "name",
    [
        "XDF-INPUT-not-xdatenfelder.xdf2.xml",
        "XDF-INPUT-unknown-version.xdf2.xml",
        "XDF-INPUT-unknown-message.xdf2.xml",
        "XDF-INPUT-cyclic-group.xdf2.xml",
        "XDF-INPUT-deep-nesting.xdf2.xml",
    ],
)
def test_cli_bad_input_is_one_finding_line(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["xdf", "check", "-q", str(XDF / "invalid" / name)]) == 1
    out, err = capsys.readouterr()
    assert len(out.splitlines()) == 1 and "[XDF-INPUT]" in out
    assert "Traceback" not in out + err


def test_cli_missing_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["xdf", "check", str(tmp_path / "nope.xml")]) == 1
    assert "no such file" in capsys.readouterr().out


def test_cli_bare_group_prints_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["xdf"]) == 2
    assert "jsonschema" in capsys.readouterr().err


def test_every_code_is_documented() -> None:
    from xzufi_toolkit.xdf import data, jsonschema

    doc = (XDF.parent.parent / "docs" / "xdf-rules.md").read_text(encoding="utf-8")
    for code in {**RULES, **jsonschema.RULES, **data.RULES}:
        assert f"| `{code}` |" in doc, code
    assert "(xdf-rules.md)" in (XDF.parent.parent / "docs" / "rules.md").read_text()


@pytest.mark.parametrize("lang", ["en", "de"])
def test_cli_list_rules(lang: str, capsys: pytest.CaptureFixture[str]) -> None:
    from xzufi_toolkit.xdf import jsonschema

    assert main(["xdf", "check", "--list-rules", "--lang", lang]) == 0
    lines = capsys.readouterr().out.splitlines()
    headings = [line for line in lines if line.startswith("# ")]
    assert headings == [
        f"# {len(RULES)} rules: xdf check (quality of the schema)",
        f"# {len(jsonschema.RULES)} notes: xdf jsonschema (deriving)",
    ]
    rows = [line.split("\t") for line in lines if not line.startswith("# ")]
    assert rows == [
        [code, r.severity.value, r.title(lang)] for code, r in {**RULES, **jsonschema.RULES}.items()
    ]
    assert ["XDF-PRAEZ-007", "warning"] in [row[:2] for row in rows]


def test_cli_check_without_schema_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["xdf", "check"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.splitlines() == [
        "xzufi: error: no SCHEMA given (xzufi xdf check SCHEMA… or --list-rules)"
    ]

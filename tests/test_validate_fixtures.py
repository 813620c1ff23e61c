"""The validation corpus: every fixture through the library and the CLI.

``fixtures/invalid/<CODE>-<what>.xml`` holds at least one case per rule;
beside each file, ``.expected.json`` lists the findings (code, severity, line,
entry) the validator must report, in order. ``fixtures/valid/`` has no errors
or warnings.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from xzufi_toolkit.cli.main import main
from xzufi_toolkit.findings import Report, Severity
from xzufi_toolkit.validate.api import Options, validate_file
from xzufi_toolkit.validate.registry import RULES

ROOT = Path(__file__).resolve().parent.parent / "fixtures"
VALID = sorted((ROOT / "valid").glob("*.xml"))
INVALID = sorted((ROOT / "invalid").glob("*.xml"))
ALL = VALID + INVALID
# Raised only when a rule itself fails: tested in test_validate_api.py.
NO_FIXTURE = {"XZ-INT-001"}


def _expected(path: Path) -> list[dict[str, Any]]:
    data = json.loads(path.with_suffix(".expected.json").read_text("utf-8"))
    assert isinstance(data, list)
    return data


def _items(report: Report) -> list[dict[str, Any]]:
    out = []
    for f in report:
        item: dict[str, Any] = {
            "code": f.code,
            "severity": f.severity.value,
            "line": f.location.line,
        }
        if f.location.entry is not None:
            item["entry"] = f.location.entry
        out.append(item)
    return out


def test_corpus_is_complete() -> None:
    assert VALID and INVALID
    covered = {"-".join(p.name.split("-")[:3]) for p in INVALID}
    missing = set(RULES) - covered - NO_FIXTURE
    assert not missing, f"rules without an invalid fixture: {sorted(missing)}"
    unknown = covered - set(RULES)
    assert not unknown, f"fixtures named after unknown codes: {sorted(unknown)}"
    for p in ALL:
        assert p.with_suffix(".expected.json").is_file(), p


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.name)
def test_library(path: Path) -> None:
    report = validate_file(path, options=Options())
    assert _items(report) == _expected(path)
    if path.parent.name == "invalid":
        code = "-".join(path.name.split("-")[:3])
        assert code in report.codes()
    else:
        assert not report.fails(Severity.WARNING)


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.name)
def test_cli(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc = main(["validate", "--format", "json", str(path)])
    out = json.loads(capsys.readouterr().out)
    got = [
        {
            k: v
            for k, v in (
                ("code", f["code"]),
                ("severity", f["severity"]),
                ("line", f["location"].get("line")),
                ("entry", f["location"].get("entry")),
            )
            if k != "entry" or v is not None
        }
        for f in out["findings"]
    ]
    assert got == _expected(path)
    assert rc == (1 if any(f["severity"] == "error" for f in got) else 0)


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.name)
def test_engines_agree(path: Path) -> None:
    """libxml2 and xmlschema find the same problems; for a content-model error
    xmlschema names the parent's line where libxml2 names the child's."""
    a = validate_file(path, options=Options(engine="lxml"))
    b = validate_file(path, options=Options(engine="xmlschema"))
    assert a.codes() == b.codes()
    assert [f.location.line for f in a if f.code != "XZ-XSD-001"] == [
        f.location.line for f in b if f.code != "XZ-XSD-001"
    ]


BUNDLED = sorted(
    (Path(__file__).resolve().parent.parent / "xzufi_toolkit" / "fixtures" / "leistung").glob(
        "*.xml"
    )
)


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.name)
@pytest.mark.parametrize("engine", ["lxml", "xmlschema"])
def test_bundled_leistung_fixtures_have_no_errors(path: Path, engine: str) -> None:
    """The package's own 99010022001012 fixtures pass schema and rules (warnings allowed)."""
    report = validate_file(path, options=Options(engine=engine))
    assert report.valid, [f"{f.code}:{f.location.line} {f.message}" for f in report]

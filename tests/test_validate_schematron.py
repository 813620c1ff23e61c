"""The Schematron export agrees with the Python rules on the whole corpus."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree, isoschematron

from xzufi_toolkit.cli.main import main
from xzufi_toolkit.errors import UsageError
from xzufi_toolkit.io import xmlsafe
from xzufi_toolkit.validate.api import validate_file
from xzufi_toolkit.validate.schematron import EXPORTABLE, export_schematron

ROOT = Path(__file__).resolve().parent.parent
SVRL = "{http://purl.oclc.org/dsdl/svrl}"
CORPUS = [
    p
    for p in sorted((ROOT / "fixtures").glob("*valid/*.xml"))
    + sorted((ROOT / "xzufi_toolkit" / "fixtures" / "leistung").glob("*.xml"))
    # readable XZuFi only: input errors have no Schematron counterpart
    if not p.name.startswith("XZ-IO-")
]


def _schematron(version: str) -> isoschematron.Schematron:
    return isoschematron.Schematron(etree.XML(export_schematron(version)), store_report=True)


SCHEMAS = {v: _schematron(v) for v in ("2.2.0", "2.3.1")}


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
def test_same_codes_as_python_rules(path: Path) -> None:
    tree = xmlsafe.parse_file(path)
    version = "2.3.1" if "2_3_1" in str(tree.getroot().tag) else "2.2.0"
    schema = SCHEMAS[version]
    schema.validate(tree)
    failed = {fa.get("id") for fa in schema.validation_report.iter(f"{SVRL}failed-assert")}
    expected = {f.code for f in validate_file(path)} & set(EXPORTABLE)
    assert failed == expected


def test_every_exported_rule_is_exercised() -> None:
    named = {"-".join(p.name.split("-")[:3]) for p in CORPUS}
    assert set(EXPORTABLE) <= named


def test_cli_export(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "rules.sch"
    assert main(["validate", "--export-schematron", str(out), "--for-version", "2.2.0"]) == 0
    doc = xmlsafe.parse_file(out).getroot()
    asserts = doc.findall(".//{http://purl.oclc.org/dsdl/schematron}assert")
    assert {a.get("id") for a in asserts} == set(EXPORTABLE)
    assert {a.get("role") for a in asserts} <= {"error", "warning", "info"}
    with pytest.raises(UsageError):
        export_schematron("1.0")

"""Our Leistung as a Stammdatenschema (``fixtures/xdf/aufenthalt-25-4-2.xdf3.xml``):
its derived JSON Schema against today's case schema.

``aufenthalt-25-4-2.case-map.json`` says where each case value lives in the
XDatenfelder data. The test compares, value by value, what both JSON Schemas
require (type, presence, lengths, pattern, codes, range, array bounds) and
checks that the differences are exactly those ``docs/xdf.md`` lists with their
reason; then it converts every bundled case and sends it through data check,
message and form.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from xzufi_toolkit.io.resources import fixture_file, schema_file
from xzufi_toolkit.xdf.data import iter_data_findings, load_data_schema
from xzufi_toolkit.xdf.form import fill_schema_form
from xzufi_toolkit.xdf.genericode import read_genericode
from xzufi_toolkit.xdf.message import build_data_message, read_data_message

ROOT = Path(__file__).resolve().parent.parent
XDF = ROOT / "fixtures" / "xdf"
SCHEMA = XDF / "aufenthalt-25-4-2.xdf3.xml"
CODELISTS = [
    XDF / "codelists" / "familienstand-xzufi-1.gc.xml",
    XDF / "codelists" / "vertretungsart-xzufi-1.gc.xml",
]
MAP = json.loads((XDF / "aufenthalt-25-4-2.case-map.json").read_text(encoding="utf-8"))
CASE_SCHEMA = json.loads(
    schema_file("case", "aufenthalt-antrag-case.schema.json").read_text(encoding="utf-8")
)
CASES = sorted(fixture_file("cases").glob("*.json"))
DOC = ROOT / "docs" / "xdf.md"
FACETS = (
    "type",
    "format",
    "minLength",
    "maxLength",
    "pattern",
    "enum",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "minItems",
    "maxItems",
    "uniqueItems",
)


@pytest.fixture(scope="module")
def ds() -> Any:
    return load_data_schema(SCHEMA, CODELISTS)


def _resolve(node: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        ref = node["$ref"]
        extra = {k: v for k, v in node.items() if k != "$ref"}
        target: Any = root
        for part in ref.removeprefix("#/").split("/"):
            target = target[part]
        node = {**target, **extra}
    return node


def _walk(root: dict[str, Any], path: str) -> tuple[dict[str, Any], bool]:
    """The schema of the value at dotted ``path`` and whether it is required."""
    node = _resolve(root, root)
    required = True
    for key in path.split("."):
        required = required and key in node.get("required", [])
        node = _resolve(node["properties"][key], root)
    return node, required


def _facets(node: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    out = {k: node[k] for k in FACETS if k in node}
    if isinstance(out.get("pattern"), str):  # both mean the whole value
        out["pattern"] = re.sub(r"^\^(\(\?:)?|(\))?\$$", "", out["pattern"])
    if "enum" in out:
        out["enum"] = sorted(out["enum"])
        out.pop("type", None)
    if node.get("type") == "array":
        inner = _facets(_resolve(node["items"], root), root)
        out.pop("type")
        out.update({f"items.{k}": v for k, v in inner.items()})
    return out


def differences(derived: dict[str, Any]) -> dict[tuple[str, str], tuple[Any, Any]]:
    """(case path, facet) -> (case schema, derived schema) for every value of the map."""
    out: dict[tuple[str, str], tuple[Any, Any]] = {}
    for case_path, xdf_path in MAP["fields"].items():
        if xdf_path is None:
            out[(case_path, "not in the schema")] = (True, None)
            continue
        a, a_req = _walk(CASE_SCHEMA, case_path)
        b, b_req = _walk(derived, xdf_path)
        if a_req != b_req:
            out[(case_path, "required")] = (a_req, b_req)
        fa, fb = _facets(a, CASE_SCHEMA), _facets(b, derived)
        for key in sorted(set(fa) | set(fb)):
            if fa.get(key) != fb.get(key):
                out[(case_path, key)] = (fa.get(key), fb.get(key))
    return out


def documented() -> set[tuple[str, str]]:
    """The rows of the differences table in docs/xdf.md: (case path, facet)."""
    text = DOC.read_text(encoding="utf-8")
    section = text.split("<!-- case-schema-differences -->")[1].split("<!-- end -->")[0]
    rows = set()
    for line in section.splitlines():
        cells = [c.strip().strip("`") for c in line.strip().strip("|").split("|")]
        if (
            len(cells) >= 3
            and cells[0]
            and not set(cells[0]) <= {"-", " "}
            and cells[0] != "case value"
        ):
            for path in cells[0].split(", "):
                for facet in cells[1].split(", "):
                    rows.add((path.strip("`"), facet.strip("`")))
    return rows


def test_every_difference_from_the_case_schema_is_documented(ds: Any) -> None:
    found = set(differences(ds.derived.schema))
    doc = documented()
    assert sorted(found - doc) == [], "undocumented differences"
    assert sorted(doc - found) == [], "documented differences that are gone"


def case_to_data(case: dict[str, Any]) -> dict[str, Any]:
    """A case JSON as data of the Stammdatenschema (the map, read forwards)."""
    data: dict[str, Any] = {}
    for case_path, xdf_path in MAP["fields"].items():
        if xdf_path is None:
            continue
        value: Any = case
        for key in case_path.split("."):
            value = value.get(key) if isinstance(value, dict) else None
        if value is None:
            continue
        node = data
        *groups, last = xdf_path.split(".")
        for g in groups:
            node = node.setdefault(g, {})
        node[last] = value
    docs = MAP["unterlagen"]
    group = data.setdefault(docs["group"], {})
    for item in case.get("unterlagen", []):
        ref = {new: item[old] for old, new in docs["parts"].items() if new and old in item}
        group.setdefault(docs["by_art"][item["art"]], []).append(ref)
    return data


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.stem)
def test_bundled_cases_are_valid_data_and_round_trip(ds: Any, case: Path) -> None:
    data = case_to_data(json.loads(case.read_text(encoding="utf-8")))
    Draft202012Validator(CASE_SCHEMA)  # the case schema itself is well-formed
    errors = [f for f in iter_data_findings(data, ds) if f.severity.value == "error"]
    assert errors == []
    lists = tuple((str(p), read_genericode(p)) for p in CODELISTS)
    schema = ds.doc.content
    msg = build_data_message(schema, data, codelists=lists)
    assert read_data_message(schema, msg, codelists=lists)[0] == data
    pdf, _ = fill_schema_form(schema, data, codelists=lists)
    assert pdf.startswith(b"%PDF-")


@pytest.mark.parametrize(
    ("case_path", "bad"),
    [
        ("antragsteller.geschlecht", "q"),
        ("antragsteller.anschrift.postleitzahl", "1234"),
        ("antrag.grund", "9"),
        ("antrag.beantragteDauerMonate", 121),
        ("antragsteller.familienstand", "XX"),
        ("ausweisdokument.nummer", "ab 12"),
        ("datum", "2026-13-01"),
    ],
)
def test_what_the_case_schema_refuses_data_check_refuses(ds: Any, case_path: str, bad: Any) -> None:
    case = json.loads(CASES[0].read_text(encoding="utf-8"))
    node = case
    *parents, last = case_path.split(".")
    for key in parents:
        node = node[key]
    node[last] = bad
    case_errors = list(
        Draft202012Validator(
            CASE_SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER
        ).iter_errors(case)
    )
    assert case_errors
    findings = iter_data_findings(case_to_data(case), ds)
    assert [f for f in findings if f.severity.value == "error"]


def test_fixture_is_what_the_script_writes() -> None:
    script = ROOT / "scripts" / "make_xdf_leistung.py"
    res = subprocess.run([sys.executable, str(script), "--check"], capture_output=True, check=False)
    assert res.returncode == 0, res.stderr.decode()


def test_fixture_passes_the_quality_checks() -> None:
    from xzufi_toolkit.xdf.check import check_file

    report = check_file(SCHEMA)
    assert [f.code for f in report] == []


def test_harmonised_fields_are_unchanged_copies() -> None:
    """Every F0000… field of our schema is the Blaue Karte field of that id, bar metadata
    of our own edition (status, dates, legal reference) and the v2/v3 representation."""
    from xzufi_toolkit.xdf.model import Datenfeld, walk
    from xzufi_toolkit.xdf.reader import read_xdf

    ours = {e.element.identifikation.id: e.element for _, e in walk(read_xdf(SCHEMA).content)}
    bk = {
        e.element.identifikation.id: e.element
        for _, e in walk(read_xdf(XDF / "S00000121-antrag-blaue-karte-eu.xdf2.xml").content)
    }
    shared = sorted(k for k in ours if k.startswith("F0000"))
    assert len(shared) == 23
    for key in shared:
        a, b = ours[key], bk[key]
        assert isinstance(a, Datenfeld) and isinstance(b, Datenfeld)
        assert a.identifikation == b.identifikation
        for attr in ("name", "bezeichnung_eingabe", "hilfetext_eingabe", "definition"):
            assert (getattr(a.meta, attr) or "").strip() == (getattr(b.meta, attr) or "").strip()
        assert (a.kind, a.data_type) == (b.kind, b.data_type)
        pa, pb = a.praezisierung, b.praezisierung
        assert (pa.items if pa else ()) == (pb.items if pb else ()), key

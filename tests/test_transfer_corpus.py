"""The PVOG-shaped transfer corpus (``fixtures/pvog/transfer-*.xml``), data-driven.

Each file is shaped only from the element paths of the evidence file
(``xzufi-real-data.md``; its header comment says which paths it exercises).
Every file must: validate with no schema error and no XZ-BULK finding above
info; come back from a same-version read → write as the identical tree
(elements, attributes, values); be listed by ``show --format json`` with every
entry's kind and id; and survive 2.2.0 ↔ 2.3.1 with every non-Leistung entry
unchanged but for its namespace. ``--jobs 2`` reports what one process reports.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from lxml import etree

from xzufi_toolkit.cli.main import main
from xzufi_toolkit.findings import Severity
from xzufi_toolkit.io import xmlsafe
from xzufi_toolkit.validate.api import Options, iter_findings, validate_file
from xzufi_toolkit.xzufi import TransferWriter, open_transfer, read_transfer, write_transfer

CORPUS = sorted(
    (Path(__file__).resolve().parent.parent / "fixtures" / "pvog").glob("transfer-*.xml")
)
KINDS = {
    "leistung",
    "organisationseinheit",
    "zustaendigkeitTransferObjekt",
    "onlinedienst",
    "spezialisierung",
}


def tree(data: bytes, *, ns: bool = True) -> object:
    """Elements, attributes and text of a document; prefixes do not count. With
    ``ns=False`` the XZuFi namespace is left out (to compare across versions)."""

    def name(tag: str) -> str:
        return etree.QName(tag).localname if not ns and "xoev.de/schemata/xzufi" in tag else tag

    def walk(el: etree._Element) -> object:
        kids = [walk(c) for c in el if isinstance(c.tag, str)]
        attrs = sorted((name(str(k)), v) for k, v in el.attrib.items() if ns or k != "xzufiVersion")
        return (name(el.tag), attrs, (el.text or "").strip(), kids)

    return walk(xmlsafe.parse_bytes(data).getroot())


def test_corpus_covers_the_evidence() -> None:
    names = {p.name for p in CORPUS}
    assert {"transfer-2.2.0-all-kinds.xml", "transfer-2.3.1-all-kinds.xml"} <= names
    for version in ("2.2.0", "2.3.1"):
        assert any(version in n for n in names)
    texts = "".join(p.read_text("utf-8") for p in CORPUS)
    for needed in ("de-DE", "<xzufi:loesche", "verwaltungspolitischeKodierung", 'xsi:type="'):
        assert needed in texts
    for p in CORPUS:  # each file says which evidence path it exercises
        assert "Evidence:" in p.read_text("utf-8")[:2000], p.name


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
def test_validates_without_schema_or_bulk_problems(path: Path) -> None:
    report = validate_file(path, options=Options())
    bad = [
        f
        for f in report
        if f.code.startswith(("XZ-XSD", "XZ-IO"))
        or (f.code.startswith("XZ-BULK") and f.severity is not Severity.INFO)
    ]
    assert bad == []
    # the profile XSD accepts the whole document too (not only entry by entry)
    schema_ok = read_transfer(path).message.version
    from xzufi_toolkit.xzufi import load_schema

    schema = load_schema(schema_ok)
    assert schema.validate(xmlsafe.parse_bytes(path.read_bytes())), schema.error_log


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
def test_same_version_round_trip_is_identical(path: Path) -> None:
    data = path.read_bytes()
    result = read_transfer(data)
    out = write_transfer(result.message)
    assert out.findings == []
    assert tree(out.data) == tree(data)
    # and again: the written form is a fixed point
    assert write_transfer(read_transfer(out.data).message).data == out.data


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
def test_show_json_lists_every_object_with_kind_and_id(
    path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["show", "--format", "json", str(path)]) == 0
    doc = json.loads(capsys.readouterr().out)
    root = xmlsafe.parse_bytes(path.read_bytes()).getroot()
    entries = [c for c in root if etree.QName(c).localname in ("schreibe", "loesche")]
    assert len(doc["entries"]) == len(entries)
    for item, el in zip(doc["entries"], entries, strict=True):
        assert item["kind"] in KINDS
        assert item["object_id"]
        assert item["line"] == el.sourceline
        assert "object" in item or "leistung" in item or "deletion" in item, item
    assert main(["show", str(path)]) == 0
    lines = [x for x in capsys.readouterr().out.splitlines() if x.startswith("  #")]
    assert len(lines) == len(entries)


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
def test_other_version_and_back_keeps_every_object(path: Path) -> None:
    data = path.read_bytes()
    message = read_transfer(data).message
    other = "2.3.1" if message.version == "2.2.0" else "2.2.0"
    there = write_transfer(message, other)
    leistungen = {e.index for e in message.entries if e.leistung is not None}
    # losses are the Leistung's own (XZ-C0xx of its writer), none for the other kinds
    # (and the frame's XZ-C002: the nachrichtenkopf moved to the other namespace)
    assert {f.location.entry for f in there.findings} - {None} <= leistungen
    back = read_transfer(there.data).message
    assert back.version == other
    assert [(e.op, e.klasse, e.object_id) for e in back.entries] == [
        (e.op, e.klasse, e.object_id) for e in message.entries
    ]
    home = write_transfer(back, message.version).data

    def objects(raw: bytes) -> list[object]:
        root = xmlsafe.parse_bytes(raw).getroot()
        return [
            tree(etree.tostring(c), ns=False)
            for c in root
            if etree.QName(c).localname == "loesche"
            or (len(c) and etree.QName(c[0]).localname != "leistung")
        ]

    assert objects(there.data) == objects(data)  # the target version holds them all
    assert objects(home) == objects(data)


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
def test_two_processes_report_what_one_reports(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from xzufi_toolkit.validate import api, bulk

    monkeypatch.setattr(api, "_WHOLE", 1024)  # streamed from the path: the pool is used
    monkeypatch.setattr(bulk, "_CHUNK", 2048)  # in several ranges
    one = [(f.code, f.location.line, f.location.entry, f.message) for f in iter_findings(path)]
    two = [
        (f.code, f.location.line, f.location.entry, f.message) for f in iter_findings(path, jobs=2)
    ]
    assert one == two


def test_writer_streams_typed_entries() -> None:
    path = next(p for p in CORPUS if p.name == "transfer-2.2.0-all-kinds.xml")
    reader = open_transfer(path)
    buf = io.BytesIO()
    with TransferWriter(buf, reader.frame()) as writer:
        for item in reader:
            assert item.findings == [] or item.entry.leistung is not None
            assert item.entry.obj is not None or item.entry.leistung or item.entry.deletion
            writer.write(item.entry)
    assert tree(buf.getvalue()) == tree(path.read_bytes())

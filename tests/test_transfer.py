"""Transfer messages: streamed reading (index, line, findings per entry), streaming
writing, round trips, conversion, messy variants, property-based round trips."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from xzufi_toolkit import errors
from xzufi_toolkit.io import xmlsafe
from xzufi_toolkit.model import Identifier, Leistung, TransferEntry, TransferMessage
from xzufi_toolkit.xzufi import (
    TransferWriter,
    default_transfer_path,
    load_default,
    load_schema,
    open_transfer,
)

ROOT = Path(__file__).resolve().parent.parent
MESSY = ROOT / "fixtures" / "xzufi" / "messy"


def write_all(message: TransferMessage, entries: list[TransferEntry], version: str) -> bytes:
    buf = io.BytesIO()
    with TransferWriter(buf, message, version) as writer:
        for entry in entries:
            writer.write(entry)
    return buf.getvalue()


def read_all(source: Path | bytes) -> tuple[TransferMessage, list[TransferEntry]]:
    reader = open_transfer(source)
    message = reader.frame()
    return message, [item.entry for item in reader]


def test_bundled_transfer_message() -> None:
    reader = open_transfer(default_transfer_path())
    message = reader.frame()
    assert (message.version, message.xzufi_version, message.root_name) == (
        "2.3.1",
        "2.3.1",
        "xzufi.transfer",
    )
    items = list(reader)
    assert [(i.entry.index, i.entry.op, i.entry.klasse, i.entry.object_id) for i in items] == [
        (0, "schreibe", "leistung", "99010022001012"),
        (1, "loesche", "Zustaendigkeit", "beispiel-zustaendigkeit-1"),
        (2, "loesche", "Leistung", "beispiel-leistung-geloescht"),
    ]
    lines = default_transfer_path().read_text(encoding="utf-8").splitlines()
    for item in items:
        assert item.entry.line is not None
        assert f":{item.entry.op}" in lines[item.entry.line - 1]
    assert items[0].entry.leistung == load_default()
    assert reader.findings == [] and all(i.findings == [] for i in items)


def test_round_trip_is_byte_identical() -> None:
    data = default_transfer_path().read_bytes()
    message, entries = read_all(data)
    again = write_all(message, entries, "2.3.1")
    assert again == data
    message2, entries2 = read_all(again)
    assert message2 == message
    assert entries2 == entries


def test_streams_and_bytes_read_alike() -> None:
    data = default_transfer_path().read_bytes()
    with default_transfer_path().open("rb") as fh:
        from_stream = [i.entry for i in open_transfer(fh)]
    assert from_stream == read_all(data)[1] == read_all(default_transfer_path())[1]


def test_convert_to_220_is_valid_and_keeps_deletions() -> None:
    message, entries = read_all(default_transfer_path())
    buf = io.BytesIO()
    with TransferWriter(buf, message, "2.2.0") as writer:
        for entry in entries:
            writer.write(entry)
    codes = sorted(f.code for f in writer.findings)
    assert codes == ["XZ-C001", "XZ-C001", "XZ-C002"]
    assert all(f.location.entry == 0 for f in writer.findings)
    schema = load_schema("2.2.0")
    assert schema.validate(xmlsafe.parse_bytes(buf.getvalue())), schema.error_log
    message2, entries2 = read_all(buf.getvalue())
    assert message2.version == "2.2.0"
    assert [(e.op, e.klasse, e.object_id) for e in entries2] == [
        (e.op, e.klasse, e.object_id) for e in entries
    ]


def test_messy_transfer_variants() -> None:
    exp = json.loads((MESSY / "transfer-variants.expected.json").read_text())
    reader = open_transfer(MESSY / "transfer-variants.xml")
    message = reader.frame()
    assert message.version == exp["version"]
    assert message.root_name == "uebermittlung"
    assert message.xzufi_version == "2.2"
    assert (message.transaktion_id, message.transaktion_position) == ("T-1", "1")
    items = list(reader)
    assert sorted(f.code for f in reader.findings) == sorted(exp["codes"])
    assert [[f.code for f in i.findings] for i in items] == exp["entry_codes"]
    assert [[i.entry.op, i.entry.klasse, i.entry.object_id, i.entry.line] for i in items] == exp[
        "entries"
    ]
    finding = items[0].findings[0]
    assert (finding.location.entry, finding.location.object_id) == (0, "L-7")
    # the header with content survives a same-version round trip
    out = write_all(message, [i.entry for i in items], "2.2.0")
    assert b"erstellungszeitpunkt>2024-01-01T00:00:00Z<" in out
    assert load_schema("2.2.0").validate(xmlsafe.parse_bytes(out))
    # and is moved (and reported) when converting
    buf = io.BytesIO()
    with TransferWriter(buf, message, "2.3.1") as writer:
        for item in items:
            writer.write(item.entry)
    codes = [f.code for f in writer.findings]
    assert "XZ-C002" in codes  # nachrichtenkopf moved to the 2.3.1 namespace
    assert "XZ-C001" not in codes  # the organisation unit is converted, typed
    message3, entries3 = read_all(buf.getvalue())
    assert message3.version == "2.3.1"
    assert [e.object_id for e in entries3] == ["L-7", "OE-1", "L-never-sent"]


def test_empty_message_has_a_frame_and_no_entries() -> None:
    doc = (
        b'<t:xzufi.transfer xmlns:t="http://xoev.de/schemata/xzufi/2_3_1" xzufiVersion="2.3.1">'
        b"<t:nachrichtenkopf/></t:xzufi.transfer>"
    )
    message, entries = read_all(doc)
    assert message.version == "2.3.1" and entries == []
    assert load_schema("2.3.1").validate(xmlsafe.parse_bytes(write_all(message, [], "2.3.1")))


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (
            b"<t:schreibe><t:leistung><t:id>A</t:id></t:leistung>"
            b"<t:leistung><t:id>B</t:id></t:leistung></t:schreibe>",
            "XZ-BULK-007",
        ),
        (b"<t:schreibe/>", "XZ-BULK-007"),
        (b"<t:schreibe><t:leistung/></t:schreibe>", "XZ-BULK-004"),
        (b'<t:loesche><t:id schemeAgencyID="A">x</t:id></t:loesche>', "XZ-BULK-005"),
        (
            b'<t:loesche klasse="Gebiet"><t:id schemeAgencyID="A">x</t:id></t:loesche>',
            "XZ-BULK-006",
        ),
        (
            b"<t:schreibe><t:zustaendigkeitTransferObjekt><t:zustaendigkeit>"
            b'<t:id schemeAgencyID="A">z</t:id></t:zustaendigkeit>'
            b"</t:zustaendigkeitTransferObjekt></t:schreibe>",
            "XZ-BULK-008",
        ),
    ],
)
def test_broken_entries_are_findings_and_kept(body: bytes, code: str) -> None:
    """Never an exception, never a skipped entry: a finding with entry and line, and
    the entry written back as it was."""
    doc = (
        b'<t:xzufi.transfer xmlns:t="http://xoev.de/schemata/xzufi/2_3_1" xzufiVersion="2.3.1">\n'
        b"<t:nachrichtenkopf/>\n" + body + b"\n</t:xzufi.transfer>"
    )
    items = list(open_transfer(doc, file="bulk.xml"))
    assert len(items) == 1
    (finding,) = items[0].findings
    assert finding.code == code
    assert (finding.location.file, finding.location.line, finding.location.entry) == (
        "bulk.xml",
        3,
        0,
    )
    message, entries = read_all(doc)
    again = read_all(write_all(message, entries, "2.3.1"))[1]
    assert [_tree(e.xml) for e in again] == [_tree(e.xml) for e in entries]


def _tree(xml: bytes | None) -> object:
    """Elements (Clark names), attributes and text of ``xml``; prefixes do not count."""
    assert xml is not None

    def walk(el: etree._Element) -> object:
        kids = [walk(c) for c in el if isinstance(c.tag, str)]
        return (el.tag, sorted(el.attrib.items()), (el.text or "").strip(), kids)

    return walk(xmlsafe.parse_bytes(xml).getroot())


def test_single_document_is_not_a_transfer_message() -> None:
    from xzufi_toolkit.xzufi import default_path

    with pytest.raises(errors.InputError, match="single <leistung>"):
        open_transfer(default_path()).frame()


def test_version_attribute_disagreeing_with_namespace() -> None:
    doc = (
        b'<t:xzufi.transfer xmlns:t="http://xoev.de/schemata/xzufi/2_3_1" xzufiVersion="2.2.0">'
        b"<t:nachrichtenkopf/></t:xzufi.transfer>"
    )
    reader = open_transfer(doc)
    assert reader.frame().version == "2.3.1"
    assert [f.code for f in reader.findings] == ["XZ-N009"]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    ids=st.lists(st.from_regex(r"[A-Za-z0-9-]{1,10}", fullmatch=True), max_size=8),
    deletes=st.lists(st.booleans(), max_size=8),
    version=st.sampled_from(["2.2.0", "2.3.1"]),
)
def test_generated_messages_round_trip(ids: list[str], deletes: list[bool], version: str) -> None:
    ns = f"http://xoev.de/schemata/xzufi/{version.replace('.', '_')}"
    entries: list[TransferEntry] = []
    for n, ident in enumerate(ids):
        if n < len(deletes) and deletes[n]:
            xml = (
                f'<x:loesche xmlns:x="{ns}" klasse="Leistung"><x:id>{ident}</x:id></x:loesche>'
            ).encode()
            entries.append(TransferEntry(op="loesche", klasse="Leistung", object_id=ident, xml=xml))
        else:
            item = Leistung(id=Identifier(value=ident), leika_keys=["99010022001012"])
            entries.append(
                TransferEntry(op="schreibe", klasse="leistung", object_id=ident, leistung=item)
            )
    message = TransferMessage(version=version, produktbezeichnung="p", transaktion_id="T")
    data = write_all(message, entries, version)
    assert load_schema(version).validate(xmlsafe.parse_bytes(data))
    message2, read = read_all(data)
    assert message2.transaktion_id == "T"
    assert [(e.op, e.object_id, e.index) for e in read] == [
        (e.op, e.object_id, n) for n, e in enumerate(entries)
    ]
    assert [e.leistung for e in read] == [e.leistung for e in entries]
    assert write_all(message2, read, version) == data


def test_writer_must_be_entered() -> None:
    writer = TransferWriter(io.BytesIO(), TransferMessage(version="2.3.1"))
    with pytest.raises(RuntimeError):
        writer.write_leistung(load_default())


def test_whole_message_helpers() -> None:
    from xzufi_toolkit.xzufi import read_transfer, write_transfer

    result = read_transfer(default_transfer_path())
    assert result.findings == []
    assert [e.index for e in result.message.entries] == [0, 1, 2]
    out = write_transfer(result.message)
    assert out.version == "2.3.1" and out.findings == []
    assert out.data == default_transfer_path().read_bytes()
    down = write_transfer(result.message, "2.2.0")
    assert down.version == "2.2.0" and {f.code for f in down.findings} == {"XZ-C001", "XZ-C002"}
    messy = read_transfer(MESSY / "transfer-variants.xml")
    assert sorted(f.code for f in messy.findings) == ["XZ-N001", "XZ-N004", "XZ-N008"]

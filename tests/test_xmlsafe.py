"""Hostile and broken XML: one clear error (file, line, what to do), never a leak or a hang.

The cases are data: ``fixtures/xzufi/bad/*.xml`` with ``expected.json`` naming
the exception class, the line and a phrase the message must contain.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from xzufi_toolkit import errors
from xzufi_toolkit.io import xmlsafe
from xzufi_toolkit.xzufi import detect, open_transfer, read_leistung
from xzufi_toolkit.xzufi.reader import bytes_stream

BAD = Path(__file__).resolve().parent.parent / "fixtures" / "xzufi" / "bad"
EXPECTED: dict[str, dict[str, object]] = json.loads((BAD / "expected.json").read_text())


def test_every_bad_file_has_an_expectation() -> None:
    files = {p.name for p in BAD.iterdir() if p.name != "expected.json"}
    assert files == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_input_raises_one_clear_error(name: str) -> None:
    exp = EXPECTED[name]
    path = BAD / name
    before = path.read_bytes()
    entries = 0
    with pytest.raises(errors.XzufiError) as info:
        if exp.get("transfer"):
            for _ in open_transfer(path):
                entries += 1
        else:
            read_leistung(path)
    exc = info.value
    assert type(exc).__name__ == exp["error"]
    assert isinstance(exc, errors.InputError)  # bad input: exit code 1
    assert exc.exit_code == 1
    assert exc.file == str(path)
    assert exc.line == exp["line"]
    assert str(exp["says"]) in str(exc)
    if exp.get("transfer"):
        assert entries == exp["entries_before"]  # streamed: earlier entries came through
    assert path.read_bytes() == before  # inputs are never modified


@pytest.mark.parametrize("name", sorted(n for n, e in EXPECTED.items() if not e.get("transfer")))
def test_bad_input_from_bytes_names_the_given_file(name: str) -> None:
    with pytest.raises(errors.InputError) as info:
        read_leistung((BAD / name).read_bytes(), file="upload.xml")
    assert info.value.file == "upload.xml"


def test_xxe_does_not_leak_a_local_file(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-7f3a")
    doc = (
        '<?xml version="1.0"?>\n'
        f'<!DOCTYPE leistung [<!ENTITY s SYSTEM "{secret.as_uri()}">]>\n'
        '<leistung xmlns="http://xoev.de/schemata/xzufi/2_3_1"><id>&s;</id></leistung>\n'
    ).encode()
    for attempt in (
        lambda: read_leistung(doc),
        lambda: list(open_transfer(doc)),
        lambda: xmlsafe.parse_bytes(doc),
        lambda: list(xmlsafe.iterparse(bytes_stream(doc))),
    ):
        with pytest.raises(errors.UnsafeXmlError) as info:
            attempt()
        assert "TOP-SECRET" not in str(info.value)


def test_xxe_without_doctype_scan_is_still_not_expanded(tmp_path: Path) -> None:
    """Second line of defence: libxml2 itself never loads external entities."""
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-7f3a")
    doc = (f'<!DOCTYPE r [<!ENTITY s SYSTEM "{secret.as_uri()}">]><r>&s;</r>').encode()
    from lxml import etree

    root = etree.fromstring(doc, xmlsafe.make_parser())
    assert "TOP-SECRET" not in etree.tostring(root).decode()


def test_billion_laughs_is_refused_quickly() -> None:
    data = (BAD / "billion-laughs.xml").read_bytes()
    start = time.perf_counter()
    for attempt in (
        lambda: read_leistung(data),
        lambda: list(open_transfer(data)),
    ):
        with pytest.raises(errors.UnsafeXmlError):
            attempt()
    assert time.perf_counter() - start < 2.0


def test_doctype_after_bom_and_comments_is_found() -> None:
    doc = b"\xef\xbb\xbf<?xml version='1.0'?>\n<!-- x -->\n<!DOCTYPE a>\n<a/>"
    with pytest.raises(errors.UnsafeXmlError) as info:
        xmlsafe.parse_bytes(doc, file="bom.xml")
    assert info.value.line == 3


def test_utf16_doctype_is_found() -> None:
    doc = "<?xml version='1.0' encoding='UTF-16'?>\n<!DOCTYPE a>\n<a/>".encode("utf-16")
    with pytest.raises(errors.UnsafeXmlError):
        xmlsafe.parse_bytes(doc)


def test_depth_limit() -> None:
    doc = b"<a>" * 150 + b"</a>" * 150
    with pytest.raises(errors.LimitExceededError):
        xmlsafe.parse_bytes(doc, limits=xmlsafe.XmlLimits(max_depth=100))


def test_size_limit() -> None:
    with pytest.raises(errors.LimitExceededError):
        xmlsafe.parse_bytes(
            b"<a>" + b"x" * 2000 + b"</a>", limits=xmlsafe.XmlLimits(max_bytes=1000)
        )


def test_detect_refuses_what_the_readers_refuse() -> None:
    with pytest.raises(errors.UnsafeXmlError):
        detect(BAD / "xxe-local-file.xml")
    with pytest.raises(errors.InputError):
        detect(BAD / "not-xml.xml")


def test_missing_and_directory_inputs(tmp_path: Path) -> None:
    with pytest.raises(errors.InputError, match="no such file"):
        read_leistung(tmp_path / "nope.xml")
    with pytest.raises(errors.InputError, match="directory"):
        read_leistung(tmp_path)
    with pytest.raises(errors.InputError):
        list(open_transfer(tmp_path / "nope.xml"))


def test_parse_file_resolves_relative_schema_includes(tmp_path: Path) -> None:
    (tmp_path / "types.xsd").write_text(
        '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">'
        '<xs:simpleType name="T"><xs:restriction base="xs:string"/></xs:simpleType></xs:schema>'
    )
    (tmp_path / "main.xsd").write_text(
        '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">'
        '<xs:include schemaLocation="types.xsd"/><xs:element name="a" type="T"/></xs:schema>'
    )
    from lxml import etree

    schema = etree.XMLSchema(xmlsafe.parse_file(tmp_path / "main.xsd"))
    assert schema.validate(xmlsafe.parse_bytes(b"<a>x</a>"))


def test_stopping_a_streamed_parse_early_closes_the_file() -> None:
    """filterwarnings=error turns a leaked file handle (ResourceWarning) into a failure."""
    import gc

    from xzufi_toolkit.xzufi import default_transfer_path

    events = xmlsafe.iterparse(default_transfer_path(), events=("start",))
    next(events)
    close = getattr(events, "close", None)
    assert close is not None
    close()
    del events
    gc.collect()
    with pytest.raises(errors.InputError):
        for _ in open_transfer(BAD / "transfer-truncated.xml"):
            pass
    gc.collect()


class _NoPeek:
    """A stream that only has read(): the prolog scan must still see a DOCTYPE."""

    def __init__(self, data: bytes) -> None:
        import io

        self._buf = io.BytesIO(data)

    def read(self, size: int = -1) -> bytes:
        return self._buf.read(size)


def test_streams_without_peek_are_scanned_too() -> None:
    data = (BAD / "doctype-plain.xml").read_bytes()
    with pytest.raises(errors.UnsafeXmlError):
        list(xmlsafe.iterparse(_NoPeek(data)))  # type: ignore[arg-type]  # duck-typed stream
    from xzufi_toolkit.xzufi import default_transfer_path

    good = default_transfer_path().read_bytes()
    ends = [el for _, el in xmlsafe.iterparse(_NoPeek(good))]  # type: ignore[arg-type]  # duck-typed stream
    assert len(ends) > 100

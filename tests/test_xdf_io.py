"""XDatenfelder reader and writer: the real Blaue Karte schema, the corpus,
generated models (hypothesis), hostile and wrong input."""

from __future__ import annotations

import json
import tempfile
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from lxml import etree

from xzufi_toolkit.errors import InputError, LimitExceededError, UnsupportedVersionError
from xzufi_toolkit.xdf.check import iter_findings
from xzufi_toolkit.xdf.data import compile_schema
from xzufi_toolkit.xdf.model import (
    Bezug,
    Cardinality,
    Code,
    CodelisteReferenz,
    Datenfeld,
    Datenfeldgruppe,
    Datentyp,
    Feldart,
    Header,
    Identifikation,
    MessageType,
    Metadaten,
    Praezisierung,
    Regel,
    Relation,
    Stammdatenschema,
    Struktur,
    XdfDocument,
    XdfVersion,
    label,
    parse_anzahl,
    walk,
)
from xzufi_toolkit.xdf.reader import MAX_GROUP_DEPTH, read_xdf, read_xdf_bytes
from xzufi_toolkit.xdf.writer import ORDER, write_xdf_bytes

XDF = Path(__file__).resolve().parent.parent / "fixtures" / "xdf"
BLAUE_KARTE = XDF / "S00000121-antrag-blaue-karte-eu.xdf2.xml"
CORPUS = sorted((XDF / "valid").glob("*.xml")) + sorted((XDF / "invalid").glob("*.xml"))
READABLE = [p for p in CORPUS if "XDF-INPUT" not in p.name]


def _c14n(data: bytes) -> bytes:
    parser = etree.XMLParser(remove_blank_text=True, remove_comments=True)
    return etree.tostring(etree.fromstring(data, parser), method="c14n")


# --- the real schema ---------------------------------------------------------------------
def test_blaue_karte_reads_completely() -> None:
    doc = read_xdf(BLAUE_KARTE)
    assert doc.version is XdfVersion.V2
    assert doc.message_type is MessageType.STAMMDATENSCHEMA
    root = doc.content
    assert isinstance(root, Stammdatenschema)
    assert root.identifikation == Identifikation("S00000121", "1.0")
    assert root.meta.name == "Antrag Blaue Karte EU"
    assert [b.text for b in root.meta.bezug] == ["§ 19a AufenthG"]
    assert root.meta.status == Code(
        "inVorbereitung", "urn:xoev-de:fim:codeliste:xdatenfelder.status", "1.0"
    )
    entries = [e for _, e in walk(root)]
    fields = [e.element for e in entries if isinstance(e.element, Datenfeld)]
    groups = [e.element for e in entries if isinstance(e.element, Datenfeldgruppe)]
    # the counts the reference note gives: 29 groups, 88 fields
    assert (len(groups), len(fields)) == (29, 88)
    assert Counter(f.kind for f in fields) == {Feldart.INPUT: 83, Feldart.SELECT: 5}
    assert Counter(f.data_type for f in fields) == {
        Datentyp.TEXT: 54,
        Datentyp.BOOL: 17,
        Datentyp.FILE: 8,
        Datentyp.DATE: 7,
        Datentyp.NUM: 1,
        Datentyp.NUM_CURRENCY: 1,
    }
    assert {e.anzahl for e in entries} == {"1:1", "0:1", "2:5", "1:*"}
    rules = [r for g in groups for r in g.regeln]
    assert len({r.identifikation.id for r in rules}) == 3
    assert all(r.script == "" for r in rules)
    refs = [f.codeliste_referenz for f in fields if f.codeliste_referenz is not None]
    assert len(refs) == 5
    assert all(f.kind is Feldart.SELECT for f in fields if f.codeliste_referenz)
    name = next(f for f in fields if f.identifikation.id == "F00000013")
    assert name.praezisierung is not None
    assert name.praezisierung.min_length == 1
    assert name.praezisierung.text == '{"minLength":"1"}'
    assert label(name) == "Familienname"


def test_blaue_karte_round_trip_is_byte_for_byte_canonical() -> None:
    src = BLAUE_KARTE.read_bytes()
    out = write_xdf_bytes(read_xdf(BLAUE_KARTE))
    assert _c14n(out) == _c14n(src)
    # no whitespace added: the same C14N without ignoring blank text
    assert etree.tostring(etree.fromstring(out), method="c14n") == etree.tostring(
        etree.fromstring(src), method="c14n"
    )


@pytest.mark.parametrize(
    "path", [*READABLE, XDF / "aufenthalt-25-4-2.xdf3.xml"], ids=lambda p: p.name
)
def test_corpus_round_trip(path: Path) -> None:
    doc = read_xdf(path)
    out = write_xdf_bytes(doc)
    assert _c14n(out) == _c14n(path.read_bytes())
    assert read_xdf_bytes(out) == doc


def test_v3_reads_attributes_and_v3_metadata() -> None:
    doc = read_xdf(XDF / "valid" / "minimal.xdf3.xml")
    assert doc.version is XdfVersion.V3
    root = doc.content
    assert isinstance(root, Stammdatenschema)
    assert root.meta.freigabestatus == Code("6")
    assert root.meta.bezeichnung == "Testantrag (XDatenfelder 3)"
    assert root.meta.stichwort == ("Test",)
    assert root.meta.bezug[0].link == "https://www.gesetze-im-internet.de/aufenthg_2004/"
    fields = {e.element.identifikation.id: e.element for _, e in walk(root)}
    plz = fields["F99000034"]
    assert isinstance(plz, Datenfeld)
    assert plz.praezisierung == Praezisierung(items=(("pattern", "[0-9]{5}"),))
    kinder = fields["F99000038"]
    assert isinstance(kinder, Datenfeld) and kinder.praezisierung is not None
    assert kinder.praezisierung.min_value == Decimal(0)
    assert kinder.praezisierung.max_value == Decimal(20)
    nachweis = fields["F99000040"]
    assert isinstance(nachweis, Datenfeld)
    assert nachweis.media_type == ("application/pdf", "image/jpeg")
    assert nachweis.max_size == "5000000"
    assert nachweis.vorbefuellung == Code("keine")
    geschlecht = fields["F99000033"]
    assert isinstance(geschlecht, Datenfeld)
    assert geschlecht.codeliste_referenz == CodelisteReferenz(
        None,
        "urn:xoev-de:xinneres:codeliste:geschlecht",
        "1",
        "urn:xoev-de:xinneres:codeliste:geschlecht_1",
    )
    work = fields["G99000032"]
    assert isinstance(work, Datenfeldgruppe)
    assert work.regeln[0].freitext_regel and work.regeln[0].typ == Code("M")


def test_unknown_elements_are_kept_in_place() -> None:
    path = XDF / "invalid" / "XDF-EXTRA-001-unknown-element.xdf2.xml"
    doc = read_xdf(path)
    fld = next(e.element for _, e in walk(doc.content) if isinstance(e.element, Datenfeld))
    assert [etree.QName(etree.fromstring(x.xml)).localname for x in fld.extras] == [
        "zukunft",
        "x",
    ]
    assert _c14n(write_xdf_bytes(doc)) == _c14n(path.read_bytes())


def test_datenfeldgruppe_message() -> None:
    doc = read_xdf(XDF / "valid" / "datenfeldgruppe.xdf2.xml")
    assert doc.message_type is MessageType.DATENFELDGRUPPE
    assert isinstance(doc.content, Datenfeldgruppe)
    assert doc.content.identifikation.id == "G99000001"


@pytest.mark.parametrize(
    ("text", "card"),
    [("1:1", Cardinality(1, 1)), ("0:*", Cardinality(0, None)), (" 2:5 ", Cardinality(2, 5))],
)
def test_parse_anzahl(text: str, card: Cardinality) -> None:
    assert parse_anzahl(text) == card


@pytest.mark.parametrize("text", ["", "1", "1-2", "a:b", "*:1", "1:2:3", "-1:2"])
def test_parse_anzahl_malformed(text: str) -> None:
    assert parse_anzahl(text) is None


def test_praezisierung_typed_views() -> None:
    p = Praezisierung(
        items=(("minLength", "x"), ("maxValue", "1e3"), ("foo", "1"), ("minValue", "NaN"))
    )
    assert p.min_length is None  # malformed reads as None; the checker reports it
    assert p.max_value == 1000
    assert p.min_value is None
    assert p.unknown == (("foo", "1"),)


def test_every_writer_order_lists_every_element_name() -> None:
    for kinds in ORDER.values():
        for order in kinds.values():
            assert len(order) == len(set(order))
            assert {"identifikation", "name", "bezeichnung", "hilfetext", "relation"} <= set(order)


# --- bad input ---------------------------------------------------------------------------
V2 = "urn:xoev-de:fim:standard:xdatenfelder_2"


@pytest.mark.parametrize(
    ("data", "error", "text"),
    [
        (b"<antrag/>", InputError, "not an XDatenfelder message"),
        (b'<a xmlns="urn:example"/>', InputError, "not an XDatenfelder message"),
        (
            b"<x:xdatenfelder.stammdatenschema.0102"
            b' xmlns:x="urn:xoev-de:fim:standard:xdatenfelder_1"/>',
            UnsupportedVersionError,
            "unknown XDatenfelder version",
        ),
        (
            f'<x:xdatenfelder.codeliste.0104 xmlns:x="{V2}"/>'.encode(),
            InputError,
            "unknown XDatenfelder message type",
        ),
        (
            f'<x:xdatenfelder.stammdatenschema.0102 xmlns:x="{V2}"/>'.encode(),
            InputError,
            "has no <stammdatenschema>",
        ),
        (b"not xml at all", InputError, "not an XML document"),
        (b"", InputError, ""),
        (
            b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>',
            InputError,
            "DOCTYPE",
        ),
    ],
)
def test_bad_input_is_one_input_error(data: bytes, error: type[InputError], text: str) -> None:
    with pytest.raises(error) as exc:
        read_xdf_bytes(data, file="in.xml")
    assert text in str(exc.value)
    assert "\n" not in str(exc.value)


def test_cyclic_group_refused() -> None:
    with pytest.raises(InputError, match="contains itself"):
        read_xdf(XDF / "invalid" / "XDF-INPUT-cyclic-group.xdf2.xml")


def test_deep_nesting_refused() -> None:
    with pytest.raises(LimitExceededError, match=f"deeper than {MAX_GROUP_DEPTH}"):
        read_xdf(XDF / "invalid" / "XDF-INPUT-deep-nesting.xdf2.xml")


def test_absurd_depth_refused_by_xmlsafe_first() -> None:
    inner = "<x:datenfeldgruppe>" * 400 + "</x:datenfeldgruppe>" * 400
    root = "x:xdatenfelder.datenfeldgruppe.0103"
    data = f'<{root} xmlns:x="{V2}">{inner}</{root}>'
    with pytest.raises(InputError):
        read_xdf_bytes(data.encode())


# --- generated models (hypothesis) -------------------------------------------------------
_ALPHABET = st.characters(min_codepoint=0x20, max_codepoint=0x17F) | st.sampled_from("\n\t€Ω")
texts = st.text(_ALPHABET, max_size=12)
opt = st.none() | texts
ids = st.from_regex(r"[SGFR][0-9]{8}", fullmatch=True)
codes = st.builds(Code, texts, st.none() | texts, st.none() | texts)
idents = st.builds(Identifikation, ids, st.none() | st.from_regex(r"[0-9]\.[0-9]", fullmatch=True))
bezuege = st.lists(st.builds(Bezug, texts, st.none() | texts), max_size=2).map(tuple)
metas = st.builds(
    Metadaten,
    name=opt,
    bezeichnung_eingabe=opt,
    beschreibung=opt,
    definition=opt,
    bezug=bezuege,
    status=st.none() | codes,
    freigabestatus=st.none() | codes,
    letzte_aenderung=opt,
    hilfetext_eingabe=opt,
    bezeichnung=opt,
    stichwort=st.lists(texts, max_size=2).map(tuple),
    relation=st.lists(st.builds(Relation, codes, idents), max_size=1).map(tuple),
)
rules = st.builds(Regel, idents, metas, freitext_regel=opt, script=opt, typ=st.none() | codes)
_KEYS = st.sampled_from(["minLength", "maxLength", "minValue", "maxValue", "pattern", "foo"])


def _praezisierung(version: XdfVersion) -> st.SearchStrategy[Praezisierung | None]:
    values = texts | st.sampled_from(["1", "-2.5", "1e999999", "(", "[0-9]{2}", "9" * 40])
    pairs = st.dictionaries(_KEYS, values, max_size=3).map(lambda d: tuple(d.items()))
    if version is XdfVersion.V3:
        return st.none() | st.builds(Praezisierung, items=pairs)
    # v2: the JSON text as a FIM editor writes it, values as strings
    return st.none() | pairs.map(
        lambda items: Praezisierung(items=items, text=json.dumps(dict(items), ensure_ascii=False))
    )


def _fields(version: XdfVersion) -> st.SearchStrategy[Datenfeld]:
    ref = st.builds(
        CodelisteReferenz,
        st.none() if version is XdfVersion.V3 else st.none() | texts,
        texts,
        opt,
        opt,
    )
    return st.builds(
        Datenfeld,
        idents,
        metas,
        feldart=st.none() | codes,
        datentyp=st.none() | codes,
        praezisierung=_praezisierung(version),
        inhalt=opt,
        codeliste_referenz=st.none() | ref,
        vorbefuellung=st.none() | codes,
        max_size=opt,
        media_type=st.lists(texts, max_size=2).map(tuple),
        regeln=st.lists(rules, max_size=1).map(tuple),
    )


def _groups(version: XdfVersion) -> st.SearchStrategy[Datenfeldgruppe]:
    def entries(
        children: st.SearchStrategy[Datenfeld | Datenfeldgruppe],
    ) -> st.SearchStrategy[tuple[Struktur, ...]]:
        return st.lists(st.builds(Struktur, texts, children, bezuege), min_size=1, max_size=3).map(
            tuple
        )

    def group(
        children: st.SearchStrategy[Datenfeld | Datenfeldgruppe],
    ) -> st.SearchStrategy[Datenfeldgruppe]:
        return st.builds(
            Datenfeldgruppe,
            idents,
            metas,
            art=st.none() | codes,
            regeln=st.lists(rules, max_size=1).map(tuple),
            struktur=entries(children),
        )

    return st.recursive(
        group(_fields(version)), lambda inner: group(inner | _fields(version)), max_leaves=4
    )


@st.composite
def documents(draw: st.DrawFn) -> XdfDocument:
    version = draw(st.sampled_from(list(XdfVersion)))
    groups = _groups(version)
    if draw(st.booleans()):
        content: Stammdatenschema | Datenfeldgruppe = draw(
            st.builds(
                Stammdatenschema,
                idents,
                metas,
                ableitungsmodifikationen_struktur=st.none() | codes,
                regeln=st.lists(rules, max_size=1).map(tuple),
                struktur=st.lists(
                    st.builds(Struktur, texts, groups | _fields(version), bezuege), max_size=3
                ).map(tuple),
            )
        )
        message = MessageType.STAMMDATENSCHEMA
    else:
        content = draw(groups)
        message = MessageType.DATENFELDGRUPPE
    header = draw(st.none() | st.builds(Header, opt, opt))
    prefix = draw(st.sampled_from(["xdf", None, "x3"]))
    return XdfDocument(version, message, header, content, prefix=prefix)


def _acyclic(group: Stammdatenschema | Datenfeldgruppe, above: frozenset[Identifikation]) -> bool:
    """No group inside a group of the same id and version (the reader refuses that)."""
    for entry in group.struktur:
        el = entry.element
        if isinstance(el, Datenfeldgruppe) and (
            el.identifikation in above or not _acyclic(el, above | {el.identifikation})
        ):
            return False
    return True


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_generated_documents_round_trip(doc: XdfDocument) -> None:
    root = doc.content
    start = frozenset({root.identifikation}) if isinstance(root, Datenfeldgruppe) else frozenset()
    assume(_acyclic(root, start))
    data = write_xdf_bytes(doc)
    again = read_xdf_bytes(data)
    assert again == doc
    assert write_xdf_bytes(again) == data
    with tempfile.TemporaryDirectory() as tmp:  # the streamed reader builds the same model
        path = Path(tmp) / "doc.xml"
        path.write_bytes(data)
        assert read_xdf(path, stream=True) == doc
    # whatever the content, the checker and the JSON Schema derivation report, never raise
    list(iter_findings(doc))
    compile_schema(doc)

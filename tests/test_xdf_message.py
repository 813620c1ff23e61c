"""``xdf xsd`` and the data message ``xdf.antrag.0100``: XSD validity, lossless round
trips over generated schemas and data, the real Blaue Karte schema, bad input.

The strategies here (``schemas``, ``data_for``) are shared with the form tests.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
from pathlib import Path
from typing import Any

import pytest
import xmlschema
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from xzufi_toolkit.errors import InputError, ValidationFailedError
from xzufi_toolkit.message.header import MessageHeader
from xzufi_toolkit.xdf.message import build_data_message, read_data_message
from xzufi_toolkit.xdf.model import (
    Code,
    CodelisteReferenz,
    Datenfeld,
    Datenfeldgruppe,
    Identifikation,
    Metadaten,
    Praezisierung,
    Stammdatenschema,
    Struktur,
)
from xzufi_toolkit.xdf.reader import read_xdf
from xzufi_toolkit.xdf.xsd import (
    ValueKind,
    build_xsd,
    code_info,
    compile_xsd,
    data_entries,
    value_kind,
)

ROOT = Path(__file__).resolve().parent.parent
BLAUE_KARTE = next(ROOT.glob("**/fixtures/xdf/S00000121*.xml"), None) or Path(
    "/work/shared/reference/xdatenfelder/S00000121-antrag-blaue-karte-eu.xdf2.xml"
)
LEISTUNG = ROOT / "fixtures" / "xdf" / "aufenthalt-25-4-2.xdf3.xml"
HEADER = MessageHeader(
    nachrichten_uuid="3f1c2a9e-8b4d-4e7a-9c61-2d5f0b8e7a14",
    erstellungszeitpunkt=dt.datetime(2026, 12, 5, 12, 0, tzinfo=dt.UTC),
)

# -- strategies ----------------------------------------------------------------
# XSD-compatible patterns (no anchors, the same in Python's re for fullmatch)
PATTERNS = ("[A-Z]{2}[0-9]{1,4}", "[0-9]{5}", "[a-z]+(-[a-z]+)?")
CARDINALITIES = ("1:1", "0:1", "0:3", "1:*", "2:5", "0:*", "1:2")
CODELISTS = (
    CodelisteReferenz(
        canonical_identification="urn:xoev-de:xinneres:codeliste:geschlecht", version="1"
    ),
    CodelisteReferenz(canonical_identification="urn:example:unbekannt", version="3"),
)
# characters XML 1.0 can hold; \r, tabs and line breaks included on purpose
XML_TEXT = st.characters(
    blacklist_categories=("Cs",),
    blacklist_characters="\ufffe\uffff",
    min_codepoint=0x09,
).filter(lambda c: c in "\t\n\r" or ord(c) >= 0x20)


@st.composite
def fields(draw: st.DrawFn, n: int) -> Datenfeld:
    dtype = draw(
        st.sampled_from(["text", "date", "bool", "num", "num_int", "num_currency", "file"])
    )
    feldart = "input"
    ref = None
    praez = None
    if dtype == "text":
        roll = draw(st.integers(0, 5))
        if roll == 0:
            feldart, ref = "select", draw(st.sampled_from(CODELISTS))
        elif roll == 1:
            praez = Praezisierung.of(pattern=draw(st.sampled_from(PATTERNS)))
        elif roll == 2:
            lo = draw(st.integers(0, 5))
            praez = Praezisierung.of(min_length=lo, max_length=lo + draw(st.integers(0, 30)))
        elif roll == 3:
            feldart = "label"
    elif dtype in ("num", "num_int", "num_currency") and draw(st.booleans()):
        lo = draw(st.integers(-1000, 1000))
        praez = Praezisierung.of(min_value=lo, max_value=lo + draw(st.integers(0, 10**6)))
    label = draw(st.text(XML_TEXT.filter(lambda c: c not in "\r\t"), min_size=1, max_size=30))
    return Datenfeld(
        identifikation=Identifikation(f"F{n:08d}", "1.0"),
        meta=Metadaten(name=label, bezeichnung_eingabe=label, hilfetext_eingabe=f"Hilfe {n}"),
        feldart=Code(feldart),
        datentyp=Code(dtype),
        praezisierung=praez,
        codeliste_referenz=ref,
    )


@st.composite
def schemas(draw: st.DrawFn, max_depth: int = 3) -> Stammdatenschema:
    """A random Stammdatenschema: nested groups, every data type, cardinalities, lists."""
    counter = itertools.count(1)

    def children(depth: int) -> tuple[Struktur, ...]:
        out = []
        for _ in range(draw(st.integers(1, 4))):
            n = next(counter)
            element: Datenfeld | Datenfeldgruppe
            if depth < max_depth and draw(st.integers(0, 2)) == 0:
                element = Datenfeldgruppe(
                    identifikation=Identifikation(f"G{n:08d}", "1.0"),
                    meta=Metadaten(name=f"Gruppe {n}", bezeichnung_eingabe=f"Gruppe {n}"),
                    struktur=children(depth + 1),
                )
            else:
                element = draw(fields(n))
            out.append(Struktur(anzahl=draw(st.sampled_from(CARDINALITIES)), element=element))
        return tuple(out)

    return Stammdatenschema(
        identifikation=Identifikation("S00000001", "1.0"),
        meta=Metadaten(name="Erzeugtes Schema"),
        struktur=children(0),
    )


def value_strategy(
    field: Datenfeld, text: st.SearchStrategy[str] = XML_TEXT
) -> st.SearchStrategy[Any]:
    kind = value_kind(field)
    p = field.praezisierung
    if kind is ValueKind.CODE:
        info = code_info(field)
        if info.complete:
            return st.sampled_from(info.codes)
        return st.text(text, max_size=10)
    if kind is ValueKind.BOOL:
        return st.booleans()
    if kind is ValueKind.FILE:
        return st.fixed_dictionaries(
            {
                "attachmentId": st.uuids().map(str),
                "filename": st.text(text, min_size=1, max_size=40),
                "mimeType": st.sampled_from(["application/pdf", "image/jpeg", "image/png"]),
            },
            optional={"size": st.integers(0, 10**12)},
        )
    if kind is ValueKind.OBJ:
        return st.dictionaries(st.text(text, max_size=5), st.integers() | st.text(text))
    if kind is ValueKind.DATE:
        return st.dates().map(dt.date.isoformat)
    if kind in (ValueKind.INTEGER, ValueKind.DECIMAL):
        lo = int(p.min_value) if p is not None and p.min_value is not None else None
        hi = int(p.max_value) if p is not None and p.max_value is not None else None
        ints = st.integers(lo, hi)
        if kind is ValueKind.INTEGER:
            return ints
        floats = st.floats(lo, hi, allow_nan=False, allow_infinity=False)
        return st.one_of(ints, floats)
    if p is not None and p.pattern:
        return st.from_regex(p.pattern, fullmatch=True)
    lo = p.min_length if p is not None and p.min_length is not None else 0
    hi = p.max_length if p is not None and p.max_length is not None else 40
    return st.text(text, min_size=lo, max_size=hi)


@st.composite
def data_for(
    draw: st.DrawFn,
    group: Stammdatenschema | Datenfeldgruppe,
    text: st.SearchStrategy[str] = XML_TEXT,
) -> dict[str, Any]:
    """Valid data for ``group`` in canonical form (no empty arrays); ``text``: its letters."""
    out: dict[str, Any] = {}
    for entry in data_entries(group):
        el = entry.element

        def one(el: Datenfeld | Datenfeldgruppe = el) -> st.SearchStrategy[Any]:
            if isinstance(el, Datenfeldgruppe):
                return data_for(el, text)
            return value_strategy(el, text)

        if entry.repeated:
            lo = max(entry.min, 1) if entry.min == 0 and draw(st.booleans()) else entry.min
            if entry.min == 0 and lo == 0:
                continue
            hi = min(entry.max or lo + 2, lo + 2)
            out[entry.key] = draw(st.lists(one(), min_size=lo, max_size=hi))
        elif entry.min == 1 or draw(st.booleans()):
            out[entry.key] = draw(one())
    return out


@st.composite
def schema_and_data(draw: st.DrawFn) -> tuple[Stammdatenschema, dict[str, Any]]:
    schema = draw(schemas())
    return schema, draw(data_for(schema))


# -- properties ------------------------------------------------------------------
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(schema_and_data())
def test_round_trip_is_lossless(case: tuple[Stammdatenschema, dict[str, Any]]) -> None:
    schema, data = case
    msg = build_data_message(schema, data, header=HEADER)
    back, header = read_data_message(schema, msg)
    assert back == data
    assert json.loads(json.dumps(back)) == back  # plain JSON types only
    assert header == HEADER
    assert build_data_message(schema, back, header=header) == msg


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(schemas())
def test_generated_xsd_is_valid_for_both_engines(schema: Stammdatenschema) -> None:
    xsd = build_xsd(schema)
    etree.XMLSchema(etree.fromstring(xsd))
    xmlschema.XMLSchema(xsd.decode("utf-8"))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(schema_and_data())
def test_xmlschema_agrees_that_the_message_is_valid(
    case: tuple[Stammdatenschema, dict[str, Any]],
) -> None:
    schema, data = case
    msg = build_data_message(schema, data, header=HEADER)
    xmlschema.XMLSchema(build_xsd(schema).decode("utf-8")).validate(msg.decode("utf-8"))


def test_numbers_keep_their_json_type() -> None:
    schema = Stammdatenschema(
        identifikation=Identifikation("S1", "1.0"),
        struktur=tuple(
            Struktur("0:*", Datenfeld(Identifikation(f"F{t}", "1"), datentyp=Code(t)))
            for t in ("num", "num_int", "num_currency")
        ),
    )
    data = {
        "Fnum": [1, 2.5, 1e-07, -0.0, 1e22, 10**30],
        "Fnum_int": [3, -7],
        "Fnum_currency": [0.1],
    }
    back, _ = read_data_message(schema, build_data_message(schema, data, header=HEADER))
    assert back == data
    assert [type(v) for v in back["Fnum"]] == [int, float, float, float, float, int]
    assert isinstance(back["Fnum_currency"][0], float)


def test_empty_array_of_an_optional_element_reads_back_as_absent() -> None:
    schema = Stammdatenschema(
        identifikation=Identifikation("S1", "1.0"),
        struktur=(Struktur("0:*", Datenfeld(Identifikation("F1", "1"), datentyp=Code("text"))),),
    )
    back, _ = read_data_message(schema, build_data_message(schema, {"F1": []}, header=HEADER))
    assert back == {}


# -- the real schemas ------------------------------------------------------------
@pytest.fixture(scope="module")
def blaue_karte() -> Stammdatenschema:
    content = read_xdf(BLAUE_KARTE).content
    assert isinstance(content, Stammdatenschema)
    return content


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_blaue_karte_round_trips(blaue_karte: Stammdatenschema, data: st.DataObject) -> None:
    doc = data.draw(data_for(blaue_karte))
    msg = build_data_message(blaue_karte, doc, header=HEADER)
    assert read_data_message(blaue_karte, msg)[0] == doc


def test_blaue_karte_xsd_has_every_field_and_group(blaue_karte: Stammdatenschema) -> None:
    from xzufi_toolkit.xdf.model import walk

    xsd = etree.fromstring(build_xsd(blaue_karte))
    declared = {el.get("name") for el in xsd.iter("{http://www.w3.org/2001/XMLSchema}element")}
    ids = {path[-1] for path, _ in walk(blaue_karte)}
    assert ids <= declared


def test_code_fields_are_xoev_codes(blaue_karte: Stammdatenschema) -> None:
    doc = {
        "G00000630": {"F00000013": "Wiśniewski", "F00000045": "Łukasz", "F00000065": "1"},
    }
    schema = Stammdatenschema(
        identifikation=blaue_karte.identifikation,
        struktur=(
            Struktur(
                "1:1",
                Datenfeldgruppe(
                    identifikation=Identifikation("G00000630", "1.0"),
                    struktur=tuple(
                        s
                        for s in blaue_karte.struktur[0].element.struktur  # type: ignore[union-attr]
                        if s.element.identifikation.id in ("F00000013", "F00000045", "F00000065")
                    ),
                ),
            ),
        ),
    )
    msg = build_data_message(schema, doc, header=HEADER)
    root = etree.fromstring(msg)
    (code,) = root.iter("{*}F00000065")
    assert code.get("listURI") == "urn:xpersonenstand:schluesseltabelle:geschlecht"
    assert code.get("listVersionID") == "2"
    assert code.findtext("code") == "1"
    assert read_data_message(schema, msg)[0] == doc


# -- bad input -------------------------------------------------------------------
SIMPLE = Stammdatenschema(
    identifikation=Identifikation("S1", "1.0"),
    struktur=(
        Struktur("1:1", Datenfeld(Identifikation("F1", "1"), datentyp=Code("text"))),
        Struktur("0:1", Datenfeld(Identifikation("F2", "1"), datentyp=Code("date"))),
    ),
)


@pytest.mark.parametrize(
    ("data", "match"),
    [
        ({"F1": "a", "F9": "x"}, r"\$\.F9: expected no key of the schema"),
        ({"F1": ["a"]}, r"\$\.F1: expected a string"),
        ({"F1": "a\x01"}, "XML cannot carry"),
    ],
)
def test_data_of_another_shape_is_one_error(data: dict[str, Any], match: str) -> None:
    with pytest.raises(InputError, match=match):
        build_data_message(SIMPLE, data, header=HEADER)


def test_invalid_data_fails_the_xsd_without_values() -> None:
    with pytest.raises(ValidationFailedError) as exc:
        build_data_message(SIMPLE, {"F1": "a", "F2": "Geheim-2020"}, header=HEADER)
    findings = list(exc.value.report)
    assert [f.code for f in findings] == ["XDF-MSG-XSD"]
    assert "Geheim" not in findings[0].message


def test_message_of_another_schema_is_refused() -> None:
    other = Stammdatenschema(identifikation=Identifikation("S2", "1.0"), struktur=SIMPLE.struktur)
    msg = build_data_message(other, {"F1": "a"}, header=HEADER)
    with pytest.raises(InputError, match="not a data message of Stammdatenschema S1"):
        read_data_message(SIMPLE, msg)


def test_hostile_message_is_refused() -> None:
    bomb = b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>'
    with pytest.raises(InputError):
        read_data_message(SIMPLE, bomb)


def test_inverted_cardinality_is_one_error() -> None:
    bad = Stammdatenschema(
        identifikation=Identifikation("S1", "1.0"),
        struktur=(Struktur("3:1", Datenfeld(Identifikation("F1", "1"), datentyp=Code("text"))),),
    )
    with pytest.raises(InputError, match="cardinality '3:1'"):
        build_xsd(bad)


def test_compiled_once_per_schema() -> None:
    assert compile_xsd(SIMPLE) is compile_xsd(SIMPLE)


def test_golden_blaue_karte_message(blaue_karte: Stammdatenschema) -> None:
    """The committed message is what build writes, and read gives the application back."""
    app = ROOT / "fixtures" / "xdf" / "data" / "valid" / "blaue-karte-application.json"
    golden = ROOT / "fixtures" / "xdf" / "messages" / "blaue-karte-application.xml"
    data = json.loads(app.read_text(encoding="utf-8"))
    header = MessageHeader(
        nachrichten_uuid=HEADER.nachrichten_uuid,
        erstellungszeitpunkt=HEADER.erstellungszeitpunkt,
        produktversion=None,  # the golden file stays the same across releases
    )
    assert build_data_message(blaue_karte, data, header=header) == golden.read_bytes()
    assert read_data_message(blaue_karte, golden.read_bytes()) == (data, header)

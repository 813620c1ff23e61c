"""Property tests for the typed transfer objects (xzufi/objects.py), every kind.

- typed object → element (2.2.0 or 2.3.1) → typed object gives the same object;
- an element with unknown children (anywhere, also between two elements of
  one name) → typed → element gives the identical tree: every element,
  attribute and value, ``de-DE`` as written;
- what does not fit the typed shape (a qualified code, an unknown attribute)
  is kept verbatim in its place.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from xzufi_toolkit.io import xmlsafe
from xzufi_toolkit.xzufi import objects as o
from xzufi_toolkit.xzufi.reader import compact_xml
from xzufi_toolkit.xzufi.transfer_checks import KIND_OF_KLASSE, KLASSE_OF
from xzufi_toolkit.xzufi.versions import XSI, spec_for

VERSIONS = st.sampled_from(["2.2.0", "2.3.1"])
# XML 1.0 text: no control characters (\r would come back as \n), no surrogates
TEXT = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Cn")), max_size=12)
OPT = st.none() | TEXT
LANG = st.sampled_from(["de", "de-DE", "en", "en-GB", "uk", "ar", "tr"])

idents = st.builds(
    o.Identifier,
    value=TEXT,
    scheme_agency_id=OPT,
    scheme_id=OPT,
    attributes=st.lists(
        st.sampled_from(["schemeAgencyName", "schemeDataURI", "schemeName", "schemeVersionID"]),
        unique=True,
        max_size=2,
    ).flatmap(lambda names: st.tuples(*(st.tuples(st.just(n), TEXT) for n in names))),
)
codes = st.builds(o.CodeValue, code=TEXT, name=OPT, list_uri=OPT, list_version_id=OPT)
strings = st.builds(o.LocalizedString, text=TEXT, language=st.none() | LANG)


def tup(s: st.SearchStrategy[Any], n: int = 3) -> st.SearchStrategy[tuple[Any, ...]]:
    return st.lists(s, max_size=n).map(tuple)


sprachen = st.builds(
    o.Sprachversion, language_code=st.none() | LANG, bezeichnung_deutsch=OPT, bezeichnung_nativ=OPT
)
kodierungen = st.builds(
    o.VerwaltungspolitischeKodierung,
    bundesland=st.none() | codes,
    gemeindeschluessel=st.none() | codes,
    regionalschluessel=st.none() | codes,
)
anschriften = st.builds(o.Anschrift, ort=OPT, kodierung=st.none() | kodierungen)
angaben = st.builds(
    o.ZustaendigkeitAngabe,
    id=st.none() | idents,
    leistung_ids=tup(idents, 2),
    gebiet_ids=tup(idents),
    rolle=st.none() | codes,
)
oes = st.builds(
    o.Organisationseinheit,
    id=st.none() | idents,
    names=tup(st.builds(o.OeName, names=tup(strings)), 2),
    anschriften=tup(anschriften, 2),
    zustaendigkeiten=tup(angaben, 2),
)
zustaendigkeiten = st.builds(
    o.Zustaendigkeit,
    uebergeordnetes_objekt_id=st.none() | idents,
    zustaendigkeit=st.none() | angaben,
)
links = st.builds(
    o.OnlinedienstLink, typ=st.none() | codes, link=OPT, titel=OPT, language=st.none() | LANG
)
dienste = st.builds(
    o.Onlinedienst,
    id=st.none() | idents,
    bezeichnungen=tup(strings),
    links=tup(links),
    vertrauensniveau=st.none() | codes,
    sprachversionen=tup(sprachen, 2),
    attributes=st.sampled_from([(), ((f"{{{XSI}}}type", "xzufi:OnlinedienstErweitert"),)]),
)
spezialisierungen = st.builds(o.Spezialisierung, id=st.none() | idents)
loeschungen = st.builds(
    o.Loeschung, klasse=st.none() | st.sampled_from(sorted(KIND_OF_KLASSE)), id=st.none() | idents
)
objects = oes | zustaendigkeiten | dienste | spezialisierungen


def back(el: etree._Element) -> etree._Element:
    """Through bytes and the hardened parser, as a file would come."""
    return xmlsafe.parse_bytes(etree.tostring(el)).getroot()


def shape(el: etree._Element) -> object:
    kids = [shape(c) for c in el if isinstance(c.tag, str)]
    return (el.tag, sorted(el.attrib.items()), el.text if not kids else None, kids)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(obj=objects, version=VERSIONS, other=VERSIONS)
def test_typed_object_round_trips_in_both_versions(
    obj: o.TransferObject, version: str, other: str
) -> None:
    el = back(o.object_element(obj, version))
    assert etree.QName(el).namespace == spec_for(version).ns
    assert o.object_from_element(el) == obj
    # and into the other version: the typed object is the same
    assert o.object_from_element(back(o.object_element(o.object_from_element(el), other))) == obj


@settings(max_examples=40, deadline=None)
@given(obj=loeschungen, version=VERSIONS)
def test_loeschung_round_trips(obj: o.Loeschung, version: str) -> None:
    el = back(o.loeschung_element(obj, version))
    assert o.loeschung_from_element(el) == obj
    assert o.KINDS.get(obj.kind or "") is None or KLASSE_OF[obj.kind or ""] == obj.klasse


@st.composite
def with_unknowns(draw: st.DrawFn) -> tuple[etree._Element, str]:
    """A written object with unknown elements added anywhere among its children."""
    version = draw(VERSIONS)
    el = back(o.object_element(draw(objects), version))
    ns = spec_for(version).ns
    targets = [el, *(d for d in el.iter() if isinstance(d.tag, str) and len(d) and d is not el)]
    for target in draw(st.lists(st.sampled_from(targets), max_size=3)):
        # anywhere: also between two elements of one name (Extra.nth)
        cut = draw(st.integers(0, len(target)))
        extra = etree.Element(f"{{{ns}}}unbekannt{draw(st.integers(0, 9))}")
        extra.set("languageCode", draw(LANG))
        extra.text = draw(TEXT)
        target.insert(cut, extra)
    return back(el), version


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=with_unknowns())
def test_unknown_elements_stay_in_place(case: tuple[etree._Element, str]) -> None:
    el, version = case
    obj = o.object_from_element(el)
    assert shape(back(o.object_element(obj, version))) == shape(el)


def test_what_does_not_fit_is_kept_verbatim() -> None:
    ns = spec_for("2.2.0").ns
    xml = (
        f'<x:onlinedienst xmlns:x="{ns}" xmlns:xsi="{XSI}" xsi:type="x:OnlinedienstErweitert">'
        '<x:id schemeAgencyID="A">OD-1</x:id>'
        # a qualified code and an unknown attribute do not fit: kept as they are
        "<x:vertrauensniveau><x:code>20</x:code></x:vertrauensniveau>"
        '<x:bezeichnung languageCode="de-DE" foo="bar">Antrag</x:bezeichnung>'
        '<x:link languageCode="de-DE"><x:typ><code>01</code></x:typ><x:link>https://a</x:link>'
        "</x:link></x:onlinedienst>"
    ).encode()
    el = xmlsafe.parse_bytes(xml).getroot()
    obj = o.onlinedienst_from_element(el)
    assert obj.vertrauensniveau is None and obj.bezeichnungen == ()
    assert [e.tag for e in obj.extras] == ["vertrauensniveau", "bezeichnung"]
    assert obj.links[0].language == "de-DE"
    assert obj.attributes == ((f"{{{XSI}}}type", "xzufi:OnlinedienstErweitert"),)
    out = o.onlinedienst_element(obj, "2.2.0")
    # the QName value names the same type; it is written with the prefix the writer declares
    el.set(f"{{{XSI}}}type", "xzufi:OnlinedienstErweitert")
    assert shape(back(out)) == shape(el)
    assert b"de-DE" in compact_xml(out)


def test_zustaendigkeit_id_is_the_inner_one() -> None:
    ns = spec_for("2.3.1").ns
    el = xmlsafe.parse_bytes(
        (
            f'<x:zustaendigkeitTransferObjekt xmlns:x="{ns}">'
            '<x:uebergeordnetesObjektID schemeAgencyID="A">OE-1</x:uebergeordnetesObjektID>'
            '<x:zustaendigkeit><x:id schemeAgencyID="A"> Z-1 </x:id>'
            '<x:leistungID schemeAgencyID="A">L-1</x:leistungID>'
            "<x:gebietID>066110000000</x:gebietID><x:gebietID>066110000001</x:gebietID>"
            "<x:rolle><code>01</code><name>Zuständige Stelle</name></x:rolle>"
            "</x:zustaendigkeit></x:zustaendigkeitTransferObjekt>"
        ).encode()
    ).getroot()
    z = o.zustaendigkeit_from_element(el)
    assert z.id is not None and z.id.key == ("A", "Z-1") and str(z.id) == "Z-1"
    assert z.id.value == " Z-1 "  # as written
    assert str(z.leistung_id) == "L-1" and [str(g) for g in z.gebiet_ids] == [
        "066110000000",
        "066110000001",
    ]
    assert z.rolle == o.CodeValue(code="01", name="Zuständige Stelle")


def test_kind_tables_agree() -> None:
    assert {k: v.klasse for k, v in o.KINDS.items()} == KLASSE_OF
    assert o.KIND_BY_KLASSE == KIND_OF_KLASSE


def test_reader_and_registry_agree_on_severities() -> None:
    from xzufi_toolkit.validate.registry import RULES
    from xzufi_toolkit.xzufi.transfer_checks import SEVERITIES

    for code, severity in SEVERITIES.items():
        assert RULES[code].severity is severity, code

"""Property tests: what is applied comes back from ``export`` unchanged, the
store after a stream does not depend on replays, and ARS matching is prefix
matching at the four levels."""

from __future__ import annotations

import copy
import string
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from xzufi_toolkit.catalog import apply_message, export_object, open_store, responsible
from xzufi_toolkit.catalog.query import LEVELS, region_candidates
from xzufi_toolkit.io import xmlsafe

NS = "http://xoev.de/schemata/xzufi/2_2_0"
text = (
    st.text(
        alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\x00"),
        min_size=1,
        max_size=30,
    )
    .map(str.strip)
    .filter(bool)
)
ident = st.text(alphabet=string.ascii_letters + string.digits + "-_.", min_size=1, max_size=20)
digits = st.text(alphabet=string.digits, min_size=12, max_size=12)


def _e(tag: str, value: str | None = None, **attrs: str) -> etree._Element:
    el = etree.Element(f"{{{NS}}}{tag}", attrs, nsmap={"xzufi": NS})
    el.text = value
    return el


@st.composite
def oe(draw: st.DrawFn) -> etree._Element:
    el = _e("organisationseinheit")
    el.append(_e("id", draw(ident), schemeAgencyID=draw(ident)))
    name = _e("name")
    for _ in range(draw(st.integers(1, 3))):
        name.append(
            _e("name", draw(text), languageCode=draw(st.sampled_from(["de", "en", "de-DE"])))
        )
    el.append(name)
    addr = _e("anschrift")
    addr.append(_e("ort", draw(text)))
    el.append(addr)
    return el


@st.composite
def zst(draw: st.DrawFn) -> etree._Element:
    el = _e("zustaendigkeitTransferObjekt")
    el.append(_e("uebergeordnetesObjektID", draw(ident), schemeAgencyID="A"))
    inner = _e("zustaendigkeit")
    inner.append(_e("id", draw(ident), schemeAgencyID=draw(ident)))
    inner.append(_e("leistungID", draw(ident)))
    inner.append(_e("gebietID", draw(digits)[: draw(st.sampled_from(sorted(LEVELS)))]))
    el.append(inner)
    return el


def _message(objects: list[etree._Element]) -> bytes:
    root = _e("xzufi.transfer", xzufiVersion="2.2.0")
    root.append(_e("nachrichtenkopf"))
    for obj in objects:
        s = _e("schreibe")
        s.append(copy.deepcopy(obj))
        root.append(s)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _c14n(el: etree._Element) -> bytes:
    """Canonical XML without layout whitespace (export indents its output)."""
    el = copy.deepcopy(el)
    for node in el.iter():
        if len(node) and node.text is not None and not node.text.strip():
            node.text = None
        if node.tail is not None and not node.tail.strip():
            node.tail = None
    return etree.tostring(el, method="c14n", exclusive=True)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(objects=st.lists(st.one_of(oe(), zst()), min_size=1, max_size=6))
def test_export_gives_back_every_applied_object(
    tmp_path: Path, objects: list[etree._Element]
) -> None:
    db = tmp_path / "p.sqlite"
    db.unlink(missing_ok=True)
    with open_store(str(db)) as store:
        data = _message(objects)
        apply_message(store, data)
        once = export_all(store, objects)
        apply_message(store, data)  # replay: same store
        assert export_all(store, objects) == once
    # the last write of a key wins
    last: dict[tuple[str, str], bytes] = {}
    for obj in objects:
        key_el = obj.find(f"{{{NS}}}id")
        if key_el is None:
            key_el = obj.find(f"{{{NS}}}zustaendigkeit/{{{NS}}}id")
        assert key_el is not None and key_el.text is not None
        last[(etree.QName(obj).localname, key_el.text)] = _c14n(obj)
    assert once == last


def export_all(store, objects: list[etree._Element]) -> dict[tuple[str, str], bytes]:  # type: ignore[no-untyped-def]
    out = {}
    for obj in objects:
        kind = etree.QName(obj).localname
        key_el = obj.find(f"{{{NS}}}id")
        if key_el is None:
            key_el = obj.find(f"{{{NS}}}zustaendigkeit/{{{NS}}}id")
        klasse = "Organisationseinheit" if kind == "organisationseinheit" else "Zustaendigkeit"
        data = export_object(store, key_el.text, kind=klasse, agency=key_el.get("schemeAgencyID"))
        root = xmlsafe.parse_bytes(data, file="<export>").getroot()
        out[(kind, key_el.text)] = _c14n(root.find(f"{{{NS}}}schreibe")[0])
    return out


@given(region=digits, level=st.sampled_from(sorted(LEVELS)), other=digits)
def test_region_candidates_are_the_prefixes(region: str, level: int, other: str) -> None:
    cands = region_candidates(region)
    assert region[:level] in cands and cands[region[:level]] <= level
    assert region[:level].ljust(12, "0") in cands
    if not other.startswith(region[:2]):
        assert other[:level] not in cands


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(gebiet=digits, level=st.sampled_from(sorted(LEVELS)), asked=digits)
def test_a_zustaendigkeit_covers_exactly_the_regions_below_it(
    tmp_path: Path, gebiet: str, level: int, asked: str
) -> None:
    z = _e("zustaendigkeitTransferObjekt")
    z.append(_e("uebergeordnetesObjektID", "oe"))
    inner = _e("zustaendigkeit")
    inner.append(_e("id", "z1"))
    inner.append(_e("leistungID", "L1"))
    inner.append(_e("gebietID", gebiet[:level]))
    z.append(inner)
    db = tmp_path / "r.sqlite"
    db.unlink(missing_ok=True)
    with open_store(str(db)) as store:
        apply_message(store, _message([z]))
        below = gebiet[:level] + asked[level:]
        assert len(responsible(store, "L1", below).responsibilities) == 1
        covered = asked.startswith(gebiet[:level]) or (asked[:level] == gebiet[:level])
        assert bool(responsible(store, "L1", asked).responsibilities) == covered

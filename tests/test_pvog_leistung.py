"""The PVOG corpus of Leistungen (``fixtures/pvog/leistung-*.xml``): documents built
only from element paths that public readers of real PVOG/FIM exports use
(``xzufi-real-data.md``). Each one validates without an XSD error, comes back
from a same-version round trip as the identical tree, and converts to the other
version carrying every element both profiles declare."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import etree

from xzufi_toolkit.io import xmlsafe
from xzufi_toolkit.render import render_page
from xzufi_toolkit.validate.api import iter_findings
from xzufi_toolkit.xzufi import load_schema, read_leistung, write_leistung
from xzufi_toolkit.xzufi.summary import summary_lines

CORPUS = Path(__file__).resolve().parent.parent / "fixtures" / "pvog"
DOCS = sorted(CORPUS.glob("leistung-*.xml"))
XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"
OTHER = {"2.2.0": "2.3.1", "2.3.1": "2.2.0"}

Canon = tuple[str, dict[str, str], str, list["Canon"]]


def canon(el: etree._Element) -> Canon:
    """Elements, attributes and values in document order; layout whitespace and comments
    left out. ``xsi:type`` is a QName: compared resolved, not by its prefix."""
    kids = [canon(c) for c in el if isinstance(c.tag, str)]
    text = el.text or ""
    if kids and not text.strip():
        text = ""
    attrs = dict(el.attrib)
    if XSI_TYPE in attrs:
        prefix, _, name = attrs[XSI_TYPE].rpartition(":")
        attrs[XSI_TYPE] = f"{{{el.nsmap.get(prefix or None)}}}{name}"
    return (str(el.tag), attrs, text, kids)


def _count(el: etree._Element, *names: str) -> int:
    return sum(1 for e in el.iter() if isinstance(e.tag, str) and etree.QName(e).localname in names)


def test_corpus_has_both_versions() -> None:
    versions = {read_leistung(p).version for p in DOCS}
    assert versions == {"2.2.0", "2.3.1"} and len(DOCS) >= 8


@pytest.mark.parametrize("path", DOCS, ids=lambda p: p.name)
def test_document_names_its_evidence(path: Path) -> None:
    head = path.read_text(encoding="utf-8").split("leistung xmlns", 1)[0]
    note = re.search(r"<!--(.*?)-->", head, re.S)
    assert note is not None and "xzufi-real-data.md" in note.group(1)


@pytest.mark.parametrize("path", DOCS, ids=lambda p: p.name)
def test_document_has_no_xsd_error(path: Path) -> None:
    version = read_leistung(path).version
    schema = load_schema(version)
    assert schema.validate(xmlsafe.parse_file(path)), schema.error_log.last_error
    codes = {f.code for f in iter_findings(path)}
    assert not {c for c in codes if c.startswith(("XZ-XSD", "XZ-IO"))}, codes


@pytest.mark.parametrize("path", DOCS, ids=lambda p: p.name)
def test_same_version_round_trip_is_the_identical_tree(path: Path) -> None:
    result = read_leistung(path)
    written = write_leistung(result.leistung, result.version)
    assert written.findings == []
    before = canon(xmlsafe.parse_file(path).getroot())
    assert canon(xmlsafe.parse_bytes(written.data).getroot()) == before
    # and once more from what was written: stable
    again = write_leistung(read_leistung(written.data).leistung, result.version)
    assert again.data == written.data


# the one real loss among the evidenced elements: 2.3.1 has codes instead of the flag
_REAL_LOSSES = ("kennzeichenEA",)


@pytest.mark.parametrize("path", DOCS, ids=lambda p: p.name)
def test_conversion_carries_what_both_profiles_declare(path: Path) -> None:
    result = read_leistung(path)
    target = OTHER[result.version]
    written = write_leistung(result.leistung, target)
    tree = xmlsafe.parse_bytes(written.data)
    schema = load_schema(target)
    assert schema.validate(tree), schema.error_log.last_error
    lost = [f.message for f in written.findings if f.code == "XZ-C001"]
    assert all(m.startswith(_REAL_LOSSES) for m in lost), lost
    src, out = xmlsafe.parse_file(path).getroot(), tree.getroot()
    for names in (
        ("kategorie",),
        ("klasse",),
        ("gueltigkeitGebietID",),
        ("sprachversion",),
        ("versionsinformation", "versionsinformationen"),
        ("modulUrsprungsportal",),
        ("verrichtungLeiKa", "verrichtung"),
        ("weiterfuehrenderLink",),
        ("verrichtungsdetail",),
        ("begriffImKontext",),
    ):
        expected = _count(src, *names)
        if names == ("verrichtungLeiKa", "verrichtung"):
            # one Verrichtung is one or two elements depending on the shape
            expected = 1 if expected else 0
            assert min(_count(out, *names), 1) == expected, names
        else:
            assert _count(out, *names) == expected, names
    # language codes as written, in every version
    langs = sorted(v for e in src.iter() for v in [e.get("languageCode")] if v)
    out_langs = sorted(v for e in out.iter() for v in [e.get("languageCode")] if v)
    if "XZ-C003" in {f.code for f in written.findings}:
        # 2.2.0 holds one module of a kind: descriptions of one language are joined
        assert set(out_langs) == set(langs)
    else:
        assert out_langs == langs
    # every text comes along (joined ones included), but for the real losses
    texts = "\n".join(e.text for e in out.iter() if isinstance(e.tag, str) and e.text)
    for e in src.iter():
        if not isinstance(e.tag, str) or etree.QName(e).localname in _REAL_LOSSES:
            continue
        if e.text and e.text.strip() and not len(e):
            assert e.text.strip() in texts, e.text


def test_real_2_2_0_verrichtung_is_read_and_converted() -> None:
    item = read_leistung(CORPUS / "leistung-2.2.0-real-shape.xml").leistung
    s = item.structure
    assert s is not None and s.action is not None
    assert (s.action.code, s.action.name, s.action.list_uri, s.action_form) == (
        "001",
        "Erteilung",
        "urn:example:verrichtung",
        "wrapped",
    )
    up = xmlsafe.parse_bytes(write_leistung(item, "2.3.1").data).getroot()
    ns = {"x": "http://xoev.de/schemata/xzufi/2_3_1"}
    assert up.xpath("x:struktur/x:verrichtungLeiKa/code/text()", namespaces=ns) == ["1"]


def test_languages_are_normalised_in_the_model_only() -> None:
    item = read_leistung(CORPUS / "leistung-2.2.0-languages-de-DE.xml").leistung
    assert item.name("de") == "Aufenthaltserlaubnis (Beispiel)"
    module = item.text_module("02")
    assert module is not None
    first = module.contents[0]
    assert (first.language, first.language_written) == ("de", "de-DE")
    links = item.text_modules[2].links
    assert [(k.language, k.language_written, k.language_attribute) for k in links] == [
        ("de", "de-DE", True),
        ("en", None, True),
        ("uk", None, True),
    ]
    assert [lv.language_code for lv in item.language_versions][:2] == ["de-DE", "en"]


def test_markup_only_text_stays_between_its_neighbours() -> None:
    path = CORPUS / "leistung-2.2.0-br-only-texts.xml"
    result = read_leistung(path)
    assert [f.code for f in result.findings] == ["XZ-N002"] * 5
    module = result.leistung.text_module("02")
    assert module is not None
    assert [t.language for t in module.contents] == ["de", "fr"]  # the model's view
    out = xmlsafe.parse_bytes(write_leistung(result.leistung, "2.2.0").data).getroot()
    ns = {"x": "http://xoev.de/schemata/xzufi/2_2_0"}
    assert out.xpath("x:modulText[1]/x:inhalt/@languageCode", namespaces=ns) == ["de", "en", "fr"]


def test_show_prints_descriptions_links_and_units_in_words() -> None:
    item = read_leistung(CORPUS / "leistung-2.2.0-real-shape.xml").leistung
    text = "\n".join(summary_lines(item, "2.2.0"))
    assert (
        "Kosten:                     Die Gebühr richtet sich nach der Aufenthaltsverordnung."
        in text
    )
    assert "Bearbeitungsdauer:          Mehrere Wochen" in text
    assert "Frist:                      Die Aufenthaltserlaubnis wird für längstens" in text
    assert "15 Weiterführende Informationen [2 Links]" in text
    for line in (
        "Kategorien:                 Aufenthalt",
        "Gültig für Gebiete:         060000000000",
        "Sprachversionen:            de, en",
        "Zuletzt geändert:           2024-03-01T10:15:00+01:00",
    ):
        assert line in text
    en = "\n".join(
        summary_lines(
            read_leistung(CORPUS / "leistung-2.3.1-real-shape.xml").leistung, "2.3.1", "en"
        )
    )
    assert "Frist:                      Three years at most." in en
    # without an English text, the German one
    assert "Bearbeitungsdauer:          In der Regel sechs bis acht Wochen." in en


def test_render_shows_link_only_modules_and_module_descriptions() -> None:
    item = read_leistung(CORPUS / "leistung-2.2.0-real-shape.xml").leistung
    page = render_page(item, lang="de")
    assert "Weiterführende Informationen" in page
    assert 'href="https://example.org/informationen"' in page
    assert "Merkblatt und Öffnungszeiten" in page
    assert 'href="https://example.org/information"' not in page  # the English link: other page
    for text in ("Die Gebühr richtet sich", "Mehrere Wochen", "längstens drei Jahre"):
        assert text in page
    en = render_page(item, lang="en")
    assert 'href="https://example.org/information"' in en
    assert 'href="https://example.org/informationen"' not in en


def test_render_marks_links_only_in_another_language() -> None:
    item = read_leistung(CORPUS / "leistung-2.3.1-description-only-modules.xml").leistung
    page = render_page(item, lang="en")
    assert '<li lang="de"><a href="https://example.org/b"' in page
    assert "Zweiter Link</a> – mit Beschreibung" in page


def test_wrapped_verrichtung_mismatch_is_found_by_the_key_rule() -> None:
    data = (CORPUS / "leistung-2.2.0-real-shape.xml").read_bytes()
    bad = data.replace(
        b"<code>001</code>\n        <name>Erteilung", b"<code>002</code>\n        <name>Erteilung"
    )
    assert bad != data
    codes = [f.code for f in iter_findings(bad, name="bad.xml")]
    assert "XZ-KEY-003" in codes
    assert "XZ-KEY-003" not in [f.code for f in iter_findings(data, name="good.xml")]


_WRAPPED_231 = b"""<?xml version="1.0" encoding="UTF-8"?>
<x:leistung xmlns:x="http://xoev.de/schemata/xzufi/2_3_1"
            xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <x:id>L-1</x:id>
  <x:struktur xsi:type="x:LeistungsstrukturObjektMitVerrichtung">
    <x:leistungsobjektID>99010022000000</x:leistungsobjektID>
    <x:verrichtung><x:verrichtungLeiKa><code>1</code></x:verrichtungLeiKa></x:verrichtung>
  </x:struktur>
</x:leistung>
"""


def test_2_3_1_accepts_the_wrapped_verrichtung_and_writes_its_own_shape() -> None:
    schema = load_schema("2.3.1")
    assert schema.validate(xmlsafe.parse_bytes(_WRAPPED_231)), schema.error_log.last_error
    item = read_leistung(_WRAPPED_231).leistung
    assert item.structure is not None and item.structure.action is not None
    assert item.structure.action.code == "1"
    out = write_leistung(item, "2.3.1").data
    assert b"<x:verrichtung>" not in out and b"verrichtungLeiKa>" in out
    assert schema.validate(xmlsafe.parse_bytes(out))

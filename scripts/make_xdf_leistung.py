"""Write the application data of Leistung 99010022001012 as an XDatenfelder 3.0.0
Stammdatenschema: ``fixtures/xdf/aufenthalt-25-4-2.xdf3.xml``.

    .venv/bin/python scripts/make_xdf_leistung.py          # (re)write the fixture
    .venv/bin/python scripts/make_xdf_leistung.py --check  # exit 1 when it differs

Source of truth: the case schema ``schemas/case/aufenthalt-antrag-case.schema.json``
and the seed (``fixtures/sources/``). Where a field of the real "Antrag Blaue
Karte EU" schema (S00000121, ``xzufi_toolkit/fixtures/xdf/``) means the same
thing, its id, version, labels, help texts and praezisierung are reused
unchanged (a harmonised field keeps its definition; the cardinality belongs to
the ``struktur`` and may differ). Every other element has a project-local id
``?9000000nnnn`` (not issued by FIM). ``docs/xdf.md`` lists each difference
from the case schema and why.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path

from lxml import etree

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "fixtures" / "xdf" / "aufenthalt-25-4-2.xdf3.xml"
NS = "urn:xoev-de:fim:standard:xdatenfelder_3.0.0"
BK_NS = {"x": "urn:xoev-de:fim:standard:xdatenfelder_2"}
BK_REFERENCE = Path("/work/shared/reference/xdatenfelder/S00000121-antrag-blaue-karte-eu.xdf2.xml")
STAND = "2026-12-05"
STAMP = "2026-12-05T12:00:00Z"
ERSTELLER = "xzufi-toolkit (Projekt)"
# praezisierung of a JSON Schema $defs entry of the case schema
PERSONENNAME = {"minLength": "1", "maxLength": "120"}
FREITEXT = {"minLength": "1", "maxLength": "10000"}
NAME = {"minLength": "1", "maxLength": "255"}


@dataclass
class F:
    """A Datenfeld. ``bk`` marks a field taken over from the Blaue Karte schema."""

    id: str
    name: str
    label: str
    anzahl: str
    datentyp: str = "text"
    feldart: str = "input"
    praez: dict[str, str] = field(default_factory=dict)
    hilfe: str = ""
    codeliste: tuple[str, ...] | None = None
    version: str = "1.0.0"
    art: str = "RNG"
    bezug: str = ""
    definition: str = ""


@dataclass
class G:
    id: str
    name: str
    label: str
    anzahl: str
    children: list[F | G]
    hilfe: str = ""
    regeln: list[tuple[str, str, str]] = field(default_factory=list)
    version: str = "1.0.0"


@cache
def _bk_fields() -> dict[str, etree._Element]:
    """The fields of S00000121 by id, from the shipped fixture (else the reference copy)."""
    found = sorted(ROOT.glob("**/fixtures/xdf/S00000121*.xml")) or [BK_REFERENCE]
    tree = etree.parse(str(found[0]))
    return {
        el.findtext("x:identifikation/x:id", namespaces=BK_NS): el
        for el in tree.iterfind(".//x:datenfeld", namespaces=BK_NS)
    }


def bk(id: str, anzahl: str) -> F:
    """A harmonised field of S00000121: same id and version, its definition unchanged."""
    el = _bk_fields()[id]

    def text(path: str) -> str:
        return (el.findtext(path, namespaces=BK_NS) or "").strip()

    raw = text("x:praezisierung")
    praez = {k: str(v) for k, v in json.loads(raw).items()} if raw else {}
    return F(
        id,
        text("x:name"),
        text("x:bezeichnungEingabe"),
        anzahl,
        datentyp=text("x:datentyp/code"),
        feldart=text("x:feldart/code"),
        praez=praez,
        hilfe=text("x:hilfetextEingabe"),
        codeliste=(
            text("x:codelisteReferenz/x:genericodeIdentification/x:canonicalIdentification"),
            text("x:codelisteReferenz/x:genericodeIdentification/x:version"),
            text("x:codelisteReferenz/x:genericodeIdentification/x:canonicalVersionUri"),
        )
        if el.find("x:codelisteReferenz", namespaces=BK_NS) is not None
        else None,
        version=text("x:identifikation/x:version"),
        art=text("x:schemaelementart/code"),
        bezug="übernommen aus S00000121 (Antrag Blaue Karte EU)",
        definition=text("x:definition"),
    )


SCHEMA: list[F | G] = [
    G(
        "G90000000001",
        "Antragsteller",
        "Angaben zur antragstellenden Person",
        "1:1",
        [
            G(
                "G90000000002",
                "Name",
                "Name",
                "1:1",
                [
                    bk("F00000013", "1:1"),
                    bk("F00000045", "0:1"),
                    bk("F00000014", "0:1"),
                    F(
                        "F90000000001",
                        "Rufname",
                        "Rufname",
                        "0:1",
                        praez=PERSONENNAME,
                        hilfe="Der Vorname, mit dem Sie angesprochen werden.",
                    ),
                ],
            ),
            F(
                "F90000000002",
                "Geschlecht (XInneres)",
                "Geschlecht",
                "1:1",
                feldart="select",
                codeliste=("urn:xoev-de:xinneres:codeliste:geschlecht", "1"),
                hilfe="m männlich, w weiblich, d divers, x keine Angabe.",
            ),
            G(
                "G90000000003",
                "Geburt",
                "Geburt",
                "1:1",
                [
                    F(
                        "F90000000003",
                        "Geburtsdatum, teilweise bekannt",
                        "Geburtsdatum",
                        "1:1",
                        praez={
                            "pattern": "[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?"
                        },
                        hilfe="JJJJ-MM-TT; ist nur das Jahr oder Jahr und Monat bekannt: "
                        "JJJJ oder JJJJ-MM.",
                    ),
                    bk("F00000067", "0:1"),
                    bk("F00000038", "0:1"),
                ],
            ),
            bk("F00000039", "1:4"),
            F(
                "F90000000004",
                "Familienstand",
                "Familienstand",
                "1:1",
                feldart="select",
                codeliste=("urn:xzufi-toolkit:codeliste:familienstand", "1"),
                hilfe="Schlüssel der DSMeld: LD ledig, VH verheiratet, VW verwitwet, "
                "GS geschieden …",
            ),
            G(
                "G90000000004",
                "Anschrift Inland",
                "Anschrift in Deutschland",
                "1:1",
                [
                    bk("F00000053", "1:1"),
                    bk("F00000016", "0:1"),
                    bk("F00000054", "1:1"),
                    bk("F00000035", "1:1"),
                    bk("F00000027", "0:1"),
                ],
            ),
            F(
                "F90000000005",
                "Telefon",
                "Telefonnummer",
                "0:1",
                praez={"pattern": r"\+?[0-9][0-9 /()-]{2,29}"},
            ),
            F(
                "F90000000006",
                "E-Mail",
                "E-Mail-Adresse",
                "0:1",
                praez={"maxLength": "254", "pattern": r"[^@\s]+@[^@\s]+\.[^@\s]+"},
            ),
        ],
    ),
    G(
        "G90000000005",
        "Ausweisdokument",
        "Pass oder Passersatz",
        "1:1",
        [
            F(
                "F90000000007",
                "Art des Ausweisdokuments",
                "Art des Dokuments",
                "1:1",
                praez={"pattern": "[0-9]{2}"},
                hilfe="Schlüssel der DSMeld-Tabelle pass.und.ausweisdokumente, "
                "z. B. 07 ausländischer Pass.",
            ),
            F(
                "F90000000008",
                "Ausweisnummer",
                "Nummer des Dokuments",
                "1:1",
                praez={"pattern": "[A-Z0-9]{1,20}"},
            ),
            bk("F00000038", "1:1"),
            bk("F00000175", "0:1"),
            bk("F00000004", "0:1"),
            bk("F00001015", "1:1"),
        ],
    ),
    G(
        "G90000000006",
        "Aufenthaltstitel",
        "Aktueller Aufenthaltstitel",
        "1:1",
        [
            F(
                "F90000000009",
                "Art des Aufenthaltstitels",
                "Art des Aufenthaltstitels",
                "1:1",
                praez={"pattern": "[0-9]{2}"},
                hilfe="Schlüssel der Liste ozg.aufenthaltstitelart, 01 Aufenthaltserlaubnis.",
            ),
            F(
                "F90000000010",
                "Aufenthaltszweck (AZR)",
                "Rechtsgrundlage des Titels (AZR)",
                "1:1",
                praez={"pattern": "[0-9]{3}"},
                hilfe="AZR-Schlüssel, z. B. 032 = § 25 Abs. 4 S. 2 AufenthG.",
            ),
            F(
                "F90000000011",
                "Seriennummer eAT",
                "Seriennummer des eAT",
                "0:1",
                praez={"pattern": "[A-Z0-9]{1,20}"},
            ),
            bk("F00000175", "1:1"),
            F("F90000000012", "Gültig ab", "Gültig ab", "0:1", datentyp="date"),
            bk("F00001015", "1:1"),
            F("F90000000013", "Nebenbestimmungen", "Nebenbestimmungen", "0:1", praez=FREITEXT),
        ],
    ),
    G(
        "G90000000007",
        "Antrag",
        "Angaben zum Antrag",
        "1:1",
        [
            F(
                "F90000000014",
                "Grund des Antrags",
                "Grund des Antrags",
                "1:1",
                feldart="select",
                codeliste=("urn:xoev-de:xauslaender:codeliste:ozg.antragsgrund", "4"),
            ),
            F(
                "F90000000015",
                "Gegenstand des Antrags",
                "Gegenstand des Antrags",
                "1:1",
                feldart="select",
                codeliste=("urn:de:xauslaender:codelist:aufenthaltsantrag:gegenstand", "2"),
            ),
            F(
                "F90000000016",
                "Beantragte Rechtsgrundlage (AZR)",
                "Beantragte Rechtsgrundlage",
                "1:1",
                praez={"pattern": "[0-9]{3}"},
                hilfe="AZR-Schlüssel, 032 = § 25 Abs. 4 Satz 2 AufenthG.",
            ),
            bk("F00001016", "1:1"),
            F(
                "F90000000017",
                "Beantragte Geltungsdauer",
                "Beantragte Geltungsdauer in Monaten",
                "1:1",
                datentyp="num_int",
                praez={"minValue": "1", "maxValue": "120"},
                hilfe="Höchstens drei Jahre (36 Monate) nach der Frist der Leistung.",
            ),
            F(
                "F90000000018",
                "Begründung außergewöhnliche Härte",
                "Begründung der außergewöhnlichen Härte",
                "1:1",
                praez=FREITEXT,
                hilfe="Warum wäre das Verlassen des Bundesgebiets für "
                "Sie eine außergewöhnliche Härte (§ 25 Abs. 4 Satz 2 AufenthG)?",
            ),
        ],
    ),
    G(
        "G90000000008",
        "Lebensunterhalt",
        "Sicherung des Lebensunterhalts",
        "1:1",
        [
            F("F90000000019", "Erwerbstätig", "Sind Sie erwerbstätig?", "1:1", datentyp="bool"),
            bk("F00000112", "0:1"),
            F("F90000000020", "Beschäftigt seit", "Beschäftigt seit", "0:1", datentyp="date"),
            F(
                "F90000000021",
                "Nettoeinkommen monatlich",
                "Monatliches Nettoeinkommen (EUR)",
                "0:1",
                datentyp="num_currency",
                praez={"minValue": "0", "maxValue": "10000000"},
            ),
            F(
                "F90000000022",
                "Reglementierter Beruf",
                "Üben Sie einen reglementierten Beruf aus?",
                "1:1",
                datentyp="bool",
                hilfe="Ein Beruf, für den eine Berufsausübungserlaubnis nötig ist.",
            ),
            F(
                "F90000000023",
                "Leistungen nach SGB II",
                "Beziehen Sie Leistungen nach dem SGB II?",
                "1:1",
                datentyp="bool",
            ),
            F(
                "F90000000024",
                "Leistungen nach SGB XII",
                "Beziehen Sie Leistungen nach dem SGB XII?",
                "1:1",
                datentyp="bool",
            ),
            bk("F00001028", "1:1"),
        ],
        regeln=[
            (
                "R90000000001",
                "Arbeitgeber und Beschäftigungsbeginn bei Erwerbstätigkeit",
                '"F00000112 Name" (Arbeitgeber) und "F90000000020 Beschäftigt seit" '
                'sind anzugeben, wenn "F90000000019 Erwerbstätig" bejaht wurde.',
            )
        ],
    ),
    G(
        "G90000000009",
        "Wohnraum",
        "Ausreichender Wohnraum",
        "1:1",
        [
            F(
                "F90000000025",
                "Wohnfläche",
                "Wohnfläche in Quadratmetern",
                "1:1",
                datentyp="num",
                praez={"minValue": "0", "maxValue": "10000"},
            ),
            F(
                "F90000000026",
                "Mietvertrag vorhanden",
                "Liegt ein Mietvertrag vor?",
                "1:1",
                datentyp="bool",
            ),
        ],
    ),
    G(
        "G90000000010",
        "Erklärungen",
        "Erklärungen",
        "1:1",
        [
            F(
                "F90000000027",
                "Ausweisungsinteresse",
                "Besteht ein Ausweisungsinteresse (§ 54 AufenthG)?",
                "1:1",
                datentyp="bool",
            ),
            F(
                "F90000000028",
                "Einreise- und Aufenthaltsverbot",
                "Besteht ein Einreise- und Aufenthaltsverbot (§ 11 AufenthG)?",
                "1:1",
                datentyp="bool",
            ),
        ],
    ),
    G(
        "G90000000011",
        "Nachweise",
        "Nachweise (Modul 08 der Leistung)",
        "1:1",
        [
            F(
                "F90000000029",
                "Nachweis Aufenthaltstitel",
                "Aktueller Aufenthaltstitel",
                "0:50",
                datentyp="file",
            ),
            bk("F00001019", "0:50"),
            bk("F00001052", "0:50"),
            bk("F00001054", "0:50"),
            bk("F00001055", "0:50"),
            bk("F00000600", "0:50"),
            bk("F00001252", "0:50"),
            F("F90000000030", "Sonstiger Nachweis", "Sonstiger Nachweis", "0:50", datentyp="file"),
        ],
    ),
    F(
        "F90000000031",
        "Ort der Unterschrift",
        "Ort",
        "1:1",
        praez={"minLength": "1", "maxLength": "40"},
    ),
    F("F90000000032", "Antragsdatum", "Datum", "1:1", datentyp="date"),
]


def _representative() -> G:
    """The legal representative (case: gesetzlicherVertreter), after the applicant.

    Name, address and contact are the applicant's elements, reused (same ids); only
    the cardinality of the address differs, and that belongs to the struktur.
    """
    applicant = SCHEMA[0]
    assert isinstance(applicant, G)
    parts = {c.id: c for c in applicant.children}
    return G(
        "G90000000012",
        "Gesetzliche Vertretung",
        "Gesetzliche Vertretung (bei Minderjährigen)",
        "0:1",
        [
            parts["G90000000002"],
            F(
                "F90000000033",
                "Art der Vertretung",
                "Art der Vertretung",
                "1:1",
                feldart="select",
                codeliste=("urn:xzufi-toolkit:codeliste:vertretungsart", "1"),
                hilfe="01 Eltern gemeinsam, 02 ein Elternteil allein, 03 Vormund, 04 Betreuer.",
            ),
            replace(parts["G90000000004"], anzahl="0:1"),
            parts["F90000000005"],
            parts["F90000000006"],
        ],
    )


SCHEMA.insert(1, _representative())


def _el(parent: etree._Element, name: str, text: str | None = None) -> etree._Element:
    el = etree.SubElement(parent, f"{{{NS}}}{name}")
    if text is not None:
        el.text = text
    return el


def _code(parent: etree._Element, name: str, code: str) -> None:
    etree.SubElement(_el(parent, name), "code").text = code


def _ident(parent: etree._Element, tag: str, id: str, version: str) -> None:
    ident = _el(parent, tag)
    _el(ident, "id", id)
    _el(ident, "version", version)


def _base(
    parent: etree._Element, id: str, version: str, name: str, bezug: str = "", definition: str = ""
) -> None:
    _ident(parent, "identifikation", id, version)
    _el(parent, "name", name)
    _el(parent, "beschreibung", "")
    _el(parent, "definition", definition)
    _el(parent, "bezug", bezug)
    _code(parent, "freigabestatus", "2")  # 2 = in Bearbeitung (not published by FIM)
    _el(parent, "statusGesetztAm", STAND)
    _el(parent, "statusGesetztDurch", ERSTELLER)
    _el(parent, "letzteAenderung", STAMP)


def _element(parent: etree._Element, label: str, art: str, hilfe: str) -> None:
    _el(parent, "bezeichnungEingabe", label)
    _el(parent, "bezeichnungAusgabe", label)
    _code(parent, "schemaelementart", art)
    _el(parent, "hilfetextEingabe", hilfe)
    _el(parent, "hilfetextAusgabe", "")


def _regel(parent: etree._Element, id: str, name: str, text: str) -> None:
    r = _el(parent, "regel")
    _ident(r, "identifikation", id, "1.0.0")
    _el(r, "name", name)
    _el(r, "beschreibung", "")
    _el(r, "freitextRegel", text)
    _el(r, "fachlicherErsteller", ERSTELLER)
    _el(r, "letzteAenderung", STAMP)
    _code(r, "typ", "M")  # M = Multiplizität: makes fields required (free text, no script)


def _field(parent: etree._Element, f: F) -> None:
    el = _el(parent, "datenfeld")
    _base(el, f.id, f.version, f.name, f.bezug, f.definition)
    _element(el, f.label, f.art, f.hilfe)
    _code(el, "feldart", f.feldart)
    _code(el, "datentyp", f.datentyp)
    p = _el(el, "praezisierung")
    for key in ("minLength", "maxLength", "minValue", "maxValue", "pattern"):
        if key in f.praez:
            p.set(key, f.praez[key])
    _el(el, "inhalt", "")
    _code(el, "vorbefuellung", "keine")
    if f.codeliste is not None:
        ref = _el(el, "codelisteReferenz")
        uri, version, *version_uri = f.codeliste  # the version URI only where S00000121 has one
        _el(ref, "canonicalIdentification", uri)
        if version:
            _el(ref, "version", version)
        if version_uri:
            _el(ref, "canonicalVersionUri", version_uri[0])


def _group(parent: etree._Element, g: G) -> None:
    el = _el(parent, "datenfeldgruppe")
    _base(el, g.id, g.version, g.name)
    _element(el, g.label, "RNG", g.hilfe)
    for rid, name, text in g.regeln:
        _regel(el, rid, name, text)
    _children(el, g.children)


def _children(parent: etree._Element, children: list[F | G]) -> None:
    for child in children:
        st = _el(parent, "struktur")
        _el(st, "anzahl", child.anzahl)
        _el(st, "bezug", "")
        holder = _el(st, "enthaelt")
        if isinstance(child, G):
            _group(holder, child)
        else:
            _field(holder, child)


def build() -> bytes:
    root = etree.Element(f"{{{NS}}}xdatenfelder.stammdatenschema.0102", nsmap={"xdf": NS})
    root.append(
        etree.Comment(
            " xzufi-toolkit: the application data of FIM Leistung 99010022001012 (§ 25 Abs. 4 "
            "Satz 2 AufenthG) as a Stammdatenschema. Written by scripts/make_xdf_leistung.py from "
            "schemas/case/aufenthalt-antrag-case.schema.json; F000…/G000… ids are harmonised "
            "elements of S00000121 (Antrag Blaue Karte EU), ?9000000nnnn ids are project-local. "
            "Not published by FIM. "
        )
    )
    head = _el(root, "header")
    _el(head, "nachrichtID", "XZUFI9901002200")
    _el(head, "erstellungszeitpunkt", STAMP)
    s = _el(root, "stammdatenschema")
    _base(
        s,
        "S90000000001",
        "1.0.0",
        "Antrag auf Verlängerung der Aufenthaltserlaubnis nach § 25 Abs. 4 Satz 2 AufenthG",
        "§ 25 Abs. 4 Satz 2 AufenthG",
    )
    _el(
        s,
        "bezeichnung",
        "Antrag auf Verlängerung der Aufenthaltserlaubnis "
        "(außergewöhnliche Härte, § 25 Abs. 4 Satz 2 AufenthG)",
    )
    _el(s, "hilfetext", "Leistung 99010022001012, Typisierung 2/3, Quellredaktion Hessen.")
    _code(s, "ableitungsmodifikationenStruktur", "0")
    _code(s, "ableitungsmodifikationenRepraesentation", "0")
    _children(s, SCHEMA)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    data = build()
    if args.check:
        if not OUT.is_file() or OUT.read_bytes() != data:
            print(f"{OUT} differs from a fresh build", file=sys.stderr)
            return 1
        return 0
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_bytes(data)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

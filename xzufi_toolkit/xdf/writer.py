"""Write the model of :mod:`.model` back to XDatenfelder 2 or 3.0.0 XML.

Lossless for what :mod:`.reader` reads: element order follows the standard's
sequence, absent and empty elements stay apart, coded values keep their
``listURI``/``listVersionID``, v2 ``praezisierung`` keeps its JSON text
verbatim, and unknown elements (:class:`~xzufi_toolkit.xdf.model.Extra`) go
back to their place among the known siblings. Comments and processing
instructions inside the message are not kept.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from lxml import etree

from xzufi_toolkit.io import xmlsafe
from xzufi_toolkit.xdf.model import (
    NAMESPACES,
    Bezug,
    Code,
    CodelisteReferenz,
    Datenfeld,
    Datenfeldgruppe,
    Extra,
    Header,
    Identifikation,
    Metadaten,
    Praezisierung,
    Regel,
    Relation,
    Stammdatenschema,
    Struktur,
    XdfDocument,
    XdfVersion,
)

__all__ = ["to_element", "write_xdf_bytes"]


# The child sequence of each element, per version. v2 follows the published
# schema S00000121; v3 follows the reference note and the v3 files of this
# project (no official v3 XSD is available here). Names of the other version
# stay in the list, so a converted model loses nothing.
_V2_HEAD = (
    "identifikation",
    "name",
    "bezeichnungEingabe",
    "bezeichnungAusgabe",
    "bezeichnung",
    "beschreibung",
    "definition",
    "bezug",
    "status",
    "freigabestatus",
    "statusGesetztAm",
    "statusGesetztDurch",
    "gueltigAb",
    "gueltigBis",
    "fachlicherErsteller",
    "versionshinweis",
    "freigabedatum",
    "veroeffentlichungsdatum",
    "letzteAenderung",
    "relation",
    "stichwort",
    "schemaelementart",
    "hilfetextEingabe",
    "hilfetextAusgabe",
    "hilfetext",
)
_V3_HEAD = (
    "identifikation",
    "name",
    "beschreibung",
    "definition",
    "bezug",
    "status",
    "freigabestatus",
    "statusGesetztAm",
    "statusGesetztDurch",
    "gueltigAb",
    "gueltigBis",
    "fachlicherErsteller",
    "versionshinweis",
    "freigabedatum",
    "veroeffentlichungsdatum",
    "letzteAenderung",
    "relation",
    "stichwort",
)
_V3_LABELS = (
    "bezeichnungEingabe",
    "bezeichnungAusgabe",
    "schemaelementart",
    "hilfetextEingabe",
    "hilfetextAusgabe",
)
_FIELD_TAIL = (
    "feldart",
    "datentyp",
    "praezisierung",
    "inhalt",
    "vorbefuellung",
    "codelisteReferenz",
    "codeKey",
    "nameKey",
    "helpKey",
    "maxSize",
    "mediaType",
    "regel",
)
_SCHEMA_TAIL = (
    "ableitungsmodifikationenStruktur",
    "ableitungsmodifikationenRepraesentation",
    "regel",
    "struktur",
)
_ALL_META = tuple(dict.fromkeys((*_V2_HEAD, *_V3_HEAD, *_V3_LABELS)))


def _complete(order: tuple[str, ...]) -> tuple[str, ...]:
    """``order`` plus every metadata name it lacks, at the end: the model is the
    union of both versions, and a value of the other version must not be lost."""
    return order + tuple(n for n in _ALL_META if n not in order)


ORDER: dict[XdfVersion, dict[str, tuple[str, ...]]] = {
    XdfVersion.V2: {
        "regel": _complete((*_V2_HEAD, "freitextRegel", "typ", "script")),
        "datenfeld": _complete((*_V2_HEAD, *_FIELD_TAIL)),
        "datenfeldgruppe": _complete((*_V2_HEAD, "art", "regel", "struktur")),
        "stammdatenschema": _complete((*_V2_HEAD, *_SCHEMA_TAIL)),
    },
    XdfVersion.V3: {
        "regel": _complete(
            (
                "identifikation",
                "name",
                "bezeichnungEingabe",
                "bezeichnungAusgabe",
                "beschreibung",
                "definition",
                "freitextRegel",
                "bezug",
                "status",
                "freigabestatus",
                "stichwort",
                "fachlicherErsteller",
                "versionshinweis",
                "letzteAenderung",
                "typ",
                "script",
            )
        ),
        "datenfeld": _complete((*_V3_HEAD, *_V3_LABELS, *_FIELD_TAIL)),
        "datenfeldgruppe": _complete((*_V3_HEAD, *_V3_LABELS, "art", "regel", "struktur")),
        "stammdatenschema": _complete(
            (*_V3_HEAD, "bezeichnung", "hilfetext", *_V3_LABELS, *_SCHEMA_TAIL)
        ),
    },
}


class _Writer:
    def __init__(self, version: XdfVersion, prefix: str | None) -> None:
        self.version = version
        self.ns = NAMESPACES[version]
        # lxml accepts None as the default-namespace prefix; its stubs do not say so
        self.nsmap: Any = {prefix: self.ns}

    def el(self, name: str, text: str | None = None, **attrs: str | None) -> etree._Element:
        e = etree.Element(f"{{{self.ns}}}{name}", nsmap=self.nsmap)
        for key, value in attrs.items():
            if value is not None:
                e.set(key, value)
        if text:
            e.text = text
        return e

    def wrap(
        self, name: str, kids: Iterable[etree._Element], extras: tuple[Extra, ...] = ()
    ) -> etree._Element:
        e = self.el(name)
        known = list(kids)
        # extras go back to their place among the known children (stable for ties)
        pending = sorted(extras, key=lambda x: x.position)
        i = 0
        for pos, kid in enumerate([*known, None]):
            while i < len(pending) and pending[i].position <= pos:
                e.append(xmlsafe.parse_bytes(pending[i].xml).getroot())
                i += 1
            if kid is not None:
                e.append(kid)
        return e

    # --- simple values --------------------------------------------------------------
    def text(self, name: str, value: str | None) -> list[etree._Element]:
        return [] if value is None else [self.el(name, value)]

    def code(self, name: str, value: Code | None) -> list[etree._Element]:
        if value is None:
            return []
        e = self.el(name, listURI=value.list_uri, listVersionID=value.list_version_id)
        c = etree.SubElement(e, "code")
        if value.code:
            c.text = value.code
        return [e]

    def ident(self, name: str, value: Identifikation) -> etree._Element:
        return self.wrap(name, [self.el("id", value.id), *self.text("version", value.version)])

    def bezug(self, values: tuple[Bezug, ...]) -> list[etree._Element]:
        return [self.el("bezug", b.text, link=b.link) for b in values]

    def relation(self, value: Relation) -> etree._Element:
        return self.wrap(
            "relation",
            [*self.code("praedikat", value.praedikat), self.ident("objekt", value.objekt)],
        )

    def meta(self, ident: Identifikation, m: Metadaten) -> dict[str, list[etree._Element]]:
        """The metadata elements by name; :data:`ORDER` puts them in sequence."""
        return {
            "identifikation": [self.ident("identifikation", ident)],
            "name": self.text("name", m.name),
            "bezeichnungEingabe": self.text("bezeichnungEingabe", m.bezeichnung_eingabe),
            "bezeichnungAusgabe": self.text("bezeichnungAusgabe", m.bezeichnung_ausgabe),
            "beschreibung": self.text("beschreibung", m.beschreibung),
            "definition": self.text("definition", m.definition),
            "bezug": self.bezug(m.bezug),
            "status": self.code("status", m.status),
            "freigabestatus": self.code("freigabestatus", m.freigabestatus),
            "statusGesetztAm": self.text("statusGesetztAm", m.status_gesetzt_am),
            "statusGesetztDurch": self.text("statusGesetztDurch", m.status_gesetzt_durch),
            "gueltigAb": self.text("gueltigAb", m.gueltig_ab),
            "gueltigBis": self.text("gueltigBis", m.gueltig_bis),
            "fachlicherErsteller": self.text("fachlicherErsteller", m.fachlicher_ersteller),
            "versionshinweis": self.text("versionshinweis", m.versionshinweis),
            "freigabedatum": self.text("freigabedatum", m.freigabedatum),
            "veroeffentlichungsdatum": self.text(
                "veroeffentlichungsdatum", m.veroeffentlichungsdatum
            ),
            "letzteAenderung": self.text("letzteAenderung", m.letzte_aenderung),
            "relation": [self.relation(r) for r in m.relation],
            "stichwort": [self.el("stichwort", s) for s in m.stichwort],
            "schemaelementart": self.code("schemaelementart", m.schemaelementart),
            "hilfetextEingabe": self.text("hilfetextEingabe", m.hilfetext_eingabe),
            "hilfetextAusgabe": self.text("hilfetextAusgabe", m.hilfetext_ausgabe),
            "bezeichnung": self.text("bezeichnung", m.bezeichnung),
            "hilfetext": self.text("hilfetext", m.hilfetext),
        }

    def ordered(self, kind: str, parts: dict[str, list[etree._Element]]) -> list[etree._Element]:
        return [e for name in ORDER[self.version][kind] for e in parts.get(name, ())]

    def praezisierung(self, p: Praezisierung | None) -> list[etree._Element]:
        if p is None:
            return []
        if self.version is XdfVersion.V3:
            return [self.el("praezisierung", **dict(p.items))]
        text = p.text
        if text is None:
            text = (
                json.dumps(dict(p.items), ensure_ascii=False, separators=(",", ":"))
                if p.items
                else ""
            )
        return [self.el("praezisierung", text)]

    def codeliste(self, ref: CodelisteReferenz | None) -> list[etree._Element]:
        if ref is None:
            return []
        genericode = [
            *self.text("canonicalIdentification", ref.canonical_identification),
            *self.text("version", ref.version),
            *self.text("canonicalVersionUri", ref.canonical_version_uri),
        ]
        if self.version is XdfVersion.V3:  # flat, no id
            return [self.wrap("codelisteReferenz", genericode)]
        kids: list[etree._Element] = []
        if ref.id is not None:
            kids.append(self.wrap("identifikation", [self.el("id", ref.id)]))
        if ref.canonical_identification is not None:
            kids.append(self.wrap("genericodeIdentification", genericode))
        return [self.wrap("codelisteReferenz", kids)]

    # --- elements -------------------------------------------------------------------
    def regel(self, r: Regel) -> etree._Element:
        parts = self.meta(r.identifikation, r.meta)
        parts.update(
            freitextRegel=self.text("freitextRegel", r.freitext_regel),
            typ=self.code("typ", r.typ),
            script=self.text("script", r.script),
        )
        return self.wrap("regel", self.ordered("regel", parts), r.extras)

    def feld(self, f: Datenfeld) -> etree._Element:
        parts = self.meta(f.identifikation, f.meta)
        parts.update(
            feldart=self.code("feldart", f.feldart),
            datentyp=self.code("datentyp", f.datentyp),
            praezisierung=self.praezisierung(f.praezisierung),
            inhalt=self.text("inhalt", f.inhalt),
            vorbefuellung=self.code("vorbefuellung", f.vorbefuellung),
            codelisteReferenz=self.codeliste(f.codeliste_referenz),
            codeKey=self.text("codeKey", f.code_key),
            nameKey=self.text("nameKey", f.name_key),
            helpKey=self.text("helpKey", f.help_key),
            maxSize=self.text("maxSize", f.max_size),
            mediaType=[self.el("mediaType", t) for t in f.media_type],
            regel=[self.regel(r) for r in f.regeln],
        )
        return self.wrap("datenfeld", self.ordered("datenfeld", parts), f.extras)

    def struktur(self, s: Struktur) -> etree._Element:
        inner = self.feld(s.element) if isinstance(s.element, Datenfeld) else self.gruppe(s.element)
        return self.wrap(
            "struktur",
            [self.el("anzahl", s.anzahl), *self.bezug(s.bezug), self.wrap("enthaelt", [inner])],
            s.extras,
        )

    def gruppe(self, g: Datenfeldgruppe) -> etree._Element:
        parts = self.meta(g.identifikation, g.meta)
        parts.update(
            art=self.code("art", g.art),
            regel=[self.regel(r) for r in g.regeln],
            struktur=[self.struktur(s) for s in g.struktur],
        )
        return self.wrap("datenfeldgruppe", self.ordered("datenfeldgruppe", parts), g.extras)

    def schema(self, s: Stammdatenschema) -> etree._Element:
        parts = self.meta(s.identifikation, s.meta)
        parts.update(
            ableitungsmodifikationenStruktur=self.code(
                "ableitungsmodifikationenStruktur", s.ableitungsmodifikationen_struktur
            ),
            ableitungsmodifikationenRepraesentation=self.code(
                "ableitungsmodifikationenRepraesentation",
                s.ableitungsmodifikationen_repraesentation,
            ),
            regel=[self.regel(r) for r in s.regeln],
            struktur=[self.struktur(x) for x in s.struktur],
        )
        return self.wrap("stammdatenschema", self.ordered("stammdatenschema", parts), s.extras)

    def header(self, h: Header | None) -> list[etree._Element]:
        if h is None:
            return []
        return [
            self.wrap(
                "header",
                [
                    *self.text("nachrichtID", h.nachricht_id),
                    *self.text("erstellungszeitpunkt", h.erstellungszeitpunkt),
                ],
                h.extras,
            )
        ]


def to_element(doc: XdfDocument) -> etree._Element:
    """The message as an lxml element (for callers that validate or embed it)."""
    w = _Writer(doc.version, doc.prefix)
    content: Callable[[Any], etree._Element] = (
        w.schema if isinstance(doc.content, Stammdatenschema) else w.gruppe
    )
    root = w.wrap(doc.message_type.value, [*w.header(doc.header), content(doc.content)], doc.extras)
    etree.cleanup_namespaces(root)  # one declaration on the root, not one per element
    return root


def write_xdf_bytes(doc: XdfDocument, *, pretty: bool = False) -> bytes:
    """The message as UTF-8 XML with a declaration."""
    root = to_element(doc)
    if pretty:
        etree.indent(root, space="  ")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=pretty)

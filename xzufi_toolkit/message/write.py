"""Case → ``aufenthalt.antrag.0100``: hand-written lxml mapping, XSD-validated.

Every field of the case has exactly one place in the message, so
:func:`xzufi_toolkit.message.read.read_message` gives the case back unchanged
(proven by property tests). See ``docs/applications.md`` for why this is
lxml code rather than xmlschema's encoder.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from lxml import etree

from xzufi_toolkit.case.model import Anschrift, Case, GesetzlicherVertreter, Name, Unterlage
from xzufi_toolkit.errors import InputError, UsageError, ValidationFailedError
from xzufi_toolkit.findings import Report
from xzufi_toolkit.message.codes import code_ref
from xzufi_toolkit.message.header import (
    MESSAGE_TYPE,
    NAMESPACE,
    ROOT,
    STANDARD,
    STANDARD_VERSION,
    Message,
    MessageHeader,
    Participant,
    SummaryDocument,
)
from xzufi_toolkit.message.schema import xsd_findings

__all__ = ["build_message", "message_tree"]

_NSMAP = {"aa": NAMESPACE}


def _q(name: str) -> str:
    return f"{{{NAMESPACE}}}{name}"


def _el(
    parent: etree._Element, name: str, text: str | None = None, *, qualified: bool = True
) -> etree._Element:
    el = etree.SubElement(parent, _q(name) if qualified else name)
    if text is not None:
        el.text = text
    return el


def _opt(parent: etree._Element, name: str, text: str | None) -> None:
    if text is not None:
        _el(parent, name, text)


def _bool(value: bool) -> str:
    return "true" if value else "false"


def _decimal(value: Decimal) -> str:
    return format(value, "f")


def _code(
    parent: etree._Element, name: str, code: str, short_name: str, *, qualified: bool = True
) -> None:
    ref = code_ref(short_name)
    el = _el(parent, name, qualified=qualified)
    el.set("listURI", ref.uri)
    if ref.version is not None:
        el.set("listVersionID", ref.version)
    _el(el, "code", code, qualified=False)
    label = ref.names.get(code)
    if label is not None:
        _el(el, "name", label, qualified=False)


def _participant(parent: etree._Element, name: str, who: Participant) -> None:
    el = _el(parent, name, qualified=False)
    _code(el, "verzeichnisdienst", who.verzeichnisdienst, "verzeichnisdienst", qualified=False)
    _el(el, "kennung", who.kennung, qualified=False)
    _el(el, "name", who.name, qualified=False)


def _header(root: etree._Element, header: MessageHeader) -> None:
    kopf = _el(root, "nachrichtenkopf.g2g")
    ident = _el(kopf, "identifikation.nachricht", qualified=False)
    _el(ident, "nachrichtenUUID", header.nachrichten_uuid, qualified=False)
    _code(ident, "nachrichtentyp", MESSAGE_TYPE, "nachrichtentyp", qualified=False)
    _el(ident, "erstellungszeitpunkt", header.erstellungszeitpunkt.isoformat(), qualified=False)
    _participant(kopf, "leser", header.leser)
    _participant(kopf, "autor", header.autor)


def _name(parent: etree._Element, tag: str, value: str | None) -> None:
    el = _el(parent, tag)
    if value is None:
        _el(el, "nichtVorhanden", "true")
    else:
        _el(el, "name", value)


def _partial_date(parent: etree._Element, value: str) -> None:
    tag = {4: "jahr", 7: "jahrMonat"}.get(len(value), "jahrMonatTag")
    _el(_el(parent, "tagDerGeburt"), tag, value)


def _period(parent: etree._Element, begin: dt.date | None, end: dt.date) -> None:
    el = _el(parent, "gueltigkeit")
    _opt(el, "beginn", begin.isoformat() if begin else None)
    _el(el, "ende", end.isoformat())


def _file(parent: etree._Element, name: str, mime: str, sha512: str) -> None:
    _el(parent, "dateiname", name)
    _el(parent, "mimeType", mime)
    _el(parent, "hashwert", sha512).set("algorithmus", "SHA-512")


def _nachweis(root: etree._Element, doc: Unterlage) -> None:
    el = _el(root, "nachweis")
    _el(el, "dokumentUUID", doc.dokumentId)
    _code(el, "art", doc.art, "nachweisart")
    _file(el, doc.dateiname, doc.mimeType, doc.sha512)
    _opt(el, "bezeichnung", doc.bezeichnung)


def _summary(root: etree._Element, doc: SummaryDocument) -> None:
    el = _el(root, "zusammenfassung")
    _el(el, "dokumentUUID", doc.dokument_id)
    _file(el, doc.dateiname, doc.mime_type, doc.sha512)


def _antrag(root: etree._Element, case: Case) -> None:
    ant = case.antrag
    el = _el(root, "antrag")
    _el(el, "antragsID", case.antragId)
    _el(el, "leistungsschluessel", case.leistungsschluessel)
    _el(el, "antragsdatum", case.datum.isoformat())
    _el(el, "antragsort", case.ort)
    _code(el, "grundDesAntrags", ant.grund, "antragsgrund")
    _code(el, "gegenstand", ant.gegenstand, "gegenstand")
    _code(el, "beantragteRechtsgrundlage", ant.rechtsgrundlage, "aufenthaltserlaubnis")
    _el(el, "datumErsteEinreise", ant.ersteEinreise.isoformat())
    _el(el, "beantragteGeltungsdauerInMonaten", str(ant.beantragteDauerMonate))
    _el(el, "begruendungHaertefall", ant.begruendungHaertefall)


def _person_name(parent: etree._Element, n: Name) -> None:
    name = _el(parent, "nameNatuerlichePerson")
    _name(name, "familienname", n.familienname)
    _name(name, "vorname", n.vornamen)
    if n.geburtsname is not None:
        _name(name, "geburtsname", n.geburtsname)
    _opt(name, "rufname", n.rufname)


def _address(parent: etree._Element, a: Anschrift) -> None:
    adr = _el(parent, "anschrift.inland")
    _el(adr, "strasse", a.strasse)
    _opt(adr, "hausnummer", a.hausnummer)
    _el(adr, "postleitzahl", a.postleitzahl)
    _el(adr, "wohnort", a.wohnort)
    _opt(adr, "zusatzangaben", a.zusatzangaben)


def _contacts(parent: etree._Element, email: str | None, telefon: str | None) -> None:
    for channel, value in (("01", email), ("02", telefon)):
        if value is not None:
            kom = _el(parent, "erreichbarkeit")
            _code(kom, "kanal", channel, "erreichbarkeit")
            _el(kom, "kennung", value)


def _person(root: etree._Element, case: Case) -> None:
    a = case.antragsteller
    person = _el(root, "angabenZurPerson")
    _person_name(person, a.name)
    _code(person, "geschlecht", a.geschlecht, "geschlecht")
    geburt = _el(person, "geburt")
    _partial_date(geburt, a.geburt.datum)
    ort = _el(geburt, "geburtsort")
    if a.geburt.ort is None:
        _el(ort, "unbekannt", "true")
    else:
        _el(ort, "ort", a.geburt.ort)
    if a.geburt.staat is not None:
        _code(geburt, "geburtsortStaat", a.geburt.staat, "staatsangehoerigkeit")
    for code in a.staatsangehoerigkeiten:
        _code(person, "staatsangehoerigkeit", code, "staatsangehoerigkeit")
    _code(person, "familienstand", a.familienstand, "familienstand")
    _address(person, a.anschrift)
    _contacts(person, a.email, a.telefon)


def _representative(root: etree._Element, v: GesetzlicherVertreter) -> None:
    el = _el(root, "gesetzlicherVertreter")
    _person_name(el, v.name)
    _code(el, "vertretungsart", v.art, "vertretungsart")
    if v.anschrift is not None:
        _address(el, v.anschrift)
    _contacts(el, v.email, v.telefon)


def _documents(root: etree._Element, case: Case) -> None:
    aw = case.ausweisdokument
    el = _el(root, "ausweisdokument")
    _code(el, "ausweisart", aw.art, "ausweisdokumente")
    _el(el, "ausweisIdentifikation", aw.nummer)
    _opt(el, "ausstellendeBehoerde", aw.ausstellendeBehoerde)
    _code(el, "ausstellendesLand", aw.ausstellungsstaat, "staatsangehoerigkeit")
    _period(el, aw.ausgestelltAm, aw.gueltigBis)

    at = case.aufenthaltstitel
    el = _el(root, "aktuellerAufenthaltstitel")
    _code(el, "titelart", at.art, "aufenthaltstitelart")
    _code(el, "aufenthaltszweck", at.azrCode, "aufenthaltserlaubnis")
    _opt(el, "seriennummerEAT", at.eatNummer)
    _el(el, "ausstellendeBehoerde", at.ausstellendeBehoerde)
    _period(el, at.gueltigAb, at.gueltigBis)
    _opt(el, "nebenbestimmungen", at.nebenbestimmungen)


def _circumstances(root: etree._Element, case: Case) -> None:
    lu = case.lebensunterhalt
    el = _el(root, "lebensunterhalt")
    _el(el, "erwerbstaetig", _bool(lu.erwerbstaetig))
    _opt(el, "arbeitgeber", lu.arbeitgeber)
    _opt(el, "beschaeftigtSeit", lu.beschaeftigtSeit.isoformat() if lu.beschaeftigtSeit else None)
    if lu.nettoeinkommenMonatlich is not None:
        _el(el, "nettoeinkommenMonatlich", _decimal(lu.nettoeinkommenMonatlich)).set(
            "waehrung", "EUR"
        )
    _el(el, "reglementierterBeruf", _bool(lu.reglementierterBeruf))
    _el(el, "leistungenNachSGBII", _bool(lu.leistungenSgbII))
    _el(el, "leistungenNachSGBXII", _bool(lu.leistungenSgbXII))
    _el(el, "krankenversicherung", lu.krankenversicherung)

    el = _el(root, "wohnraum")
    _el(el, "wohnflaecheInQuadratmetern", _decimal(case.wohnraum.groesseQm))
    _el(el, "mietvertragVorhanden", _bool(case.wohnraum.mietvertrag))

    el = _el(root, "erklaerungen")
    _el(el, "ausweisungsinteresse", _bool(case.erklaerungen.ausweisungsinteresse))
    _el(el, "einreiseUndAufenthaltsverbot", _bool(case.erklaerungen.einreiseUndAufenthaltsverbot))


def _body(root: etree._Element, case: Case) -> None:
    _antrag(root, case)
    _person(root, case)
    if case.gesetzlicherVertreter is not None:
        _representative(root, case.gesetzlicherVertreter)
    _documents(root, case)
    _circumstances(root, case)
    for doc in case.unterlagen:
        _nachweis(root, doc)


def message_tree(message: Message) -> etree._ElementTree:
    """The message as an lxml tree, not yet validated."""
    h = message.header
    root = etree.Element(_q(ROOT), nsmap=_NSMAP)
    root.set("produkt", h.produkt)
    root.set("produkthersteller", h.produkthersteller)
    if h.produktversion is not None:
        root.set("produktversion", h.produktversion)
    root.set("standard", STANDARD)
    root.set("version", STANDARD_VERSION)
    if h.test is not None:
        root.set("test", _bool(h.test))
    try:
        _header(root, h)
    except ValueError:  # a control character in --reader/--author
        raise UsageError(
            "reader or author holds a control character XML cannot carry",
            hint="give --reader/--author as plain text",
        ) from None
    try:
        _body(root, message.case)
    except ValueError as exc:  # lxml refuses control characters that XML cannot hold
        raise InputError(
            f"case holds text XML cannot carry ({exc})",
            hint="run 'xzufi case check': such text is not DIN 91379 either",
        ) from None
    if message.zusammenfassung is not None:
        _summary(root, message.zusammenfassung)
    return root.getroottree()


def build_message(message: Message, *, file: str | None = None) -> bytes:
    """The serialized message, validated against the XSD before it is returned.

    Raises :class:`ValidationFailedError` (with ``MSG-XSD`` findings) when the
    result does not validate, which happens only for cases that did not pass
    ``xzufi case check``.
    """
    tree = message_tree(message)
    findings = xsd_findings(tree, file=file)
    if findings:
        raise ValidationFailedError(
            f"built message does not validate against its XSD ({len(findings)} problem(s))",
            Report(findings=findings, documents=1),
            file=file,
            hint="check the case with 'xzufi case check' first",
        )
    return etree.tostring(tree, xml_declaration=True, encoding="UTF-8", pretty_print=True)

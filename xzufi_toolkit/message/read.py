"""``aufenthalt.antrag.0100`` → case: namespace check, XSD, then the mapping.

The XSD runs first, so the mapping may rely on the structure; what the XSD
allows but Python cannot represent (year 0, a date with a time zone …) is an
:class:`~xzufi_toolkit.errors.InputError` with the line.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from lxml import etree

from xzufi_toolkit.case.model import (
    Anschrift,
    Antrag,
    Antragsteller,
    Aufenthaltstitel,
    Ausweisdokument,
    Case,
    Erklaerungen,
    Geburt,
    GesetzlicherVertreter,
    Lebensunterhalt,
    Name,
    Unterlage,
    Wohnraum,
)
from xzufi_toolkit.errors import InputError, ValidationFailedError
from xzufi_toolkit.findings import Report
from xzufi_toolkit.io import xmlsafe
from xzufi_toolkit.message.header import (
    NAMESPACE,
    ROOT,
    Message,
    MessageHeader,
    Participant,
    SummaryDocument,
)
from xzufi_toolkit.message.schema import xsd_findings

__all__ = ["message_from_tree", "read_message", "read_message_file"]

_TZ = re.compile(r"(Z|[+-]\d\d:\d\d)$")


def _q(name: str) -> str:
    return f"{{{NAMESPACE}}}{name}"


class _Reader:
    """Small helpers bound to the file name for error messages."""

    def __init__(self, file: str | None) -> None:
        self.file = file
        # children by tag, built once per parent: ElementPath's find() parses its
        # path argument on every call and was most of the mapping time
        self._index: dict[etree._Element, dict[str, list[etree._Element]]] = {}

    def all(
        self, parent: etree._Element, name: str, *, qualified: bool = True
    ) -> list[etree._Element]:
        kids = self._index.get(parent)
        if kids is None:
            kids = {}
            for el in parent:
                if isinstance(el.tag, str):
                    kids.setdefault(el.tag, []).append(el)
            self._index[parent] = kids
        return kids.get(_q(name) if qualified else name, [])

    def first(
        self, parent: etree._Element, name: str, *, qualified: bool = True
    ) -> etree._Element | None:
        found = self.all(parent, name, qualified=qualified)
        return found[0] if found else None

    def child(self, parent: etree._Element, name: str, *, qualified: bool = True) -> etree._Element:
        el = self.first(parent, name, qualified=qualified)
        if el is None:  # pragma: no cover - the XSD guarantees required elements
            raise InputError(
                f"element {name} missing", file=self.file, line=xmlsafe.source_line(parent)
            )
        return el

    def text(self, parent: etree._Element, name: str, *, qualified: bool = True) -> str:
        return self.child(parent, name, qualified=qualified).text or ""

    def opt(self, parent: etree._Element, name: str) -> str | None:
        el = self.first(parent, name)
        return None if el is None else el.text or ""

    def token(self, parent: etree._Element, name: str, *, qualified: bool = True) -> str:
        return self.text(parent, name, qualified=qualified).strip()

    def code(self, parent: etree._Element, name: str, *, qualified: bool = True) -> str:
        return self.token(self.child(parent, name, qualified=qualified), "code", qualified=False)

    def bool(self, parent: etree._Element, name: str) -> bool:
        return self.token(parent, name) in ("true", "1")

    def _fail(self, el: etree._Element, what: str) -> InputError:
        return InputError(
            f"{etree.QName(el).localname}: {what}",
            file=self.file,
            line=xmlsafe.source_line(el),
            hint="the XSD allows it, the case model cannot hold it",
        )

    def date_el(self, el: etree._Element) -> dt.date:
        try:
            return dt.date.fromisoformat(_TZ.sub("", (el.text or "").strip()))
        except ValueError:
            raise self._fail(el, "date outside the supported range") from None

    def date(self, parent: etree._Element, name: str) -> dt.date:
        return self.date_el(self.child(parent, name))

    def opt_date(self, parent: etree._Element, name: str) -> dt.date | None:
        el = self.first(parent, name)
        return None if el is None else self.date_el(el)

    def partial_date(self, parent: etree._Element) -> str:
        (el,) = list(self.child(parent, "tagDerGeburt"))
        value = _TZ.sub("", (el.text or "").strip())
        if etree.QName(el).localname == "jahrMonatTag":
            return self.date_el(el).isoformat()
        if not re.fullmatch(r"\d{4}(-(0[1-9]|1[0-2]))?", value):
            raise self._fail(el, "year outside the supported range")
        return value

    def datetime(self, el: etree._Element) -> dt.datetime:
        try:
            return dt.datetime.fromisoformat((el.text or "").strip())
        except ValueError:
            raise self._fail(el, "time stamp outside the supported range") from None

    def name(self, parent: etree._Element, tag: str) -> str | None:
        el = self.first(parent, tag)
        if el is None:
            return None
        inner = self.first(el, "name")
        return None if inner is None else inner.text or ""


def _participant(r: _Reader, el: etree._Element) -> Participant:
    return Participant(
        kennung=r.token(el, "kennung", qualified=False),
        name=r.text(el, "name", qualified=False),
        verzeichnisdienst=r.code(el, "verzeichnisdienst", qualified=False),
    )


def _header(r: _Reader, root: etree._Element) -> MessageHeader:
    kopf = r.child(root, "nachrichtenkopf.g2g")
    ident = r.child(kopf, "identifikation.nachricht", qualified=False)
    test = root.get("test")
    return MessageHeader(
        nachrichten_uuid=r.token(ident, "nachrichtenUUID", qualified=False),
        erstellungszeitpunkt=r.datetime(r.child(ident, "erstellungszeitpunkt", qualified=False)),
        leser=_participant(r, r.child(kopf, "leser", qualified=False)),
        autor=_participant(r, r.child(kopf, "autor", qualified=False)),
        produkt=root.get("produkt", ""),
        produkthersteller=root.get("produkthersteller", ""),
        produktversion=root.get("produktversion"),
        test=None if test is None else test.strip() in ("true", "1"),
    )


def _person_name(r: _Reader, parent: etree._Element) -> Name:
    n = r.child(parent, "nameNatuerlichePerson")
    familienname = r.name(n, "familienname")
    return Name(
        familienname=familienname if familienname is not None else "",
        vornamen=r.name(n, "vorname"),
        geburtsname=r.name(n, "geburtsname"),
        rufname=r.opt(n, "rufname"),
    )


def _address(r: _Reader, adr: etree._Element) -> Anschrift:
    return Anschrift(
        strasse=r.text(adr, "strasse"),
        hausnummer=r.opt(adr, "hausnummer"),
        postleitzahl=r.token(adr, "postleitzahl"),
        wohnort=r.text(adr, "wohnort"),
        zusatzangaben=r.opt(adr, "zusatzangaben"),
    )


def _contacts(r: _Reader, parent: etree._Element) -> dict[str, str]:
    contacts: dict[str, str] = {}
    for kom in r.all(parent, "erreichbarkeit"):
        kind = "email" if r.code(kom, "kanal") == "01" else "telefon"
        contacts.setdefault(kind, r.text(kom, "kennung"))
    return contacts


def _person(r: _Reader, root: etree._Element) -> Antragsteller:
    p = r.child(root, "angabenZurPerson")
    g = r.child(p, "geburt")
    staat = r.first(g, "geburtsortStaat")
    contacts = _contacts(r, p)
    return Antragsteller(
        name=_person_name(r, p),
        geschlecht=r.code(p, "geschlecht"),
        geburt=Geburt(
            datum=r.partial_date(g),
            ort=r.opt(r.child(g, "geburtsort"), "ort"),
            staat=None if staat is None else r.token(staat, "code", qualified=False),
        ),
        staatsangehoerigkeiten=tuple(
            r.token(s, "code", qualified=False) for s in r.all(p, "staatsangehoerigkeit")
        ),
        familienstand=r.code(p, "familienstand"),
        anschrift=_address(r, r.child(p, "anschrift.inland")),
        telefon=contacts.get("telefon"),
        email=contacts.get("email"),
    )


def _representative(r: _Reader, root: etree._Element) -> GesetzlicherVertreter | None:
    v = r.first(root, "gesetzlicherVertreter")
    if v is None:
        return None
    adr = r.first(v, "anschrift.inland")
    contacts = _contacts(r, v)
    return GesetzlicherVertreter(
        name=_person_name(r, v),
        art=r.code(v, "vertretungsart"),
        anschrift=None if adr is None else _address(r, adr),
        telefon=contacts.get("telefon"),
        email=contacts.get("email"),
    )


def _documents(r: _Reader, root: etree._Element) -> tuple[Ausweisdokument, Aufenthaltstitel]:
    aw = r.child(root, "ausweisdokument")
    aw_period = r.child(aw, "gueltigkeit")
    at = r.child(root, "aktuellerAufenthaltstitel")
    at_period = r.child(at, "gueltigkeit")
    eat = r.opt(at, "seriennummerEAT")
    return (
        Ausweisdokument(
            art=r.code(aw, "ausweisart"),
            nummer=r.token(aw, "ausweisIdentifikation"),
            ausstellungsstaat=r.code(aw, "ausstellendesLand"),
            ausstellendeBehoerde=r.opt(aw, "ausstellendeBehoerde"),
            ausgestelltAm=r.opt_date(aw_period, "beginn"),
            gueltigBis=r.date(aw_period, "ende"),
        ),
        Aufenthaltstitel(
            art=r.code(at, "titelart"),
            azrCode=r.code(at, "aufenthaltszweck"),
            eatNummer=None if eat is None else eat.strip(),
            ausstellendeBehoerde=r.text(at, "ausstellendeBehoerde"),
            gueltigAb=r.opt_date(at_period, "beginn"),
            gueltigBis=r.date(at_period, "ende"),
            nebenbestimmungen=r.opt(at, "nebenbestimmungen"),
        ),
    )


def _livelihood(r: _Reader, root: etree._Element) -> Lebensunterhalt:
    lu = r.child(root, "lebensunterhalt")
    income = r.opt(lu, "nettoeinkommenMonatlich")
    return Lebensunterhalt(
        erwerbstaetig=r.bool(lu, "erwerbstaetig"),
        arbeitgeber=r.opt(lu, "arbeitgeber"),
        beschaeftigtSeit=r.opt_date(lu, "beschaeftigtSeit"),
        nettoeinkommenMonatlich=None if income is None else Decimal(income.strip()),
        reglementierterBeruf=r.bool(lu, "reglementierterBeruf"),
        leistungenSgbII=r.bool(lu, "leistungenNachSGBII"),
        leistungenSgbXII=r.bool(lu, "leistungenNachSGBXII"),
        krankenversicherung=r.text(lu, "krankenversicherung"),
    )


def _unterlage(r: _Reader, el: etree._Element) -> Unterlage:
    return Unterlage(
        dokumentId=r.token(el, "dokumentUUID"),
        art=r.code(el, "art"),
        dateiname=r.text(el, "dateiname"),
        mimeType=r.token(el, "mimeType"),
        sha512=r.token(el, "hashwert"),
        bezeichnung=r.opt(el, "bezeichnung"),
    )


def message_from_tree(tree: etree._ElementTree, *, file: str | None = None) -> Message:
    """Map an XSD-valid message tree to the model (no validation here)."""
    r = _Reader(file)
    root = tree.getroot()
    antrag = r.child(root, "antrag")
    wohnraum = r.child(root, "wohnraum")
    erkl = r.child(root, "erklaerungen")
    ausweis, titel = _documents(r, root)
    case = Case(
        leistungsschluessel=r.token(antrag, "leistungsschluessel"),
        antragId=r.token(antrag, "antragsID"),
        antragsteller=_person(r, root),
        gesetzlicherVertreter=_representative(r, root),
        ausweisdokument=ausweis,
        aufenthaltstitel=titel,
        antrag=Antrag(
            grund=r.code(antrag, "grundDesAntrags"),
            gegenstand=r.code(antrag, "gegenstand"),
            rechtsgrundlage=r.code(antrag, "beantragteRechtsgrundlage"),
            ersteEinreise=r.date(antrag, "datumErsteEinreise"),
            beantragteDauerMonate=int(r.token(antrag, "beantragteGeltungsdauerInMonaten")),
            begruendungHaertefall=r.text(antrag, "begruendungHaertefall"),
        ),
        lebensunterhalt=_livelihood(r, root),
        wohnraum=Wohnraum(
            groesseQm=Decimal(r.token(wohnraum, "wohnflaecheInQuadratmetern")),
            mietvertrag=r.bool(wohnraum, "mietvertragVorhanden"),
        ),
        erklaerungen=Erklaerungen(
            ausweisungsinteresse=r.bool(erkl, "ausweisungsinteresse"),
            einreiseUndAufenthaltsverbot=r.bool(erkl, "einreiseUndAufenthaltsverbot"),
        ),
        unterlagen=tuple(_unterlage(r, el) for el in r.all(root, "nachweis")),
        ort=r.text(antrag, "antragsort"),
        datum=r.date(antrag, "antragsdatum"),
    )
    summary_el = r.first(root, "zusammenfassung")
    summary = None
    if summary_el is not None:
        summary = SummaryDocument(
            dokument_id=r.token(summary_el, "dokumentUUID"),
            dateiname=r.text(summary_el, "dateiname"),
            sha512=r.token(summary_el, "hashwert"),
            mime_type=r.token(summary_el, "mimeType"),
        )
    return Message(case=case, header=_header(r, root), zusammenfassung=summary)


def _check_root(root: etree._Element, file: str | None) -> None:
    qn = etree.QName(root)
    if qn.namespace != NAMESPACE:
        found = f"namespace {qn.namespace}" if qn.namespace else "no namespace"
        raise InputError(
            f"root element {qn.localname} is in {found}, expected {NAMESPACE}",
            file=file,
            line=xmlsafe.source_line(root),
            hint="this is not an xzufi-toolkit application message of version 1.0",
        )
    if qn.localname != ROOT:
        raise InputError(
            f"root element is {qn.localname}, expected {ROOT}",
            file=file,
            line=xmlsafe.source_line(root),
            hint="only application messages (aufenthalt.antrag.0100) can be read",
        )


def _read_tree(tree: etree._ElementTree, file: str | None, show_values: bool) -> Message:
    _check_root(tree.getroot(), file)
    findings = xsd_findings(tree, file=file, show_values=show_values)
    if findings:
        raise ValidationFailedError(
            f"message does not validate against its XSD ({len(findings)} problem(s))",
            Report(findings=findings, documents=1),
            file=file,
        )
    return message_from_tree(tree, file=file)


def read_message(data: bytes, *, file: str | None = None, show_values: bool = False) -> Message:
    """Parse (hardened), check namespace and root, validate (XSD), map to the model.

    Raises :class:`InputError` for unreadable XML or a foreign root, and
    :class:`ValidationFailedError` with ``MSG-XSD`` findings for an invalid one.
    """
    return _read_tree(xmlsafe.parse_bytes(data, file=file), file, show_values)


def read_message_file(path: str, *, show_values: bool = False) -> Message:
    """:func:`read_message` on a file."""
    return _read_tree(xmlsafe.parse_file(path), path, show_values)

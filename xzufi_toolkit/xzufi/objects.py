"""The non-Leistung object kinds of a transfer message, typed (XZuFi 2.2.0 and 2.3.1).

A transfer message's ``schreibe`` holds exactly one object of five kinds; a
``loesche`` names one by ``id`` and ``@klasse``. The Leistung is
:class:`xzufi_toolkit.model.Leistung` (read by :mod:`~xzufi_toolkit.xzufi.reader`);
this module types the four others and the deletion, from the element paths
that public readers of real PVOG/FIM exports use
(``/work/shared/reference/xzufi-real-data.md``):

==============================  ======================  ==========================
element in ``schreibe``         class here              ``loesche/@klasse``
==============================  ======================  ==========================
``leistung``                    model.Leistung          ``Leistung``
``organisationseinheit``        :class:`Organisationseinheit`  ``Organisationseinheit``
``zustaendigkeitTransferObjekt``  :class:`Zustaendigkeit`  ``Zustaendigkeit``
``onlinedienst``                :class:`Onlinedienst`   ``Onlinedienst``
``spezialisierung``             :class:`Spezialisierung`  ``LeistungSpezialisierung``
==============================  ======================  ==========================

API (all frozen, slotted dataclasses; repeating elements are tuples):

Reading (``el`` is the object element, in the 2.2.0 or 2.3.1 namespace)
    ``organisationseinheit_from_element(el) -> Organisationseinheit``
    ``zustaendigkeit_from_element(el) -> Zustaendigkeit`` (``zustaendigkeitTransferObjekt``)
    ``onlinedienst_from_element(el) -> Onlinedienst``
    ``spezialisierung_from_element(el) -> Spezialisierung``
    ``loeschung_from_element(el) -> Loeschung`` (the ``loesche`` element itself)
    ``object_from_element(el) -> TransferObject`` any of the four by element name.
    Readers never raise on content: what does not fit the typed shape is kept.
Writing (``version`` "2.2.0" or "2.3.1"; the element is in that namespace)
    ``organisationseinheit_element(obj, version)``, ``zustaendigkeit_element``,
    ``onlinedienst_element``, ``spezialisierung_element``, ``loeschung_element``,
    ``object_element(obj, version)`` for any of the four.
Identity
    :class:`Identifier` (``value``, ``scheme_agency_id``, ``scheme_id``; ``key``
    is ``(scheme_agency_id or "", value)``: an id is unique only with its agency).
    Every object has ``.id`` (the Zuständigkeit's is ``zustaendigkeit/id``: it
    has no direct ``id`` child) and ``KIND`` (its element name).
Kinds
    ``KINDS``: element name -> :class:`Kind` (``klasse`` of ``loesche``, label);
    ``KIND_BY_KLASSE``: ``loesche/@klasse`` -> element name.

Losslessness: every element the model does not type (contact data, opening
hours, descriptions — their names are not in the evidence) is kept verbatim in
``extras`` (:class:`~xzufi_toolkit.model.Extra`, with the name of the element
it followed and which of those, ``nth``) and written back at the same place;
:func:`extras_named` reads them back as elements. A typed element whose content
does not fit (an unknown attribute or child, a qualified ``code``) is kept
verbatim as an extra in its place, too. Attributes of the object element
(``xsi:type``…) are kept in ``attributes``. ``languageCode`` values are kept as
written (``de-DE`` stays ``de-DE``); :attr:`LocalizedString.lang` is the
normalised view. Text is kept as written (no stripping). Comments and
processing instructions are dropped.

The frame of a message (``nachrichtenkopf``, ``transaktionID``,
``transaktionPosition``, the product attributes) is
:class:`xzufi_toolkit.model.TransferMessage`; entries are
:class:`xzufi_toolkit.model.TransferEntry` (``obj`` holds the typed object).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TypeAlias, TypeVar

from lxml import etree

from xzufi_toolkit.io import xmlsafe
from xzufi_toolkit.model import Extra, normalize_language
from xzufi_toolkit.xzufi.reader import compact_xml
from xzufi_toolkit.xzufi.versions import SPECS, spec_for

__all__ = [
    "KINDS",
    "KIND_BY_KLASSE",
    "Anschrift",
    "CodeValue",
    "Identifier",
    "Kind",
    "LocalizedString",
    "Loeschung",
    "OeName",
    "Onlinedienst",
    "OnlinedienstLink",
    "Organisationseinheit",
    "Spezialisierung",
    "Sprachversion",
    "TransferObject",
    "VerwaltungspolitischeKodierung",
    "Zustaendigkeit",
    "ZustaendigkeitAngabe",
    "extras_named",
    "loeschung_element",
    "loeschung_from_element",
    "object_element",
    "object_from_element",
    "onlinedienst_element",
    "onlinedienst_from_element",
    "organisationseinheit_element",
    "organisationseinheit_from_element",
    "spezialisierung_element",
    "spezialisierung_from_element",
    "zustaendigkeit_element",
    "zustaendigkeit_from_element",
]

Attributes: TypeAlias = tuple[tuple[str, str], ...]
"""Attributes as (Clark name, value) pairs in document order."""


# ----------------------------------------------------------------- kinds


@dataclass(frozen=True, slots=True)
class Kind:
    """One object kind: its element name in ``schreibe``, ``loesche/@klasse``, a label."""

    element: str
    klasse: str
    label_en: str
    label_de: str


KINDS: dict[str, Kind] = {
    k.element: k
    for k in (
        Kind("leistung", "Leistung", "Leistung", "Leistung"),
        Kind(
            "organisationseinheit",
            "Organisationseinheit",
            "Organisationseinheit",
            "Organisationseinheit",
        ),
        Kind("zustaendigkeitTransferObjekt", "Zustaendigkeit", "Zuständigkeit", "Zuständigkeit"),
        Kind("onlinedienst", "Onlinedienst", "Onlinedienst", "Onlinedienst"),
        Kind("spezialisierung", "LeistungSpezialisierung", "Spezialisierung", "Spezialisierung"),
    )
}
#: ``loesche/@klasse`` -> element name of the kind it deletes.
KIND_BY_KLASSE: dict[str, str] = {k.klasse: k.element for k in KINDS.values()}


# ----------------------------------------------------------------- values


@dataclass(frozen=True, slots=True)
class Identifier:
    """An XZuFi ``Identifikator``: text plus ``schemeAgencyID`` (the editorial
    office) and ``schemeID``; other attributes (``schemeDataURI``…) as written."""

    value: str
    scheme_agency_id: str | None = None
    scheme_id: str | None = None
    attributes: Attributes = ()

    @property
    def key(self) -> tuple[str, str]:
        """What makes an id unique: (schemeAgencyID or "", value without blanks)."""
        return (self.scheme_agency_id or "", self.value.strip())

    def __str__(self) -> str:
        return self.value.strip()


@dataclass(frozen=True, slots=True)
class CodeValue:
    """An XÖV code: unqualified ``code``/``name`` children, ``listURI``/``listVersionID``."""

    code: str
    name: str | None = None
    list_uri: str | None = None
    list_version_id: str | None = None


@dataclass(frozen=True, slots=True)
class LocalizedString:
    """A string with its ``languageCode`` attribute as written (``None``: none given)."""

    text: str
    language: str | None = None

    @property
    def lang(self) -> str | None:
        """The normalised language (``de-DE`` -> ``de``), for display and look-ups only."""
        return normalize_language(self.language) if self.language else None


@dataclass(frozen=True, slots=True)
class Sprachversion:
    """``sprachversion``: ``languageCode``, ``sprachbezeichnungDeutsch``, ``…Nativ``."""

    language_code: str | None = None
    bezeichnung_deutsch: str | None = None
    bezeichnung_nativ: str | None = None
    extras: tuple[Extra, ...] = ()


# ----------------------------------------------------------------- Organisationseinheit


@dataclass(frozen=True, slots=True)
class OeName:
    """``name`` of an Organisationseinheit: ``name*`` children with ``@languageCode``."""

    names: tuple[LocalizedString, ...] = ()
    extras: tuple[Extra, ...] = ()


@dataclass(frozen=True, slots=True)
class VerwaltungspolitischeKodierung:
    """``verwaltungspolitischeKodierung``: Bundesland, Gemeindeschlüssel (AGS),
    Regionalschlüssel (ARS), each a code with ``code``/``name``."""

    bundesland: CodeValue | None = None
    gemeindeschluessel: CodeValue | None = None
    regionalschluessel: CodeValue | None = None
    extras: tuple[Extra, ...] = ()


@dataclass(frozen=True, slots=True)
class Anschrift:
    """``anschrift``: ``ort`` and its ``verwaltungspolitischeKodierung``; street,
    postcode and the rest are kept in ``extras`` (not in the evidence)."""

    ort: str | None = None
    kodierung: VerwaltungspolitischeKodierung | None = None
    extras: tuple[Extra, ...] = ()


@dataclass(frozen=True, slots=True)
class ZustaendigkeitAngabe:
    """``zustaendigkeit``: ``id``, ``leistungID``, ``gebietID*`` (ARS/AGS), ``rolle``.

    Inside a ``zustaendigkeitTransferObjekt``, and (older dumps) inside an
    ``organisationseinheit``. Real readers see one ``leistungID`` and several
    ``gebietID``; both are read as tuples.
    """

    id: Identifier | None = None
    leistung_ids: tuple[Identifier, ...] = ()
    gebiet_ids: tuple[Identifier, ...] = ()
    rolle: CodeValue | None = None
    extras: tuple[Extra, ...] = ()

    @property
    def leistung_id(self) -> Identifier | None:
        return self.leistung_ids[0] if self.leistung_ids else None


@dataclass(frozen=True, slots=True)
class Organisationseinheit:
    """``organisationseinheit``: ``id``, ``name*``, ``anschrift*``, ``zustaendigkeit*``.

    Real readers call it "unreliably filled": everything else (contact data,
    opening hours, descriptions) is in ``extras``; see :func:`extras_named`.
    """

    KIND = "organisationseinheit"
    id: Identifier | None = None
    names: tuple[OeName, ...] = ()
    anschriften: tuple[Anschrift, ...] = ()
    zustaendigkeiten: tuple[ZustaendigkeitAngabe, ...] = ()
    extras: tuple[Extra, ...] = ()
    attributes: Attributes = ()

    def name(self, lang: str = "de") -> str | None:
        """The name in ``lang`` (normalised match), else the first one."""
        texts = [t for n in self.names for t in n.names]
        for t in texts:
            if t.lang == normalize_language(lang):
                return t.text
        return texts[0].text if texts else None


# ----------------------------------------------------------------- Zuständigkeit


@dataclass(frozen=True, slots=True)
class Zustaendigkeit:
    """``zustaendigkeitTransferObjekt``: links one Leistung to regions and the
    object it belongs to (``uebergeordnetesObjektID``: an Organisationseinheit or
    Onlinedienst). Its id is ``zustaendigkeit/id``: it has no direct ``id``."""

    KIND = "zustaendigkeitTransferObjekt"
    uebergeordnetes_objekt_id: Identifier | None = None
    zustaendigkeit: ZustaendigkeitAngabe | None = None
    extras: tuple[Extra, ...] = ()
    attributes: Attributes = ()

    @property
    def id(self) -> Identifier | None:
        return self.zustaendigkeit.id if self.zustaendigkeit else None

    @property
    def leistung_id(self) -> Identifier | None:
        return self.zustaendigkeit.leistung_id if self.zustaendigkeit else None

    @property
    def gebiet_ids(self) -> tuple[Identifier, ...]:
        return self.zustaendigkeit.gebiet_ids if self.zustaendigkeit else ()

    @property
    def rolle(self) -> CodeValue | None:
        return self.zustaendigkeit.rolle if self.zustaendigkeit else None


# ----------------------------------------------------------------- Onlinedienst


@dataclass(frozen=True, slots=True)
class OnlinedienstLink:
    """``link`` of an Onlinedienst: ``typ`` (code list
    ``urn:xoev-de:fim:codeliste:onlinedienstlinktyp``), ``link`` (the URL),
    ``titel``, and ``@languageCode`` as written."""

    typ: CodeValue | None = None
    link: str | None = None
    titel: str | None = None
    language: str | None = None
    extras: tuple[Extra, ...] = ()


@dataclass(frozen=True, slots=True)
class Onlinedienst:
    """``onlinedienst``: ``id``, ``bezeichnung*``, ``link*``, ``vertrauensniveau``,
    ``sprachversion*``; ``@xsi:type`` is in ``attributes``."""

    KIND = "onlinedienst"
    id: Identifier | None = None
    bezeichnungen: tuple[LocalizedString, ...] = ()
    links: tuple[OnlinedienstLink, ...] = ()
    vertrauensniveau: CodeValue | None = None
    sprachversionen: tuple[Sprachversion, ...] = ()
    extras: tuple[Extra, ...] = ()
    attributes: Attributes = ()


# ----------------------------------------------------------------- Spezialisierung


@dataclass(frozen=True, slots=True)
class Spezialisierung:
    """``spezialisierung``: only ``id`` is typed; all else is kept in ``extras``."""

    KIND = "spezialisierung"
    id: Identifier | None = None
    extras: tuple[Extra, ...] = ()
    attributes: Attributes = ()


TransferObject: TypeAlias = Organisationseinheit | Zustaendigkeit | Onlinedienst | Spezialisierung


# ----------------------------------------------------------------- loesche


@dataclass(frozen=True, slots=True)
class Loeschung:
    """``loesche``: ``id`` and ``@klasse`` (``None`` when absent) as written."""

    klasse: str | None = None
    id: Identifier | None = None
    extras: tuple[Extra, ...] = ()
    attributes: Attributes = ()  # attributes other than klasse

    @property
    def kind(self) -> str | None:
        """Element name of the kind ``klasse`` names; ``None`` if missing or unknown."""
        return KIND_BY_KLASSE.get((self.klasse or "").strip())


# ================================================================= reading


class _Misfit(Exception):
    """An element does not fit its typed shape; it is kept verbatim instead."""


_XZUFI_NS = frozenset(s.ns for s in SPECS.values())
_QNAME_VALUE = re.compile(r"^([A-Za-z_][\w.-]*):([A-Za-z_][\w.-]*)$")
_T = TypeVar("_T")
_Handler = Callable[[etree._Element], None]


def _local(el: etree._Element) -> str:
    return etree.QName(el).localname


def _elements(el: etree._Element) -> list[etree._Element]:
    return [c for c in el if isinstance(c.tag, str)]


def _leaf(el: etree._Element, allowed: frozenset[str] = frozenset()) -> str:
    """Text of an element without children; attributes other than ``allowed`` misfit."""
    if _elements(el) or any(a not in allowed for a in el.attrib):
        raise _Misfit
    return el.text or ""


def _identifier(el: etree._Element) -> Identifier:
    if _elements(el):
        raise _Misfit
    return Identifier(
        value=el.text or "",
        scheme_agency_id=el.get("schemeAgencyID"),
        scheme_id=el.get("schemeID"),
        attributes=_attrs(el, ("schemeAgencyID", "schemeID")),
    )


_CODE_ATTRS = frozenset({"listURI", "listVersionID"})


def _code(el: etree._Element) -> CodeValue:
    if any(a not in _CODE_ATTRS for a in el.attrib) or (el.text or "").strip():
        raise _Misfit
    kids = _elements(el)
    # unqualified code/name as in every XÖV code type; other shapes are kept verbatim
    if [c.tag for c in kids] not in (["code"], ["code", "name"]):
        raise _Misfit
    return CodeValue(
        code=_leaf(kids[0]),
        name=_leaf(kids[1]) if len(kids) > 1 else None,
        list_uri=el.get("listURI"),
        list_version_id=el.get("listVersionID"),
    )


_LANG = frozenset({"languageCode"})


def _localized(el: etree._Element) -> LocalizedString:
    return LocalizedString(text=_leaf(el, _LANG), language=el.get("languageCode"))


def _attrs(el: etree._Element, skip: Iterable[str] = ()) -> Attributes:
    """Attributes of ``el`` but ``skip``; a QName value with an XZuFi prefix is
    written with the prefix ``xzufi`` (the one the writers declare)."""
    drop = set(skip)
    out: list[tuple[str, str]] = []
    for k, raw in el.attrib.items():
        if k in drop:
            continue
        value = str(raw)
        m = _QNAME_VALUE.match(value)
        if m and el.nsmap.get(m.group(1)) in _XZUFI_NS:
            value = f"xzufi:{m.group(2)}"
        out.append((str(k), value))
    return tuple(out)


def _into(
    target: list[_T], read: Callable[[etree._Element], _T], *, single: bool = False
) -> _Handler:
    """A handler appending what ``read`` makes of a child to ``target``; with
    ``single`` a second occurrence does not fit (it is kept verbatim)."""

    def handle(child: etree._Element) -> None:
        if single and target:
            raise _Misfit
        target.append(read(child))

    return handle


def _walk(el: etree._Element, handlers: dict[str, _Handler]) -> tuple[Extra, ...]:
    """Read the children of ``el``: known ones (in ``el``'s namespace) through their
    handler; the others, and misfits, become extras after the last known one."""
    ns = etree.QName(el).namespace
    extras: list[Extra] = []
    last: str | None = None
    read: dict[str, int] = {}  # typed elements read so far, by name
    for child in el:
        if not isinstance(child.tag, str):
            continue  # comments and processing instructions are not kept
        qn = etree.QName(child)
        handler = handlers.get(qn.localname) if qn.namespace == ns else None
        if handler is not None:
            try:
                handler(child)
            except _Misfit:
                pass
            else:
                last = qn.localname
                read[last] = read.get(last, 0) + 1
                continue
        nth = read[last] if last is not None else None
        extras.append(Extra(after=last, xml=compact_xml(child), nth=nth))
    return tuple(extras)


def _first(items: list[_T]) -> _T | None:
    return items[0] if items else None


def _sprachversion(el: etree._Element) -> Sprachversion:
    if el.attrib:
        raise _Misfit
    lang: list[str] = []
    de: list[str] = []
    nativ: list[str] = []
    extras = _walk(
        el,
        {
            "languageCode": _into(lang, _leaf, single=True),
            "sprachbezeichnungDeutsch": _into(de, _leaf, single=True),
            "sprachbezeichnungNativ": _into(nativ, _leaf, single=True),
        },
    )
    return Sprachversion(_first(lang), _first(de), _first(nativ), extras)


def _oe_name(el: etree._Element) -> OeName:
    if el.attrib:
        raise _Misfit
    names: list[LocalizedString] = []
    extras = _walk(el, {"name": _into(names, _localized)})
    return OeName(tuple(names), extras)


def _kodierung(el: etree._Element) -> VerwaltungspolitischeKodierung:
    if el.attrib:
        raise _Misfit
    land: list[CodeValue] = []
    ags: list[CodeValue] = []
    ars: list[CodeValue] = []
    extras = _walk(
        el,
        {
            "bundesland": _into(land, _code, single=True),
            "gemeindeschluessel": _into(ags, _code, single=True),
            "regionalschluessel": _into(ars, _code, single=True),
        },
    )
    return VerwaltungspolitischeKodierung(_first(land), _first(ags), _first(ars), extras)


def _anschrift(el: etree._Element) -> Anschrift:
    if el.attrib:
        raise _Misfit
    ort: list[str] = []
    kod: list[VerwaltungspolitischeKodierung] = []
    extras = _walk(
        el,
        {
            "ort": _into(ort, _leaf, single=True),
            "verwaltungspolitischeKodierung": _into(kod, _kodierung, single=True),
        },
    )
    return Anschrift(_first(ort), _first(kod), extras)


def _angabe(el: etree._Element) -> ZustaendigkeitAngabe:
    if el.attrib:
        raise _Misfit
    ids: list[Identifier] = []
    leistung: list[Identifier] = []
    gebiet: list[Identifier] = []
    rolle: list[CodeValue] = []
    extras = _walk(
        el,
        {
            "id": _into(ids, _identifier, single=True),
            "leistungID": _into(leistung, _identifier),
            "gebietID": _into(gebiet, _identifier),
            "rolle": _into(rolle, _code, single=True),
        },
    )
    return ZustaendigkeitAngabe(_first(ids), tuple(leistung), tuple(gebiet), _first(rolle), extras)


def _link(el: etree._Element) -> OnlinedienstLink:
    if any(a != "languageCode" for a in el.attrib):
        raise _Misfit
    typ: list[CodeValue] = []
    link: list[str] = []
    titel: list[str] = []
    extras = _walk(
        el,
        {
            "typ": _into(typ, _code, single=True),
            "link": _into(link, _leaf, single=True),
            "titel": _into(titel, _leaf, single=True),
        },
    )
    return OnlinedienstLink(
        _first(typ), _first(link), _first(titel), el.get("languageCode"), extras
    )


def organisationseinheit_from_element(el: etree._Element) -> Organisationseinheit:
    """Read an ``organisationseinheit`` element (2.2.0 or 2.3.1)."""
    ids: list[Identifier] = []
    names: list[OeName] = []
    addresses: list[Anschrift] = []
    zust: list[ZustaendigkeitAngabe] = []
    extras = _walk(
        el,
        {
            "id": _into(ids, _identifier, single=True),
            "name": _into(names, _oe_name),
            "anschrift": _into(addresses, _anschrift),
            "zustaendigkeit": _into(zust, _angabe),
        },
    )
    return Organisationseinheit(
        id=_first(ids),
        names=tuple(names),
        anschriften=tuple(addresses),
        zustaendigkeiten=tuple(zust),
        extras=extras,
        attributes=_attrs(el),
    )


def zustaendigkeit_from_element(el: etree._Element) -> Zustaendigkeit:
    """Read a ``zustaendigkeitTransferObjekt`` element (2.2.0 or 2.3.1)."""
    parent: list[Identifier] = []
    angabe: list[ZustaendigkeitAngabe] = []
    extras = _walk(
        el,
        {
            "uebergeordnetesObjektID": _into(parent, _identifier, single=True),
            "zustaendigkeit": _into(angabe, _angabe, single=True),
        },
    )
    return Zustaendigkeit(_first(parent), _first(angabe), extras, _attrs(el))


def onlinedienst_from_element(el: etree._Element) -> Onlinedienst:
    """Read an ``onlinedienst`` element (2.2.0 or 2.3.1)."""
    ids: list[Identifier] = []
    names: list[LocalizedString] = []
    links: list[OnlinedienstLink] = []
    niveau: list[CodeValue] = []
    sprachen: list[Sprachversion] = []
    extras = _walk(
        el,
        {
            "id": _into(ids, _identifier, single=True),
            "bezeichnung": _into(names, _localized),
            "link": _into(links, _link),
            "vertrauensniveau": _into(niveau, _code, single=True),
            "sprachversion": _into(sprachen, _sprachversion),
        },
    )
    return Onlinedienst(
        id=_first(ids),
        bezeichnungen=tuple(names),
        links=tuple(links),
        vertrauensniveau=_first(niveau),
        sprachversionen=tuple(sprachen),
        extras=extras,
        attributes=_attrs(el),
    )


def spezialisierung_from_element(el: etree._Element) -> Spezialisierung:
    """Read a ``spezialisierung`` element: its ``id``; the rest is kept."""
    ids: list[Identifier] = []
    extras = _walk(el, {"id": _into(ids, _identifier, single=True)})
    return Spezialisierung(_first(ids), extras, _attrs(el))


def loeschung_from_element(el: etree._Element) -> Loeschung:
    """Read a ``loesche`` element: ``@klasse`` and ``id`` as written."""
    ids: list[Identifier] = []
    extras = _walk(el, {"id": _into(ids, _identifier, single=True)})
    return Loeschung(el.get("klasse"), _first(ids), extras, _attrs(el, ("klasse",)))


_READERS: dict[str, Callable[[etree._Element], TransferObject]] = {
    "organisationseinheit": organisationseinheit_from_element,
    "zustaendigkeitTransferObjekt": zustaendigkeit_from_element,
    "onlinedienst": onlinedienst_from_element,
    "spezialisierung": spezialisierung_from_element,
}


def object_from_element(el: etree._Element) -> TransferObject:
    """Read any of the four non-Leistung kinds by its element name (KeyError otherwise)."""
    return _READERS[_local(el)](el)


def extras_named(extras: Sequence[Extra], name: str) -> list[etree._Element]:
    """The kept elements named ``name`` (local name), parsed (e.g. an
    Organisationseinheit's contact data: ``extras_named(oe.extras, "kommunikation")``)."""
    return [
        xmlsafe.parse_bytes(e.xml, file="<kept element>").getroot() for e in extras if e.tag == name
    ]


# ================================================================= writing


class _Out:
    """Builds elements in the namespace of one version."""

    def __init__(self, version: str) -> None:
        self.ns = spec_for(version).ns

    def el(self, name: str, attributes: Attributes = ()) -> etree._Element:
        out = etree.Element(f"{{{self.ns}}}{name}", nsmap={"xzufi": self.ns})
        for k, v in attributes:
            out.set(k, v)
        return out

    def text(self, name: str, text: str | None) -> list[etree._Element]:
        if text is None:
            return []
        out = self.el(name)
        out.text = text
        return [out]

    def ident(self, name: str, ident: Identifier | None) -> list[etree._Element]:
        if ident is None:
            return []
        out = self.el(name)
        out.text = ident.value
        if ident.scheme_agency_id is not None:
            out.set("schemeAgencyID", ident.scheme_agency_id)
        if ident.scheme_id is not None:
            out.set("schemeID", ident.scheme_id)
        for k, v in ident.attributes:
            out.set(k, v)
        return [out]

    def code(self, name: str, code: CodeValue | None) -> list[etree._Element]:
        if code is None:
            return []
        out = self.el(name)
        if code.list_uri is not None:
            out.set("listURI", code.list_uri)
        if code.list_version_id is not None:
            out.set("listVersionID", code.list_version_id)
        etree.SubElement(out, "code").text = code.code
        if code.name is not None:
            etree.SubElement(out, "name").text = code.name
        return [out]

    def localized(self, name: str, texts: Iterable[LocalizedString]) -> list[etree._Element]:
        out: list[etree._Element] = []
        for t in texts:
            (item,) = self.text(name, t.text)
            if t.language is not None:
                item.set("languageCode", t.language)
            out.append(item)
        return out

    def kept(self, extra: Extra) -> etree._Element:
        """A kept element, moved into this version's namespace where it was XZuFi's."""
        el = xmlsafe.parse_bytes(extra.xml, file="<kept element>").getroot()
        moved = False
        for node in el.iter():
            if isinstance(node.tag, str):
                qn = etree.QName(node)
                if qn.namespace in _XZUFI_NS and qn.namespace != self.ns:
                    node.tag = f"{{{self.ns}}}{qn.localname}"
                    moved = True
        if moved:
            etree.cleanup_namespaces(el, top_nsmap={"xzufi": self.ns})
        return el

    def build(
        self,
        name: str,
        parts: Sequence[etree._Element],
        extras: Sequence[Extra],
        attributes: Attributes = (),
    ) -> etree._Element:
        """``name`` holding ``parts`` (in order) and each extra where it was read:
        after the ``nth`` part of the name it followed (without ``nth``, or past
        the last one: after the last), first if it followed none, at the end if
        that name is not written here."""
        out = self.el(name, attributes)
        at: dict[tuple[str | None, int | None], list[Extra]] = {}
        for extra in extras:
            at.setdefault((extra.after, extra.nth if extra.after else None), []).append(extra)
        out.extend(self.kept(e) for e in at.pop((None, None), []))
        written: dict[str, int] = {}
        for i, part in enumerate(parts):
            out.append(part)
            here = _local(part)
            written[here] = n = written.get(here, 0) + 1
            out.extend(self.kept(e) for e in at.pop((here, n), []))
            if i + 1 == len(parts) or _local(parts[i + 1]) != here:
                # the end of a group: those without nth, or with an nth past it
                for key in [k for k in at if k[0] == here]:
                    out.extend(self.kept(e) for e in at.pop(key))
        for rest in at.values():
            out.extend(self.kept(e) for e in rest)
        return out

    # -- nested parts -------------------------------------------------------

    def sprachversion(self, s: Sprachversion) -> etree._Element:
        parts = [
            *self.text("languageCode", s.language_code),
            *self.text("sprachbezeichnungDeutsch", s.bezeichnung_deutsch),
            *self.text("sprachbezeichnungNativ", s.bezeichnung_nativ),
        ]
        return self.build("sprachversion", parts, s.extras)

    def angabe(self, z: ZustaendigkeitAngabe) -> etree._Element:
        parts = [
            *self.ident("id", z.id),
            *(e for i in z.leistung_ids for e in self.ident("leistungID", i)),
            *(e for i in z.gebiet_ids for e in self.ident("gebietID", i)),
            *self.code("rolle", z.rolle),
        ]
        return self.build("zustaendigkeit", parts, z.extras)

    def anschrift(self, a: Anschrift) -> etree._Element:
        parts = self.text("ort", a.ort)
        k = a.kodierung
        if k is not None:
            codes = [
                *self.code("bundesland", k.bundesland),
                *self.code("gemeindeschluessel", k.gemeindeschluessel),
                *self.code("regionalschluessel", k.regionalschluessel),
            ]
            parts.append(self.build("verwaltungspolitischeKodierung", codes, k.extras))
        return self.build("anschrift", parts, a.extras)

    def link(self, link: OnlinedienstLink) -> etree._Element:
        parts = [
            *self.code("typ", link.typ),
            *self.text("link", link.link),
            *self.text("titel", link.titel),
        ]
        attrs: Attributes = (("languageCode", link.language),) if link.language is not None else ()
        return self.build("link", parts, link.extras, attrs)


def organisationseinheit_element(obj: Organisationseinheit, version: str) -> etree._Element:
    """The ``organisationseinheit`` element in ``version``."""
    w = _Out(version)
    parts = [
        *w.ident("id", obj.id),
        *(w.build("name", w.localized("name", n.names), n.extras) for n in obj.names),
        *(w.anschrift(a) for a in obj.anschriften),
        *(w.angabe(z) for z in obj.zustaendigkeiten),
    ]
    return w.build(obj.KIND, parts, obj.extras, obj.attributes)


def zustaendigkeit_element(obj: Zustaendigkeit, version: str) -> etree._Element:
    """The ``zustaendigkeitTransferObjekt`` element in ``version``."""
    w = _Out(version)
    parts = w.ident("uebergeordnetesObjektID", obj.uebergeordnetes_objekt_id)
    if obj.zustaendigkeit is not None:
        parts.append(w.angabe(obj.zustaendigkeit))
    return w.build(obj.KIND, parts, obj.extras, obj.attributes)


def onlinedienst_element(obj: Onlinedienst, version: str) -> etree._Element:
    """The ``onlinedienst`` element in ``version``."""
    w = _Out(version)
    parts = [
        *w.ident("id", obj.id),
        *w.localized("bezeichnung", obj.bezeichnungen),
        *(w.link(link) for link in obj.links),
        *w.code("vertrauensniveau", obj.vertrauensniveau),
        *(w.sprachversion(s) for s in obj.sprachversionen),
    ]
    return w.build(obj.KIND, parts, obj.extras, obj.attributes)


def spezialisierung_element(obj: Spezialisierung, version: str) -> etree._Element:
    """The ``spezialisierung`` element in ``version``."""
    w = _Out(version)
    return w.build(obj.KIND, w.ident("id", obj.id), obj.extras, obj.attributes)


def loeschung_element(obj: Loeschung, version: str) -> etree._Element:
    """The ``loesche`` element in ``version`` (``klasse`` first, as written)."""
    w = _Out(version)
    attrs: Attributes = (("klasse", obj.klasse),) if obj.klasse is not None else ()
    return w.build("loesche", w.ident("id", obj.id), obj.extras, attrs + obj.attributes)


def object_element(obj: TransferObject, version: str) -> etree._Element:
    """The element of any of the four non-Leistung kinds in ``version``."""
    if isinstance(obj, Organisationseinheit):
        return organisationseinheit_element(obj, version)
    if isinstance(obj, Zustaendigkeit):
        return zustaendigkeit_element(obj, version)
    if isinstance(obj, Onlinedienst):
        return onlinedienst_element(obj, version)
    return spezialisierung_element(obj, version)

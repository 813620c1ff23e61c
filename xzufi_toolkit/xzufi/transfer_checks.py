"""The shape of one transfer entry: what it is, and what is wrong with it.

Shared by the streaming reader (:mod:`xzufi_toolkit.xzufi.transfer`, for
``show``/``convert``) and the validator (:mod:`xzufi_toolkit.validate.bulk`), so
that both report a broken entry with the same code and words. It needs only
lxml: ``xzufi validate`` imports it without the model reader and writer.

Codes (declared, with severity, in :mod:`xzufi_toolkit.validate.rules.document`):
XZ-BULK-004 no object id, XZ-BULK-005 ``loesche`` without ``klasse``,
XZ-BULK-006 unknown ``klasse``, XZ-BULK-007 ``schreibe`` holding no object or
several, XZ-BULK-008 Zuständigkeit without ``leistungID``/``gebietID``,
XZ-BULK-009 id without ``schemeAgencyID``. Every message names the object kind
and, where there is one, its id.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from xzufi_toolkit.findings import Severity

__all__ = [
    "KIND_OF_KLASSE",
    "KLASSE_OF",
    "SEVERITIES",
    "EntryShape",
    "Problem",
    "child",
    "entry_shape",
    "id_element",
    "local_name",
]

#: Element name in ``schreibe`` -> ``loesche/@klasse`` of that kind
#: (evidence: xzufi-real-data.md, "The transfer message").
KLASSE_OF: dict[str, str] = {
    "leistung": "Leistung",
    "organisationseinheit": "Organisationseinheit",
    "zustaendigkeitTransferObjekt": "Zustaendigkeit",
    "onlinedienst": "Onlinedienst",
    "spezialisierung": "LeistungSpezialisierung",
}
KIND_OF_KLASSE: dict[str, str] = {v: k for k, v in KLASSE_OF.items()}

#: Severity of each code this module raises (the registry declares the same; a test checks).
SEVERITIES: dict[str, Severity] = {
    "XZ-BULK-004": Severity.ERROR,
    "XZ-BULK-005": Severity.ERROR,
    "XZ-BULK-006": Severity.ERROR,
    "XZ-BULK-007": Severity.ERROR,
    "XZ-BULK-008": Severity.ERROR,
    "XZ-BULK-009": Severity.WARNING,
}


@dataclass(frozen=True, slots=True)
class Problem:
    code: str
    message: str
    message_de: str

    @property
    def severity(self) -> Severity:
        return SEVERITIES[self.code]


@dataclass(slots=True)
class EntryShape:
    """One ``schreibe``/``loesche``: ``kind`` is the element name of the object
    kind (for ``loesche`` the one ``klasse`` names; ``None`` if unknown), ``obj``
    the single object element of a ``schreibe``, ``known`` whether that is one of
    the five kinds."""

    op: str
    kind: str | None = None
    obj: etree._Element | None = None
    object_id: str | None = None
    known: bool = False
    problems: list[Problem] = field(default_factory=list)

    klasse: str | None = None  # loesche/@klasse as written
    id_el: etree._Element | None = None  # the element holding the object id
    # a Zuständigkeit's parts by name: uebergeordnetesObjektID, and of its
    # zustaendigkeit: id, leistungID, gebietID (the first of each)
    parts: dict[str, etree._Element] = field(default_factory=dict)

    def add(self, code: str, en: str, de: str) -> None:
        self.problems.append(Problem(code, en, de))

    @property
    def label(self) -> str:
        """Kind and id for messages: ``onlinedienst OD-1``, ``loesche Leistung L-1``."""
        what = f"loesche {self.klasse}" if self.op == "loesche" and self.klasse else self.kind
        what = what or self.op
        return f"{what} {self.object_id}" if self.object_id else what


# String operations on Clark tags: this runs for every entry of multi-GB streams,
# and etree.QName/find cost several times more.
def local_name(el: etree._Element) -> str:
    """Local name of an element ("" for comments and processing instructions)."""
    tag = el.tag
    return tag[tag.rfind("}") + 1 :] if isinstance(tag, str) else ""


def _ns_prefix(el: etree._Element) -> str:
    tag = el.tag
    return tag[: tag.rfind("}") + 1] if isinstance(tag, str) else ""


def child(el: etree._Element, name: str) -> etree._Element | None:
    """The first child ``name`` in ``el``'s namespace."""
    want = _ns_prefix(el) + name
    for c in el:
        if c.tag == want:
            return c
    return None


def id_element(obj: etree._Element) -> etree._Element | None:
    """The element holding an object's id: ``id``, or for a Zuständigkeit
    ``zustaendigkeit/id`` (it has no direct ``id``)."""
    if local_name(obj) == "zustaendigkeitTransferObjekt":
        inner = child(obj, "zustaendigkeit")
        return child(inner, "id") if inner is not None else None
    return child(obj, "id")


def first_children(el: etree._Element) -> dict[str, etree._Element]:
    """The first child of each local name in ``el``'s namespace (one pass)."""
    prefix = _ns_prefix(el)
    out: dict[str, etree._Element] = {}
    for c in el:
        tag = c.tag
        if isinstance(tag, str) and tag.startswith(prefix):
            out.setdefault(tag[len(prefix) :], c)
    return out


def _text(el: etree._Element | None) -> str:
    return (el.text or "").strip() if el is not None else ""


def _check_id(shape: EntryShape, id_el: etree._Element | None) -> None:
    shape.id_el = id_el
    value = _text(id_el)
    if id_el is None or not value:
        where = "zustaendigkeit/id" if shape.kind == "zustaendigkeitTransferObjekt" else "id"
        shape.add(
            "XZ-BULK-004",
            f"{shape.label}: entry has no object id ({where})",
            f"{shape.label}: Eintrag ohne Objekt-ID ({where})",
        )
        return
    shape.object_id = value
    if not (id_el.get("schemeAgencyID") or "").strip():
        shape.add(
            "XZ-BULK-009",
            f"{shape.label}: id has no schemeAgencyID (an id is unique only with it)",
            f"{shape.label}: ID ohne schemeAgencyID (eindeutig ist eine ID nur mit ihr)",
        )


def _loesche(shape: EntryShape, el: etree._Element) -> None:
    klasse = shape.klasse = el.get("klasse")
    if klasse is None or not klasse.strip():
        shape.add(
            "XZ-BULK-005",
            "loesche has no klasse: the receiver cannot tell which kind of object to delete",
            "loesche ohne klasse: der Empfänger weiß nicht, welche Objektart er löschen soll",
        )
    else:
        shape.kind = KIND_OF_KLASSE.get(klasse.strip())
        shape.known = shape.kind is not None
        if shape.kind is None:
            shape.add(
                "XZ-BULK-006",
                f"loesche klasse {klasse!r} is unknown (expected one of "
                + ", ".join(KIND_OF_KLASSE)
                + ")",
                f"loesche-klasse {klasse!r} ist unbekannt (erwartet: "
                + ", ".join(KIND_OF_KLASSE)
                + ")",
            )
    _check_id(shape, child(el, "id"))


def _zustaendigkeit(shape: EntryShape, obj: etree._Element) -> None:
    # a direct id is not the Zuständigkeit's id (that is zustaendigkeit/id)
    parts = shape.parts = {k: v for k, v in first_children(obj).items() if k != "id"}
    inner = parts.get("zustaendigkeit")
    missing = ["zustaendigkeit"] if inner is None else []
    if inner is not None:
        parts.update((k, v) for k, v in first_children(inner).items() if k != "zustaendigkeit")
        missing += [n for n in ("leistungID", "gebietID") if not _text(parts.get(n))]
    _check_id(shape, parts.get("id") if inner is not None else None)
    if missing:
        names = ", ".join(missing)
        shape.add(
            "XZ-BULK-008",
            f"{shape.label}: Zuständigkeit without {names}: it links no Leistung to a region",
            f"{shape.label}: Zuständigkeit ohne {names}: sie verbindet keine Leistung mit "
            "einem Gebiet",
        )


def entry_shape(el: etree._Element) -> EntryShape:
    """What the entry ``el`` (a ``schreibe`` or ``loesche`` element) is, and its problems."""
    op = "loesche" if local_name(el) == "loesche" else "schreibe"
    shape = EntryShape(op=op)
    if op == "loesche":
        _loesche(shape, el)
        return shape
    objs = [c for c in el if isinstance(c.tag, str)]
    if len(objs) != 1:
        names = ", ".join(local_name(c) for c in objs)
        shape.add(
            "XZ-BULK-007",
            f"schreibe holds {len(objs)} objects ({names}); it must hold exactly one"
            if objs
            else "schreibe holds no object; it must hold exactly one",
            f"schreibe enthält {len(objs)} Objekte ({names}); erlaubt ist genau eines"
            if objs
            else "schreibe enthält kein Objekt; erlaubt ist genau eines",
        )
        return shape
    obj = shape.obj = objs[0]
    shape.kind = local_name(obj)
    shape.known = shape.kind in KLASSE_OF and _ns_prefix(obj) == _ns_prefix(el)
    if not shape.known:
        return shape
    if shape.kind == "zustaendigkeitTransferObjekt":
        _zustaendigkeit(shape, obj)
    else:
        _check_id(shape, child(obj, "id"))
    return shape

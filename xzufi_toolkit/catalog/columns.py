"""The typed columns of each object kind, from the typed objects the
streaming reader yields (:mod:`xzufi_toolkit.xzufi.objects`, the Leistung
model).

One function per kind, all behind :func:`object_row`. Street, house number
and postcode of an address are not typed by the objects module (the
evidence shows only ``ort`` and the ``verwaltungspolitischeKodierung``); they
are taken from the kept elements where present. Contact data and opening
hours are read from the stored XML when a page shows them (:mod:`.office`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from xzufi_toolkit.model import Extra, Leistung
from xzufi_toolkit.xzufi import objects

__all__ = ["ObjectKey", "RowError", "identifier_key", "leistung_row", "object_row"]

ObjectKey = tuple[str, str]  # (schemeAgencyID or "", id)
Row = dict[str, str | None]


class RowError(ValueError):
    """The object lacks what the store needs (its id, the Zuständigkeit's Leistung
    or region); the message names the missing element, in English and German."""

    def __init__(self, en: str, de: str) -> None:
        super().__init__(en)
        self.de = de


def identifier_key(ident: objects.Identifier | None, what: str) -> ObjectKey:
    """``(schemeAgencyID, id)``; :class:`RowError` without an id text."""
    value = ident.value.strip() if ident is not None else ""
    if ident is None or not value:
        raise RowError(f"{what} has no id", f"{what} hat keine id")
    return (ident.scheme_agency_id or "").strip(), value


def _german(texts: Sequence[objects.LocalizedString]) -> str | None:
    first: str | None = None
    for t in texts:
        text = t.text.strip()
        if not text:
            continue
        if (t.language or "").lower().startswith("de"):
            return text
        first = first or text
    return first


def _kept_text(extras: Sequence[Extra], name: str) -> str | None:
    found = objects.extras_named(extras, name)
    return (found[0].text or "").strip() or None if found else None


def leistung_row(leistung: Leistung) -> tuple[ObjectKey, Row]:
    key = (leistung.id.scheme_agency_id or "").strip(), leistung.id.value.strip()
    if not key[1]:
        raise RowError("leistung has no id", "leistung hat keine id")
    return key, {"leika_key": leistung.key, "name": leistung.name("de")}


def _organisationseinheit(oe: Any) -> tuple[ObjectKey, Row]:
    assert isinstance(oe, objects.Organisationseinheit)
    key = identifier_key(oe.id, "organisationseinheit")
    names = [n for name in oe.names for n in name.names]
    addr = oe.anschriften[0] if oe.anschriften else None
    kod = addr.kodierung if addr is not None else None
    ars = None
    if kod is not None:
        code = kod.regionalschluessel or kod.gemeindeschluessel
        ars = code.code if code is not None else None
    extras = addr.extras if addr is not None else ()
    return key, {
        "name": _german(names),
        "strasse": _kept_text(extras, "strasse"),
        "hausnummer": _kept_text(extras, "hausnummer"),
        "postleitzahl": _kept_text(extras, "postleitzahl"),
        "ort": addr.ort if addr is not None else None,
        "ars": ars,
    }


def _zustaendigkeit(z: Any) -> tuple[ObjectKey, Row]:
    assert isinstance(z, objects.Zustaendigkeit)
    inner = z.zustaendigkeit
    if inner is None:
        raise RowError(
            "zustaendigkeitTransferObjekt has no zustaendigkeit",
            "zustaendigkeitTransferObjekt ohne zustaendigkeit",
        )
    key = identifier_key(inner.id, "zustaendigkeit")
    leistung = next((i.value.strip() for i in inner.leistung_ids if i.value.strip()), None)
    gebiet = next((i.value.strip() for i in inner.gebiet_ids if i.value.strip()), None)
    if leistung is None:
        raise RowError("zustaendigkeit has no leistungID", "zustaendigkeit ohne leistungID")
    if gebiet is None:
        raise RowError("zustaendigkeit has no gebietID", "zustaendigkeit ohne gebietID")
    parent = z.uebergeordnetes_objekt_id
    return key, {
        "parent_agency": (parent.scheme_agency_id or "").strip() if parent is not None else None,
        "parent_id": parent.value.strip() if parent is not None else None,
        "leistung_id": leistung,
        "gebiet_id": gebiet,
        "rolle_code": inner.rolle.code if inner.rolle is not None else None,
        "rolle_name": inner.rolle.name if inner.rolle is not None else None,
    }


def _onlinedienst(od: Any) -> tuple[ObjectKey, Row]:
    assert isinstance(od, objects.Onlinedienst)
    key = identifier_key(od.id, "onlinedienst")
    return key, {
        "name": _german(od.bezeichnungen),
        "link": next((lk.link for lk in od.links if lk.link), None),
        "vertrauensniveau": od.vertrauensniveau.code if od.vertrauensniveau else None,
    }


def _spezialisierung(sp: Any) -> tuple[ObjectKey, Row]:
    assert isinstance(sp, objects.Spezialisierung)
    key = identifier_key(sp.id, "spezialisierung")
    return key, {"leistung_id": _kept_text(sp.extras, "leistungID")}


_ROWS: dict[str, Callable[[Any], tuple[ObjectKey, Row]]] = {
    "Organisationseinheit": _organisationseinheit,
    "Zustaendigkeit": _zustaendigkeit,
    "Onlinedienst": _onlinedienst,
    "LeistungSpezialisierung": _spezialisierung,
}


def object_row(kind: str, obj: objects.TransferObject) -> tuple[ObjectKey, Row]:
    """The key and typed columns of a non-Leistung object of ``kind``
    (a ``loesche/@klasse`` value)."""
    return _ROWS[kind](obj)

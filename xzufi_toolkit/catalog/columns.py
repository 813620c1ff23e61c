"""The typed columns of each object kind, taken from its XZuFi element.

One function per kind, all behind :func:`object_row`: the element paths are
the ones real readers of PVOG exports use (see
``docs/catalog.md`` and the reference notes). Element names are matched in any
namespace (``{*}``), because real files put ``code``/``name`` in none.
Contact data and opening hours of an Organisationseinheit are not typed here:
their shape is not confirmed by evidence, so :mod:`.office` reads them from
the stored XML when a page shows them.
"""

from __future__ import annotations

from collections.abc import Callable

from lxml import etree

__all__ = ["ObjectKey", "RowError", "key_of", "object_row"]

ObjectKey = tuple[str, str]  # (schemeAgencyID or "", id)


class RowError(ValueError):
    """The object lacks what the store needs (its id, the Zuständigkeit's Leistung
    or region); the message names the missing element, in English and German."""

    def __init__(self, en: str, de: str) -> None:
        super().__init__(en)
        self.de = de


def _text(el: etree._Element | None, path: str) -> str | None:
    if el is None:
        return None
    found = el.find(path)
    if found is None or found.text is None:
        return None
    return found.text.strip() or None


def _lang_text(el: etree._Element, path: str) -> str | None:
    """The German text of a repeated, language-tagged element, else the first."""
    first: str | None = None
    for node in el.iterfind(path):
        text = (node.text or "").strip()
        if not text:
            continue
        lang = node.get("languageCode") or _text(node, "{*}languageCode") or ""
        if lang.lower().startswith("de"):
            return text
        first = first or text
    return first


def key_of(id_el: etree._Element | None, what: str) -> ObjectKey:
    """``(schemeAgencyID, id)`` of an id element; :class:`RowError` without text."""
    value = (id_el.text or "").strip() if id_el is not None else ""
    if not value:
        raise RowError(f"{what} has no id", f"{what} hat keine id")
    return (id_el.get("schemeAgencyID") or "").strip(), value  # type: ignore[union-attr]


def _leistung(obj: etree._Element) -> tuple[ObjectKey, dict[str, str | None]]:
    key = key_of(obj.find("{*}id"), "leistung")
    leika = _text(obj, "{*}referenzLeiKa/{*}code") or _text(obj, "{*}referenzLeistungsschluessel")
    name: str | None = None
    for module in obj.iterfind("{*}modulText"):
        if _text(module, "{*}leikaTextmodul/{*}code") == "02":
            name = _lang_text(module, "{*}inhalt")
            break
    return key, {"leika_key": leika, "name": name}


def _organisationseinheit(obj: etree._Element) -> tuple[ObjectKey, dict[str, str | None]]:
    key = key_of(obj.find("{*}id"), "organisationseinheit")
    anschrift = obj.find("{*}anschrift")
    kodierung = (
        anschrift.find("{*}verwaltungspolitischeKodierung") if anschrift is not None else None
    )
    ars = _text(kodierung, "{*}regionalschluessel/{*}code") or _text(
        kodierung, "{*}gemeindeschluessel/{*}code"
    )
    return key, {
        "name": _lang_text(obj, "{*}name/{*}name") or _lang_text(obj, "{*}name"),
        "strasse": _text(anschrift, "{*}strasse"),
        "hausnummer": _text(anschrift, "{*}hausnummer"),
        "postleitzahl": _text(anschrift, "{*}postleitzahl"),
        "ort": _text(anschrift, "{*}ort"),
        "ars": ars,
    }


def _zustaendigkeit(obj: etree._Element) -> tuple[ObjectKey, dict[str, str | None]]:
    inner = obj.find("{*}zustaendigkeit")
    if inner is None:
        raise RowError(
            "zustaendigkeitTransferObjekt has no zustaendigkeit",
            "zustaendigkeitTransferObjekt ohne zustaendigkeit",
        )
    key = key_of(inner.find("{*}id"), "zustaendigkeit")
    leistung_id = _text(inner, "{*}leistungID")
    gebiet_id = _text(inner, "{*}gebietID")
    if leistung_id is None:
        raise RowError("zustaendigkeit has no leistungID", "zustaendigkeit ohne leistungID")
    if gebiet_id is None:
        raise RowError("zustaendigkeit has no gebietID", "zustaendigkeit ohne gebietID")
    parent = obj.find("{*}uebergeordnetesObjektID")
    return key, {
        "parent_agency": (parent.get("schemeAgencyID") or "").strip()
        if parent is not None
        else None,
        "parent_id": _text(obj, "{*}uebergeordnetesObjektID"),
        "leistung_id": leistung_id,
        "gebiet_id": gebiet_id,
        "rolle_code": _text(inner, "{*}rolle/{*}code"),
        "rolle_name": _text(inner, "{*}rolle/{*}name"),
    }


def _onlinedienst(obj: etree._Element) -> tuple[ObjectKey, dict[str, str | None]]:
    key = key_of(obj.find("{*}id"), "onlinedienst")
    return key, {
        "name": _lang_text(obj, "{*}bezeichnung"),
        "link": _text(obj, "{*}link/{*}link"),
        "vertrauensniveau": _text(obj, "{*}vertrauensniveau/{*}code"),
    }


def _spezialisierung(obj: etree._Element) -> tuple[ObjectKey, dict[str, str | None]]:
    key = key_of(obj.find("{*}id"), "spezialisierung")
    return key, {"leistung_id": _text(obj, "{*}leistungID")}


_ROWS: dict[str, Callable[[etree._Element], tuple[ObjectKey, dict[str, str | None]]]] = {
    "Leistung": _leistung,
    "Organisationseinheit": _organisationseinheit,
    "Zustaendigkeit": _zustaendigkeit,
    "Onlinedienst": _onlinedienst,
    "LeistungSpezialisierung": _spezialisierung,
}


def object_row(kind: str, obj: etree._Element) -> tuple[ObjectKey, dict[str, str | None]]:
    """The key and typed columns of the object element ``obj`` of ``kind``
    (a ``loesche/@klasse`` value). The one place to switch to typed readers."""
    return _ROWS[kind](obj)

"""``xzufi show`` for transfer messages: one line (or one JSON object) per entry.

Every entry names its kind (the element name of the object; for a ``loesche``
the kind its ``klasse`` names) and its id, and says what a portal team wants to
see at a glance: the Leistung's or Organisationseinheit's name, the
Onlinedienst's title and link count, which Leistung a Zuständigkeit assigns to
which regions and which object it belongs to.

JSON (``show --format json``): ``{"message": {…frame…}, "entries": [...]}``;
each entry has ``index``, ``line``, ``op``, ``kind``, ``klasse``, ``id``
(``object_id``), ``scheme_agency_id`` where known, and ``leistung`` (the model's
JSON form), ``object`` (the typed object of :mod:`xzufi_toolkit.xzufi.objects`),
``deletion`` (a ``loesche``) or ``xml`` (an entry kept as read).
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from xzufi_toolkit.model import Extra, TransferEntry, TransferMessage, to_jsonable
from xzufi_toolkit.xzufi.objects import (
    Identifier,
    Onlinedienst,
    Organisationseinheit,
    Spezialisierung,
    Zustaendigkeit,
)
from xzufi_toolkit.xzufi.transfer_checks import KIND_OF_KLASSE

__all__ = ["entry_json", "entry_kind", "entry_line", "message_lines"]


def message_lines(message: TransferMessage) -> list[str]:
    """The frame: root, version, product, transaction."""
    lines = [
        f"Transfernachricht <{message.root_name}> (XZuFi {message.version})",
        f"  produktbezeichnung: {message.produktbezeichnung or '-'}",
        f"  produkthersteller: {message.produkthersteller or '-'}",
    ]
    if message.transaktion_id is not None:
        lines.append(f"  transaktionID: {message.transaktion_id}")
    if message.transaktion_position is not None:
        lines.append(f"  transaktionPosition: {message.transaktion_position}")
    return lines


def entry_kind(entry: TransferEntry) -> str | None:
    """Element name of the entry's object kind (``loesche``: the one ``klasse`` names)."""
    if entry.op == "loesche":
        return KIND_OF_KLASSE.get(entry.klasse.strip())
    return entry.klasse or None


def _ident(ident: Identifier | None) -> str:
    return str(ident) if ident is not None else "-"


def _detail(entry: TransferEntry) -> str:
    obj = entry.obj
    if entry.leistung is not None:
        return entry.leistung.name("de") or entry.leistung.name("en") or ""
    if isinstance(obj, Organisationseinheit):
        name = obj.name("de") or ""
        places = sorted({a.ort for a in obj.anschriften if a.ort})
        return name + (f" ({', '.join(places)})" if places else "")
    if isinstance(obj, Onlinedienst):
        titles = [t.text for t in obj.bezeichnungen if t.lang == "de"] or [
            t.text for t in obj.bezeichnungen
        ]
        links = f"{len(obj.links)} Link(s)"
        return f"{titles[0]}, {links}" if titles else links
    if isinstance(obj, Zustaendigkeit):
        gebiete = ", ".join(str(g) for g in obj.gebiet_ids) or "-"
        text = f"Leistung {_ident(obj.leistung_id)} in {gebiete}"
        text += f" → {_ident(obj.uebergeordnetes_objekt_id)}"
        if obj.rolle is not None:
            text += f" (Rolle {obj.rolle.name or obj.rolle.code})"
        return text
    if isinstance(obj, Spezialisierung):
        return f"{len(obj.extras)} Element(e), nicht modelliert"
    return "unverändert übernommen" if entry.xml is not None and entry.op == "schreibe" else ""


def entry_line(entry: TransferEntry) -> str:
    """One line per entry: index, line, operation, kind, id, and a detail."""
    text = f"  #{entry.index} Zeile {entry.line or '?'}: {entry.op} {entry.klasse or '-'}"
    text += f" {entry.object_id or '-'}"
    detail = _detail(entry)
    return text + (f" – {detail}" if detail else "")


def _plain(value: object) -> Any:
    """Typed objects → JSON values (tuples as lists; empty and ``None`` left out)."""
    if isinstance(value, Extra):
        return to_jsonable(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out: dict[str, Any] = {}
        for f in dataclasses.fields(value):
            item = getattr(value, f.name)
            if item is None or (isinstance(item, tuple | list) and not item):
                continue
            out[f.name] = _plain(item)
        return out
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    return value


def entry_json(entry: TransferEntry) -> str:
    """The entry as one JSON object (see the module docstring)."""
    doc: dict[str, Any] = {
        "index": entry.index,
        "line": entry.line,
        "op": entry.op,
        "kind": entry_kind(entry),
        "klasse": entry.klasse,
        "object_id": entry.object_id,
    }
    ident = entry.obj.id if entry.obj is not None else None
    if entry.deletion is not None:
        ident = entry.deletion.id
    if entry.leistung is not None:
        doc["scheme_agency_id"] = entry.leistung.id.scheme_agency_id
        doc["leistung"] = to_jsonable(entry.leistung)
    elif ident is not None:
        doc["scheme_agency_id"] = ident.scheme_agency_id
    if entry.obj is not None:
        doc["object"] = _plain(entry.obj)
    elif entry.deletion is not None:
        doc["deletion"] = _plain(entry.deletion)
    elif entry.xml is not None:
        doc["xml"] = entry.xml.decode("utf-8", "replace")
    return json.dumps({k: v for k, v in doc.items() if v is not None}, ensure_ascii=False)

"""A readable plain-text summary of a Leistung and of transfer entries (``xzufi show``)."""

from __future__ import annotations

from xzufi_toolkit.model import (
    TEXT_MODULE_NAMES,
    Code,
    Cost,
    Duration,
    Leistung,
    TransferEntry,
    TransferMessage,
    normalize_language,
)

__all__ = ["entry_line", "message_lines", "summary_lines"]

_KINDS = {
    "lo": "Leistungsobjekt",
    "lov": "Leistungsobjekt mit Verrichtung",
    "lovd": "Leistungsobjekt mit Verrichtung und Detail",
}


def _code(code: Code | None) -> str:
    if code is None:
        return "-"
    return f"{code.code} ({code.name})" if code.name else code.code


def _codes(codes: list[Code]) -> str:
    return ", ".join(_code(c) for c in codes) or "-"


def _cost(cost: Cost) -> str:
    if cost.kind == "fix" and cost.amount is not None:
        text = f"{cost.amount} {cost.currency or ''}".strip()
    elif cost.kind == "frei":
        text = "kostenfrei"
    elif cost.kind == "variabel":
        low = f"{cost.lower} {cost.lower_currency or ''}".strip() if cost.lower is not None else ""
        up = f"{cost.upper} {cost.upper_currency or ''}".strip() if cost.upper is not None else ""
        text = f"variabel {low}–{up}".strip()
    else:
        text = "ohne Betrag"
    label = next((t.text for t in cost.description if t.language == "de"), None)
    if label is None:
        label = next((t.text for t in cost.free_description if t.language == "de"), None)
    return f"{text} ({label})" if label else text


def _duration(d: Duration) -> str:
    if d.value is not None:
        text = f"{d.value} {d.unit or ''}".strip()
        if d.value_to is not None:
            text = (
                f"{d.value}–{d.value_to} {d.unit_to or d.unit or ''}".strip()
                if (d.unit_to or d.unit) == d.unit
                else f"{text} bis {d.value_to} {d.unit_to or ''}".strip()
            )
    elif d.date_from is not None or d.date_to is not None:
        text = f"{d.date_from or ''}–{d.date_to or ''}"
    else:
        text = "ohne Angabe"
    if d.type is not None:
        text += f" (Fristtyp {d.type.code})"
    return text


def summary_lines(leistung: Leistung, version: str | None = None) -> list[str]:
    """The summary ``xzufi show`` prints, one string per line."""
    item = leistung
    head = f"Leistung {item.key or item.id.value}"
    if version:
        head += f" (XZuFi {version})"
    lines = [head]

    def add(label: str, value: str) -> None:
        lines.append(f"  {label + ':':<28}{value}")

    for lang in sorted(
        {
            normalize_language(t.language)
            for m in item.text_modules
            if m.code.code == "02"
            for t in m.contents
        }
    ):
        add(f"Leistungsbezeichnung ({lang})", item.name(lang) or "-")
    add("Id", f"{item.id.value}")
    add("Quellredaktion", item.source_editor or "-")
    add("LeiKa-Schlüssel", ", ".join(item.leika_keys) or "-")
    add("Typisierung", _codes(item.typisierung))
    add("Status Katalog/Bibliothek", f"{_code(item.status_catalog)} / {_code(item.status_library)}")
    if item.structure is not None:
        s = item.structure
        add("Leistungstyp", f"{s.kind} ({_KINDS[s.kind]})")
        add("Leistungsgruppierung", _code(s.grouping))
        add("Leistungsobjekt", s.object_id.value if s.object_id else "-")
        add("Verrichtung", _code(s.action))
    add("SDG-Informationsbereich", _codes(item.sdg_codes))
    add("Lagen Portalverbund", _codes(item.classifications))
    if item.released_on or item.release_modules:
        by = item.released_by("de") or item.released_by("en") or "-"
        add("Fachlich freigegeben", f"{item.released_on or '-'} durch {by}")
    modules = []
    for m in item.text_modules:
        langs = ",".join(t.language for t in m.contents) or "leer"
        modules.append(f"{m.code.code} {TEXT_MODULE_NAMES.get(m.code.code, '?')} [{langs}]")
    add("Textmodule", modules[0] if modules else "-")
    lines.extend(f"  {'':<28}{m}" for m in modules[1:])
    add("Kosten", "; ".join(_cost(c) for c in item.costs) or "-")
    add("Bearbeitungsdauer", "; ".join(_duration(d) for d in item.processing_times) or "-")
    add("Frist", "; ".join(_duration(d) for d in item.deadlines) or "-")
    flags = {
        "persönlich": item.personal_attendance_required,
        "Schriftform": item.written_form_required,
        "formlos": item.informal_application,
        "online": item.online_possible,
        "EA": item.single_point_of_contact,
    }
    shown = [f"{k}={'ja' if v else 'nein'}" for k, v in flags.items() if v is not None]
    add("Kennzeichen", ", ".join(shown) or "-")
    if item.extras:
        add("Unbekannte Elemente", ", ".join(sorted({e.tag for e in item.extras})))
    return lines


def message_lines(message: TransferMessage) -> list[str]:
    return [
        f"Transfernachricht <{message.root_name}> (XZuFi {message.version})",
        f"  produktbezeichnung: {message.produktbezeichnung or '-'}",
        f"  produkthersteller: {message.produkthersteller or '-'}",
    ]


def entry_line(entry: TransferEntry) -> str:
    """One line per transfer entry: index, line, operation, class, id, name."""
    text = f"  #{entry.index} Zeile {entry.line or '?'}: {entry.op} {entry.klasse}"
    text += f" {entry.object_id or '-'}"
    if entry.leistung is not None:
        name = entry.leistung.name("de") or entry.leistung.name("en")
        if name:
            text += f" – {name}"
    return text

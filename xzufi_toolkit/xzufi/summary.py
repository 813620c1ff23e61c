"""A readable plain-text summary of a Leistung and of transfer entries (``xzufi show``)."""

from __future__ import annotations

import html
import re

from xzufi_toolkit.model import (
    TEXT_MODULE_NAMES,
    Code,
    Cost,
    Duration,
    DurationModule,
    Leistung,
    LocalizedText,
    TransferEntry,
    TransferMessage,
    normalize_language,
    unit_name,
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


_WORDS = {
    "de": {"free": "kostenfrei", "variable": "variabel", "none": "ohne Angabe", "to": "bis"},
    "en": {"free": "free of charge", "variable": "variable", "none": "not stated", "to": "to"},
}
_TAG = re.compile(r"<[^>]*>")


def _plain(fragment: str) -> str:
    """Module HTML as one line of text."""
    return " ".join(html.unescape(_TAG.sub(" ", fragment)).split())


def _described(texts: list[LocalizedText], lang: str) -> str | None:
    """A description in ``lang`` (else German, else any) as plain text."""
    for want in (lang, "de"):
        for t in texts:
            if normalize_language(t.language) == want and _plain(t.text):
                return _plain(t.text)
    return next((_plain(t.text) for t in texts if _plain(t.text)), None)


def _cost(cost: Cost, lang: str) -> str:
    words = _WORDS[lang]
    label = _described(cost.description, lang) or _described(cost.free_description, lang)
    if cost.kind == "fix" and cost.amount is not None:
        text = f"{cost.amount} {cost.currency or ''}".strip()
    elif cost.kind == "frei":
        text = words["free"]
    elif cost.kind == "variabel":
        low = f"{cost.lower} {cost.lower_currency or ''}".strip() if cost.lower is not None else ""
        up = f"{cost.upper} {cost.upper_currency or ''}".strip() if cost.upper is not None else ""
        text = f"{words['variable']} {low}–{up}".strip()
    else:
        return label or words["none"]  # a cost with a description only: the description
    return f"{text} ({label})" if label else text


def _duration(d: Duration, lang: str) -> str:
    """``6–8 Wochen``, ``3 Jahre``, ``6 weeks to 3 months``; else the description."""
    words = _WORDS[lang]
    if d.value is not None:
        text = f"{d.value} {unit_name(d.unit, d.value, lang)}".strip()
        if d.value_to is not None:
            last = unit_name(d.unit_to or d.unit, d.value_to, lang)
            text = (
                f"{d.value}–{d.value_to} {last}".strip()
                if (d.unit_to or d.unit) == d.unit
                else f"{text} {words['to']} {d.value_to} {last}".strip()
            )
    elif d.date_from is not None or d.date_to is not None:
        text = f"{d.date_from or ''}–{d.date_to or ''}"
    else:
        text = _described(d.description, lang) or words["none"]
    if d.type is not None:
        text += f" (Fristtyp {d.type.code})"
    return text


def _durations(modules: list[DurationModule], lang: str) -> str:
    """The items of the modules, or a module's description where it has none."""
    parts: list[str] = []
    for m in modules:
        if m.items:
            parts.extend(_duration(d, lang) for d in m.items)
        elif (text := _described(m.description, lang)) is not None:
            parts.append(text)
    return "; ".join(parts) or "-"


def _catalog(item: Leistung, lang: str) -> list[tuple[str, str]]:
    """Kategorien, regions, language versions, last change: where present."""
    rows: list[tuple[str, str]] = []
    if item.categories:
        names = [
            _described(c.labels, lang) or (c.id.value if c.id else "?") for c in item.categories
        ]
        rows.append(("Kategorien", "; ".join(names)))
    if item.validity_area_ids:
        rows.append(("Gültig für Gebiete", ", ".join(i.value for i in item.validity_area_ids)))
    if item.language_versions:
        rows.append(("Sprachversionen", ", ".join(v.language_code for v in item.language_versions)))
    if item.version_info is not None and item.version_info.changed:
        rows.append(("Zuletzt geändert", item.version_info.changed))
    return rows


def summary_lines(leistung: Leistung, version: str | None = None, lang: str = "de") -> list[str]:
    """The summary ``xzufi show`` prints, one string per line; values (units,
    descriptions) in ``lang`` ("de" or "en"), labels in German."""
    lang = "en" if normalize_language(lang) == "en" else "de"
    item = leistung
    head = f"Leistung {item.key or item.id.value}"
    if version:
        head += f" (XZuFi {version})"
    lines = [head]

    def add(label: str, value: str) -> None:
        lines.append(f"  {label + ':':<28}{value}")

    for name_lang in sorted(
        {
            normalize_language(t.language)
            for m in item.text_modules
            if m.code.code == "02"
            for t in m.contents
        }
    ):
        add(f"Leistungsbezeichnung ({name_lang})", item.name(name_lang) or "-")
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
    for label, value in _catalog(item, lang):
        add(label, value)
    add("Lagen Portalverbund", _codes(item.classifications))
    if item.released_on or item.release_modules:
        by = item.released_by("de") or item.released_by("en") or "-"
        add("Fachlich freigegeben", f"{item.released_on or '-'} durch {by}")
    modules = []
    for m in item.text_modules:
        langs = ",".join(t.language for t in m.contents)
        links = f"{len(m.links)} Link{'s' if len(m.links) != 1 else ''}" if m.links else ""
        what = ", ".join(x for x in (langs, links) if x) or "leer"
        modules.append(f"{m.code.code} {TEXT_MODULE_NAMES.get(m.code.code, '?')} [{what}]")
    add("Textmodule", modules[0] if modules else "-")
    lines.extend(f"  {'':<28}{m}" for m in modules[1:])
    costs = [
        text
        for m in item.cost_modules
        for text in (
            [_cost(c, lang) for c in m.costs] if m.costs else [_described(m.description, lang)]
        )
        if text
    ]
    add("Kosten", "; ".join(costs) or "-")
    add("Bearbeitungsdauer", _durations(item.processing_time_modules, lang))
    add("Frist", _durations(item.deadline_modules, lang))
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

"""Required and recommended text modules, and empty ones (``xzufi.md``, text module codes)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from lxml import etree

from xzufi_toolkit.findings import Severity
from xzufi_toolkit.model import normalize_language
from xzufi_toolkit.validate.context import Ctx, Hit, local
from xzufi_toolkit.validate.registry import rule
from xzufi_toolkit.validate.rules.key import REGULATED

REF = "xzufi.md: Leistung, text modules (urn:de:xzufi:codeliste:leistungstextmodulleika)"


def lang_of(el: etree._Element) -> str | None:
    """Language of a localized element: attribute ``languageCode`` or child element."""
    value = el.get("languageCode")
    if value is None:
        for c in el:
            if local(c) == "languagecode":
                value = c.text or ""
                break
    return value.strip() if value is not None else None


def contents(ctx: Ctx, module: etree._Element) -> list[etree._Element]:
    return ctx.kids("inhalt", module)


def _contents(ctx: Ctx) -> tuple[set[str], list[tuple[str, etree._Element]]]:
    """Codes of the modules with some content, and the empty ``inhalt`` elements with
    their module's code in document order by code: one walk over the text modules."""
    cached: tuple[set[str], list[tuple[str, etree._Element]]] | None = ctx.memo.get("contents")
    if cached is None:
        filled: set[str] = set()
        empty: list[tuple[str, etree._Element]] = []
        blank, kids = ctx.blank, ctx.kids
        for code, modules in ctx.text_modules.items():
            for m in modules:
                for i in kids("inhalt", m):
                    if blank(i):
                        empty.append((code, i))
                    else:
                        filled.add(code)
        ctx.memo["contents"] = cached = (filled, empty)
    return cached


def _has_content(ctx: Ctx, code: str) -> bool:
    return code in _contents(ctx)[0]


def _missing(ctx: Ctx, code: str, en: str, de: str) -> Iterator[Hit]:
    if not _has_content(ctx, code):
        yield ctx.hit(
            ctx.el,
            f"text module {code} ({en}) is missing or empty",
            f"Textmodul {code} ({de}) fehlt oder ist leer",
        )


@rule(
    "XZ-REQ-001",
    Severity.ERROR,
    "No Leistungsbezeichnung",
    "Keine Leistungsbezeichnung",
    REF + "; FIM Stammtext: Leistungsbezeichnung (02) is required",
)
def bezeichnung_present(ctx: Ctx) -> Iterator[Hit]:
    """A Leistung has a Leistungsbezeichnung (text module 02) with content."""
    yield from _missing(ctx, "02", "Leistungsbezeichnung", "Leistungsbezeichnung")


@rule(
    "XZ-REQ-002",
    Severity.ERROR,
    "More than one Leistungsbezeichnung in a language",
    "Mehr als eine Leistungsbezeichnung in einer Sprache",
    REF,
)
def bezeichnung_unique(ctx: Ctx) -> Iterator[Hit]:
    """There is exactly one Leistungsbezeichnung (02) per language (and, in
    2.3.1, per ``zugangskanal``)."""
    seen: Counter[tuple[str, str]] = Counter()
    for m in ctx.text_modules.get("02", []):
        kanal_el = ctx.kid("zugangskanal", m)
        kanal = ctx.code(kanal_el) if kanal_el is not None else ""
        for i in contents(ctx, m):
            key = (normalize_language(lang_of(i) or ""), kanal)
            seen[key] += 1
            if seen[key] == 2:
                yield ctx.hit(
                    i,
                    f"second Leistungsbezeichnung in language {key[0] or '(none)'}",
                    f"zweite Leistungsbezeichnung in Sprache {key[0] or '(keine)'}",
                )


@rule(
    "XZ-REQ-003",
    Severity.ERROR,
    "No Volltext",
    "Kein Volltext",
    REF + "; FIM Stammtext: Volltext (06) is required",
)
def volltext(ctx: Ctx) -> Iterator[Hit]:
    """A Leistung has a Volltext (text module 06) with content."""
    yield from _missing(ctx, "06", "Volltext", "Volltext")


@rule(
    "XZ-REQ-004",
    Severity.ERROR,
    "No Rechtsgrundlage for a regulated service",
    "Keine Rechtsgrundlage bei geregelter Leistung",
    REF + "; Typisierung 1-5: the service is regulated by law",
)
def rechtsgrundlage(ctx: Ctx) -> Iterator[Hit]:
    """A Leistung of Typisierung 1-5 (with the a/b variants and 2/3) names its
    legal basis in text module 07 (Rechtsgrundlage(n)): its content or a link."""
    if not any(t in REGULATED for t in ctx.typisierung):
        return
    if _has_content(ctx, "07"):
        return
    if any(ctx.kids("weiterfuehrenderlink", m) for m in ctx.text_modules.get("07", [])):
        return
    yield ctx.hit(
        ctx.el,
        "regulated service (Typisierung 1-5) without Rechtsgrundlage (text module 07)",
        "geregelte Leistung (Typisierung 1-5) ohne Rechtsgrundlage (Textmodul 07)",
    )


@rule("XZ-REQ-005", Severity.WARNING, "No Teaser", "Kein Teaser", REF)
def teaser(ctx: Ctx) -> Iterator[Hit]:
    """A Teaser (text module 24) is recommended: portals show it in result lists."""
    yield from _missing(ctx, "24", "Teaser", "Teaser")


@rule("XZ-REQ-006", Severity.WARNING, "No Zuständige Stelle", "Keine Zuständige Stelle", REF)
def zustaendige_stelle(ctx: Ctx) -> Iterator[Hit]:
    """A Zuständige Stelle (text module 22) is recommended."""
    yield from _missing(ctx, "22", "Zuständige Stelle", "Zuständige Stelle")


@rule("XZ-REQ-007", Severity.WARNING, "No Ansprechpunkt", "Kein Ansprechpunkt", REF)
def ansprechpunkt(ctx: Ctx) -> Iterator[Hit]:
    """An Ansprechpunkt (text module 23) is recommended."""
    yield from _missing(ctx, "23", "Ansprechpunkt", "Ansprechpunkt")


@rule("XZ-REQ-008", Severity.WARNING, "No Typisierung", "Keine Typisierung", REF)
def typisierung_present(ctx: Ctx) -> Iterator[Hit]:
    """A Leistung has at least one Typisierung: required-module rules depend on it."""
    if not ctx.typisierung:
        yield ctx.hit(ctx.el, "Leistung has no Typisierung", "Leistung ohne Typisierung")


@rule(
    "XZ-TXT-001",
    Severity.WARNING,
    "Empty module content",
    "Leerer Modulinhalt",
    REF + "; PVOG harvesting: modules holding only <br>",
)
def empty_content(ctx: Ctx) -> Iterator[Hit]:
    """A text module's ``inhalt`` holds text or an image, not only ``<br>``, empty
    tags, comments, ``&nbsp;`` or whitespace (``xzufi_toolkit.htmltext``); an empty
    module renders as a blank section on portals."""
    for code, i in _contents(ctx)[1]:
        yield ctx.hit(
            i,
            f"text module {code} has empty content (only markup or whitespace)",
            f"Textmodul {code} hat leeren Inhalt (nur Markup oder Leerraum)",
        )

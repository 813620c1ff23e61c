"""The legal basis (text module 07) parsed into citations (`reference.citations`)."""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

from lxml import etree

from xzufi_toolkit.findings import Severity
from xzufi_toolkit.model import normalize_language
from xzufi_toolkit.reference import citations
from xzufi_toolkit.validate.context import Ctx, Hit
from xzufi_toolkit.validate.registry import rule
from xzufi_toolkit.validate.rules.modules import contents

REF = "xzufi.md: Rechtsgrundlage = text module 07; citations: § / Art., Abs., Satz, Nr., law"


_parse_cached = lru_cache(maxsize=4096)(citations.parse)


def _parse(text: str) -> citations.ParseResult:
    """Catalogues repeat their legal-basis texts: parse each text of ordinary
    length once per process (hostile megabyte texts are not kept)."""
    return _parse_cached(text) if len(text) <= 16384 else citations.parse(text)


def _legal_texts(ctx: Ctx) -> list[tuple[etree._Element, citations.ParseResult]]:
    """Text module 07 contents with their parsed citations (once per Leistung)."""
    cached: list[tuple[etree._Element, citations.ParseResult]] | None = ctx.memo.get("law")
    if cached is None:
        cached = [
            (i, _parse(ctx.text(i)))
            for m in ctx.text_modules.get("07", [])
            for i in contents(ctx, m)
            # the citation grammar is German ("§ 25 Abs. 4"); translations cite otherwise
            if normalize_language(i.get("languageCode") or "de") == "de" and not ctx.blank(i)
        ]
        ctx.memo["law"] = cached
    return cached


@rule(
    "XZ-LAW-001",
    Severity.WARNING,
    "Rechtsgrundlage cites no provision",
    "Rechtsgrundlage nennt keine Vorschrift",
    REF,
)
def no_citation(ctx: Ctx) -> Iterator[Hit]:
    """The German Rechtsgrundlage text names at least one provision (``§ 25
    Abs. 4 AufenthG``, ``Art. 6 GG``) that can be read as a citation
    (translations are not checked: they cite in their own language)."""
    for el, result in _legal_texts(ctx):
        if not result.citations and not result.problems:
            yield ctx.hit(
                el,
                "Rechtsgrundlage contains no readable citation (§ … / Art. … with a law)",
                "Rechtsgrundlage enthält kein lesbares Zitat (§ … / Art. … mit Gesetz)",
            )


@rule(
    "XZ-LAW-002",
    Severity.WARNING,
    "Unknown law cited",
    "Unbekanntes Gesetz zitiert",
    REF + "; law table of xzufi_toolkit.reference.citations",
)
def unknown_law(ctx: Ctx) -> Iterator[Hit]:
    """Every cited law abbreviation is in the toolkit's law table; an unknown one
    is often a typo (``AufentG``) or a law the table lacks."""
    for el, result in _legal_texts(ctx):
        for law in citations.unknown_laws(result.citations):
            yield ctx.hit(
                el,
                f"citation names unknown law {law!r}",
                f"Zitat nennt unbekanntes Gesetz {law!r}",
            )


@rule(
    "XZ-LAW-003",
    Severity.WARNING,
    "Unreadable citation",
    "Unlesbares Zitat",
    REF,
)
def unreadable(ctx: Ctx) -> Iterator[Hit]:
    """Text that starts like a citation (``§``, ``Art.``) can be read to the end:
    number, subdivisions (Abs., Satz, Nr.) and law."""
    for el, result in _legal_texts(ctx):
        for p in result.problems:
            yield ctx.hit(
                el,
                f"cannot read citation {p.text!r}: {p.message}",
                f"Zitat {p.text!r} nicht lesbar: {p.message}",
            )

"""Languages: German present wherever another language is; codes normalised."""

from __future__ import annotations

import re
from collections.abc import Iterator

from lxml import etree

from xzufi_toolkit.findings import Severity
from xzufi_toolkit.model import normalize_language
from xzufi_toolkit.validate.context import Ctx, Hit, local
from xzufi_toolkit.validate.registry import rule

REF = "xzufi.md: StringLocalized / HtmlStringLocalized (languageCode); PVOG: 'de' vs 'de-DE'"

# BCP 47 shape: primary subtag of 2-3 letters, optional subtags.
_BCP47 = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")


def canonical_case(tag: str) -> str:
    """A BCP 47 tag in its canonical case (RFC 5646 2.1.1): language lower case,
    script title case, region upper case (``de-DE``, ``sr-Latn-RS``), the rest
    lower case, all lower case after a singleton (``x-…``)."""
    parts = tag.split("-")
    out = [parts[0].lower()]
    private = False
    for part in parts[1:]:
        private = private or len(part) == 1
        if not private and len(part) == 2 and part.isalpha():
            out.append(part.upper())
        elif not private and len(part) == 4 and part.isalpha():
            out.append(part.title())
        else:
            out.append(part.lower())
    return "-".join(out)


# stripped code, has a BCP 47 shape, normalised code (the model's), canonical case
_LangInfo = tuple[str, bool, str, str]
_INFO: dict[str, _LangInfo] = {}
_INFO_MAX = 4096  # hostile input with endless distinct codes must not grow the cache


def _info(raw: str) -> _LangInfo:
    """Shape and normal form of one language code (catalogues repeat a handful)."""
    info = _INFO.get(raw)
    if info is None:
        v = raw.strip()
        info = (v, _BCP47.match(v) is not None, normalize_language(v), canonical_case(v))
        if len(_INFO) < _INFO_MAX:
            _INFO[raw] = info
    return info


def _code_elements(ctx: Ctx) -> list[tuple[etree._Element, str, bool, str]]:
    """(element, code, is a BCP 47 shape, normalised code), once per Leistung.

    Elements with a ``languageCode`` attribute come first, then ``languageCode`` elements.
    """
    cached: list[tuple[etree._Element, str, bool, str]] | None = ctx.memo.get("langcodes")
    if cached is None:
        info = _INFO.get
        found: list[tuple[etree._Element, str, bool, str]] = []
        for el in ctx.localized:
            raw = el.get("languageCode") or ""
            i = info(raw) or _info(raw)
            found.append((el, i[0], i[1], i[2]))
        for el in ctx.all("languagecode"):
            raw = el.text or ""
            i = info(raw) or _info(raw)
            found.append((el, i[0], i[1], i[2]))
        ctx.memo["langcodes"] = cached = found
    return cached


@rule(
    "XZ-LANG-001",
    Severity.ERROR,
    "Text in another language without German",
    "Text in anderer Sprache ohne deutschen Text",
    REF + "; German is the language of the catalogue",
)
def german_present(ctx: Ctx) -> Iterator[Hit]:
    """Wherever a localized element (same name, same parent) exists in another
    language, it also exists in German: translations accompany the German master text."""
    groups: dict[tuple[etree._Element | None, object], tuple[etree._Element, set[str]]] = {}
    # the attribute-carrying elements come first in _code_elements
    for el, _, _, norm in _code_elements(ctx)[: len(ctx.localized)]:
        key = (el.getparent(), local(el))  # proxies are kept alive by the Ctx index
        group = groups.get(key)
        if group is None:
            groups[key] = (el, {norm})
        else:
            group[1].add(norm)
    for first, langs in groups.values():
        if "de" not in langs:
            others = ", ".join(sorted(x or "(none)" for x in langs))
            yield ctx.hit(
                first,
                f"{first.tag.rpartition('}')[2] if isinstance(first.tag, str) else ''} "
                f"exists in {others} but not in German",
                f"{first.tag.rpartition('}')[2] if isinstance(first.tag, str) else ''} "
                f"gibt es in {others}, aber nicht auf Deutsch",
            )


@rule(
    "XZ-LANG-002",
    Severity.WARNING,
    "Language code not in the canonical case",
    "Sprachcode nicht in der üblichen Schreibweise",
    REF + "; RFC 5646 2.1.1 (case)",
)
def normalised(ctx: Ctx) -> Iterator[Hit]:
    """Language codes are written in BCP 47's canonical case: language lower case,
    region upper case (``de``, ``en``, ``de-DE``), not ``DE`` or ``de-de``:
    consumers compare them as strings. A region subtag (``de-DE``, which real PVOG
    data uses a lot) is fine; the toolkit reads it as ``de`` and writes it back as
    it was."""
    for el, v, shaped, _ in _code_elements(ctx):
        if not shaped:
            continue  # XZ-LANG-003
        proper = _info(v)[3]
        if v != proper:
            yield ctx.hit(
                el,
                f"language code {v!r} should be written {proper!r}",
                f"Sprachcode {v!r} sollte {proper!r} lauten",
            )


@rule("XZ-LANG-003", Severity.ERROR, "Invalid language code", "Ungültiger Sprachcode", REF)
def valid_code(ctx: Ctx) -> Iterator[Hit]:
    """A language code has the form of a BCP 47 tag (``de``, ``en``, ``de-DE``)."""
    for el, v, shaped, _ in _code_elements(ctx):
        if not shaped:
            yield ctx.hit(
                el,
                f"language code {v!r} is not a language tag",
                f"Sprachcode {v!r} ist kein Sprach-Tag",
            )

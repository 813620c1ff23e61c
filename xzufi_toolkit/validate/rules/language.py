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


def _localized(ctx: Ctx) -> Iterator[tuple[etree._Element, str]]:
    """Elements with a ``languageCode`` attribute, with the attribute's value."""
    for el in ctx.el.iter(tag=etree.Element):
        value = el.get("languageCode")
        if value is not None:
            yield el, value


def _code_elements(ctx: Ctx) -> Iterator[tuple[etree._Element, str]]:
    yield from _localized(ctx)
    for el in ctx.all("languagecode"):
        yield el, el.text or ""


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
    groups: dict[tuple[int, str], tuple[etree._Element, set[str]]] = {}
    for el, value in _localized(ctx):
        parent = el.getparent()
        key = (id(parent), local(el))
        first, langs = groups.setdefault(key, (el, set()))
        langs.add(normalize_language(value))
    for first, langs in groups.values():
        if langs and "de" not in langs:
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
    "Language code not normalised",
    "Sprachcode nicht normalisiert",
    REF,
)
def normalised(ctx: Ctx) -> Iterator[Hit]:
    """Language codes are the bare lower-case primary subtag (``de``, ``en``),
    not ``de-DE`` or ``DE``: consumers compare them as strings."""
    for el, value in _code_elements(ctx):
        v = value.strip()
        if _BCP47.match(v) and v != normalize_language(v):
            yield ctx.hit(
                el,
                f"language code {v!r} should be written {normalize_language(v)!r}",
                f"Sprachcode {v!r} sollte {normalize_language(v)!r} lauten",
            )


@rule("XZ-LANG-003", Severity.ERROR, "Invalid language code", "Ungültiger Sprachcode", REF)
def valid_code(ctx: Ctx) -> Iterator[Hit]:
    """A language code has the form of a BCP 47 tag (``de``, ``en``, ``de-DE``)."""
    for el, value in _code_elements(ctx):
        if not _BCP47.match(value.strip()):
            yield ctx.hit(
                el,
                f"language code {value.strip()!r} is not a language tag",
                f"Sprachcode {value.strip()!r} ist kein Sprach-Tag",
            )

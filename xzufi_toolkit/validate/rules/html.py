"""HTML in text modules: a safe tag/attribute set (portals render it as is).

The markup is parsed with lxml's HTML parser (no network) and compared with
nh3's (ammonia's) default allow-list. The validator reports; it never rewrites.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache

import nh3
from lxml import etree, html

from xzufi_toolkit.findings import Severity
from xzufi_toolkit.validate.context import Ctx, Hit
from xzufi_toolkit.validate.registry import rule

REF = "xzufi.md: HtmlStringLocalized; nh3/ammonia default allow-list"

DANGEROUS_TAGS = frozenset(
    [
        "script",
        "style",
        "iframe",
        "frame",
        "frameset",
        "object",
        "embed",
        "applet",
        "form",
        "input",
        "button",
        "select",
        "textarea",
        "link",
        "meta",
        "base",
        "svg",
        "math",
        "template",
        "noscript",
    ]
)
URL_ATTRIBUTES = frozenset(
    ["href", "src", "action", "formaction", "data", "background", "poster", "cite", "srcset"]
)
BAD_SCHEMES = ("javascript:", "vbscript:", "data:")
GENERIC_ATTRIBUTES = frozenset({"lang", "title"})


@cache
def _parser() -> html.HTMLParser:
    return html.HTMLParser(no_network=True, remove_comments=True, remove_pis=True, recover=True)


def _fragments(text: str) -> list[etree._Element]:
    try:
        wrapper = html.fragment_fromstring(text, create_parent="div", parser=_parser())
    except (etree.ParserError, ValueError):
        return []
    return [e for e in wrapper.iter(tag=etree.Element)][1:]


def _html_texts(ctx: Ctx) -> Iterator[tuple[etree._Element, list[etree._Element]]]:
    """Localized texts that contain markup, with their parsed elements (cached per Ctx)."""
    cached = ctx.__dict__.get("_html")
    if cached is None:
        cached = []
        for el in ctx.el.iter(tag=etree.Element):
            if el.get("languageCode") is None:
                continue
            text = el.text or ""
            if "<" in text:
                cached.append((el, _fragments(text)))
        ctx.__dict__["_html"] = cached
    yield from cached


def _hit(ctx: Ctx, holder: etree._Element, node: etree._Element, en: str, de: str) -> Hit:
    del node  # the holder carries the XML line; the HTML line is in the message
    return ctx.hit(holder, en, de)


def _unsafe_scheme(value: str) -> bool:
    v = "".join(c for c in value if not c.isspace() and ord(c) >= 32).lower()
    return v.startswith(BAD_SCHEMES)


@rule(
    "XZ-HTML-001",
    Severity.ERROR,
    "Forbidden HTML element",
    "Verbotenes HTML-Element",
    REF + "; OWASP XSS prevention",
)
def forbidden_tag(ctx: Ctx) -> Iterator[Hit]:
    """No ``script``, ``style``, ``iframe``, ``object``, ``embed``, ``form``
    elements and the like in text: portals render text module HTML as is."""
    for holder, nodes in _html_texts(ctx):
        for n in nodes:
            tag = str(n.tag).lower()
            if tag in DANGEROUS_TAGS:
                yield _hit(
                    ctx,
                    holder,
                    n,
                    f"HTML element <{tag}> is not allowed",
                    f"HTML-Element <{tag}> ist nicht erlaubt",
                )


@rule(
    "XZ-HTML-002",
    Severity.ERROR,
    "HTML event handler attribute",
    "HTML-Ereignisattribut",
    REF + "; OWASP XSS prevention",
)
def event_handler(ctx: Ctx) -> Iterator[Hit]:
    """No event handler attributes (``onclick``, ``onerror``, …) in text HTML."""
    for holder, nodes in _html_texts(ctx):
        for n in nodes:
            for name in n.attrib:
                if str(name).lower().startswith("on"):
                    yield _hit(
                        ctx,
                        holder,
                        n,
                        f"event handler attribute {str(name).lower()} on <{n.tag}>",
                        f"Ereignisattribut {str(name).lower()} an <{n.tag}>",
                    )


@rule(
    "XZ-HTML-003",
    Severity.ERROR,
    "Script URL in HTML",
    "Skript-URL im HTML",
    REF + "; OWASP XSS prevention",
)
def script_url(ctx: Ctx) -> Iterator[Hit]:
    """No ``javascript:``, ``vbscript:`` or ``data:`` URLs in ``href``, ``src``
    and other URL attributes (whitespace and control characters ignored, as browsers do)."""
    for holder, nodes in _html_texts(ctx):
        for n in nodes:
            for name, value in n.attrib.items():
                if str(name).lower() in URL_ATTRIBUTES and _unsafe_scheme(str(value)):
                    yield _hit(
                        ctx,
                        holder,
                        n,
                        f"{str(name).lower()} of <{n.tag}> uses a script or data URL",
                        f"{str(name).lower()} von <{n.tag}> nutzt eine Skript- oder Daten-URL",
                    )


@rule(
    "XZ-HTML-004",
    Severity.WARNING,
    "HTML outside the allowed set",
    "HTML außerhalb der erlaubten Menge",
    REF,
)
def outside_allow_list(ctx: Ctx) -> Iterator[Hit]:
    """Tags and attributes stay within nh3's default allow-list (plus ``lang``
    and ``title``); anything else, such as ``style`` or ``class`` attributes or
    ``<font>``, is stripped by sanitising portals and should not be relied on."""
    tags = nh3.ALLOWED_TAGS
    attrs = nh3.ALLOWED_ATTRIBUTES
    for holder, nodes in _html_texts(ctx):
        for n in nodes:
            tag = str(n.tag).lower()
            if tag in DANGEROUS_TAGS:
                continue
            if tag not in tags:
                yield _hit(
                    ctx,
                    holder,
                    n,
                    f"HTML element <{tag}> is outside the allowed set",
                    f"HTML-Element <{tag}> liegt außerhalb der erlaubten Menge",
                )
                continue
            allowed = attrs.get(tag, set()) | GENERIC_ATTRIBUTES
            for name in n.attrib:
                a = str(name).lower()
                if a.startswith("on") or a in allowed:
                    continue
                yield _hit(
                    ctx,
                    holder,
                    n,
                    f"attribute {a} on <{tag}> is outside the allowed set",
                    f"Attribut {a} an <{tag}> liegt außerhalb der erlaubten Menge",
                )

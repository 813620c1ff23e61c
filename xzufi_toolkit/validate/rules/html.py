"""HTML in text modules: a safe tag/attribute set (portals render it as is).

The markup is parsed with lxml's HTML parser (no network) and compared with
nh3's (ammonia's) default allow-list. The validator reports; it never rewrites.
"""

from __future__ import annotations

import re
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


# Any tag that is not an allowed one without attributes (``<p>``, ``</li>``,
# ``<br/>``), or a comment/PI: only such text needs the HTML parser. One
# C-level regex search instead of a parse for most catalogue text.
_SUSPECT = re.compile(
    r"<(?!/?(?:" + "|".join(sorted(nh3.ALLOWED_TAGS, key=len, reverse=True)) + r")\s*/?>)",
    re.IGNORECASE,
)


# The same test for the tags most catalogue text uses: a cheap first pass.
_UNCOMMON = re.compile(r"<(?!/?(?:p|ul|ol|li|br|strong|em|b|i|u|span|div)\s*/?>)")


def _needs_parse(text: str) -> bool:
    """False when the markup cannot hold anything the HTML rules report."""
    return _UNCOMMON.search(text) is not None and _SUSPECT.search(text) is not None


_Parsed = list[tuple[etree._Element, list[etree._Element]]]


def _html_texts(ctx: Ctx) -> _Parsed:
    """Localized texts whose markup needs a look, with their parsed elements (once per Ctx)."""
    cached: _Parsed | None = ctx.memo.get("html")
    if cached is None:
        found: _Parsed = []
        texts = ctx.localized_texts()
        # one search over all texts: most Leistungen have no markup worth parsing
        if _UNCOMMON.search("\n".join(texts)):
            for el, text in zip(ctx.localized, texts, strict=True):
                if "<" in text and _needs_parse(text):
                    found.append((el, _fragments(text)))
        ctx.memo["html"] = cached = found
    return cached


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

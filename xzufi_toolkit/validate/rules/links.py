"""Links: absolute http(s) URLs, no duplicates within a module."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlsplit

from lxml import etree

from xzufi_toolkit.findings import Severity
from xzufi_toolkit.validate.context import Ctx, Hit, local, text_of
from xzufi_toolkit.validate.registry import rule

REF = "xzufi.md: HyperlinkErweitert (uri), modulUrsprungsportal (uri), linkKostenbildung"
_URL_ELEMENTS = ("uri", "dateiurl", "copyrighturl")
_SPACE = re.compile(r"\s")


def links(ctx: Ctx) -> Iterator[etree._Element]:
    for name in _URL_ELEMENTS:
        yield from ctx.all(name)
    for el in ctx.all("linkkostenbildung"):
        if len(el) == 0:  # 2.2.0: the URL as text; 2.3.1: a hyperlink with uri
            yield el


def is_absolute_http(url: str) -> bool:
    if not url or _SPACE.search(url):
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


@rule(
    "XZ-LINK-001",
    Severity.ERROR,
    "Link is not an absolute http(s) URL",
    "Link ist keine absolute http(s)-URL",
    REF + "; RFC 3986",
)
def absolute(ctx: Ctx) -> Iterator[Hit]:
    """Links are absolute ``http://`` or ``https://`` URLs with a host and no
    spaces: portals publish them unchanged."""
    for el in links(ctx):
        if not is_absolute_http(text_of(el)):
            yield ctx.hit(
                el,
                "link is not an absolute http(s) URL" + ctx.value(text_of(el)),
                "Link ist keine absolute http(s)-URL" + ctx.value(text_of(el)),
            )


def _module_of(ctx: Ctx, el: etree._Element) -> etree._Element:
    p = el.getparent()
    while p is not None and p is not ctx.el:
        if local(p).startswith("modul"):
            return p
        p = p.getparent()
    return ctx.el


@rule("XZ-LINK-002", Severity.WARNING, "Duplicate link", "Doppelter Link", REF)
def duplicates(ctx: Ctx) -> Iterator[Hit]:
    """A module lists each URL once (compared without a trailing slash and
    with the scheme and host in lower case)."""
    seen: set[tuple[int, str]] = set()
    for el in links(ctx):
        url = text_of(el)
        if not is_absolute_http(url):
            continue
        p = urlsplit(url)
        norm = p._replace(scheme=p.scheme.lower(), netloc=p.netloc.lower()).geturl().rstrip("/")
        key = (id(_module_of(ctx, el)), norm)
        if key in seen:
            yield ctx.hit(
                el,
                "link appears twice in the same module" + ctx.value(url),
                "Link steht zweimal im selben Modul" + ctx.value(url),
            )
        seen.add(key)


@rule("XZ-LINK-003", Severity.INFO, "Link uses http, not https", "Link nutzt http statt https", REF)
def insecure(ctx: Ctx) -> Iterator[Hit]:
    """Links use https where the target offers it; plain http is reported as
    information."""
    for el in links(ctx):
        url = text_of(el)
        if is_absolute_http(url) and urlsplit(url).scheme.lower() == "http":
            yield ctx.hit(
                el,
                "link uses http instead of https" + ctx.value(url),
                "Link nutzt http statt https" + ctx.value(url),
            )

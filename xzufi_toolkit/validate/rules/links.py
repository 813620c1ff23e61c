"""Links: absolute http(s) URLs, no duplicates within a module."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
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


def links_of(ctx: Ctx) -> list[tuple[etree._Element, str]]:
    """Link elements with their stripped text, once per Leistung."""
    cached: list[tuple[etree._Element, str]] | None = ctx.memo.get("links")
    if cached is None:
        ctx.memo["links"] = cached = [(el, text_of(el)) for el in links(ctx)]
    return cached


def _parsed(url: str) -> tuple[str | None, str]:
    """(lower-case scheme, comparison form) of an absolute http(s) URL; (None, "") otherwise.

    Catalogues repeat their links: each URL of ordinary length is split once
    per process (hostile megabyte "URLs" are not kept).
    """
    return _split_cached(url) if len(url) <= _CACHED_LEN else _split(url)


_CACHED_LEN = 2048


def _split(url: str) -> tuple[str | None, str]:
    if not url or _SPACE.search(url):
        return None, ""
    try:
        parts = urlsplit(url)
    except ValueError:
        return None, ""
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        return None, ""
    norm = parts._replace(scheme=scheme, netloc=parts.netloc.lower()).geturl().rstrip("/")
    return scheme, norm


_split_cached = lru_cache(maxsize=4096)(_split)


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
    for el, url in links_of(ctx):
        if _parsed(url)[0] is None:
            yield ctx.hit(
                el,
                "link is not an absolute http(s) URL" + ctx.value(url),
                "Link ist keine absolute http(s)-URL" + ctx.value(url),
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
    for el, url in links_of(ctx):
        scheme, norm = _parsed(url)
        if scheme is None:
            continue
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
    for el, url in links_of(ctx):
        if _parsed(url)[0] == "http":
            yield ctx.hit(
                el,
                "link uses http instead of https" + ctx.value(url),
                "Link nutzt http statt https" + ctx.value(url),
            )

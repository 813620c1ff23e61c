"""LeiKa key rules: format and consistency with the structure (``xzufi.md``, "The LeiKa key")."""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

from lxml import etree

from xzufi_toolkit.findings import Severity
from xzufi_toolkit.reference import leika
from xzufi_toolkit.validate.context import XSI_TYPE, Ctx, Hit
from xzufi_toolkit.validate.registry import rule

REF = "xzufi.md: The LeiKa key; LeiKa Leistungsschlüssel 99|group|kennung|verrichtung|detail"

# xsi:type local name of ``struktur`` -> Leistungstyp
STRUCTURE_KINDS = {
    "leistungsstrukturobjekt": "lo",
    "leistungsstrukturobjektmitverrichtung": "lov",
    "leistungsstrukturobjektmitverrichtungunddetail": "lovd",
}


REGULATED = frozenset(
    ["1", "2", "2a", "2b", "3", "3a", "3b", "2/3", "2/3a", "2/3b", "4", "4a", "4b", "5"]
)
"""Typisierung codes of regulated services (xzufi.md, Code lists)."""


def key_elements(ctx: Ctx) -> list[etree._Element]:
    """``referenzLeiKa`` (2.2.0, code type) or ``referenzLeistungsschluessel`` (2.3.1, id)."""
    return ctx.kids("referenzleika") + ctx.kids("referenzleistungsschluessel")


def _checked(value: str) -> tuple[str | None, str | None, leika.Level | None]:
    """(compact key, None, level) of a well-formed key, else (None, error message, None).

    Catalogues repeat keys and a key's verdict never changes: keys of
    ordinary length are checked once per process.
    """
    return _check_cached(value) if len(value) <= 64 else _check(value)


def _check(value: str) -> tuple[str | None, str | None, leika.Level | None]:
    try:
        key = leika.validate(value)
    except leika.LeikaError as exc:
        return None, exc.message, None
    return key, None, leika.level(key)


_check_cached = lru_cache(maxsize=4096)(_check)


def valid_keys(ctx: Ctx) -> list[tuple[etree._Element, str, leika.Level]]:
    """Well-formed keys with their compact form and level (once per Leistung)."""
    cached: list[tuple[etree._Element, str, leika.Level]] | None = ctx.memo.get("keys")
    if cached is None:
        found: list[tuple[etree._Element, str, leika.Level]] = []
        for el in key_elements(ctx):
            key, _, lvl = _checked(ctx.code(el))
            if key is not None and lvl is not None:
                found.append((el, key, lvl))
        ctx.memo["keys"] = cached = found
    return cached


def structure(ctx: Ctx) -> tuple[etree._Element | None, str | None]:
    """The ``struktur`` element and its Leistungstyp from ``xsi:type`` (None if untyped)."""
    cached: tuple[etree._Element | None, str | None] | None = ctx.memo.get("structure")
    if cached is None:
        s = ctx.kid("struktur")
        if s is None:
            cached = (None, None)
        else:
            xsi = s.get(XSI_TYPE)
            cached = (s, STRUCTURE_KINDS.get(xsi.rpartition(":")[2].lower()) if xsi else None)
        ctx.memo["structure"] = cached
    return cached


def _struct_code(ctx: Ctx, s: etree._Element, *names: str) -> tuple[etree._Element | None, str]:
    for name in names:
        el = ctx.kid(name, s)
        if el is not None:
            # real 2.2.0 files wrap the code element: verrichtung/verrichtungLeiKa/code
            # (xzufi-real-data.md); the API model has verrichtung/code
            inner = ctx.kid("verrichtungleika", el)
            return el, ctx.code(inner if inner is not None else el)
    return None, ""


@rule(
    "XZ-KEY-001",
    Severity.ERROR,
    "LeiKa key is malformed",
    "LeiKa-Schlüssel ist fehlerhaft",
    REF,
)
def key_format(ctx: Ctx) -> Iterator[Hit]:
    """Every LeiKa key reference has 14 digits, starts with 99 and sets no
    Verrichtungsdetail without a Verrichtung."""
    for el in key_elements(ctx):
        _, message, _ = _checked(ctx.code(el))
        if message is not None:
            yield ctx.hit(el, message, f"LeiKa-Schlüssel fehlerhaft: {message}")


@rule(
    "XZ-KEY-002",
    Severity.ERROR,
    "LeiKa key does not match the Leistungsgruppierung",
    "LeiKa-Schlüssel passt nicht zur Leistungsgruppierung",
    REF,
)
def key_group(ctx: Ctx) -> Iterator[Hit]:
    """The key's group block (digits 3-5) equals the structure's
    Leistungsgruppierung code (``leistungsgruppierung`` in 2.2.0,
    ``leistungsgruppierungLeiKa`` in 2.3.1)."""
    s, _ = structure(ctx)
    if s is None:
        return
    el, group = _struct_code(ctx, s, "leistungsgruppierung", "leistungsgruppierungleika")
    if el is None or not group:
        return
    for key_el, key, _ in valid_keys(ctx):
        if key[2:5] != group.zfill(3):
            yield ctx.hit(
                key_el,
                f"key group block {key[2:5]} differs from Leistungsgruppierung {group}",
                f"Gruppierungsblock {key[2:5]} des Schlüssels weicht von der "
                f"Leistungsgruppierung {group} ab",
            )


@rule(
    "XZ-KEY-003",
    Severity.ERROR,
    "LeiKa key does not match the Verrichtung",
    "LeiKa-Schlüssel passt nicht zur Verrichtung",
    REF,
)
def key_verrichtung(ctx: Ctx) -> Iterator[Hit]:
    """The key's Verrichtung block (digits 9-11) equals the structure's
    Verrichtung code, compared numerically (2.3.1 writes ``1`` for ``001``)."""
    s, _ = structure(ctx)
    if s is None:
        return
    el, verr = _struct_code(ctx, s, "verrichtung", "verrichtungleika")
    if el is None or not verr.isdigit():
        return
    for key_el, key, _ in valid_keys(ctx):
        if int(key[8:11]) != int(verr):
            yield ctx.hit(
                key_el,
                f"key Verrichtung block {key[8:11]} differs from Verrichtung {verr}",
                f"Verrichtungsblock {key[8:11]} des Schlüssels weicht von der "
                f"Verrichtung {verr} ab",
            )


@rule(
    "XZ-KEY-004",
    Severity.WARNING,
    "Leistungstyp contradicts the LeiKa key",
    "Leistungstyp widerspricht dem LeiKa-Schlüssel",
    REF,
)
def key_kind(ctx: Ctx) -> Iterator[Hit]:
    """The structure type fits the key: a Leistungsobjekt (lo) has Verrichtung
    000; lov and lovd need a Verrichtung; lovd needs a Verrichtungsdetail. (An
    lov with a detail key is XZ-KEY-005, not this rule.)"""
    s, kind = structure(ctx)
    if kind is None:
        return
    for _, _, level in valid_keys(ctx):
        lvl = level.value
        bad = (
            (kind == "lo" and lvl != "lo")
            or (kind in ("lov", "lovd") and lvl == "lo")
            or (kind == "lovd" and lvl == "lov")
        )
        if bad:
            yield ctx.hit(
                s,
                f"Leistungstyp {kind} does not fit a key of level {lvl}",
                f"Leistungstyp {kind} passt nicht zu einem Schlüssel der Ebene {lvl}",
            )


@rule(
    "XZ-KEY-005",
    Severity.INFO,
    "Key has a Verrichtungsdetail the structure does not name",
    "Schlüssel hat ein Verrichtungsdetail, das die Struktur nicht nennt",
    REF + "; FIM Portal export of 99010022001012 (lov with detail 012)",
)
def key_detail_lov(ctx: Ctx) -> Iterator[Hit]:
    """The structure is a Leistungsobjekt mit Verrichtung (lov) while the key
    sets a Verrichtungsdetail. The FIM Portal itself publishes such entries
    (the seed 99010022001012), so this is only information."""
    s, kind = structure(ctx)
    if kind != "lov":
        return
    for _, key, level in valid_keys(ctx):
        if level is leika.Level.LOVD:
            yield ctx.hit(
                s,
                # "lov" explained in place: a newcomer meets it here first (docs/glossary.md)
                f"structure is lov (Leistungsobjekt mit Verrichtung: a key without "
                f"Verrichtungsdetail) but the key sets Verrichtungsdetail {key[11:14]}",
                f"Struktur ist lov (Leistungsobjekt mit Verrichtung: Schlüssel ohne "
                f"Verrichtungsdetail), der Schlüssel setzt aber Verrichtungsdetail {key[11:14]}",
            )


@rule(
    "XZ-KEY-006",
    Severity.WARNING,
    "No LeiKa key",
    "Kein LeiKa-Schlüssel",
    REF,
)
def key_missing(ctx: Ctx) -> Iterator[Hit]:
    """A Leistung names its LeiKa key, so portals can route and link it;
    Typisierung 6-12 (information, service numbers, internal) are exempt."""
    if key_elements(ctx):
        return
    if ctx.typisierung and all(t not in REGULATED for t in ctx.typisierung):
        return
    yield ctx.hit(ctx.el, "Leistung has no LeiKa key reference", "Leistung ohne LeiKa-Schlüssel")

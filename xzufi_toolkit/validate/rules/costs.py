"""Costs: ISO currency, amounts >= 0, lower <= upper, free costs carry no amount."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation

from lxml import etree

from xzufi_toolkit.findings import Severity
from xzufi_toolkit.validate.context import Ctx, Hit, local, text_of
from xzufi_toolkit.validate.registry import rule

REF = "xzufi.md: modulKosten (kosten{typ, betrag|frei|variabel})"
_AMOUNTS = frozenset(("betrag", "betraguntergrenze", "betragobergrenze"))
_FREE = frozenset(("frei", "kostenfrei", "beschreibungkostenfreiheit"))
_CURRENCY = re.compile(r"^[A-Z]{3}$")


def _part(el: etree._Element, name: str) -> str | None:
    """``name`` as attribute or child element (Amount: currencyCode, value)."""
    value = el.get(name)
    if value is not None:
        return value.strip()
    for c in el:
        if local(c) == name.lower():
            return text_of(c)
    return None


def amount_value(el: etree._Element) -> str:
    v = _part(el, "value")
    return v if v is not None else text_of(el)


def amount(el: etree._Element) -> Decimal | None:
    try:
        d = Decimal(amount_value(el))
    except InvalidOperation:
        return None
    return d if d.is_finite() else None


def _items(ctx: Ctx) -> list[tuple[etree._Element, list[etree._Element], set[str]]]:
    """Each ``kosten`` with its descendants and their local names (once per Leistung)."""
    cached: list[tuple[etree._Element, list[etree._Element], set[str]]] | None = ctx.memo.get(
        "kosten"
    )
    if cached is None:
        items: list[tuple[etree._Element, list[etree._Element], set[str]]] = []
        for k in ctx.all("kosten"):
            below = list(k.iter(tag=etree.Element))
            items.append((k, below, {local(e) for e in below}))
        ctx.memo["kosten"] = cached = items
    return cached


def _amounts(ctx: Ctx) -> list[tuple[etree._Element, Decimal | None]]:
    """Amount elements of every cost item with their value (once per Leistung)."""
    cached: list[tuple[etree._Element, Decimal | None]] | None = ctx.memo.get("amounts")
    if cached is None:
        cached = [
            (el, amount(el))
            for _, below, names in _items(ctx)
            if not names.isdisjoint(_AMOUNTS)
            for el in below
            if local(el) in _AMOUNTS
        ]
        ctx.memo["amounts"] = cached
    return cached


@rule(
    "XZ-COST-001",
    Severity.ERROR,
    "Currency is not an ISO 4217 code",
    "Währung ist kein ISO-4217-Code",
    REF + "; ISO 4217 alphabetic code",
)
def currency(ctx: Ctx) -> Iterator[Hit]:
    """Every amount names its currency as three capital letters (ISO 4217, e.g. EUR)."""
    for el, _ in _amounts(ctx):
        cur = _part(el, "currencyCode")
        if cur is None or not _CURRENCY.match(cur):
            yield ctx.hit(
                el,
                f"currency {cur!r} is not a three-letter ISO 4217 code",
                f"Währung {cur!r} ist kein dreibuchstabiger ISO-4217-Code",
            )


@rule("XZ-COST-002", Severity.ERROR, "Malformed amount", "Fehlerhafter Betrag", REF)
def malformed(ctx: Ctx) -> Iterator[Hit]:
    """Amounts are decimal numbers (``100``, ``100.50``), no thousands separators
    or currency signs."""
    for el, d in _amounts(ctx):
        if d is None:
            yield ctx.hit(el, "amount is not a decimal number", "Betrag ist keine Dezimalzahl")


@rule("XZ-COST-003", Severity.ERROR, "Negative amount", "Negativer Betrag", REF)
def negative(ctx: Ctx) -> Iterator[Hit]:
    """Amounts are zero or more."""
    for el, d in _amounts(ctx):
        if d is not None and d < 0:
            yield ctx.hit(el, f"amount {d} is negative", f"Betrag {d} ist negativ")


@rule(
    "XZ-COST-004",
    Severity.ERROR,
    "Lower cost bound above upper bound",
    "Untergrenze der Kosten über der Obergrenze",
    REF,
)
def bounds(ctx: Ctx) -> Iterator[Hit]:
    """In variable costs, ``betragUntergrenze`` is not above ``betragObergrenze``
    (same currency)."""
    for _, below, names in _items(ctx):
        if "betraguntergrenze" not in names or "betragobergrenze" not in names:
            continue
        low = next(e for e in below if local(e) == "betraguntergrenze")
        high = next(e for e in below if local(e) == "betragobergrenze")
        lo, hi = amount(low), amount(high)
        if lo is None or hi is None or _part(low, "currencyCode") != _part(high, "currencyCode"):
            continue
        if lo > hi:
            yield ctx.hit(
                low,
                f"lower bound {lo} is above upper bound {hi}",
                f"Untergrenze {lo} liegt über der Obergrenze {hi}",
            )


@rule(
    "XZ-COST-005",
    Severity.ERROR,
    "Free costs with an amount",
    "Kostenfreiheit mit Betrag",
    REF + " (KostenFrei has no amount)",
)
def free_without_amount(ctx: Ctx) -> Iterator[Hit]:
    """A cost item that is free (``frei``, ``beschreibungKostenfreiheit``)
    carries no amount."""
    for k, _, names in _items(ctx):
        free = not names.isdisjoint(_FREE)
        if free and not names.isdisjoint(_AMOUNTS):
            yield ctx.hit(
                k,
                "cost item is free but states an amount",
                "Kostenposition ist kostenfrei, nennt aber einen Betrag",
            )

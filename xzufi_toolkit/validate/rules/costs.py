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
_AMOUNTS = ("betrag", "betraguntergrenze", "betragobergrenze")
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


def _amounts(ctx: Ctx) -> Iterator[etree._Element]:
    for k in ctx.all("kosten"):
        for el in k.iter(tag=etree.Element):
            if local(el) in _AMOUNTS:
                yield el


@rule(
    "XZ-COST-001",
    Severity.ERROR,
    "Currency is not an ISO 4217 code",
    "Währung ist kein ISO-4217-Code",
    REF + "; ISO 4217 alphabetic code",
)
def currency(ctx: Ctx) -> Iterator[Hit]:
    """Every amount names its currency as three capital letters (ISO 4217, e.g. EUR)."""
    for el in _amounts(ctx):
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
    for el in _amounts(ctx):
        if amount(el) is None:
            yield ctx.hit(el, "amount is not a decimal number", "Betrag ist keine Dezimalzahl")


@rule("XZ-COST-003", Severity.ERROR, "Negative amount", "Negativer Betrag", REF)
def negative(ctx: Ctx) -> Iterator[Hit]:
    """Amounts are zero or more."""
    for el in _amounts(ctx):
        d = amount(el)
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
    for k in ctx.all("kosten"):
        low = next((e for e in k.iter(tag=etree.Element) if local(e) == "betraguntergrenze"), None)
        high = next((e for e in k.iter(tag=etree.Element) if local(e) == "betragobergrenze"), None)
        if low is None or high is None:
            continue
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
    for k in ctx.all("kosten"):
        names = {local(e) for e in k.iter(tag=etree.Element)}
        free = bool(names & {"frei", "kostenfrei", "beschreibungkostenfreiheit"})
        if free and names & set(_AMOUNTS):
            yield ctx.hit(
                k,
                "cost item is free but states an amount",
                "Kostenposition ist kostenfrei, nennt aber einen Betrag",
            )

"""Durations of processing times and deadlines: positive, ``dauer`` <= ``dauerBis``."""

from __future__ import annotations

from collections.abc import Iterator

from lxml import etree

from xzufi_toolkit.findings import Severity
from xzufi_toolkit.validate.context import Ctx, Hit, text_of
from xzufi_toolkit.validate.registry import rule

REF = (
    "xzufi.md: modulBearbeitungsdauer, modulFrist "
    "(FristDauer: dauer, einheit, dauerBis, einheitBis)"
)

# Units with a fixed length, in minutes; calendar units compare only with themselves.
_MINUTES = {"SEKUNDE": 1 / 60, "MINUTE": 1, "STUNDE": 60, "TAG": 1440, "WOCHE": 10080}


def _int(el: etree._Element | None) -> int | None:
    if el is None:
        return None
    t = text_of(el)
    try:
        return int(t)
    except ValueError:
        return None


def _holders(ctx: Ctx) -> list[etree._Element]:
    """Elements that hold a ``dauer`` child (FristDauer, in any wrapper), once per Leistung."""
    cached: list[etree._Element] | None = ctx.memo.get("dauer")
    if cached is None:
        # dict: unique parents in document order (elements hash by identity)
        parents = dict.fromkeys(d.getparent() for d in ctx.all("dauer"))
        parents.pop(None, None)
        ctx.memo["dauer"] = cached = [p for p in parents if p is not None]
    return cached


@rule(
    "XZ-DUR-001",
    Severity.ERROR,
    "Duration not positive",
    "Dauer nicht positiv",
    REF,
)
def positive(ctx: Ctx) -> Iterator[Hit]:
    """``dauer`` and ``dauerBis`` are whole numbers greater than zero."""
    for p in _holders(ctx):
        for name in ("dauer", "dauerbis"):
            el = ctx.kid(name, p)
            if el is None:
                continue
            v = _int(el)
            if v is None or v <= 0:
                yield ctx.hit(
                    el,
                    f"{name} must be a whole number above 0",
                    f"{name} muss eine ganze Zahl über 0 sein",
                )


@rule(
    "XZ-DUR-002",
    Severity.ERROR,
    "Duration range reversed",
    "Dauerbereich vertauscht",
    REF,
)
def ordered(ctx: Ctx) -> Iterator[Hit]:
    """``dauer`` is not longer than ``dauerBis`` (compared when both units are
    the same, or both have a fixed length: second … week)."""
    for p in _holders(ctx):
        a, b = _int(ctx.kid("dauer", p)), _int(ctx.kid("dauerbis", p))
        if a is None or b is None:
            continue
        ua_el, ub_el = ctx.kid("einheit", p), ctx.kid("einheitbis", p)
        ua = ctx.code(ua_el) if ua_el is not None else ""
        ub = ctx.code(ub_el) if ub_el is not None else ua
        if ua == ub:
            reversed_ = a > b
        elif ua in _MINUTES and ub in _MINUTES:
            reversed_ = a * _MINUTES[ua] > b * _MINUTES[ub]
        else:
            continue
        if reversed_:
            yield ctx.hit(
                p,
                f"duration {a} {ua} is longer than dauerBis {b} {ub}",
                f"Dauer {a} {ua} ist länger als dauerBis {b} {ub}",
            )


@rule(
    "XZ-DUR-003",
    Severity.ERROR,
    "Duration without unit",
    "Dauer ohne Einheit",
    REF,
)
def unit(ctx: Ctx) -> Iterator[Hit]:
    """A ``dauer`` has an ``einheit``; a ``dauerBis`` without ``einheitBis``
    uses the ``einheit``."""
    for p in _holders(ctx):
        el = ctx.kid("einheit", p)
        if el is None or not ctx.code(el):
            yield ctx.hit(p, "duration without einheit", "Dauer ohne Einheit")

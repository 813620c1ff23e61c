"""Release status and dates: approval module, approval date, validity periods."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from lxml import etree

from xzufi_toolkit.findings import Severity
from xzufi_toolkit.validate.context import Ctx, Hit, text_of
from xzufi_toolkit.validate.registry import rule

REF = "xzufi.md: Freigabestatus (urn:xoev-de:xprozess:codeliste:status), modulFachlicheFreigabe"
APPROVED = frozenset({"5", "6"})  # fachlich freigegeben (silber), (gold)


def parse_date(text: str) -> datetime.date | None:
    """xs:date or xs:dateTime (with or without zone) to a date; None if malformed."""
    value = text.strip()
    if len(value) >= 10:
        try:
            return datetime.date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def _approval(ctx: Ctx) -> list[etree._Element]:
    return ctx.kids("modulfachlichefreigabe")


@rule(
    "XZ-REL-001",
    Severity.ERROR,
    "Approved without approval module",
    "Fachlich freigegeben ohne Freigabemodul",
    REF,
)
def approved_has_module(ctx: Ctx) -> Iterator[Hit]:
    """Status 5 or 6 (fachlich freigegeben silber/gold) in ``statusKatalog`` or
    ``statusBibliothek`` requires ``modulFachlicheFreigabe``."""
    if _approval(ctx):
        return
    for el in ctx.kids("statuskatalog") + ctx.kids("statusbibliothek"):
        if ctx.code(el) in APPROVED:
            yield ctx.hit(
                el,
                f"status {ctx.code(el)} (fachlich freigegeben) without modulFachlicheFreigabe",
                f"Status {ctx.code(el)} (fachlich freigegeben) ohne modulFachlicheFreigabe",
            )


@rule(
    "XZ-REL-002",
    Severity.ERROR,
    "Approval without date",
    "Freigabe ohne Datum",
    REF,
)
def approval_date(ctx: Ctx) -> Iterator[Hit]:
    """``modulFachlicheFreigabe`` names the date (``fachlichFreigegebenAm``)."""
    for m in _approval(ctx):
        el = ctx.kid("fachlichfreigegebenam", m)
        if el is None or not text_of(el):
            yield ctx.hit(
                m,
                "approval module without fachlichFreigegebenAm",
                "Freigabemodul ohne fachlichFreigegebenAm",
            )


@rule(
    "XZ-REL-003",
    Severity.ERROR,
    "Approval without approver",
    "Freigabe ohne freigebende Stelle",
    REF,
)
def approval_by(ctx: Ctx) -> Iterator[Hit]:
    """``modulFachlicheFreigabe`` names who approved (``fachlichFreigegebenDurch``)."""
    for m in _approval(ctx):
        if not any(text_of(e) for e in ctx.kids("fachlichfreigegebendurch", m)):
            yield ctx.hit(
                m,
                "approval module without fachlichFreigegebenDurch",
                "Freigabemodul ohne fachlichFreigegebenDurch",
            )


_DATE_ELEMENTS = (
    "fachlichfreigegebenam",
    "beginn",
    "ende",
    "erstelltdatumzeit",
    "geaendertdatumzeit",
)


@rule(
    "XZ-DATE-001",
    Severity.ERROR,
    "Malformed date",
    "Fehlerhaftes Datum",
    "XML Schema xs:date, xs:dateTime",
)
def malformed(ctx: Ctx) -> Iterator[Hit]:
    """Dates (approval, validity begin/end, version timestamps) are ISO dates;
    without a schema engine they would pass unnoticed."""
    for name in _DATE_ELEMENTS:
        for el in ctx.all(name):
            if text_of(el) and parse_date(text_of(el) or "") is None:
                yield ctx.hit(
                    el,
                    f"{name} is not an ISO date",
                    f"{name} ist kein ISO-Datum",
                )


@rule(
    "XZ-DATE-002",
    Severity.ERROR,
    "Approval date in the future",
    "Freigabedatum liegt in der Zukunft",
    REF,
)
def approval_future(ctx: Ctx) -> Iterator[Hit]:
    """``fachlichFreigegebenAm`` is not later than today."""
    for el in ctx.all("fachlichfreigegebenam"):
        d = parse_date(text_of(el))
        if d is not None and d > ctx.today:
            yield ctx.hit(
                el,
                f"approval date {d.isoformat()} is after today ({ctx.today.isoformat()})",
                f"Freigabedatum {d.isoformat()} liegt nach heute ({ctx.today.isoformat()})",
            )


@rule(
    "XZ-DATE-003",
    Severity.ERROR,
    "Validity ends before it begins",
    "Gültigkeit endet vor ihrem Beginn",
    "xzufi.md: Zeitraum (gueltigkeit: beginn, ende)",
)
def validity_order(ctx: Ctx) -> Iterator[Hit]:
    """In every ``gueltigkeit``, ``beginn`` is not after ``ende``."""
    for g in ctx.all("gueltigkeit"):
        b, e = ctx.kid("beginn", g), ctx.kid("ende", g)
        if b is None or e is None:
            continue
        db, de = parse_date(text_of(b)), parse_date(text_of(e))
        if db is not None and de is not None and db > de:
            yield ctx.hit(
                e,
                f"validity ends {de.isoformat()} before it begins {db.isoformat()}",
                f"Gültigkeit endet {de.isoformat()} vor ihrem Beginn {db.isoformat()}",
            )

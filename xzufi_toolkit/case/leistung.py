"""Checks of a case against the Leistung it applies for, read from XZuFi.

What the Leistung says is read from its model (``xzufi_toolkit.model``), never
hard-coded: the prerequisites of text module 09 the data can decide, the
documents of text module 08 as a checklist, the fee from the structured cost
module and the longest validity from the Frist module. What this module does
hold is the vocabulary that links a module's list item to a case field (a
table of German and English key words per item kind, below); an item no key
word matches is reported as open, not guessed.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Iterator
from decimal import Decimal

from xzufi_toolkit.case.checks import CheckContext, age_at
from xzufi_toolkit.case.model import Case
from xzufi_toolkit.findings import Finding, Severity
from xzufi_toolkit.model import Cost, Leistung, LocalizedText

__all__ = [
    "BUNDLED_LEISTUNG",
    "DOCUMENT_KEYWORDS",
    "PREREQUISITE_KEYWORDS",
    "check_against_leistung",
    "list_items",
    "load_leistung",
]

# The Leistung the bundled cases apply for (XZuFi 2.3.1 fixture of the package).
BUNDLED_LEISTUNG = ("leistung", "99010022001012-2.3.1.xml")

# Evidence type (urn:xzufi-toolkit:codeliste:nachweisart) → key words of its
# item in module 08, German and English; tried in this order, first match wins
# (the licence item also names other documents, so it goes first).
DOCUMENT_KEYWORDS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (code, re.compile(words, re.IGNORECASE))
    for code, words in (
        (
            "05",
            r"berufsausübung|approbation|reglementiert"
            r"|regulated profession|licen[cs]e to practi[cs]e",
        ),
        ("01", r"aufenthaltstitel|aufenthaltserlaubnis|residence permit|residence title"),
        ("02", r"lichtbild|passbild|foto|photo"),
        ("03", r"identität|reisepass|personalausweis|\bpass\b|passport|identity"),
        ("04", r"arbeitsvertrag|arbeitsplatz|stellenangebot|employment contract|job offer"),
        ("06", r"krankenversicherung|health insurance"),
        ("07", r"mietvertrag|\blease\b"),
    )
)

# Prerequisites of module 09 the case data can decide.
PREREQUISITE_KEYWORDS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(words, re.IGNORECASE))
    for kind, words in (
        ("permit", r"besitz einer aufenthaltserlaubnis|possession of a residence permit"),
        ("expulsion", r"ausweisungsinteresse|interest in expulsion"),
        ("ban", r"einreise- und aufenthaltsverbot|entry and residence ban"),
    )
)

_MINOR = re.compile(r"minderjährig|minor|unter 18|under 18", re.IGNORECASE)
_BENEFITS = re.compile(r"sozialleistung|sgb|social benefit|social security", re.IGNORECASE)
_ITEM_SPLIT = re.compile(r"<\s*(?:li|p|br)\b[^>]*>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")
_MONTHS = {"JAHR": 12, "MONAT": 1}


def list_items(content: str) -> list[str]:
    """The items of a text module as plain text: one per ``li``/``p``/``br``, else per line."""
    import nh3

    clean = nh3.clean(content, tags={"li", "p", "br"}, attributes={})
    # HTML lists split at their tags; plain text (no such tag) at its lines
    parts = _ITEM_SPLIT.split(clean) if _ITEM_SPLIT.search(clean) else clean.splitlines()
    items = (_TAG.sub(" ", part) for part in parts)
    texts = (" ".join(html.unescape(item).split()).strip(" •*·-") for item in items)
    return [t for t in texts if t]


def load_leistung(path: str | None = None) -> Leistung:
    """The Leistung in the XZuFi file ``path``, or the bundled one for 99010022001012."""
    from xzufi_toolkit.io.resources import fixture_file
    from xzufi_toolkit.xzufi.reader import read_leistung

    source = path if path is not None else fixture_file(*BUNDLED_LEISTUNG)
    return read_leistung(source).leistung


def _module_items(leistung: Leistung, code: str) -> list[str]:
    """The items of text module ``code``, German where there is German, else English."""
    content = leistung.text(code, "de") or leistung.text(code, "en")
    return list_items(content) if content else []


def _texts(items: list[LocalizedText]) -> str:
    return " ".join(t.text for t in items)


def _cost_text(cost: Cost) -> str:
    return " ".join(
        [_texts(cost.description), _texts(cost.free_description), _texts(cost.variable_description)]
    )


def _prerequisites(case: Case, leistung: Leistung, ctx: CheckContext) -> Iterator[Finding]:
    items = _module_items(leistung, "09")
    if not items:
        yield ctx.finding(
            "CASE-LEISTUNG-INCOMPLETE",
            "$",
            "the Leistung has no prerequisites (module 09); none checked",
            severity=Severity.INFO,
        )
        return
    open_items = 0
    for item in items:
        kind = next((k for k, pattern in PREREQUISITE_KEYWORDS if pattern.search(item)), None)
        if kind == "permit" and case.aufenthaltstitel.art != "01":
            yield ctx.finding(
                "CASE-PREREQ-PERMIT",
                "$.aufenthaltstitel.art",
                f"prerequisite not met: '{item}' "
                "(the current title is not an Aufenthaltserlaubnis)",
                detail_de=item,
            )
        elif kind == "expulsion" and case.erklaerungen.ausweisungsinteresse:
            yield ctx.finding(
                "CASE-PREREQ-EXPULSION",
                "$.erklaerungen.ausweisungsinteresse",
                f"prerequisite not met: '{item}' (an interest in expulsion is declared)",
                detail_de=item,
            )
        elif kind == "ban" and case.erklaerungen.einreiseUndAufenthaltsverbot:
            yield ctx.finding(
                "CASE-PREREQ-ENTRY-BAN",
                "$.erklaerungen.einreiseUndAufenthaltsverbot",
                f"prerequisite not met: '{item}' (an entry and residence ban is declared)",
                detail_de=item,
            )
        elif kind is None:
            open_items += 1
    if open_items:
        yield ctx.finding(
            "CASE-PREREQ-OPEN",
            "$",
            f"{open_items} of {len(items)} prerequisites of module 09 need the authority's "
            "assessment; the case data cannot decide them",
            severity=Severity.INFO,
            detail_de=f"{open_items} von {len(items)}",
        )


def _documents(case: Case, leistung: Leistung, ctx: CheckContext) -> Iterator[Finding]:
    items = _module_items(leistung, "08")
    if not items:
        yield ctx.finding(
            "CASE-LEISTUNG-INCOMPLETE",
            "$.unterlagen",
            "the Leistung lists no required documents (module 08); none checked",
            severity=Severity.INFO,
        )
        return
    enclosed = {u.art: i for i, u in enumerate(case.unterlagen)}
    for item in items:
        code = next((c for c, pattern in DOCUMENT_KEYWORDS if pattern.search(item)), None)
        if code is None:
            yield ctx.finding(
                "CASE-DOC-UNMAPPED",
                "$.unterlagen",
                f"required document '{item}' has no evidence type; check it by hand",
                severity=Severity.INFO,
                detail_de=item,
            )
        elif code == "05" and not case.lebensunterhalt.reglementierterBeruf:
            continue  # the licence to practise is required for regulated professions only
        elif code in enclosed:
            yield ctx.finding(
                "CASE-DOC-ENCLOSED",
                f"$.unterlagen[{enclosed[code]}]",
                f"required document enclosed: '{item}'",
                severity=Severity.INFO,
                detail_de=item,
            )
        else:
            yield ctx.finding(
                "CASE-DOC-MISSING",
                "$.unterlagen",
                f"required document missing: '{item}' (evidence type {code})",
                severity=Severity.WARNING,
                detail_de=f"{item}; Nachweisart {code}",
            )


def _fee(case: Case, leistung: Leistung, ctx: CheckContext) -> Iterator[Finding]:
    costs = [c for m in leistung.cost_modules for c in m.costs]
    fixed = [c for c in costs if c.kind == "fix" and c.amount is not None]
    regular = next((c for c in fixed if not _MINOR.search(_cost_text(c))), None)
    reduced = next((c for c in fixed if _MINOR.search(_cost_text(c))), None)
    exemption = next(
        (
            c
            for c in costs
            if c.kind == "frei" or (c.kind != "fix" and _BENEFITS.search(_cost_text(c)))
        ),
        None,
    )
    if regular is None:
        yield ctx.finding(
            "CASE-FEE-UNKNOWN",
            "$",
            "the Leistung has no structured fixed fee; fee not determined",
            severity=Severity.INFO,
        )
        return
    lu = case.lebensunterhalt
    if exemption is not None and (lu.leistungenSgbII or lu.leistungenSgbXII):
        yield ctx.finding(
            "CASE-FEE",
            "$.lebensunterhalt",
            "no fee: exempt because SGB II/XII benefits are received (cost module)",
            severity=Severity.INFO,
            detail_de="gebührenfrei wegen Leistungen nach SGB II/XII",
        )
        return
    try:
        youngest, oldest = age_at(case.antragsteller.geburt.datum, case.datum)
    except ValueError:  # 2024-02-30: CASE-DATE-INVALID names the date; the fee stays open
        yield ctx.finding(
            "CASE-FEE-UNDECIDED",
            "$.antragsteller.geburt.datum",
            "the birth date is not a calendar date: the fee cannot be decided",
            severity=Severity.WARNING,
            detail_de="das Geburtsdatum ist kein Kalenderdatum",
        )
        return
    amount: Decimal | None = regular.amount
    reason, reason_de = "adult on the application date", "volljährig am Antragstag"
    if reduced is not None and oldest < 18:
        amount, reason = reduced.amount, "minor on the application date"
        reason_de = "minderjährig am Antragstag"
    elif reduced is not None and youngest < 18:
        yield ctx.finding(
            "CASE-FEE-UNDECIDED",
            "$.antragsteller.geburt.datum",
            f"the birth date is only partly known: the fee is {reduced.amount} or "
            f"{regular.amount} {regular.currency or 'EUR'} depending on the exact day",
            severity=Severity.WARNING,
        )
        return
    yield ctx.finding(
        "CASE-FEE",
        "$.datum",
        f"fee due: {amount} {regular.currency or 'EUR'} ({reason}, cost module)",
        severity=Severity.INFO,
        detail_de=f"{amount} {regular.currency or 'EUR'}, {reason_de}",
    )


def _duration(case: Case, leistung: Leistung, ctx: CheckContext) -> Iterator[Finding]:
    limits = [
        (d.value_to or d.value or 0) * _MONTHS[d.unit_to or d.unit or ""]
        for m in leistung.deadline_modules
        for d in m.items
        if (d.unit_to or d.unit) in _MONTHS and (d.value_to or d.value)
    ]
    if not limits:
        yield ctx.finding(
            "CASE-LEISTUNG-INCOMPLETE",
            "$.antrag.beantragteDauerMonate",
            "the Leistung states no maximum validity (Frist module); duration not checked",
            severity=Severity.INFO,
        )
        return
    longest = max(limits)
    if case.antrag.beantragteDauerMonate > longest:
        yield ctx.finding(
            "CASE-DURATION-EXCEEDED",
            "$.antrag.beantragteDauerMonate",
            f"requested validity is longer than the maximum of {longest} months (Frist module)",
            value=case.antrag.beantragteDauerMonate,
            detail_de=f"höchstens {longest} Monate",
        )


def check_against_leistung(
    case: Case,
    leistung: Leistung,
    *,
    today: dt.date,
    file: str | None = None,
    show_values: bool = False,
) -> Iterator[Finding]:
    """Findings of the case against ``leistung`` (prerequisites, documents, fee, duration)."""
    ctx = CheckContext(today=today, file=file, show_values=show_values)
    keys = {*leistung.leika_keys, leistung.id.value}
    if case.leistungsschluessel not in keys:
        yield ctx.finding(
            "CASE-LEISTUNG-MISMATCH",
            "$.leistungsschluessel",
            "the case is for another Leistung than the one checked against",
        )
        return
    yield from _prerequisites(case, leistung, ctx)
    yield from _documents(case, leistung, ctx)
    yield from _fee(case, leistung, ctx)
    yield from _duration(case, leistung, ctx)

"""Values of an export's sections: text blocks, codes, dates, costs, durations.

Costs, processing times and deadlines are parsed into XZuFi's structured form
only where the text states them plainly ("a fee of 100 euros", "about 6 to 8
weeks", "A maximum of three years", "zwischen 10 und 30 Euro"); the text
itself always stays as the description, so nothing is lost when a sentence is
not understood.
"""

from __future__ import annotations

import datetime
import html
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Literal

from xzufi_toolkit.portal_import.text import Line

__all__ = [
    "Block",
    "ParsedCost",
    "ParsedDuration",
    "blocks_html",
    "blocks_of",
    "blocks_text",
    "parse_code",
    "parse_costs",
    "parse_date",
    "parse_durations",
]

# Bullets as extraction renders the portal's list markers.
_BULLET = re.compile(r"^\s*[*•»«+·▪◦‣–-]\s+")
_MID_BULLET = re.compile(r"\s+[«»•]\s+")


@dataclass(frozen=True, slots=True)
class Block:
    """A paragraph (``p``: one item) or a bulleted list (``ul``) of a text section."""

    kind: Literal["p", "ul"]
    items: tuple[str, ...]


_SENTENCE_END = re.compile(r"[.!?]$")


def _paragraphs(lines: list[Line]) -> list[list[Line]]:
    """Paragraphs: split at blank lines, and after a sentence that ends a short line.

    Extraction often drops the gap between paragraphs. A line that ends a
    sentence although the next line's first word would still have fitted on it
    (the column is as wide as the section's longest line) was ended on purpose.
    The section's first line is not judged: it shared its line with the label.
    """
    width = max((len(line.text.strip()) for line in lines), default=0)
    out: list[list[Line]] = [[]]
    for i, line in enumerate(lines):
        if line.blank:
            if out[-1]:
                out.append([])
            continue
        if out[-1] and i > 1:
            prev = out[-1][-1].text.strip()
            head = line.text.strip()
            word = head.split(" ", 1)[0]
            if (
                _SENTENCE_END.search(prev)
                and len(prev) + 1 + len(word) <= width
                and not _BULLET.match(head)
            ):
                out.append([])
        out[-1].append(line)
    return [p for p in out if p]


def blocks_of(lines: list[Line]) -> tuple[Block, ...]:
    """Paragraphs and lists of a section; a list continues over blank lines."""
    blocks: list[Block] = []
    for para in _paragraphs(lines):
        items: list[tuple[bool, str]] = []
        for line in para:
            parts = _MID_BULLET.split(line.text.strip())
            for k, part in enumerate(parts):
                m = _BULLET.match(part)
                if m is not None or k > 0:
                    items.append((True, part[m.end() :] if m else part))
                elif items:
                    bullet, text = items[-1]
                    items[-1] = (bullet, text + " " + part)
                else:
                    items.append((False, part))
        for bullet, raw in items:
            text = " ".join(raw.split())
            if not text:
                continue
            if bullet:
                if blocks and blocks[-1].kind == "ul":
                    blocks[-1] = Block("ul", (*blocks[-1].items, text))
                else:
                    blocks.append(Block("ul", (text,)))
            else:
                blocks.append(Block("p", (text,)))
    return tuple(blocks)


def blocks_html(blocks: tuple[Block, ...]) -> str:
    """XZuFi text module HTML: ``<p>`` paragraphs and ``<ul><li>`` lists."""
    out: list[str] = []
    for block in blocks:
        if block.kind == "p":
            out.append(f"<p>{html.escape(block.items[0], quote=False)}</p>")
        else:
            lis = "".join(f"<li>{html.escape(i, quote=False)}</li>" for i in block.items)
            out.append(f"<ul>{lis}</ul>")
    return "".join(out)


def blocks_text(blocks: tuple[Block, ...]) -> str:
    """Plain text: paragraphs one per line, list items as "- item"."""
    out: list[str] = []
    for block in blocks:
        if block.kind == "p":
            out.append(block.items[0])
        else:
            out.extend(f"- {i}" for i in block.items)
    return "\n".join(out)


_CODE = re.compile(r"^(?P<name>.*?)\s*\((?P<code>\d+)\)$")


def parse_code(text: str) -> tuple[str | None, str | None]:
    """``"Aufenthaltstitel (010)"`` → ``("010", "Aufenthaltstitel")``; no code: ``(None, text)``."""
    text = " ".join(text.split())
    m = _CODE.match(text)
    if m is None:
        return None, text or None
    return m["code"], m["name"] or None


def parse_date(text: str) -> datetime.date | None:
    """``"05.04.2022"`` (the portal's German date) or ISO ``2022-04-05``."""
    text = text.strip()
    m = re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", text)
    try:
        if m is not None:
            return datetime.date(int(m[3]), int(m[2]), int(m[1]))
        return datetime.date.fromisoformat(text)
    except ValueError:
        return None


# ---------------------------------------------------------------- amounts

_NUM = r"\d+(?:[.,]\d+)*"
_CURRENCY = r"(?:euros?|Euro|EUR|€)"
_AMOUNT = re.compile(rf"(?:(?P<pre>€|EUR)\s*(?P<a>{_NUM})|(?P<b>{_NUM})\s*{_CURRENCY})")
_RANGE = re.compile(
    rf"(?:between|zwischen|from|von)?\s*(?P<lo>{_NUM})\s*{_CURRENCY}?\s*"
    rf"(?:to|and|bis|und|-|–)\s*(?P<hi>{_NUM})\s*{_CURRENCY}",
    re.I,
)
_FREE = re.compile(
    r"\b(exempt\w*|free of charge|no fees?|no costs?|gebührenfrei|kostenfrei|kostenlos|"
    r"keine (Gebühren|Kosten)|Gebührenbefreiung|Befreiung|befreit)\b",
    re.I,
)
_PAREN = re.compile(r"\(([^()]*)\)")


def _number(text: str) -> Decimal | None:
    """German or English notation: 1.000,50 / 1,000.50 / 100 / 12,5."""
    if "," in text and "." in text:
        dec = "," if text.rfind(",") > text.rfind(".") else "."
    elif "," in text or "." in text:
        sep = "," if "," in text else "."
        # One separator before exactly three digits groups thousands.
        dec = "" if len(text.rsplit(sep, 1)[1]) == 3 else sep
    else:
        dec = ""
    thousands = {",", "."} - {dec}
    clean = "".join(ch for ch in text if ch not in thousands)
    if dec:
        clean = clean.replace(dec, ".")
    try:
        return Decimal(clean)
    except InvalidOperation:
        return None


@dataclass(frozen=True, slots=True)
class ParsedCost:
    """One cost read from the text; ``description`` is the sentence it came from."""

    kind: Literal["fix", "frei", "variabel"]
    description: str
    line: int
    amount: Decimal | None = None
    lower: Decimal | None = None
    upper: Decimal | None = None


def parse_costs(blocks: tuple[Block, ...], line: int) -> tuple[list[ParsedCost], list[str]]:
    """Costs stated plainly in the blocks, and the texts that state none.

    A parenthesised amount ("(50 euros for minors)") is a cost of its own with
    the parenthesis as description; the sentence around it, without the
    parenthesis, describes the main amount.
    """
    costs: list[ParsedCost] = []
    rest: list[str] = []
    for block in blocks:
        for text in block.items:
            found = _costs_in(text, line)
            if found:
                costs.extend(found)
            else:
                rest.append(text)
    return costs, rest


def _costs_in(text: str, line: int) -> list[ParsedCost]:
    out: list[ParsedCost] = []
    inner: list[str] = []
    for m in _PAREN.finditer(text):
        if _AMOUNT.search(m[1]):
            inner.append(m[1].strip())
    outer = " ".join(_PAREN.sub(lambda m: "" if m[1].strip() in inner else m[0], text).split())
    outer = re.sub(r"\s+([.,;:])", r"\1", outer)
    rng = _RANGE.search(outer)
    if rng is not None:
        lo, hi = _number(rng["lo"]), _number(rng["hi"])
        if lo is not None and hi is not None:
            out.append(ParsedCost("variabel", outer, line, lower=lo, upper=hi))
    else:
        amounts = [_number(m["a"] or m["b"]) for m in _AMOUNT.finditer(outer)]
        if len(amounts) == 1 and amounts[0] is not None:
            out.append(ParsedCost("fix", outer, line, amount=amounts[0]))
        elif not amounts and _FREE.search(outer):
            out.append(ParsedCost("frei", outer, line))
    if out:
        for part in inner:
            amounts = [_number(m["a"] or m["b"]) for m in _AMOUNT.finditer(part)]
            if len(amounts) == 1 and amounts[0] is not None:
                out.append(ParsedCost("fix", part, line, amount=amounts[0]))
    return out


# -------------------------------------------------------------- durations

_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "ein": 1, "eine": 1, "einen": 1, "einem": 1, "zwei": 2, "drei": 3, "vier": 4,
    "fünf": 5, "sechs": 6, "sieben": 7, "acht": 8, "neun": 9, "zehn": 10, "elf": 11,
    "zwölf": 12,
}  # fmt: skip
_UNITS: tuple[tuple[str, str], ...] = (
    (r"working days?|business days?|Werktagen?|Werktage?", "WERKTAG"),
    (r"Arbeitstagen?|Arbeitstage?", "ARBEITSTAG"),
    (r"years?|Jahren?|Jahre?", "JAHR"),
    (r"months?|Monaten?|Monate?", "MONAT"),
    (r"weeks?|Wochen?", "WOCHE"),
    (r"days?|Tagen?|Tage?", "TAG"),
    (r"hours?|Stunden?", "STUNDE"),
    (r"minutes?|Minuten?", "MINUTE"),
)
_UNIT_RE = "|".join(f"(?:{u})" for u, _ in _UNITS)
_N = r"\d+|" + "|".join(sorted(_WORDS, key=len, reverse=True))
_SPAN = re.compile(
    rf"\b(?P<a>{_N})\s*(?:(?P<ua>{_UNIT_RE})\s*)?(?:to|bis|-|–|or|oder)\s*(?P<b>{_N})\s*"
    rf"(?P<ub>{_UNIT_RE})\b",
    re.I,
)
_ONE = re.compile(rf"\b(?P<a>{_N})\s*(?P<ua>{_UNIT_RE})\b", re.I)


def _unit(text: str) -> str:
    for pattern, code in _UNITS:
        if re.fullmatch(pattern, text, re.I):
            return code
    raise AssertionError(text)  # the caller matched _UNIT_RE


def _count(text: str) -> int:
    return int(text) if text.isdigit() else _WORDS[text.lower()]


@dataclass(frozen=True, slots=True)
class ParsedDuration:
    """A span read from the text: ``value unit`` up to ``value_to unit_to``."""

    value: int
    unit: str
    description: str
    line: int
    value_to: int | None = None
    unit_to: str | None = None


def parse_durations(blocks: tuple[Block, ...], line: int) -> list[ParsedDuration]:
    """The first span each paragraph or list item states, if any."""
    out: list[ParsedDuration] = []
    for block in blocks:
        for text in block.items:
            m = _SPAN.search(text)
            if m is not None:
                ub = _unit(m["ub"])
                ua = _unit(m["ua"]) if m["ua"] else ub
                out.append(
                    ParsedDuration(
                        _count(m["a"]), ua, text, line, value_to=_count(m["b"]), unit_to=ub
                    )
                )
                continue
            m = _ONE.search(text)
            if m is not None:
                out.append(ParsedDuration(_count(m["a"]), _unit(m["ua"]), text, line))
    return out

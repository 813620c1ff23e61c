"""Legal citations in German legal-basis text (text module 07, plain or HTML).

``parse`` finds citations such as "§ 25 Abs. 4 Satz 2 AufenthG",
"§§ 5, 8 AufenthG", "Art. 6 Abs. 1 GG", "§§ 45–53 AufenthV" or
"§ 26 Abs. 1 und 2 AufenthG" and returns one :class:`Citation` per cited
provision, plus a :class:`Problem` for every place that starts like a citation
but cannot be read. Nothing raises on odd text: problems are data.

>>> [c.format() for c in parse("§ 25 Abs. 4 S. 2 AufenthG i. V. m. §§ 5, 8 AufenthG").citations]
['§ 25 Abs. 4 Satz 2 AufenthG', '§ 5 AufenthG', '§ 8 AufenthG']
>>> c = parse("Art. 6 Abs. 1 GG").citations[0]
>>> (c.kind, c.number, c.paragraph, c.law, c.span)
('Art.', '6', '1', 'GG', (0, 16))
>>> parse("§ Abs. 2").problems[0].message
"expected a number after '§'"
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from html.parser import HTMLParser
from itertools import product

from xzufi_toolkit.errors import SchemaError
from xzufi_toolkit.findings import Finding, Location, Severity
from xzufi_toolkit.io import resources

__all__ = [
    "Citation",
    "ParseResult",
    "Problem",
    "html_to_text",
    "known_laws",
    "law_title",
    "parse",
    "to_findings",
    "unknown_laws",
]

# Stable finding codes (docs/reference-data.md).
CODE_UNPARSED = "CITATION-UNPARSED"
CODE_NO_LAW = "CITATION-NO-LAW"
CODE_UNKNOWN_LAW = "CITATION-UNKNOWN-LAW"

_MAX_RANGE = 50  # subdivision ranges ("Abs. 1 bis 3") are expanded up to this size


@dataclass(frozen=True, slots=True)
class Citation:
    """One cited provision.

    ``kind`` is "§" or "Art."; ``number`` the section ("25", "4a");
    ``number_to`` the end of a section range ("§§ 45–53": 45 to 53, not
    expanded, since sections like 47a may lie between). ``paragraph`` is
    Abs., ``sentence`` Satz, ``item`` Nr., ``letter`` Buchst. ``law`` is the
    abbreviation ("AufenthG", "SGB II"); ``law_inferred`` is true when it was
    taken from the next citation ("§ 5 i. V. m. § 8 AufenthG"). ``raw`` and
    ``span`` are the whole citation group in the (plain) text, shared by all
    citations of one group.
    """

    kind: str
    number: str
    number_to: str | None = None
    paragraph: str | None = None
    sentence: str | None = None
    item: str | None = None
    letter: str | None = None
    law: str | None = None
    law_inferred: bool = False
    raw: str = ""
    span: tuple[int, int] = (0, 0)

    def format(self) -> str:
        """Canonical form: "§ 25 Abs. 4 Satz 2 AufenthG", "§§ 45–53 AufenthV"."""
        if self.number_to is not None:
            head = ("§§ " if self.kind == "§" else "Art. ") + f"{self.number}–{self.number_to}"
        else:
            head = f"{self.kind} {self.number}"
        parts = [head]
        for label, value in (
            ("Abs.", self.paragraph),
            ("Satz", self.sentence),
            ("Nr.", self.item),
            ("Buchst.", self.letter),
        ):
            if value is not None:
                parts.append(f"{label} {value}")
        if self.law:
            parts.append(self.law)
        return " ".join(parts)

    def __str__(self) -> str:
        return self.format()


@dataclass(frozen=True, slots=True)
class Problem:
    """A place that starts like a citation but cannot be read."""

    span: tuple[int, int]
    text: str
    message: str


@dataclass(frozen=True, slots=True)
class ParseResult:
    """Citations and problems, with the plain text that spans refer to."""

    text: str
    citations: tuple[Citation, ...]
    problems: tuple[Problem, ...]

    @property
    def laws(self) -> tuple[str, ...]:
        """The cited laws in order of first appearance."""
        return tuple(dict.fromkeys(c.law for c in self.citations if c.law))


# --- the law table ---


@cache
def _laws() -> dict[str, str]:
    path = resources.data_file("laws.json")
    try:
        laws: dict[str, str] = json.loads(path.read_text(encoding="utf-8"))["laws"]
    except (OSError, ValueError, KeyError) as exc:
        raise SchemaError(f"law table unreadable: {exc}", file=str(path)) from None
    return laws


def known_laws() -> dict[str, str]:
    """Abbreviation → short title of the laws the toolkit knows."""
    return dict(_laws())


def law_title(abbreviation: str) -> str | None:
    return _laws().get(abbreviation)


def unknown_laws(citations: Iterable[Citation]) -> list[str]:
    """Law abbreviations cited but not in the table, in order of first appearance."""
    laws = _laws()
    return list(dict.fromkeys(c.law for c in citations if c.law and c.law not in laws))


# --- HTML ---

_BLOCK_TAGS = frozenset({
    "p", "div", "li", "ul", "ol", "br", "tr", "td", "th", "table", "dd", "dt", "dl",
    "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "section",
})  # fmt: skip
_HTML_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?>")


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK_TAGS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCK_TAGS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_to_text(html: str) -> str:
    """Plain text of an HTML fragment; block elements become blank lines.

    Blank lines end a citation, so list items never run into each other.
    """
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    return "".join(parser.parts)


# --- the parser ---

_SP = r"[^\S\n]*(?:\n[^\S\n]*)?"  # whitespace with at most one line break
_SECT = re.compile(r"(?<![\w§])(§§|§|Artt\.|Art\.|Artikel)")
_NUM = re.compile(_SP + r"(\d+[a-z]?)(?![\w])")
_LETTER = re.compile(_SP + r"([a-z]{1,2})(?![\w])")
_RANGE = re.compile(_SP + r"(?:–|-|—|bis)(?=" + _SP + r"\d)")
_LIST = re.compile(r"(?:" + _SP + r",|" + _SP + r"(?:und|oder|sowie)(?!\w))")
_LEVELS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("paragraph", re.compile(_SP + r"(?:Abs\.|Absatz|Absätze|Abs(?=\s+\d))")),
    ("sentence", re.compile(_SP + r"(?:Satz|Sätze|S\.(?=" + _SP + r"\d))")),
    ("item", re.compile(_SP + r"(?:Nrn\.|Nr\.|Nummer|Nummern)")),
    ("letter", re.compile(_SP + r"(?:Buchst\.|Buchstabe|Buchstaben|lit\.)")),
)
_IGNORED = re.compile(_SP + r"(?:Halbsatz|Hs\.|Alt\.|Alternative|Var\.|Variante)" + _SP + r"\d+")
_ROMAN = r"(?:XIV|XIII|XII|XI|IX|X|VIII|VII|VI|IV|V|III|II|I)"
_ABBR = re.compile(
    _SP + r"(SGB" + r"(?:[^\S\n]+" + _ROMAN + r")?"
    r"|[A-ZÄÖÜ][a-zäöüß]{0,12}[A-ZÄÖÜ][A-Za-zÄÖÜäöüß]{0,12}(?:/[A-Z]{2,4})?)(?![\w/])"
)
_PAREN_ABBR = re.compile(r"[^\S\n]*\(\s*(" + _ABBR.pattern.removeprefix(_SP) + r")\s*\)")
_ORDINALS = {
    "Erst": "I", "Zweit": "II", "Dritt": "III", "Viert": "IV", "Fünft": "V",
    "Sechst": "VI", "Siebt": "VII", "Acht": "VIII", "Neunt": "IX", "Zehnt": "X",
    "Elft": "XI", "Zwölft": "XII", "Vierzehnt": "XIV",
}  # fmt: skip
_ORD = "(" + "|".join(_ORDINALS) + ")(?:es|en)"
_SGB_WORDS = re.compile(
    _SP
    + r"(?:(?:des|der)\s+)?(?:"
    + _ORD
    + r"\s+Buch(?:es|s)?\s+(?:des\s+)?Sozialgesetzbuch(?:es|s)?"
    r"|Sozialgesetzbuch(?:es|s)?\s+" + _ORD + r"\s+Buch(?:es|s)?)(?!\w)"
)
# "<words with Gesetz/Verordnung/Buch/Ordnung> (ABBR)": a title followed by its abbreviation.
_TITLED_ABBR = re.compile(
    _SP + r"(?:(?:des|der)\s+)?(?:[\wÄÖÜäöüß/–-]+\s+){0,5}?"
    r"[\wÄÖÜäöüß/–-]*(?i:gesetz|verordnung|buch|ordnung)[\wäöüß]*" + _PAREN_ABBR.pattern
)
_CONNECTOR = re.compile(
    r"\s*(?:[,;]\s*)?(?:(?:und|oder|sowie|bzw\.|i\.\s?V\.\s?m\.|in Verbindung mit)\s*)?",
)


@cache
def _title_pattern() -> re.Pattern[str]:
    """Single-word short titles ("Aufenthaltsgesetz", genitive "-es"/"-s") → abbreviation."""
    words = sorted({t for t in _titles()}, key=len, reverse=True)
    alts = "|".join(re.escape(w) for w in words)
    return re.compile(_SP + r"(?:(?:des|der)\s+)?(" + alts + r")(?:es|s)?(?!\w)")


@cache
def _titles() -> dict[str, str]:
    titles = {t: a for a, t in _laws().items() if " " not in t}
    titles["Grundgesetz"] = "GG"
    return titles


class _Fail(Exception):
    def __init__(self, pos: int, message: str) -> None:
        super().__init__(message)
        self.pos = pos
        self.message = message


@dataclass(slots=True)
class _Group:
    kind: str
    units: list[tuple[str, str | None, dict[str, list[str]]]]
    law: str | None
    start: int
    end: int


def _values(text: str, pos: int, level: str, keyword: str) -> tuple[list[str], int]:
    value_re = _LETTER if level == "letter" else _NUM
    m = value_re.match(text, pos)
    if not m:
        what = "a letter" if level == "letter" else "a number"
        raise _Fail(pos, f"expected {what} after {keyword!r}")
    values = [m[1]]
    pos = m.end()
    while True:
        r = _RANGE.match(text, pos)
        if r and level != "letter":
            m = _NUM.match(text, r.end())
            if m is None:  # pragma: no cover - _RANGE looks ahead for a digit
                raise _Fail(r.end(), "expected the end of the range")
            first, last = values[-1], m[1]
            if not (first.isdigit() and last.isdigit()) or not (
                0 < int(last) - int(first) <= _MAX_RANGE
            ):
                raise _Fail(r.end(), f"cannot expand the range {first} to {last}")
            values.extend(str(n) for n in range(int(first) + 1, int(last) + 1))
            pos = m.end()
            continue
        sep = _LIST.match(text, pos)
        if sep:
            m = value_re.match(text, sep.end())
            if m:
                values.append(m[1])
                pos = m.end()
                continue
        return values, pos


def _subdivisions(text: str, pos: int) -> tuple[dict[str, list[str]], int]:
    subs: dict[str, list[str]] = {}
    for level, keyword in _LEVELS:
        m = keyword.match(text, pos)
        if m:
            subs[level], pos = _values(text, m.end(), level, m[0].strip())
    while m2 := _IGNORED.match(text, pos):
        pos = m2.end()
    return subs, pos


def _law(text: str, pos: int) -> tuple[str | None, int]:
    m = _SGB_WORDS.match(text, pos)
    if m:
        ordinal = m[1] or m[2]
        return f"SGB {_ORDINALS[ordinal]}", m.end()
    m = _title_pattern().match(text, pos)
    if m:
        abbr, end = _titles()[m[1]], m.end()
        paren = _PAREN_ABBR.match(text, end)
        if paren:
            return _norm_abbr(paren[1]), paren.end()
        return abbr, end
    m = _ABBR.match(text, pos)
    if m:
        return _norm_abbr(m[1]), m.end()
    m = _TITLED_ABBR.match(text, pos)
    if m:
        return _norm_abbr(m[1]), m.end()
    return None, pos


def _norm_abbr(abbr: str) -> str:
    return " ".join(abbr.split())


def _group(text: str, start: int, sect: str) -> _Group:
    kind = "§" if sect.startswith("§") else "Art."
    pos = start + len(sect)
    units: list[tuple[str, str | None, dict[str, list[str]]]] = []
    while True:
        m = _NUM.match(text, pos)
        if not m:
            raise _Fail(pos, f"expected a number after {sect!r}")
        number, number_to, pos = m[1], None, m.end()
        r = _RANGE.match(text, pos)
        if r:
            m = _NUM.match(text, r.end())
            if m is None:  # pragma: no cover - _RANGE looks ahead for a digit
                raise _Fail(r.end(), "expected the end of the range")
            number_to, pos = m[1], m.end()
        subs, pos = _subdivisions(text, pos)
        units.append((number, number_to, subs))
        sep = _LIST.match(text, pos)
        if sep and _NUM.match(text, sep.end()):
            pos = sep.end()
            continue
        break
    law, pos = _law(text, pos)
    return _Group(kind, units, law, start, pos)


def _fail_span(text: str, start: int, pos: int) -> tuple[int, int]:
    """From the citation start to the end of the offending token (same line)."""
    m = re.compile(r"[^\S\n]*\S*").match(text, pos)
    end = m.end() if m else pos
    return start, max(end, start + 1)


def _infer_laws(text: str, groups: Sequence[_Group]) -> list[bool]:
    """Give a group without law the law of the next same-kind group it is joined to."""
    inferred = [False] * len(groups)
    for i in range(len(groups) - 2, -1, -1):
        g, nxt = groups[i], groups[i + 1]
        if g.law is None and nxt.law is not None and g.kind == nxt.kind:
            gap = text[g.end : nxt.start]
            m = _CONNECTOR.fullmatch(gap)
            if m and "\n\n" not in gap:
                g.law = nxt.law
                inferred[i] = True
    return inferred


def parse(text: str, *, html: bool | None = None) -> ParseResult:
    """All citations in ``text``; ``html=None`` detects markup by itself."""
    if html or (html is None and _HTML_TAG.search(text)):
        text = html_to_text(text)
    groups: list[_Group] = []
    problems: list[Problem] = []
    pos = 0
    while m := _SECT.search(text, pos):
        try:
            group = _group(text, m.start(), m[1])
        except _Fail as fail:
            span = _fail_span(text, m.start(), fail.pos)
            problems.append(Problem(span, text[span[0] : span[1]], fail.message))
            pos = max(fail.pos, m.end())
            continue
        groups.append(group)
        pos = group.end
    inferred = _infer_laws(text, groups)
    citations: list[Citation] = []
    for group, was_inferred in zip(groups, inferred, strict=True):
        raw = text[group.start : group.end]
        for number, number_to, subs in group.units:
            levels = [subs.get(lv, [None]) for lv, _ in _LEVELS]
            for paragraph, sentence, item, letter in product(*levels):
                citations.append(
                    Citation(
                        kind=group.kind,
                        number=number,
                        number_to=number_to,
                        paragraph=paragraph,
                        sentence=sentence,
                        item=item,
                        letter=letter,
                        law=group.law,
                        law_inferred=was_inferred,
                        raw=raw,
                        span=(group.start, group.end),
                    )
                )
    return ParseResult(text, tuple(citations), tuple(problems))


def to_findings(result: ParseResult, location: Location | None = None) -> list[Finding]:
    """Findings for unreadable places, citations without a law, and unknown laws.

    Codes: ``CITATION-UNPARSED`` (warning), ``CITATION-NO-LAW`` (info),
    ``CITATION-UNKNOWN-LAW`` (warning). Legal text is not personal data, so the
    messages quote it.
    """
    loc = location or Location()
    out: list[Finding] = []
    for p in result.problems:
        out.append(
            Finding(
                CODE_UNPARSED,
                Severity.WARNING,
                f"cannot read citation {p.text!r} at {p.span[0]}: {p.message}",
                loc,
                f"Zitat {p.text!r} an Position {p.span[0]} nicht lesbar",
            )
        )
    seen: set[tuple[int, int]] = set()
    for c in result.citations:
        if c.law is None and c.span not in seen:
            seen.add(c.span)
            out.append(
                Finding(
                    CODE_NO_LAW,
                    Severity.INFO,
                    f"citation {c.raw!r} names no law",
                    loc,
                    f"Zitat {c.raw!r} nennt kein Gesetz",
                )
            )
    for law in unknown_laws(result.citations):
        out.append(
            Finding(
                CODE_UNKNOWN_LAW,
                Severity.WARNING,
                f"unknown law abbreviation {law!r}",
                loc,
                f"unbekannte Gesetzesabkürzung {law!r}",
            )
        )
    return out

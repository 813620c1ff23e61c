"""Repairs of words that PDF text extraction damages in FIM Portal exports.

The table ``repairs.tsv`` next to this module lists each damaged form seen in
real exports with its repair; no general spelling corrector is involved, so a
word is only ever changed into one the table names. Two rules need context:
"Il" after "Book", "Buch", "SGB", "Leistungsbezeichnung"… is the Roman numeral
II, and the short German words ("fur", "far") are repaired only on lines that
read as German.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib.resources import files

__all__ = ["repair_line", "text_language"]

_ROMAN_II = re.compile(
    r"\b(?P<before>Book|Buch|SGB|Leistungsbezeichnung|Teil|Band|Kapitel|Part|Chapter|Title|Titel)"
    r"(?P<gap>\s+)Il\b"
)
_WORD = re.compile(r"[^\W\d_]+")
_GERMAN = frozenset(
    (
        "und", "oder", "der", "die", "das", "des", "den", "dem", "aus", "für", "von", "mit",
        "bei", "zur", "zum", "im", "ist", "sind", "nicht", "eine", "einer", "eines", "ein", "auf",
    )
)  # fmt: skip
_ENGLISH = frozenset(
    ("the", "and", "of", "to", "for", "with", "is", "are", "not", "an", "from", "by", "on")
)


@lru_cache(maxsize=1)
def _table() -> tuple[dict[str, str], dict[str, str]]:
    """(repairs anywhere, repairs on German lines) read from ``repairs.tsv``."""
    text = files("xzufi_toolkit.portal_import").joinpath("repairs.tsv").read_text("utf-8")
    anywhere: dict[str, str] = {}
    german: dict[str, str] = {}
    for row in text.splitlines():
        if not row.strip() or row.startswith("#"):
            continue
        damaged, repaired, scope = row.split("\t")
        (german if scope == "de" else anywhere)[damaged] = repaired
    return anywhere, german


def _reads_german(words: list[str], anywhere: dict[str, str]) -> bool:
    """More German than English function words; a word the table repairs counts as German."""
    german = sum(w.lower() in _GERMAN or w in anywhere for w in words)
    return german > sum(w.lower() in _ENGLISH for w in words)


def text_language(text: str) -> str:
    """``"de"`` or ``"en"``: which language's function words ``text`` uses more (ties: de)."""
    words = [w.lower() for w in _WORD.findall(text)]
    english = sum(w in _ENGLISH for w in words)
    return "en" if english > sum(w in _GERMAN for w in words) else "de"


def repair_line(line: str) -> tuple[str, list[tuple[str, str]]]:
    """The repaired line and the (damaged, repaired) pairs applied to it."""
    anywhere, german = _table()
    changes: list[tuple[str, str]] = []

    def roman(m: re.Match[str]) -> str:
        changes.append(("Il", "II"))
        return f"{m['before']}{m['gap']}II"

    line = _ROMAN_II.sub(roman, line)
    words = _WORD.findall(line)
    if not any(w in anywhere or w in german for w in words):
        return line, changes
    table = dict(anywhere)
    if _reads_german(words, anywhere):
        table.update(german)

    def word(m: re.Match[str]) -> str:
        w = m.group(0)
        fixed = table.get(w)
        if fixed is None:
            return w
        changes.append((w, fixed))
        return fixed

    return _WORD.sub(word, line), changes

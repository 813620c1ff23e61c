"""DIN 91379 character sets: which strings a name or text field may hold.

XÖV standards require the DIN 91379 data types for names and free text
(names of natural persons A, other names B, free text C). The characters come
from the public KoSIT database ``latinchars.xml`` (String.Latin+ 1.2,
DIN SPEC 91379:2019-03); ``scripts/regen_din91379.py`` derives the compact
table ``data/din91379.json`` from it with :func:`derive_table`.

A string is valid for a data type when it is NFC-normalised and splits,
greedily and longest match first, into glyphs (single code points or base
letter + combining marks) that all belong to the data type's groups. Combining
diacritics (group ``dc``) occur only inside sequences, never alone.

>>> is_valid("Łukasz Wiśniewski", "A")
True
>>> print(check("Ana\\tMaria", "A").describe())
character U+0009 CHARACTER TABULATION at position 3 is not allowed (allowed in data types: C, E)
>>> check("Σοφία", "A").code_point
'U+03A3'
>>> is_valid("Σοφία", "D")
True
>>> transliterate("Müller-Lüdenscheidt")
'MUELLER-LUEDENSCHEIDT'
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any

from xzufi_toolkit.errors import InputError, SchemaError, UsageError
from xzufi_toolkit.io import resources

__all__ = [
    "DATATYPE_GROUPS",
    "TABLE_FILE",
    "DataType",
    "Invalid",
    "check",
    "derive_table",
    "dump_table",
    "glyphs",
    "is_valid",
    "normalize",
    "table_info",
    "transliterate",
]

_NS = {"l": "http://xoev.de/latinchars"}
TABLE_FILE = "din91379.json"


class DataType(StrEnum):
    """The data types of DIN 91379:2022-08 (``reference/din91379/README.md``)."""

    A = "A"  # names of natural persons
    B = "B"  # other names: streets, places, legal persons
    C = "C"  # general text
    D = "D"  # C without N4, plus Greek letters and non-letters E1
    E = "E"  # all groups, Cyrillic included


# DIN 91379:2022-08 data types as groups of latinchars.xml (README.md of the reference).
# ``dc`` is left out on purpose: combining marks are valid only inside sequences of ``bll``.
DATATYPE_GROUPS: dict[DataType, tuple[str, ...]] = {
    DataType.A: ("bll", "bnlreq"),
    DataType.B: ("bll", "bnlreq", "bnl"),
    DataType.C: ("bll", "bnlreq", "bnl", "bnlopt", "bnlnot"),
    DataType.D: ("bll", "bnlreq", "bnl", "bnlopt", "gl", "enl"),
    DataType.E: ("bll", "bnlreq", "bnl", "bnlopt", "bnlnot", "gl", "cl", "enl"),
}


@dataclass(frozen=True, slots=True)
class Invalid:
    """Where a string stops being valid for a data type.

    ``position`` is the 0-based index in the NFC form of the string;
    ``allowed_in`` lists the data types that would accept the glyph found there.
    ``reason`` is ``"not-allowed"`` or ``"not-nfc"`` (only with ``require_nfc``).
    The offending character itself is not kept: names are personal data.
    """

    position: int
    code_point: str
    name: str
    allowed_in: tuple[DataType, ...]
    reason: str = "not-allowed"

    def describe(self) -> str:
        """English one-liner for findings, free of personal data."""
        text = f"character {self.code_point} {self.name} at position {self.position}"
        if self.reason == "not-nfc":
            return text + " is not in Unicode normalisation form NFC"
        allowed = ", ".join(self.allowed_in) if self.allowed_in else "none"
        return text + f" is not allowed (allowed in data types: {allowed})"


# --- derivation from latinchars.xml (used by scripts/regen_din91379.py and tests) ---


def _cps(text: str) -> str:
    return " ".join(f"{int(cp, 16):04X}" for cp in text.split())


def _to_str(cps: str) -> str:
    return "".join(chr(int(cp, 16)) for cp in cps.split())


def derive_table(source: Path) -> dict[str, Any]:
    """The compact table for ``latinchars.xml`` at ``source`` (read with the safe parser)."""
    from xzufi_toolkit.io import xmlsafe  # lxml only for regeneration, not for checking

    try:
        raw = source.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read character list: {exc.strerror}", file=str(source)) from None
    root = xmlsafe.parse_bytes(raw, file=str(source)).getroot()
    if root.tag != "{http://xoev.de/latinchars}characterSet":
        raise InputError(
            "not a latinchars.xml character set", file=str(source), line=xmlsafe.source_line(root)
        )
    published = None
    for p in root.iterfind("l:p", _NS):
        m = re.search(r"Publiziert am (\d{1,2})\.(\d{1,2})\.(\d{4})", p.text or "")
        if m:
            published = f"{m[3]}-{int(m[2]):02d}-{int(m[1]):02d}"
    releases = list(root.iterfind("l:releases/l:release", _NS))
    last = releases[-1] if releases else None
    changelog = last.find("l:changelog", _NS) if last is not None else None
    groups: dict[str, dict[str, Any]] = {}
    for g in root.iterfind("l:groups/l:group", _NS):
        groups[g.get("id", "")] = {
            "name": g.findtext("l:name", "", _NS),
            "chars": [],
            "sequences": [],
        }
    icao: dict[str, str] = {}
    names: dict[str, str] = {}
    for el in root:
        kind = el.tag.rpartition("}")[2] if isinstance(el.tag, str) else ""
        if kind not in ("char", "sequence"):
            continue
        group = el.get("group", "")
        cps = _cps(el.findtext("l:cp", "", _NS))
        if group not in groups or not cps:
            raise InputError(
                f"entry without a known group or code point: {group!r}",
                file=str(source),
                line=xmlsafe.source_line(el),
            )
        groups[group]["chars" if kind == "char" else "sequences"].append(cps)
        name = el.findtext("l:name", "", _NS)
        if kind == "char" and unicodedata.name(_to_str(cps), None) is None:
            names[cps] = name  # control characters: Python's unicodedata has no name
        maps = {m.get("internal-mapping"): m for m in el.iterfind("l:mapping", _NS)}
        # "icao" is ICAO 9303 proper; "icao-ext" fills the letters ICAO says nothing about.
        chosen = maps.get("icao") if "icao" in maps else maps.get("icao-ext")
        if chosen is not None:
            if chosen.get("type") == "identity":
                icao[cps] = _to_str(cps)
            else:
                icao[cps] = "".join(_to_str(d.text or "") for d in chosen.iterfind("l:dest", _NS))
    return {
        "source": {
            "file": "latinchars.xml",
            "name": root.get("name"),
            "release": last.get("version") if last is not None else None,
            "release_date": changelog.get("date") if changelog is not None else None,
            "published": published,
            "sha256": hashlib.sha256(raw).hexdigest(),
        },
        "groups": groups,
        "names": names,
        "icao": icao,
    }


def dump_table(table: dict[str, Any]) -> str:
    """The table as stored: stable key order, one entry per line, ASCII only."""
    return json.dumps(table, indent=1, sort_keys=False, ensure_ascii=True) + "\n"


# --- the checker ---


@dataclass(frozen=True, slots=True)
class _Compiled:
    prefix: re.Pattern[str]  # greedy longest-first glyph run from the start
    singles: frozenset[str]  # fast path: every code point a single glyph
    marks: frozenset[str]  # code points that occur only after the base of a sequence


@cache
def _table() -> dict[str, Any]:
    path = resources.data_file(TABLE_FILE)
    try:
        table: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise SchemaError(
            f"DIN 91379 table unreadable: {exc}",
            file=str(path),
            hint="run scripts/regen_din91379.py or reinstall",
        ) from None
    return table


def table_info() -> dict[str, Any]:
    """Where the packaged table comes from (file, release, dates, sha256)."""
    return dict(_table()["source"])


def _group_glyphs(group: str) -> tuple[list[str], list[str]]:
    g = _table()["groups"][group]
    return [_to_str(c) for c in g["chars"]], [_to_str(s) for s in g["sequences"]]


@cache
def _compiled(datatype: DataType) -> _Compiled:
    singles: set[str] = set()
    seqs: set[str] = set()
    for group in DATATYPE_GROUPS[datatype]:
        chars, sequences = _group_glyphs(group)
        singles.update(chars)
        seqs.update(sequences)
    # One branch per base letter that starts a sequence: the base, then its
    # continuations longest first (optional when the base is a glyph itself).
    # Branches are tried in order and the possessive star never gives a glyph
    # back: exactly the greedy longest-match split.
    by_base: dict[str, list[str]] = {}
    for seq in sorted(seqs, key=lambda q: (-len(q), q)):
        by_base.setdefault(seq[0], []).append(re.escape(seq[1:]))
    branches = [
        re.escape(base) + "(?:" + "|".join(conts) + ")" + ("?" if base in singles else "")
        for base, conts in sorted(by_base.items())
    ]
    plain = "".join(re.escape(c) for c in sorted(singles - by_base.keys()))
    alts = [f"[{plain}]++"] if plain else []
    pattern = "(?:" + "|".join(alts + branches) + ")*+" if alts or branches else ""
    marks = frozenset(c for seq in seqs for c in seq[1:])
    return _Compiled(prefix=re.compile(pattern), singles=frozenset(singles), marks=marks)


def _datatype(datatype: DataType | str) -> DataType:
    try:
        return DataType(str(datatype).upper().removeprefix("DATATYPE"))
    except ValueError:
        raise UsageError(
            f"unknown DIN 91379 data type {datatype!r}", hint="use one of A, B, C, D, E"
        ) from None


_BY_ARG: dict[object, _Compiled] = {}


def _lookup(datatype: DataType | str) -> _Compiled:
    """The compiled checker for a data type argument; one dict lookup once warm."""
    comp = _BY_ARG.get(datatype)
    if comp is None:
        comp = _BY_ARG[datatype] = _compiled(_datatype(datatype))
    return comp


def normalize(s: str) -> str:
    """NFC, the normalisation form DIN 91379 requires."""
    return unicodedata.normalize("NFC", s)


def _char_name(ch: str) -> str:
    cp = f"{ord(ch):04X}"
    return unicodedata.name(ch, None) or _table()["names"].get(cp) or "<unnamed>"


def _allowed_in(glyph: str) -> tuple[DataType, ...]:
    return tuple(dt for dt in DataType if _compiled(dt).prefix.fullmatch(glyph))


def check(s: str, datatype: DataType | str, *, require_nfc: bool = False) -> Invalid | None:
    """``None`` if ``s`` is valid for ``datatype``, else where it first fails.

    The string is NFC-normalised first; positions refer to that form. With
    ``require_nfc`` a string that is not already NFC fails at the first
    character that normalisation changes.
    """
    comp = _lookup(datatype)
    if unicodedata.is_normalized("NFC", s):
        text = s
    else:
        text = normalize(s)
        if require_nfc:
            pos = next(
                (i for i, (a, b) in enumerate(zip(s, text, strict=False)) if a != b),
                min(len(s), len(text)),
            )
            ch = s[pos] if pos < len(s) else s[-1]
            return Invalid(pos, f"U+{ord(ch):04X}", _char_name(ch), (), "not-nfc")
    if _valid(comp, text):
        return None
    end = comp.prefix.match(text)
    stop = end.end() if end else 0
    if stop == len(text):
        return None
    ch = text[stop]
    # The glyph at the failure point: a known sequence starting there, or the code point.
    glyph = next((g for g in glyphs(text[stop : stop + 4]) if g), ch)
    return Invalid(stop, f"U+{ord(ch):04X}", _char_name(ch), _allowed_in(glyph))


def is_valid(s: str, datatype: DataType | str, *, require_nfc: bool = False) -> bool:
    """Whether ``s`` is valid for ``datatype`` (see :func:`check`)."""
    comp = _lookup(datatype)
    if not unicodedata.is_normalized("NFC", s):
        if require_nfc:
            return False
        s = normalize(s)
    return _valid(comp, s)


def _valid(comp: _Compiled, text: str) -> bool:
    if comp.singles.issuperset(text):
        return True  # every code point is a glyph of its own
    if not comp.marks.issuperset(set(text).difference(comp.singles)):
        return False  # a code point that is neither a glyph nor part of a sequence
    return comp.prefix.fullmatch(text) is not None


@cache
def _all_sequences() -> tuple[str, ...]:
    seqs: set[str] = set()
    for group in _table()["groups"]:
        seqs.update(_group_glyphs(group)[1])
    return tuple(sorted(seqs, key=lambda s: (-len(s), s)))


def glyphs(s: str) -> Iterator[str]:
    """Split the NFC form of ``s`` into glyphs, greedily, longest sequence first.

    Code points that start no known sequence are glyphs of their own.
    """
    text = normalize(s)
    seqs = _all_sequences()
    i = 0
    while i < len(text):
        nxt = text[i + 1] if i + 1 < len(text) else ""
        if nxt and unicodedata.combining(nxt):
            seq = next((q for q in seqs if text.startswith(q, i)), text[i])
        else:
            seq = text[i]
        yield seq
        i += len(seq)


@cache
def _icao() -> dict[str, str]:
    return {_to_str(k): v for k, v in _table()["icao"].items()}


def transliterate(s: str) -> str:
    """ICAO 9303 transliteration of the Latin letters (``mapping`` icao / icao-ext).

    Letters of group ``bll`` become capital letters A–Z (Ä → AE, ß → SS);
    everything the table does not map (digits, spaces, punctuation, Greek,
    Cyrillic) is kept as it is, so check the result for the target alphabet.
    """
    table = _icao()
    return "".join(table.get(g, g) for g in glyphs(s))

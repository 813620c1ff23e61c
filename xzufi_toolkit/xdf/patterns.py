"""Bounded evaluation of ``praezisierung`` patterns, which come from the schema's author.

A pattern such as ``(a+)+`` or ``(a|aa)+`` makes a backtracking engine (Python's
``re``, libxml2's XSD regexps) take exponential time on crafted data. Two
defences:

- :func:`pattern_risk` names the shapes that can do that (a repeated group that
  itself repeats or alternates) and patterns over :data:`MAX_PATTERN_LENGTH`.
  ``xdf check`` reports them (``XDF-PRAEZ-007``), the generated XSD leaves them
  out (libxml2 has no time limit).
- :func:`search_bounded` matches with the ``regex`` package and a time limit,
  for every pattern ``data check`` applies. A pattern that runs out of time once
  is not run again in this process, so a data file with many values costs one
  time limit per pattern, not one per value.
"""

from __future__ import annotations

__all__ = [
    "MAX_PATTERN_LENGTH",
    "PATTERN_TIMEOUT",
    "RISK_DE",
    "pattern_risk",
    "search_bounded",
]

MAX_PATTERN_LENGTH = 1000
# seconds per match; real patterns on real values take microseconds
PATTERN_TIMEOUT = 0.5

_QUANT_OPEN = "*+?{"
_UNBOUNDED = 1 << 30
# a repeated group is risky when it may repeat more often than this
_OUTER_REPEATS = 10
_gave_up: set[str] = set()

_TOO_LONG = f"longer than {MAX_PATTERN_LENGTH} characters"
_NESTED_REPEAT = "a repeated group contains a repeat (exponential backtracking)"
_REPEATED_ALTERNATION = "a repeated group contains an alternation (exponential backtracking)"
# the reasons of pattern_risk in German, for findings
RISK_DE = {
    _TOO_LONG: f"länger als {MAX_PATTERN_LENGTH} Zeichen",
    _NESTED_REPEAT: "eine wiederholte Gruppe enthält eine Wiederholung "
    "(exponentielles Backtracking)",
    _REPEATED_ALTERNATION: "eine wiederholte Gruppe enthält eine Alternative "
    "(exponentielles Backtracking)",
}


def _quantifier(pattern: str, i: int) -> tuple[int, int]:
    """Length of the quantifier at ``i`` (0: none) and its maximum (:data:`_UNBOUNDED`)."""
    if i >= len(pattern) or pattern[i] not in _QUANT_OPEN:
        return 0, 1
    c = pattern[i]
    if c in "*+?":
        n, most = 1, 1 if c == "?" else _UNBOUNDED
    else:
        end = pattern.find("}", i)
        lo, sep, hi = (pattern[i + 1 : end] if end > 0 else "").partition(",")
        lo, hi = lo.strip(), hi.strip()
        if not lo.isdigit() or (hi and not hi.isdigit()):
            return 0, 1  # a literal brace
        n = end - i + 1
        most = _UNBOUNDED if sep and not hi else min(int(hi if sep else lo), _UNBOUNDED)
    if i + n < len(pattern) and pattern[i + n] in "?+":
        n += 1  # lazy or possessive
    return n, most


def _class_end(pattern: str, i: int) -> int:
    """The index after the character class that opens at ``i``."""
    j, n = i + 1, len(pattern)
    if j < n and pattern[j] == "^":
        j += 1
    if j < n and pattern[j] == "]":
        j += 1  # a literal ] first in the class
    while j < n and pattern[j] != "]":
        j += 2 if pattern[j] == "\\" else 1
    return j + 1


def pattern_risk(pattern: str) -> str | None:
    """Why ``pattern`` may take exponential time (``None``: no known risky shape).

    A scan, not a parser: escapes and character classes are skipped, and each
    group remembers whether it holds a repeat or an alternation. A group that
    holds one and is repeated itself is the classic catastrophic shape.
    """
    if len(pattern) > MAX_PATTERN_LENGTH:
        return _TOO_LONG
    # per open group: [holds a repeat, holds an alternation]
    stack: list[list[bool]] = [[False, False]]
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        closed: list[bool] | None = None
        if c == "\\":
            i += 2
        elif c == "[":
            i = _class_end(pattern, i)
        elif c == "(":
            stack.append([False, False])
            i += 1
            continue
        elif c == ")" and len(stack) > 1:
            closed = stack.pop()
            i += 1
        elif c == "|":
            stack[-1][1] = True
            i += 1
            continue
        else:
            i += 1
        length, most = _quantifier(pattern, i)
        if most > _OUTER_REPEATS and closed is not None and (closed[0] or closed[1]):
            return _NESTED_REPEAT if closed[0] else _REPEATED_ALTERNATION
        if most > 1:
            for frame in stack:
                frame[0] = True
        if closed is not None:
            # what the group held, the enclosing group holds too
            stack[-1][0] = stack[-1][0] or closed[0]
            stack[-1][1] = stack[-1][1] or closed[1]
        i += length
    return None


def search_bounded(pattern: str, value: str) -> bool | None:
    """Whether ``pattern`` is found in ``value`` (``re.search`` semantics, as
    JSON Schema's ``pattern``), ``None`` when it cannot be decided within
    :data:`PATTERN_TIMEOUT` or the ``regex`` package does not compile it."""
    import regex  # 60 ms to import: only when data is checked

    if pattern in _gave_up:
        return None
    try:
        return regex.search(pattern, value, timeout=PATTERN_TIMEOUT) is not None
    except (TimeoutError, regex.error):
        _gave_up.add(pattern)
        return None

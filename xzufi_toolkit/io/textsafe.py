"""Text from inputs made safe for a terminal and for line-based reports.

File names, ZIP entry names and PDF field names come from whoever made the
input. Printed raw, a newline in one forges a second ``xzufi: error:`` line
(or a fake finding in a CI log), and an escape sequence reaches the terminal.
Text reports and error lines show such characters as ``\\xNN`` / ``\\uNNNN``.
"""

from __future__ import annotations

import re
from functools import cache

__all__ = ["escape_controls"]


@cache
def _controls() -> re.Pattern[str]:
    # C0 (newline, ESC, BEL…), DEL and C1, and the bidirectional overrides and
    # isolates that reorder what a terminal shows ("Trojan Source")
    return re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _escape(m: re.Match[str]) -> str:
    code = ord(m.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def escape_controls(text: str) -> str:
    """``text`` with control and bidi-override characters as visible escapes; a
    backslash stays as it is (the escapes are for reading, not for parsing back)."""
    if text.isprintable():  # the common case: no regex run
        return text
    return _controls().sub(_escape, text)

"""When an HTML text shows nothing.

XZuFi carries HTML in its localized texts (``inhalt`` of a text module and the
like). A text of only markup and white space (``<br>``, ``<p></p>``, ``&nbsp;``)
renders as an empty section. One definition serves the reader, which drops such
texts (XZ-N002), and the validator, which reports an empty module (XZ-TXT-001)
and counts a required module of only markup as missing (XZ-REQ-0xx).

Tags count as markup, whatever their name, except the elements that show
content without text (``<img>``, ``<video>``, ``<svg>``, ``<iframe>``…,
:data:`EMBEDDED`): a text of only an image is not empty, and the reader must
not drop it. ``<`` opens a tag (or comment, declaration) only before a letter,
``/``, ``!`` or ``?``, as in the HTML tokenizer; ``<>``, ``< br>`` or ``<3`` are
text. The definition errs towards "not blank" where a regex cannot be exact: a
``>`` inside a comment or a quoted attribute value, ``&nbsp`` without ``;``, the
content of ``<script>`` count as text.
"""

from __future__ import annotations

import re

__all__ = ["EMBEDDED", "is_blank_html"]

# Elements that show something without text (replaced and embedded content).
EMBEDDED = (
    "img",
    "picture",
    "video",
    "audio",
    "iframe",
    "object",
    "embed",
    "svg",
    "canvas",
    "math",
)
_EMBEDDED = re.compile(r"<(?:" + "|".join(EMBEDDED) + r")(?![A-Za-z0-9-])", re.IGNORECASE)
# A start or end tag, comment, doctype or processing instruction.
_MARKUP = re.compile(r"<[A-Za-z/!?][^>]*>")
# White space (``\s`` includes U+00A0 for str patterns) and the no-break space's
# references; an entity name is case-sensitive (``&NBSP;`` shows as text), the
# ``x`` and hex digits of a numeric reference are not.
_SPACE = re.compile(r"(?:\s|&nbsp;|&#0*160;|&#[xX]0*[aA]0;)+")
# Fast path: some text outside a tag starts with a character that is neither
# space nor the start of a tag or reference: the text is not blank.
_VISIBLE = re.compile(r"(?:^|>)\s*[^\s<&]")


def is_blank_html(text: str) -> bool:
    """Whether HTML text shows nothing: only tags such as ``<br>`` (no image or other
    embedded content), white space, ``&nbsp;``."""
    if _VISIBLE.search(text):
        return False
    if "<" in text and _EMBEDDED.search(text):
        return False
    return not _SPACE.sub("", _MARKUP.sub("", text))

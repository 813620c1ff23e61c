"""Where each glyph of a field value goes: single line, comb cells, wrapped lines.

Viewers do not wrap or shrink text for us once NeedAppearances is gone (and
pypdf wraps only auto-sized fields), so the appearance of each field is laid
out here with the embedded font's shaped advance widths (HarfBuzz, see
:mod:`.fonts`: kerning, zero-width marks). The same plan is used to validate
(does it fit?) and to draw, so what validation accepts is what shows. A letter
and the combining marks after it (a cluster, e.g. D̂) never part: a comb cell
holds one cluster and a word too long for a line breaks between clusters.

Hand-written on purpose: greedy word wrapping with the font metrics; no
maintained library lays out text for PDF widget appearance streams.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from xzufi_toolkit.form.fonts import FormFont

__all__ = [
    "MIN_SIZE",
    "PAD",
    "TextPlan",
    "clusters",
    "plan_comb",
    "plan_line",
    "plan_multiline",
    "wrap",
]

PAD = 2.0  # inner padding in points, as Acrobat uses for bordered fields
MIN_SIZE = 6.0  # smaller text is not legible on a printed form
LEADING = 1.15


@dataclass(frozen=True, slots=True)
class TextPlan:
    """Font size and the positioned lines (x, baseline y, text) inside the widget box."""

    size: float
    lines: tuple[tuple[float, float, str], ...]
    fits: bool


def clusters(text: str) -> list[str]:
    """``text`` split before every character that is not a combining mark.

    A mark (general category M) stays with the letter before it, as HarfBuzz
    clusters it; a leading mark forms a cluster of its own.
    """
    out: list[str] = []
    for ch in text:
        if out and unicodedata.category(ch).startswith("M"):
            out[-1] += ch
        else:
            out.append(ch)
    return out


def _baseline_single(font: FormFont, size: float, height: float) -> float:
    """Baseline that centres capital letters vertically, as Acrobat does."""
    cap = font.cap_height * size / 1000.0
    return max(PAD + (-font.descent) * size / 1000.0 * 0.5, (height - cap) / 2.0)


def _auto_size(font: FormFont, height: float) -> float:
    return max(MIN_SIZE, min(12.0, (height - 2 * PAD) / ((font.ascent - font.descent) / 1000.0)))


def _x(align: int, width: float, text_w: float) -> float:
    if align == 1:
        return (width - text_w) / 2.0
    if align == 2:
        return width - PAD - text_w
    return PAD


def plan_line(
    font: FormFont, text: str, *, width: float, height: float, size: float | None, align: int = 0
) -> TextPlan:
    """One line; shrinks towards :data:`MIN_SIZE` when it would run past the box."""
    size = size or _auto_size(font, height)
    avail = width - 2 * PAD
    fits = True
    while font.width(text, size) > avail:
        if size <= MIN_SIZE:
            fits = False
            break
        size = max(MIN_SIZE, size - 0.5)
    x = _x(align, width, font.width(text, size))
    return TextPlan(size, ((x, _baseline_single(font, size, height), text),), fits)


def plan_comb(
    font: FormFont, text: str, *, cells: int, width: float, height: float, size: float | None
) -> TextPlan:
    """One cluster (letter and its marks) per cell, centred in it (e.g. the postcode)."""
    size = size or _auto_size(font, height)
    cell = width / cells
    y = _baseline_single(font, size, height)
    parts = clusters(text)
    lines = tuple(
        (i * cell + (cell - font.width(part, size)) / 2.0, y, part) for i, part in enumerate(parts)
    )
    return TextPlan(size, lines, len(parts) <= cells)


def wrap(font: FormFont, text: str, size: float, avail: float) -> list[str]:
    """Greedy word wrap by shaped width; words longer than a line break between clusters."""
    out: list[str] = []
    for para in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = ""
        for raw_word in para.replace("\t", " ").split(" "):
            word = raw_word
            candidate = f"{line} {word}" if line else word
            if font.width(candidate, size) <= avail:
                line = candidate
                continue
            if line:
                out.append(line)
            line = ""
            parts = clusters(word)
            while font.width(word, size) > avail and len(parts) > 1:
                cut = len(parts) - 1
                while cut > 1 and font.width("".join(parts[:cut]), size) > avail:
                    cut -= 1
                out.append("".join(parts[:cut]))
                parts = parts[cut:]
                word = "".join(parts)
            line = word
        out.append(line)
    return out


def plan_multiline(
    font: FormFont, text: str, *, width: float, height: float, size: float | None, align: int = 0
) -> TextPlan:
    """Wrapped lines from the top; shrinks the font until everything fits the box."""
    size = size or 10.0
    avail = width - 2 * PAD
    while True:
        lines = wrap(font, text, size, avail)
        leading = size * LEADING
        first = height - PAD - font.ascent * size / 1000.0
        needed = (len(lines) - 1) * leading - font.descent * size / 1000.0
        fits = first - needed >= PAD * 0.5
        if fits or size <= MIN_SIZE:
            break
        size = max(MIN_SIZE, size - 0.5)
    placed = tuple(
        (_x(align, width, font.width(line, size)), first - i * leading, line)
        for i, line in enumerate(lines)
    )
    return TextPlan(size, placed, fits)

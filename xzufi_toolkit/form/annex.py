"""Text that does not fit its box goes to an annex page, as paper forms ask for.

German forms say "ggf. auf gesondertem Blatt fortsetzen": a long hardship
statement or a long authority name does not fit a fixed box even at 6 pt.
Rather than cut it (pypdf) or refuse a valid application, the field shows
"siehe Anlage Nr. n / see annex no. n" and pages appended to the form carry
the full text under the field's label. /V keeps the full value.

Hand-written: the annex page layout (heading, wrapped lines, page breaks).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from xzufi_toolkit.form.fonts import FormFont
from xzufi_toolkit.form.inspect import FieldInfo, FormInfo
from xzufi_toolkit.form.layout import wrap

__all__ = ["ANNEX_KINDS", "AnnexEntry", "annex_notes", "annex_pages", "note_for"]

ANNEX_KINDS = frozenset({"text", "multiline"})
_NOTES = ("siehe Anlage Nr. {n} / see annex no. {n}", "siehe Anlage {n}", "Anl. {n}")
MARGIN = 56.0
SIZE = 10.0
LEADING = 13.0


@dataclass(frozen=True, slots=True)
class AnnexEntry:
    number: int
    label: str
    text: str


def note_for(font: FormFont, info: FieldInfo, number: int) -> str | None:
    """The longest continuation note that fits the field, or ``None``."""
    from xzufi_toolkit.form.values import plan_field

    for template in _NOTES:
        note = template.format(n=number)
        if plan_field(font, info, note).fits:
            return note
    return None


def annex_notes(
    font: FormFont, form: FormInfo, texts: Mapping[str, str]
) -> tuple[dict[str, str], list[AnnexEntry]]:
    """Notes to show instead of the texts that do not fit, and the annex entries.

    Fields are numbered in the order of the form, so the annex reads like the form.
    """
    from xzufi_toolkit.form.values import plan_field

    notes: dict[str, str] = {}
    entries: list[AnnexEntry] = []
    for info in form.fields:
        text = texts.get(info.name)
        if not text or info.kind not in ANNEX_KINDS or plan_field(font, info, text).fits:
            continue
        number = len(entries) + 1
        note = note_for(font, info, number)
        if note is None:
            continue  # the check reports FORM-TEXT-OVERFLOW; fill never gets here
        notes[info.name] = note
        entries.append(AnnexEntry(number, info.tooltip or info.name, text))
    return notes, entries


def annex_pages(
    font: FormFont, font_resource: str, page_size: tuple[float, float], entries: list[AnnexEntry]
) -> list[bytes]:
    """Content streams of the annex pages (A4 or the form's page size)."""
    width, height = page_size
    avail = width - 2 * MARGIN
    lines: list[tuple[float, str]] = [(13.0, "Anlage zum Antrag / Annex to the application")]
    for entry in entries:
        lines.append((0.0, ""))
        for part in wrap(font, f"Nr. {entry.number}: {entry.label}", 11.0, avail):
            lines.append((11.0, part))
        lines.extend((SIZE, part) for part in wrap(font, entry.text, SIZE, avail))
    pages: list[bytes] = []
    ops: list[bytes] = []
    y = height - MARGIN
    for size, text in lines:
        step = max(size, SIZE) * 1.3
        if y - step < MARGIN:
            pages.append(b"\n".join(ops))
            ops, y = [], height - MARGIN
        y -= step
        if text:
            tj = f"BT /{font_resource} {size:g} Tf 0 g {MARGIN:g} {y:.2f} Td ".encode()
            ops.append(tj + font.show(text, size) + b" ET")
    pages.append(b"\n".join(ops))
    total = len(pages)
    out = []
    for n, body in enumerate(pages, start=1):
        footer = f"Anlage / Annex {n} / {total}"
        tj = f"BT /{font_resource} 7 Tf 0 g {MARGIN:g} {MARGIN / 2:g} Td ".encode()
        out.append(body + b"\n" + tj + font.show(footer, 7.0) + b" ET")
    return out

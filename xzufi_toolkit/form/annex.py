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

__all__ = ["ANNEX_KINDS", "AnnexEntry", "AnnexPage", "annex_notes", "annex_pages", "note_for"]

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


@dataclass(frozen=True, slots=True)
class AnnexPage:
    """One annex page: its content stream and, per MCID, (element number, role).

    Consecutive MCIDs with the same element number form one structure element
    (H1 title, P heading with the applicant, H2 field label, P text); the footer
    is a pagination artifact.
    """

    content: bytes
    marks: tuple[tuple[int, str], ...]


def page_label(n: int, total: int) -> str:
    """Footer page number of form and annex pages alike (as scripts/make_form.py)."""
    return f"Seite {n} / {total} · Page {n} of {total}"


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
    font: FormFont,
    font_resource: str,
    page_size: tuple[float, float],
    entries: list[AnnexEntry],
    *,
    heading: str | None = None,
    form_pages: int = 0,
) -> list[AnnexPage]:
    """The annex pages (A4 or the form's page size), numbered after ``form_pages``.

    ``heading`` (the applicant and the Leistung) is repeated under the title of
    every annex page, so a loose sheet still says whose application it belongs to.
    """
    width, height = page_size
    avail = width - 2 * MARGIN
    title = "Anlage zum Antrag / Annex to the application"
    head: list[tuple[float, str, str]] = [(13.0, title, "H1")]
    if heading:
        head.extend((9.0, part, "P") for part in wrap(font, heading, 9.0, avail))
    lines: list[tuple[float, str, str]] = []
    for entry in entries:
        lines.append((0.0, "", ""))
        for part in wrap(font, f"Nr. {entry.number}: {entry.label}", 11.0, avail):
            lines.append((11.0, part, "H2"))
        lines.extend((SIZE, part, "P") for part in wrap(font, entry.text, SIZE, avail))
    pages: list[list[tuple[float, float, str, str]]] = []
    current: list[tuple[float, float, str, str]] = []
    y = height - MARGIN

    def start_page() -> float:
        top = height - MARGIN
        for size, text, role in head:
            top -= max(size, SIZE) * 1.3
            current.append((size, top, text, role))
        return top

    y = start_page()
    for size, text, role in lines:
        step = max(size, SIZE) * 1.3
        if y - step < MARGIN:
            pages.append(current)
            current = []
            y = start_page()
            if not text:
                continue
        y -= step
        if text:
            current.append((size, y, text, role))
    pages.append(current)
    total = form_pages + len(pages)
    out: list[AnnexPage] = []
    for n, body in enumerate(pages, start=form_pages + 1):
        ops: list[bytes] = []
        marks: list[tuple[int, str]] = []
        group, prev_role = 0, ""
        for mcid, (size, y, text, role) in enumerate(body):
            if role != prev_role or role == "H1":
                group += 1
                prev_role = role
            marks.append((group, role))
            tj = f"BT /{font_resource} {size:g} Tf 0 g {MARGIN:g} {y:.2f} Td ".encode()
            ops.append(
                f"/{role} <</MCID {mcid}>> BDC ".encode() + tj + font.show(text, size) + b" ET EMC"
            )
        footer = page_label(n, total)
        tj = f"BT /{font_resource} 7 Tf 0 g {MARGIN:g} {MARGIN / 2:g} Td ".encode()
        ops.append(
            b"/Artifact <</Type /Pagination>> BDC " + tj + font.show(footer, 7.0) + b" ET EMC"
        )
        out.append(AnnexPage(b"\n".join(ops), tuple(marks)))
    return out

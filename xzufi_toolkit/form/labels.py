"""The words printed next to each field: labels, and the texts of radio options.

A field name says little in many real forms ("Text3", "Optionsfeld1"); what a
person filling the form reads is the page text beside the widget. This module
reads the page text with positions (pdfium's text page, the engine of Chrome),
joins the characters into runs (one baseline, no wide gap), and picks per
widget the nearest run: for text fields and groups the one to the left on the
same line or just above; for a checkbox or a radio button the one to its right
(then left), as forms print "☐ ja". It is a suggestion for a person writing a
mapping, shown next to the /TU tooltip, never used to fill.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from xzufi_toolkit.form.inspect import (
    FieldInfo,
    FormInfo,
    iter_terminal_fields,
    on_states,
    open_form,
    page_of,
    widget_pages,
)

__all__ = ["TextRun", "nearest_text", "text_runs", "with_labels"]

Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in PDF points, y up

_GAP = 0.9  # a gap wider than this many font sizes ends a run (columns, "Rüde   Hündin")
_LEFT_REACH = 220.0  # how far left of a widget a label may be
_ABOVE_REACH = 30.0  # how far above
_RIGHT_REACH = 150.0  # how far right of a checkbox or radio button
_ALIGN = 12.0  # a label above a field starts where the field starts
# Bounds for hostile files: characters read per page, and field x run pairs
# compared; beyond them the labels are left out (they are a help, not a must).
MAX_CHARS = 200_000
MAX_PAIRS = 20_000_000


@dataclass(frozen=True, slots=True)
class TextRun:
    """Characters on one baseline without a wide gap, with their bounding box."""

    text: str
    box: Box


def text_runs(data: bytes, page_numbers: set[int]) -> dict[int, list[TextRun]]:
    """Runs of page text (content only, not widgets) on each of ``page_numbers`` (1-based)."""
    import pypdfium2 as pdfium
    from pypdfium2 import raw

    out: dict[int, list[TextRun]] = {}
    doc = pdfium.PdfDocument(data)
    try:
        for number in sorted(page_numbers):
            if not 1 <= number <= len(doc):
                continue
            page = doc[number - 1]
            textpage = page.get_textpage()
            runs: list[TextRun] = []
            chars: list[tuple[str, Box, float]] = []
            for i in range(min(textpage.count_chars(), MAX_CHARS)):
                code = raw.FPDFText_GetUnicode(textpage, i)
                if raw.FPDFText_IsGenerated(textpage, i) or code in (0, 10, 13, 0xFFFE):
                    _close(chars, runs)
                    continue
                box = textpage.get_charbox(i, loose=True)
                size = raw.FPDFText_GetFontSize(textpage, i) or 10.0
                if chars and not _same_run(chars[-1], box, size):
                    _close(chars, runs)
                chars.append((chr(code), box, size))
            _close(chars, runs)
            out[number] = runs
    finally:
        doc.close()
    return out


def _same_run(prev: tuple[str, Box, float], box: Box, size: float) -> bool:
    _, pbox, psize = prev
    same_line = abs((pbox[1] + pbox[3]) - (box[1] + box[3])) / 2 < 0.3 * max(size, psize)
    return same_line and -0.5 * size <= box[0] - pbox[2] <= _GAP * max(size, psize)


def _close(chars: list[tuple[str, Box, float]], runs: list[TextRun]) -> None:
    text = " ".join("".join(c for c, _, _ in chars).split())
    if text:
        boxes = [b for _, b, _ in chars]
        box = (
            min(b[0] for b in boxes),
            min(b[1] for b in boxes),
            max(b[2] for b in boxes),
            max(b[3] for b in boxes),
        )
        runs.append(TextRun(text, box))
    chars.clear()


def nearest_text(
    runs: list[TextRun], rect: Box, *, sides: tuple[str, ...], skip: set[TextRun] | None = None
) -> TextRun | None:
    """The closest run on the first of ``sides`` ("left", "above", "right") that has one.

    "left" and "above" count as one side (the nearer wins), since forms print a
    label either way.
    """
    x0, y0, x1, y1 = rect
    mid = (y0 + y1) / 2
    best: dict[str, tuple[float, TextRun]] = {}
    for run in runs:
        if skip and run in skip:
            continue
        rx0, ry0, rx1, ry1 = run.box
        on_line = ry0 - 3 <= mid <= ry1 + 3 or y0 - 3 <= (ry0 + ry1) / 2 <= y1 + 3
        candidates: list[tuple[str, float]] = []
        if on_line and rx1 <= x0 + 2 and x0 - rx1 <= _LEFT_REACH:
            candidates.append(("left", x0 - rx1))
        if on_line and rx0 >= x1 - 2 and rx0 - x1 <= _RIGHT_REACH:
            candidates.append(("right", rx0 - x1))
        if ry0 >= y1 - 2 and ry0 - y1 <= _ABOVE_REACH and abs(rx0 - x0) <= _ALIGN:
            candidates.append(("left", ry0 - y1))  # above (flush left) competes with left
        for side, gap in candidates:
            if side not in best or gap < best[side][0]:
                best[side] = (gap, run)
    for side in sides:
        key = "left" if side == "above" else side
        if key in best:
            return best[key][1]
    return None


def with_labels(data: bytes, info: FormInfo, *, file: str | None = None) -> FormInfo:
    """``info`` with each field's printed label and its radio/checkbox option texts.

    ``info`` comes back unchanged where the page text cannot be read (pdfium
    refuses a file pypdf repaired) or the work would be unbounded (see
    :data:`MAX_PAIRS`).
    """
    from pypdfium2 import PdfiumError

    from xzufi_toolkit.form.inspect import structure_errors

    reader = open_form(data, file=file)
    try:
        pages = widget_pages(reader)
        widgets: dict[str, list[tuple[str, Box, int]]] = {}
        for name, _node, kids in iter_terminal_fields(reader):
            widgets[name] = [(_first(on_states(w)), _rect(w), page_of(w, pages)) for w in kids]
        runs = text_runs(data, {f.page for f in info.fields})
    except (PdfiumError, *structure_errors()):
        return info
    pairs = sum(len(widgets.get(f.name, ())) + 1 for f in info.fields)
    if pairs * max((len(r) for r in runs.values()), default=0) > MAX_PAIRS:
        return info
    fields = [_labelled(f, widgets.get(f.name, []), runs.get(f.page, [])) for f in info.fields]
    return dataclasses.replace(info, fields=tuple(fields), by_name={})


def _labelled(f: FieldInfo, kids: list[tuple[str, Box, int]], runs: list[TextRun]) -> FieldInfo:
    if f.kind not in ("radio", "checkbox") or not kids:
        run = nearest_text(runs, _norm(f.rect), sides=("left",))
        return dataclasses.replace(f, label=run.text if run else None)
    texts: dict[str, str] = {}
    used: set[TextRun] = set()
    for state, rect, _page in kids:
        run = nearest_text(runs, rect, sides=("right", "left"))
        if run is not None and state and state not in texts:
            texts[state] = run.text
            used.add(run)
    label: str | None
    if f.kind == "checkbox":
        label = next(iter(texts.values()), None)
    else:  # the group's label: left of (or above) its leftmost button, not an option's text
        first = min((rect for _, rect, _ in kids), key=lambda r: (r[0], -r[1]))
        run = nearest_text(runs, first, sides=("left",), skip=used)
        label = run.text if run else None
    option_texts = tuple(texts.get(s, "") for s in f.on_states)
    return dataclasses.replace(f, label=label, option_texts=option_texts)


def _first(states: list[str]) -> str:
    return states[0] if states else ""


def _rect(widget: Any) -> Box:
    values = [float(v) for v in widget.get("/Rect", [0, 0, 0, 0])]
    return _norm((values + [0.0] * 4)[:4])


def _norm(r: tuple[float, ...] | list[float]) -> Box:
    return (min(r[0], r[2]), min(r[1], r[3]), max(r[0], r[2]), max(r[1], r[3]))

"""A clean, tagged AcroForm generated from a Stammdatenschema, and its filling.

One PDF field per Datenfeld, named by its path of element ids
(``G00000630/F00000013``; repeated blocks ``G00000015#2/F00000025``). Labels
are ``bezeichnungEingabe`` (else ``name``), drawn with the form font of
:mod:`xzufi_toolkit.form.fonts` (the embedded Roboto subset, shaped by
HarfBuzz), so every label is an embedded font; help texts become the field's
``/TU`` with the label. ``bool`` is a checkbox, ``select`` a radio group (up to
four codes) or a combo box with the code list's values, or a text field when
the codes are not at hand; dates take ``dd.mm.yyyy``; long texts are multi-line.

A repeated element gets as many blocks as ``max`` allows within a page budget
(:data:`MAX_BLOCKS`, :data:`BLOCK_BUDGET`); where more entries may exist, a
multi-line "weitere Einträge" field follows the blocks and the fill writes the
further entries there, continued on annex pages by the fill engine when long.

The page content and the widgets are tagged with :mod:`xzufi_toolkit.form.tagging`
(structure tree, /MarkInfo, /Lang de, XMP with dc:title and pdfuaid, a ``Form``
element bound to each widget). Filling goes through
:class:`xzufi_toolkit.form.fill.FormFiller`, the engine of the bundled form.

Hand-written: the layout (rows of fields packed by width, label wrapping, page
breaks, block budget) and the widget dictionaries; no maintained library
generates tagged AcroForms from a field tree.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from xzufi_toolkit.findings import Finding
from xzufi_toolkit.form.fonts import FormFont, embed_font, form_font
from xzufi_toolkit.form.layout import wrap
from xzufi_toolkit.form.tagging import Tagger, apply_structure
from xzufi_toolkit.form.values import FieldValue
from xzufi_toolkit.xdf.model import Datenfeld, Datenfeldgruppe, Feldart, label
from xzufi_toolkit.xdf.xsd import (
    DataEntry,
    GivenLists,
    Schema,
    ValueKind,
    code_info,
    data_entries,
    schema_plan,
    value_kind,
)

if TYPE_CHECKING:
    from pypdf.generic import DictionaryObject

    from xzufi_toolkit.form.fill import FormFiller

__all__ = [
    "BLOCK_BUDGET",
    "MAX_BLOCKS",
    "FormSlot",
    "GeneratedForm",
    "fill_schema_form",
    "form_values",
    "generate_form",
]

PAGE_W, PAGE_H = 595.2756, 841.8898  # A4
MARGIN = 42.0
CONTENT_W = PAGE_W - 2 * MARGIN
TOP = PAGE_H - MARGIN
BOTTOM = MARGIN + 14.0  # room for the page number
GAP = 6.0
LABEL_SIZE = 7.5
LABEL_LEAD = 9.0
FIELD_H = 16.0
MULTI_H = 52.0
TEXT_SIZE = 9.0
BOX = 10.0  # checkbox and radio button size
FONT = "XzufiRoboto"  # the fill engine's resource name: its font replaces this one
MAX_BLOCKS = 10  # blocks of one repeated element, at most
BLOCK_BUDGET = 0.5 * (TOP - BOTTOM)  # the blocks of one repeated element take at most this
MULTILINE_FROM = 300  # maxLength from which a text field has several lines
RADIO_MAX = 4  # more codes: a combo box
_STATE = re.compile(r"[A-Za-z0-9_-]{1,32}")
_BORDER = (0.55, 0.55, 0.6)
_FILL = (0.93, 0.95, 1.0)
_GREY = 0.88


@dataclass(frozen=True, slots=True)
class FormSlot:
    """One PDF field and where its value comes from in the data.

    ``path`` holds keys and 0-based indexes; for an ``overflow`` slot it leads to
    the repeated element and ``first`` is the first entry that has no block.
    """

    name: str
    kind: str  # text, multiline, date, checkbox, radio, combo, overflow
    path: tuple[str | int, ...]
    field: Datenfeld | None
    label: str
    options: tuple[str, ...] = ()
    option_labels: tuple[str, ...] = ()
    first: int = 0
    entry: DataEntry | None = None


@dataclass(frozen=True, slots=True)
class GeneratedForm:
    """The generated PDF and the slots behind its fields (in reading order)."""

    pdf: bytes
    slots: tuple[FormSlot, ...]
    title: str
    pages: int

    @property
    def by_name(self) -> dict[str, FormSlot]:
        return {s.name: s for s in self.slots}


# -- layout ------------------------------------------------------------------
@dataclass(slots=True)
class _Item:
    """A field (or static text) to place in a row: width share and its drawing."""

    share: float
    label: str
    slot: FormSlot | None  # None: static text of a label field
    height: float = FIELD_H
    text: str = ""


@dataclass(slots=True)
class _Page:
    ops: list[str] = field(default_factory=list)
    widgets: list[DictionaryObject] = field(default_factory=list)


def _num(v: float) -> str:
    text = f"{v:.2f}".rstrip("0").rstrip(".")
    return text if text not in ("", "-0") else "0"


class _Layout:
    """Places headings and rows of fields top to bottom; ``measure`` only counts height."""

    def __init__(self, font: FormFont, *, measure: bool = False) -> None:
        self.font = font
        self.measure = measure
        self.pages: list[_Page] = [_Page()]
        self.y = TOP
        self.used = 0.0
        self.slots: list[FormSlot] = []
        self.tagger = Tagger(self._sink)
        self.row: list[_Item] = []
        self.radio_parents: list[DictionaryObject] = []  # fields of the radio widgets

    def _sink(self, ops: str) -> None:
        self.pages[-1].ops.append(ops)

    @property
    def page(self) -> _Page:
        return self.pages[-1]

    def space(self, height: float) -> None:
        """Start a new page unless ``height`` fits below the current position."""
        self.used += height
        if self.measure or self.y - height >= BOTTOM or self.y >= TOP:
            return
        self.pages.append(_Page())
        self.tagger.next_page()
        self.y = TOP

    # -- text ------------------------------------------------------------------
    def text(self, x: float, y: float, text: str, size: float, gray: float = 0.0) -> None:
        if self.measure or not text:
            return
        show = self.font.show(text, size).decode("latin-1")
        self._sink(f"BT /{FONT} {_num(size)} Tf {_num(gray)} g {_num(x)} {_num(y)} Td {show} ET")

    def lines(self, text: str, size: float, width: float) -> list[str]:
        return [ln for ln in wrap(self.font, text, size, width) if ln] or [""]

    # -- blocks ------------------------------------------------------------------
    def title(self, title: str, subtitle: str) -> None:
        lines = self.lines(title, 14.0, CONTENT_W)
        self.space(18.0 * len(lines) + 20)
        with self.tagger.marked("H1"):
            for line in lines:
                self.y -= 18.0
                self.text(MARGIN, self.y, line, 14.0)
        with self.tagger.marked("P"):
            self.y -= 13.0
            self.text(MARGIN, self.y, subtitle, 8.0, 0.25)
        self.y -= 6.0

    def heading(self, text: str, level: int) -> None:
        self.flush()
        size = 10.0 if level <= 2 else 8.5
        lines = self.lines(text, size, CONTENT_W - 8)
        height = (size + 4) * len(lines) + 6
        self.space(height + FIELD_H + 2 * LABEL_LEAD)  # keep with the first row
        top = self.y - 4
        if not self.measure and level <= 2:
            with self.tagger.artifact():
                self._sink(
                    f"{_GREY} g {_num(MARGIN)} {_num(top - height + 6)} "
                    f"{_num(CONTENT_W)} {_num(height - 2)} re f 0 g"
                )
        with self.tagger.marked(f"H{min(level, 6)}"):
            y = top
            for line in lines:
                y -= size + 3
                self.text(MARGIN + 3, y, line, size)
        self.y -= height

    def add(self, item: _Item) -> None:
        if sum(i.share for i in self.row) + item.share > 1.0001:
            self.flush()
        self.row.append(item)

    def flush(self) -> None:
        if not self.row:
            return
        row, self.row = self.row, []
        gaps = GAP * (len(row) - 1)
        widths = [(CONTENT_W - gaps) * i.share / sum(i.share for i in row) for i in row]
        if sum(i.share for i in row) < 0.999:  # a short row keeps its shares
            widths = [(CONTENT_W - gaps) * i.share for i in row]
        heights = [self.item_height(i, w) for i, w in zip(row, widths, strict=True)]
        height = max(heights) + 5
        self.space(height)
        x = MARGIN
        for item, w in zip(row, widths, strict=True):
            if not self.measure:
                self.draw_item(item, x, w)
            x += w + GAP
        self.y -= height

    def item_height(self, item: _Item, width: float) -> float:
        slot = item.slot
        if slot is None:
            return LABEL_LEAD * len(self.lines(item.label, LABEL_SIZE + 0.5, width))
        if slot.kind == "checkbox":
            return max(BOX + 2, LABEL_LEAD * len(self.lines(item.label, 8.0, width - BOX - 5)))
        labels = LABEL_LEAD * len(self.lines(item.label, LABEL_SIZE, width))
        if slot.kind == "radio":
            return labels + self.radio_rows(slot, width)[1]
        return labels + 1 + item.height

    def radio_rows(self, slot: FormSlot, width: float) -> tuple[list[list[int]], float]:
        """Options of a radio group in lines: indexes per line, and the height."""
        rows: list[list[int]] = [[]]
        used = 0.0
        for i, text in enumerate(slot.option_labels):
            w = BOX + 4 + self.font.width(text, 8.0) + 12
            if rows[-1] and used + w > width:
                rows.append([])
                used = 0.0
            rows[-1].append(i)
            used += w
        return rows, len(rows) * (BOX + 4)

    # -- drawing one item ----------------------------------------------------------
    def draw_item(self, item: _Item, x: float, width: float) -> None:
        slot = item.slot
        if slot is None:
            with self.tagger.marked("P"):
                y = self.y
                for line in self.lines(item.label, LABEL_SIZE + 0.5, width):
                    y -= LABEL_LEAD
                    self.text(x, y, line, LABEL_SIZE + 0.5)
            return
        with self.tagger.element("Form"):
            if slot.kind == "checkbox":
                self.draw_checkbox(item, slot, x, width)
            elif slot.kind == "radio":
                self.draw_radio(item, slot, x, width)
            else:
                y = self.y
                with self.tagger.marked(None):
                    for line in self.lines(item.label, LABEL_SIZE, width):
                        y -= LABEL_LEAD
                        self.text(x, y, line, LABEL_SIZE, 0.15)
                rect = (x, y - 1 - item.height, x + width, y - 1)
                self.page.widgets.append(_text_widget(slot, rect))
                self.tagger.widget(slot.name)

    def draw_checkbox(self, item: _Item, slot: FormSlot, x: float, width: float) -> None:
        rect = (x, self.y - BOX - 1, x + BOX, self.y - 1)
        with self.tagger.marked(None):
            y = self.y
            for line in self.lines(item.label, 8.0, width - BOX - 5):
                y -= LABEL_LEAD
                self.text(x + BOX + 5, y + 1, line, 8.0)
        self.page.widgets.append(_checkbox_widget(slot, rect))
        self.tagger.widget(slot.name)

    def draw_radio(self, item: _Item, slot: FormSlot, x: float, width: float) -> None:
        y = self.y
        with self.tagger.marked(None):
            for line in self.lines(item.label, LABEL_SIZE, width):
                y -= LABEL_LEAD
                self.text(x, y, line, LABEL_SIZE, 0.15)
        rows, _ = self.radio_rows(slot, width)
        kids: list[tuple[str, tuple[float, float, float, float]]] = []
        for row in rows:
            y -= BOX + 4
            ox = x
            for i in row:
                state, text = slot.options[i], slot.option_labels[i]
                kids.append((state, (ox, y, ox + BOX, y + BOX)))
                with self.tagger.marked(None):
                    self.text(ox + BOX + 4, y + 2, text, 8.0)
                ox += BOX + 4 + self.font.width(text, 8.0) + 12
        parent, widgets = _radio_widgets(slot, kids)
        self.page.widgets.extend(widgets)
        self.radio_parents.append(parent)
        for state, _ in kids:
            self.tagger.widget(slot.name, state)


# -- what goes where ------------------------------------------------------------
def _share(slot: FormSlot, field: Datenfeld | None) -> tuple[float, float]:
    """Width share and box height of a slot."""
    if slot.kind in ("checkbox", "radio", "multiline", "overflow"):
        return 1.0, MULTI_H if slot.kind in ("multiline", "overflow") else FIELD_H
    if slot.kind == "date":
        return 0.25, FIELD_H
    p = field.praezisierung if field is not None else None
    hi = p.max_length if p is not None else None
    kind = value_kind(field) if field is not None else None
    if kind in (ValueKind.DECIMAL, ValueKind.INTEGER) or (hi is not None and hi <= 12):
        return 0.25, FIELD_H
    if hi is not None and hi > 60:
        return 1.0, FIELD_H
    return 0.5, FIELD_H


def _tooltip(element: Datenfeld | Datenfeldgruppe, text: str) -> str:
    help_text = (element.meta.hilfetext_eingabe or "").strip()
    return f"{text} – {help_text}" if help_text else text


class _Generator:
    def __init__(self, schema: Schema, given: GivenLists, font: FormFont) -> None:
        self.schema = schema
        self.given = given
        self.font = font

    def field_slot(self, fld: Datenfeld, name: str, path: tuple[str | int, ...]) -> FormSlot:
        text = label(fld)
        kind = value_kind(fld)
        if kind is ValueKind.BOOL:
            return FormSlot(name, "checkbox", path, fld, text)
        if kind is ValueKind.DATE:
            return FormSlot(name, "date", path, fld, text)
        if kind is ValueKind.CODE:
            info = code_info(fld, self.given)
            if info.complete and info.codes:  # a partial list would refuse valid codes
                names = dict(info.names)
                shown = tuple(f"{c} – {names[c]}" if c in names else c for c in info.codes)
                radio = len(info.codes) <= RADIO_MAX and all(
                    _STATE.fullmatch(c) for c in info.codes
                )
                return FormSlot(
                    name, "radio" if radio else "combo", path, fld, text, info.codes, shown
                )
        p = fld.praezisierung
        long = p is not None and p.max_length is not None and p.max_length >= MULTILINE_FROM
        return FormSlot(name, "multiline" if long else "text", path, fld, text)

    def blocks(self, entry: DataEntry, layout: _Layout) -> int:
        """How many blocks a repeated entry gets within the budget."""
        want = min(entry.max or MAX_BLOCKS, MAX_BLOCKS)
        if not isinstance(entry.element, Datenfeldgruppe):
            return max(1, want)
        probe = _Layout(self.font, measure=True)
        self.group(entry.element, probe, "x", ("x",), level=9)
        probe.flush()
        per_block = max(probe.used, 1.0) + 20
        return max(1, min(want, int(BLOCK_BUDGET // per_block)))

    def group(
        self,
        group: Schema | Datenfeldgruppe,
        layout: _Layout,
        prefix: str,
        path: tuple[str | int, ...],
        level: int,
    ) -> None:
        for struktur in group.struktur:
            el = struktur.element
            if isinstance(el, Datenfeld) and el.kind is Feldart.LABEL:
                layout.add(_Item(1.0, (el.inhalt or "").strip() or label(el), None))
        for entry in data_entries(group):
            self.entry(entry, layout, prefix, path, level)

    def entry(
        self,
        entry: DataEntry,
        layout: _Layout,
        prefix: str,
        path: tuple[str | int, ...],
        level: int,
    ) -> None:
        el = entry.element
        key = entry.key
        base = f"{prefix}/{key}" if prefix else key
        text = label(el)
        if not entry.repeated:
            if isinstance(el, Datenfeldgruppe):
                layout.heading(text, level)
                self.group(el, layout, base, (*path, key), level + 1)
                layout.flush()
            else:
                self.place(layout, self.field_slot(el, base, (*path, key)), el)
            return
        count = self.blocks(entry, layout)
        for i in range(count):
            name = f"{base}#{i + 1}"
            here = (*path, key, i)
            if isinstance(el, Datenfeldgruppe):
                layout.heading(f"{text} ({i + 1})", level)
                self.group(el, layout, name, here, level + 1)
                layout.flush()
            else:
                slot = self.field_slot(el, name, here)
                self.place(layout, slot, el, suffix=f" ({i + 1})")
        if entry.max is None or entry.max > count:
            more = f"{text}: weitere Einträge / further entries"
            slot = FormSlot(
                f"{base}#weitere", "overflow", (*path, key), None, more, first=count, entry=entry
            )
            layout.flush()
            self.place(layout, slot, el)

    def place(
        self, layout: _Layout, slot: FormSlot, el: Datenfeld | Datenfeldgruppe, suffix: str = ""
    ) -> None:
        share, height = _share(slot, el if isinstance(el, Datenfeld) else None)
        tip = _tooltip(el, slot.label + suffix)
        slot = FormSlot(
            slot.name,
            slot.kind,
            slot.path,
            slot.field,
            tip,
            slot.options,
            slot.option_labels,
            slot.first,
            slot.entry,
        )
        layout.slots.append(slot)
        layout.add(_Item(share, label(el) + suffix, slot, height))


def generate_form(
    schema: Schema, *, codelists: GivenLists = (), title: str | None = None
) -> GeneratedForm:
    """The tagged AcroForm of ``schema``; ``codelists`` as for ``data check``.

    Generated once per process, schema object and title.
    """
    extra = schema_plan(schema, codelists).extra
    form = extra.get(f"form:{title}")
    if not isinstance(form, GeneratedForm):
        form = extra[f"form:{title}"] = _generate(schema, codelists, title)
    return form


def _generate(schema: Schema, given: GivenLists, title: str | None) -> GeneratedForm:
    font = form_font()
    gen = _Generator(schema, given, font)
    layout = _Layout(font)
    ident = schema.identifikation
    heading = title or label(schema)
    layout.title(heading, f"Stammdatenschema {ident} – Formular erzeugt von xzufi-toolkit")
    with layout.tagger.element("Sect"):
        gen.group(schema, layout, "", (), level=2)
        layout.flush()
    pdf = _write_pdf(layout, heading, font)
    data = apply_structure(pdf, layout.tagger.root, title=heading, lang="de")
    return GeneratedForm(data, tuple(layout.slots), heading, len(layout.pages))


# -- PDF objects ------------------------------------------------------------------
def _rect(rect: tuple[float, float, float, float]) -> Any:
    from pypdf.generic import ArrayObject, FloatObject

    return ArrayObject(FloatObject(round(v, 2)) for v in rect)


def _mk() -> Any:
    from pypdf.generic import ArrayObject, DictionaryObject, FloatObject, NameObject

    return DictionaryObject(
        {
            NameObject("/BC"): ArrayObject(FloatObject(v) for v in _BORDER),
            NameObject("/BG"): ArrayObject(FloatObject(v) for v in _FILL),
        }
    )


def _widget_base(slot: FormSlot, rect: tuple[float, float, float, float]) -> Any:
    from pypdf.generic import (
        DictionaryObject,
        NameObject,
        NumberObject,
        TextStringObject,
    )

    return DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Widget"),
            NameObject("/T"): TextStringObject(slot.name),
            NameObject("/TU"): TextStringObject(slot.label),
            NameObject("/Rect"): _rect(rect),
            NameObject("/F"): NumberObject(4),
            NameObject("/MK"): _mk(),
            NameObject("/BS"): DictionaryObject(
                {NameObject("/W"): NumberObject(1), NameObject("/S"): NameObject("/S")}
            ),
        }
    )


def _text_widget(slot: FormSlot, rect: tuple[float, float, float, float]) -> Any:
    from pypdf.generic import (
        ArrayObject,
        DictionaryObject,
        NameObject,
        NumberObject,
        TextStringObject,
    )

    w = _widget_base(slot, rect)
    size = 8.0 if slot.kind in ("multiline", "overflow") else TEXT_SIZE
    w[NameObject("/DA")] = TextStringObject(f"/{FONT} {_num(size)} Tf 0 g")
    if slot.kind == "combo":
        w[NameObject("/FT")] = NameObject("/Ch")
        w[NameObject("/Ff")] = NumberObject(1 << 17)
        w[NameObject("/Opt")] = ArrayObject(
            ArrayObject([TextStringObject(c), TextStringObject(t)])
            for c, t in zip(slot.options, slot.option_labels, strict=True)
        )
        return w
    w[NameObject("/FT")] = NameObject("/Tx")
    flags = (1 << 12) if slot.kind in ("multiline", "overflow") else 0
    w[NameObject("/Ff")] = NumberObject(flags)
    p = slot.field.praezisierung if slot.field is not None else None
    if slot.kind == "text" and p is not None and p.max_length is not None:
        w[NameObject("/MaxLen")] = NumberObject(p.max_length)
    if slot.kind == "date":
        fmt = "dd.mm.yyyy"
        w[NameObject("/MaxLen")] = NumberObject(10)
        w[NameObject("/AA")] = DictionaryObject(
            {
                NameObject(key): DictionaryObject(
                    {
                        NameObject("/S"): NameObject("/JavaScript"),
                        NameObject("/JS"): TextStringObject(f'{js}("{fmt}");'),
                    }
                )
                for key, js in (("/F", "AFDate_FormatEx"), ("/K", "AFDate_KeystrokeEx"))
            }
        )
    return w


def _ap(ops: str, size: float) -> Any:
    from pypdf.generic import ArrayObject, DecodedStreamObject, FloatObject, NameObject

    s = DecodedStreamObject()
    s[NameObject("/Type")] = NameObject("/XObject")
    s[NameObject("/Subtype")] = NameObject("/Form")
    s[NameObject("/BBox")] = ArrayObject(
        [FloatObject(0), FloatObject(0), FloatObject(size), FloatObject(size)]
    )
    s.set_data(ops.encode("ascii"))
    return s


def _box_ops(round_box: bool) -> str:
    bg = " ".join(_num(v) for v in _FILL)
    bc = " ".join(_num(v) for v in _BORDER)
    if not round_box:
        return f"{bg} rg 0 0 {BOX} {BOX} re f {bc} RG 1 w 0.5 0.5 {BOX - 1} {BOX - 1} re S"
    ring = _circle(BOX / 2, BOX / 2 - 0.5)
    return f"{bg} rg {ring} f {bc} RG 1 w {ring} S"


def _circle(c: float, r: float) -> str:
    k = 0.5523 * r
    return (
        f"{_num(c + r)} {_num(c)} m "
        f"{_num(c + r)} {_num(c + k)} {_num(c + k)} {_num(c + r)} {_num(c)} {_num(c + r)} c "
        f"{_num(c - k)} {_num(c + r)} {_num(c - r)} {_num(c + k)} {_num(c - r)} {_num(c)} c "
        f"{_num(c - r)} {_num(c - k)} {_num(c - k)} {_num(c - r)} {_num(c)} {_num(c - r)} c "
        f"{_num(c + k)} {_num(c - r)} {_num(c + r)} {_num(c - k)} {_num(c + r)} {_num(c)} c"
    )


def _states(on: str, round_box: bool) -> Any:
    from pypdf.generic import DictionaryObject, NameObject

    off = _box_ops(round_box)
    if round_box:
        mark = f"0 g {_circle(BOX / 2, BOX / 4)} f"
    else:
        mark = (
            f"0 G 1.4 w 2.2 2.2 m {BOX - 2.2} {BOX - 2.2} l S 2.2 {BOX - 2.2} m {BOX - 2.2} 2.2 l S"
        )
    return DictionaryObject(
        {
            NameObject(f"/{on}"): _ap(f"{off} {mark}", BOX),
            NameObject("/Off"): _ap(off, BOX),
        }
    )


CHECKBOX_ON = "ja"


def _checkbox_widget(slot: FormSlot, rect: tuple[float, float, float, float]) -> Any:
    from pypdf.generic import DictionaryObject, NameObject, NumberObject

    w = _widget_base(slot, rect)
    w[NameObject("/FT")] = NameObject("/Btn")
    w[NameObject("/Ff")] = NumberObject(0)
    w[NameObject("/V")] = NameObject("/Off")
    w[NameObject("/AS")] = NameObject("/Off")
    w[NameObject("/AP")] = DictionaryObject({NameObject("/N"): _states(CHECKBOX_ON, False)})
    return w


def _radio_widgets(
    slot: FormSlot, kids: list[tuple[str, tuple[float, float, float, float]]]
) -> tuple[Any, list[Any]]:
    from pypdf.generic import DictionaryObject, NameObject, NumberObject, TextStringObject

    parent = DictionaryObject(
        {
            NameObject("/FT"): NameObject("/Btn"),
            NameObject("/Ff"): NumberObject((1 << 15) | (1 << 14)),
            NameObject("/T"): TextStringObject(slot.name),
            NameObject("/TU"): TextStringObject(slot.label),
            NameObject("/V"): NameObject("/Off"),
        }
    )
    widgets = []
    for state, rect in kids:
        w = _widget_base(slot, rect)
        for key in ("/T", "/TU"):
            del w[key]
        w[NameObject("/AS")] = NameObject("/Off")
        w[NameObject("/AP")] = DictionaryObject({NameObject("/N"): _states(state, True)})
        w[NameObject("/Parent")] = parent
        widgets.append(w)
    return parent, widgets


def _write_pdf(layout: _Layout, title: str, font: FormFont) -> bytes:
    from pypdf import PdfWriter
    from pypdf.generic import (
        ArrayObject,
        DecodedStreamObject,
        DictionaryObject,
        NameObject,
        TextStringObject,
    )

    writer = PdfWriter()
    font_ref = embed_font(writer, font)
    resources = DictionaryObject(
        {NameObject("/Font"): DictionaryObject({NameObject(f"/{FONT}"): font_ref})}
    )
    fields = ArrayObject()
    total = len(layout.pages)
    parents = {id(p): writer._add_object(p) for p in layout.radio_parents}
    kids_of: dict[int, ArrayObject] = {k: ArrayObject() for k in parents}
    for n, page in enumerate(layout.pages, start=1):
        pdf_page = writer.add_blank_page(PAGE_W, PAGE_H)
        footer = f"Seite {n} / {total}"
        show = font.show(footer, 7.0).decode("latin-1")
        ops = [
            *page.ops,
            "/Artifact <</Type /Pagination>> BDC",
            f"BT /{FONT} 7 Tf 0.3 g {_num(MARGIN)} {_num(MARGIN)} Td {show} ET",
            "EMC",
        ]
        content = DecodedStreamObject()
        content.set_data("\n".join(ops).encode("latin-1"))
        pdf_page[NameObject("/Contents")] = writer._add_object(content.flate_encode())
        pdf_page[NameObject("/Resources")] = resources
        annots = ArrayObject()
        for widget in page.widgets:
            widget[NameObject("/P")] = pdf_page.indirect_reference
            ap = widget.get("/AP")
            if ap is not None:  # streams must be indirect objects
                normal = ap["/N"]
                for state in list(normal.keys()):
                    normal[NameObject(state)] = writer._add_object(normal[state])
            ref = writer._add_object(widget)
            annots.append(ref)
            parent = widget.get("/Parent")
            if parent is not None:
                widget[NameObject("/Parent")] = parents[id(parent)]
                kids_of[id(parent)].append(ref)
            else:
                fields.append(ref)
        pdf_page[NameObject("/Annots")] = annots
    for key, ref in parents.items():
        parent_obj: Any = ref.get_object()
        parent_obj[NameObject("/Kids")] = kids_of[key]
        fields.append(ref)
    writer.root_object[NameObject("/AcroForm")] = DictionaryObject(
        {
            NameObject("/Fields"): fields,
            NameObject("/DR"): resources,
            NameObject("/DA"): TextStringObject(f"/{FONT} {_num(TEXT_SIZE)} Tf 0 g"),
        }
    )
    writer.add_metadata({"/Title": title, "/Creator": "xzufi-toolkit xdf form generate"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# -- values -------------------------------------------------------------------------
def _get(data: Any, path: tuple[str | int, ...]) -> tuple[bool, Any]:
    cur = data
    for step in path:
        if isinstance(step, int):
            if not isinstance(cur, list) or step >= len(cur):
                return False, None
            cur = cur[step]
        else:
            if not isinstance(cur, Mapping) or step not in cur:
                return False, None
            cur = cur[step]
    return True, cur


def _german_number(value: Any, currency: bool) -> str:
    if isinstance(value, bool):
        return str(value)
    if currency and isinstance(value, int | float | Decimal):
        return f"{Decimal(str(value)):,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    text = str(value)
    if isinstance(value, float):
        text = format(Decimal(repr(value)), "f")
    return text.replace(".", ",")


def _shown(fld: Datenfeld | None, value: Any) -> str:
    """A value as the form prints it (dates German, numbers with a decimal comma)."""
    kind = value_kind(fld) if fld is not None else None
    text = value if isinstance(value, str) else str(value)
    if kind is ValueKind.DATE and isinstance(value, str):
        with contextlib.suppress(ValueError):  # not a date: printed as given
            d = dt.date.fromisoformat(value)
            text = f"{d.day:02d}.{d.month:02d}.{d.year:04d}"  # strftime drops year zeros
    elif kind in (ValueKind.DECIMAL, ValueKind.INTEGER):
        currency = (
            fld is not None and fld.datentyp is not None and fld.datentyp.code == "num_currency"
        )
        text = _german_number(value, currency)
    elif kind is ValueKind.BOOL:
        text = "ja" if value else "nein"
    elif isinstance(value, Mapping):  # a file reference: its file name, else its id
        names = (value.get(k) for k in ("filename", "attachmentId"))
        text = next((n for n in names if isinstance(n, str)), "")
    return text


def _describe(element: Datenfeld | Datenfeldgruppe, value: Any) -> str:
    """An entry that has no block, as one line of text."""
    if isinstance(element, Datenfeld):
        return _shown(element, value)
    parts = []
    for entry in data_entries(element):
        if not isinstance(value, Mapping) or entry.key not in value:
            continue
        v = value[entry.key]
        items = v if entry.repeated and isinstance(v, list) else [v]
        text = ", ".join(_describe(entry.element, i) for i in items)
        name = unicodedata.normalize("NFC", label(entry.element))  # as the font checks it
        missing = set(form_font().missing(name))  # a label the font lacks: "?" (values stay)
        parts.append("".join("?" if c in missing else c for c in name) + f": {text}")
    return "; ".join(parts)


def form_values(form: GeneratedForm, data: Any) -> dict[str, FieldValue]:
    """Field name -> value for :class:`~xzufi_toolkit.form.fill.FormFiller` (present ones)."""
    out: dict[str, FieldValue] = {}
    for slot in form.slots:
        found, value = _get(data, slot.path)
        if not found:
            continue
        if slot.kind == "overflow":
            assert slot.entry is not None
            extra = value[slot.first :] if isinstance(value, list) else []
            if extra:
                lines = [
                    f"{slot.first + i + 1}. {_describe(slot.entry.element, v)}"
                    for i, v in enumerate(extra)
                ]
                out[slot.name] = "\n".join(lines)
        elif slot.kind == "checkbox":
            out[slot.name] = bool(value)
        elif slot.kind in ("radio", "combo"):
            out[slot.name] = str(value)
        else:
            out[slot.name] = _shown(slot.field, value)
    return out


def _filler(form: GeneratedForm) -> FormFiller:
    """The fill engine of ``form``, made once (it inspects the template)."""
    from xzufi_toolkit.form.fill import FormFiller

    filler = _FILLERS.get(id(form))
    if filler is None or filler[0] is not form:
        filler = _FILLERS[id(form)] = (form, FormFiller(form.pdf, file=f"<form of {form.title}>"))
    return filler[1]


_FILLERS: dict[int, tuple[GeneratedForm, FormFiller]] = {}


def fill_schema_form(
    schema: Schema,
    data: Any,
    *,
    codelists: GivenLists = (),
    flatten: bool = False,
    file: str | None = None,
    show_values: bool = False,
) -> tuple[bytes, list[Finding]]:
    """Generate the form of ``schema`` (once per process) and fill it with ``data``.

    Returns the PDF and the fill engine's notes (e.g. ``FORM-TEXT-ANNEX``);
    raises :class:`~xzufi_toolkit.errors.ValidationFailedError` when a value
    does not fit (nothing is written then).
    """
    form = generate_form(schema, codelists=codelists)
    if not form.slots:  # only label fields: nothing to fill (and no AcroForm to fill)
        return form.pdf, []
    filler = _filler(form)
    values = form_values(form, data)
    return filler.fill_report(values, flatten=flatten, file=file, show_values=show_values)

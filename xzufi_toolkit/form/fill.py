"""Fill an AcroForm with pypdf so that every viewer shows every value.

What pypdf's own ``update_page_form_field_values`` gets wrong for us (see
``docs/forms.md``): its appearances use the non-embedded standard Helvetica
(pdfium drops ś, Ş, ă; Cyrillic and Greek become "?"), fixed-size multiline
text is not wrapped, radio groups get a string /V Acrobat and Chrome ignore.

So values are written here directly on the pypdf objects of a cloned
template: /V for each field, an appearance stream (/AP /N) per widget drawn
with the embedded Roboto subset (shaped by HarfBuzz in :mod:`.fonts`, laid
out by :mod:`.layout`), /AS and a name
/V for checkboxes and radio groups, no NeedAppearances. Values are checked
first (:mod:`.values`); a fill with findings of severity error raises
:class:`~xzufi_toolkit.errors.ValidationFailedError` and writes nothing.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from xzufi_toolkit.errors import ValidationFailedError
from xzufi_toolkit.findings import Finding, Report
from xzufi_toolkit.form.annex import AnnexEntry, AnnexPage, annex_notes, annex_pages, page_label
from xzufi_toolkit.form.fonts import FormFont, form_font
from xzufi_toolkit.form.fonts import _utf16 as utf16_text  # the ActualText string of names
from xzufi_toolkit.form.inspect import (
    FieldInfo,
    FormInfo,
    damaged,
    inspect_form,
    iter_terminal_fields,
    structure_errors,
    widget_rotation,
)
from xzufi_toolkit.form.values import FieldValue, check_values, normalize_value, plan_field

if TYPE_CHECKING:
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

__all__ = ["FONT_RESOURCE", "FormFiller", "fill_form"]

FONT_RESOURCE = "XzufiRoboto"
# /Matrix of a rotated widget's appearance; the viewer then fits the turned BBox to /Rect
_ROTATION_MATRIX = {
    90: (0, 1, -1, 0, 0, 0),
    180: (-1, 0, 0, -1, 0, 0),
    270: (0, -1, 1, 0, 0, 0),
}


class FormFiller:
    """A template read once and filled many times (batch use keeps one per process).

    ``font`` defaults to the process-wide Roboto subset, built on first use.
    """

    def __init__(
        self, template: bytes, *, file: str | None = None, font: FormFont | None = None
    ) -> None:
        self.template = template
        self.file = file
        self.info: FormInfo = inspect_form(template, file=file)
        self.font = font or form_font()
        self._reader: PdfReader | None = None
        self._widths: ArrayObject | None = None

    @property
    def page_size(self) -> tuple[float, float]:
        """Width and height of the first page in points."""
        return self.info.page_size

    def check(
        self,
        values: Mapping[str, FieldValue],
        *,
        sources: Mapping[str, str] | None = None,
        file: str | None = None,
        show_values: bool = False,
        annex: bool = True,
    ) -> list[Finding]:
        """Findings for ``values``; see :mod:`xzufi_toolkit.form.values` for the codes."""
        return check_values(
            self.info,
            values,
            self.font,
            file=file,
            sources=sources,
            show_values=show_values,
            annex=annex,
        )

    def fill(
        self,
        values: Mapping[str, FieldValue],
        *,
        flatten: bool = False,
        sources: Mapping[str, str] | None = None,
        file: str | None = None,
        show_values: bool = False,
        annex: bool = True,
        annex_heading: str | None = None,
    ) -> bytes:
        """The filled PDF as bytes; raises ``ValidationFailedError`` on value errors.

        With ``annex`` (default) text that does not fit its box goes to annex pages;
        ``annex_heading`` (e.g. the applicant and the Leistung) heads each of them.
        """
        data, _ = self.fill_report(
            values,
            flatten=flatten,
            sources=sources,
            file=file,
            show_values=show_values,
            annex=annex,
            annex_heading=annex_heading,
        )
        return data

    def fill_report(
        self,
        values: Mapping[str, FieldValue],
        *,
        flatten: bool = False,
        sources: Mapping[str, str] | None = None,
        file: str | None = None,
        show_values: bool = False,
        annex: bool = True,
        annex_heading: str | None = None,
    ) -> tuple[bytes, list[Finding]]:
        """:meth:`fill`, also returning the findings below error (e.g. ``FORM-TEXT-ANNEX``)."""
        findings = self.check(
            values, sources=sources, file=file, show_values=show_values, annex=annex
        )
        report = Report(findings=findings, documents=1)
        if not report.valid:
            raise ValidationFailedError(
                f"{report.counts['error']} value(s) do not fit the form",
                report,
                file=file,
                hint="see the findings; nothing was written",
            )

        try:
            data = self._fill(values, annex=annex, annex_heading=annex_heading)
        except structure_errors() as exc:
            raise damaged(exc, "cannot fill this form", self.file, where=" in its fields") from None
        if flatten:
            from xzufi_toolkit.form.flatten import flatten_pdf

            data = flatten_pdf(data, file=self.file)
        return data, findings

    # -- implementation ---------------------------------------------------
    def shown_texts(
        self, values: Mapping[str, FieldValue], *, annex: bool = True
    ) -> tuple[dict[str, str], list[AnnexEntry]]:
        """What each text-like field shows (a note where the text went to the annex)."""
        texts: dict[str, str] = {}
        for name, raw in values.items():
            info = self.info.by_name[name]
            value = normalize_value(info, raw)
            if not isinstance(value, str) or info.kind in ("checkbox", "radio"):
                continue
            if info.kind in ("combo", "list"):
                value = info.labels[info.options.index(value)] if value else ""
            texts[name] = value
        if not annex:
            return texts, []
        notes, entries = annex_notes(self.font, self.info, texts)
        texts.update(notes)
        return texts, entries

    def _fill(
        self,
        values: Mapping[str, FieldValue],
        *,
        annex: bool = True,
        annex_heading: str | None = None,
    ) -> bytes:
        from pypdf import PdfReader, PdfWriter
        from pypdf.generic import NameObject

        if self._reader is None:
            self._reader = PdfReader(io.BytesIO(self.template), strict=False)
        writer = PdfWriter(clone_from=self._reader)
        acro: Any = writer.root_object["/AcroForm"].get_object()
        for key in ("/NeedAppearances", "/XFA"):
            if key in acro:
                del acro[key]
        fields = {name: (node, widgets) for name, node, widgets in iter_terminal_fields(writer)}
        shown, entries = self.shown_texts(values, annex=annex)
        font_ref: IndirectObject | None = None
        for name, raw in values.items():
            info = self.info.by_name[name]
            value = normalize_value(info, raw)
            node, widgets = fields[name]
            if info.kind in ("checkbox", "radio"):
                _set_state(node, widgets, str(value))
                continue
            if font_ref is None:
                font_ref = self._add_font(writer)
            node[NameObject("/V")] = _text(str(value))
            text = shown[name]
            if info.kind in ("combo", "list") and "/I" in node:
                del node["/I"]
            for widget in widgets:
                self._draw(writer, info, widget, text, font_ref)
            size = info.font_size or 0
            node[NameObject("/DA")] = _text(f"/{FONT_RESOURCE} {_num(size)} Tf 0 g")
        if entries:
            if font_ref is None:
                font_ref = self._add_font(writer)
            self._add_annex(writer, entries, font_ref, annex_heading)
        # the template's replaced appearance streams are unreferenced now: drop them (-15 %)
        writer.compress_identical_objects(remove_duplicates=False, remove_unreferenced=True)
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue()

    def _draw(
        self,
        writer: PdfWriter,
        info: FieldInfo,
        widget: DictionaryObject,
        text: str,
        font_ref: IndirectObject,
    ) -> None:
        from pypdf.generic import (
            ArrayObject,
            DecodedStreamObject,
            DictionaryObject,
            FloatObject,
            NameObject,
            NumberObject,
        )

        rect_obj: Any = widget["/Rect"]
        rect = [float(v) for v in rect_obj]
        width, height = abs(rect[2] - rect[0]), abs(rect[3] - rect[1])
        rotation = widget_rotation(widget)
        if rotation in (90, 270):  # laid out along the height; /Matrix turns it (12.5.5)
            width, height = height, width
        plan = plan_field(self.font, info, text, (width, height))
        ops = _frame(widget, width, height)
        ops.append(b"/Tx BMC q")
        ops.append(f"{_num(1)} {_num(1)} {_num(width - 2)} {_num(height - 2)} re W n".encode())
        ops.append(f"BT /{FONT_RESOURCE} {_num(plan.size)} Tf 0 g".encode())
        comb = info.kind == "comb" and len(plan.lines) > 1
        if comb:
            # One glyph per cell extracts as "1 0 1 1 5" (MuPDF: one line per cell,
            # even with an ActualText span). So the cells read as one space (pdfium
            # leaves a stray letter for an empty ActualText), and the value follows
            # once more, unspaced and invisible (3 Tr, as OCR text layers are): every
            # engine extracts and finds "10115".
            ops.append(b"/Span <</ActualText " + utf16_text(" ") + b">> BDC")
        x0 = y0 = 0.0
        for x, y, line in plan.lines:
            ops.append(
                f"{_num(x - x0)} {_num(y - y0)} Td ".encode() + self.font.show(line, plan.size)
            )
            x0, y0 = x, y
        if comb:
            fx, fy, _ = plan.lines[0]
            ops.append(b"EMC")
            ops.append(
                f"{_num(fx - x0)} {_num(fy - y0)} Td 3 Tr ".encode()
                + self.font.show(text, plan.size)
                + b" 0 Tr"
            )
        ops.append(b"ET Q EMC")
        stream = DecodedStreamObject()
        content = b"\n".join(ops)
        stream[NameObject("/Type")] = NameObject("/XObject")
        stream[NameObject("/Subtype")] = NameObject("/Form")
        stream[NameObject("/BBox")] = ArrayObject(
            [FloatObject(0), FloatObject(0), FloatObject(width), FloatObject(height)]
        )
        if rotation:
            stream[NameObject("/Matrix")] = ArrayObject(
                NumberObject(v) for v in _ROTATION_MATRIX[rotation]
            )
        stream[NameObject("/Resources")] = DictionaryObject(
            {NameObject("/Font"): DictionaryObject({NameObject(f"/{FONT_RESOURCE}"): font_ref})}
        )
        stream.set_data(content)
        ap_stream: Any = stream.flate_encode() if len(content) > 2048 else stream
        widget[NameObject("/AP")] = DictionaryObject(
            {NameObject("/N"): writer._add_object(ap_stream)}
        )

    def _add_annex(
        self,
        writer: PdfWriter,
        entries: list[AnnexEntry],
        font_ref: IndirectObject,
        heading: str | None = None,
    ) -> None:
        from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

        width, height = self.page_size
        form_pages = len(writer.pages)
        pages = annex_pages(
            self.font,
            FONT_RESOURCE,
            (width, height),
            entries,
            heading=heading,
            form_pages=form_pages,
        )
        resources = DictionaryObject(
            {NameObject("/Font"): DictionaryObject({NameObject(f"/{FONT_RESOURCE}"): font_ref})}
        )
        for annex_page in pages:
            page = writer.add_blank_page(width, height)
            stream = DecodedStreamObject()
            stream.set_data(annex_page.content)
            page[NameObject("/Contents")] = writer._add_object(stream.flate_encode())
            page[NameObject("/Resources")] = resources
            _tag_annex_page(writer, page, annex_page)
        _renumber_pages(writer, form_pages, form_pages + len(pages), self.font, font_ref)

    def _add_font(self, writer: PdfWriter) -> IndirectObject:
        """Embed the subset (:func:`.fonts.embed_font`) and register it in /DR."""
        from pypdf.generic import ArrayObject, DictionaryObject, NameObject, NumberObject

        from xzufi_toolkit.form.fonts import embed_font

        if self._widths is None:
            self._widths = ArrayObject(
                [NumberObject(0), ArrayObject(NumberObject(w) for w in self.font.widths)]
            )
        ref: IndirectObject = embed_font(writer, self.font, widths=self._widths)
        acro: Any = writer.root_object["/AcroForm"].get_object()
        dr: Any = acro.get("/DR")
        if dr is None:
            dr = DictionaryObject()
            acro[NameObject("/DR")] = dr
        dr = dr.get_object()
        fonts: Any = dr.get("/Font")
        if fonts is None:
            fonts = DictionaryObject()
            dr[NameObject("/Font")] = fonts
        fonts.get_object()[NameObject(f"/{FONT_RESOURCE}")] = ref
        return ref


def fill_form(
    template: bytes,
    values: Mapping[str, FieldValue],
    *,
    file: str | None = None,
    flatten: bool = False,
    show_values: bool = False,
) -> bytes:
    """Fill ``template`` once (for many fills, keep a :class:`FormFiller`)."""
    return FormFiller(template, file=file).fill(values, flatten=flatten, show_values=show_values)


def _tag_annex_page(writer: PdfWriter, page: Any, annex: AnnexPage) -> None:
    """Append the annex page's elements to a tagged template's structure tree.

    Each run of marks with the same element number becomes one H1/H2/P element
    under the Document element; the page's MCIDs go into the parent tree.
    Untagged templates are left untagged.
    """
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject, NumberObject

    root: Any = writer.root_object
    tree: Any = root.get("/StructTreeRoot")
    if tree is None:
        return
    tree = tree.get_object()
    doc: Any = tree["/K"]
    doc = doc.get_object()
    if isinstance(doc, ArrayObject):
        doc = doc[0].get_object()
    kids: Any = doc["/K"]
    if not isinstance(kids, ArrayObject):
        kids = ArrayObject([kids])
        doc[NameObject("/K")] = kids
    page_ref = page.indirect_reference
    per_mcid: list[Any] = []
    current: tuple[int, Any] | None = None
    for mcid, (group, role) in enumerate(annex.marks):
        if current is None or current[0] != group:
            elem = DictionaryObject(
                {
                    NameObject("/Type"): NameObject("/StructElem"),
                    NameObject("/S"): NameObject(f"/{role}"),
                    NameObject("/P"): doc.indirect_reference,
                    NameObject("/Pg"): page_ref,
                    NameObject("/K"): ArrayObject(),
                }
            )
            current = (group, writer._add_object(elem))
            kids.append(current[1])
        elem_obj: Any = current[1].get_object()
        elem_obj["/K"].append(NumberObject(mcid))
        per_mcid.append(current[1])
    parent: Any = tree["/ParentTree"].get_object()
    key = int(tree.get("/ParentTreeNextKey", 0))
    parent["/Nums"].extend([NumberObject(key), writer._add_object(ArrayObject(per_mcid))])
    tree[NameObject("/ParentTreeNextKey")] = NumberObject(key + 1)
    page[NameObject("/StructParents")] = NumberObject(key)
    page[NameObject("/Tabs")] = NameObject("/S")


def _renumber_pages(
    writer: PdfWriter, form_pages: int, total: int, font: FormFont, font_ref: IndirectObject
) -> None:
    """Redraw the template's "Seite n / N" with the annex pages counted.

    The bundled form draws each page number as its own form XObject
    (``/FormXob.pageno<n>``, see scripts/make_form.py); other forms have none.
    """
    from pypdf.generic import ArrayObject, DictionaryObject, FloatObject, NameObject

    for index in range(form_pages):
        page: Any = writer.pages[index]
        xobjects: Any = page.get("/Resources", {}).get("/XObject", {})
        name = f"/FormXob.pageno{index + 1}"
        if name not in xobjects:
            continue
        xobj: Any = xobjects[name].get_object()
        box = [float(v) for v in xobj["/BBox"]]
        label = page_label(index + 1, total)
        x = box[2] - 42.0 - font.width(label, 7.0)
        content = f"BT /{FONT_RESOURCE} 7 Tf 0 g {_num(x)} 24 Td ".encode()
        xobj.set_data(content + font.show(label, 7.0) + b" ET")
        xobj[NameObject("/Resources")] = DictionaryObject(
            {NameObject("/Font"): DictionaryObject({NameObject(f"/{FONT_RESOURCE}"): font_ref})}
        )
        xobj[NameObject("/BBox")] = ArrayObject(FloatObject(v) for v in box)


def _set_state(node: DictionaryObject, widgets: list[DictionaryObject], state: str) -> None:
    """Checkbox or radio group: /V as a name on the field, /AS on each widget.

    pypdf writes a radio group's /V as the string "(/name)" and copies it onto
    each kid, which Acrobat and Chrome read as "nothing selected".
    """
    from pypdf.generic import NameObject

    on = NameObject(f"/{state}")
    off = NameObject("/Off")
    node[NameObject("/V")] = on if state != "Off" else off
    for widget in widgets:
        if widget is not node and "/V" in widget:
            del widget["/V"]
        ap = widget.get("/AP")
        normal = ap.get_object().get("/N") if ap is not None else None
        has = normal is not None and on in normal.get_object()
        widget[NameObject("/AS")] = on if has else off


def _frame(widget: DictionaryObject, width: float, height: float) -> list[bytes]:
    """Background and border from the widget's /MK and /BS, as the template drew them."""
    mk = widget.get("/MK")
    mk = mk.get_object() if mk is not None else {}
    ops: list[bytes] = []
    bg = _color(mk.get("/BG"), fill=True)
    if bg:
        ops.append(bg + f" 0 0 {_num(width)} {_num(height)} re f".encode())
    bc = _color(mk.get("/BC"), fill=False)
    bs = widget.get("/BS")
    bw = float(bs.get_object().get("/W", 1)) if bs is not None else 1.0
    if bc and bw > 0:
        half = bw / 2
        box = f"{_num(half)} {_num(half)} {_num(width - bw)} {_num(height - bw)} re S"
        ops.append(bc + f" {_num(bw)} w ".encode() + box.encode())
    return ops


def _color(arr: Any, *, fill: bool) -> bytes:
    if arr is None:
        return b""
    comps = [float(v) for v in arr.get_object()]
    ops = {1: "g", 3: "rg", 4: "k"}.get(len(comps))
    if ops is None:
        return b""
    op = ops if fill else ops.upper()
    return (" ".join(_num(c) for c in comps) + f" {op}").encode()


def _num(v: float) -> str:
    text = f"{v:.3f}".rstrip("0").rstrip(".")
    return text if text not in ("", "-0") else "0"


def _text(s: str) -> Any:
    from pypdf.generic import TextStringObject

    return TextStringObject(s)

"""Generate the authority's PDF application form from its declarative description.

    .venv/bin/python scripts/make_form.py            # writes xzufi_toolkit/forms/<id>.pdf
    .venv/bin/python scripts/make_form.py --check    # exit 1 when the committed PDF differs

The description (``xzufi_toolkit/forms/aufenthalt-25-4-2.form.json``) lists pages,
sections and rows of fields; this script only lays them out. reportlab writes the
AcroForm (text, comb, multiline, combo, checkbox, radio); pypdf then adds what
reportlab cannot: date formats (/AA with AFDate_*), checkbox on-state names other
than /Yes, and the document title. The output is byte-for-byte reproducible, so
the mapping can pin it by SHA-256.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
FORMS = ROOT / "xzufi_toolkit" / "forms"

PAGE_W, PAGE_H = 595.2756, 841.8898  # A4 in points
MARGIN = 42.0
CONTENT_W = PAGE_W - 2 * MARGIN
GAP = 6.0
LABEL_SIZE = 7.0
# Labels are drawn with Roboto, embedded and subset by reportlab (PDF/UA 7.21.4.1: every
# font embedded). Regular is the package's own copy; Bold and Italic come from font-roboto.
# Registered under names of this script's own, afresh for each build: another user of
# reportlab in the process may have registered "Roboto" from another file.
REGULAR, BOLD, ITALIC = "MakeForm-Roboto", "MakeForm-Roboto-Bold", "MakeForm-Roboto-Italic"
BUTTON = 10.0  # checkboxes and radio buttons: one size
FIELD_H = 16.0
GREY = (0.88, 0.88, 0.88)
FIELD_BG = (0.93, 0.95, 1.0)


MIN_LABEL = 5.5  # smallest label size; below it the description must give more width


def _label(
    lay: Layout, x: float, y: float, de: str, en: str, size: float = LABEL_SIZE, width: float = 1e9
) -> None:
    """German label in bold, English after a slash in italic, like bilingual forms do.

    Both parts always print (a clerk and an applicant each need theirs): where they do
    not fit the field's width the size shrinks, and below MIN_LABEL the build stops.
    The English part is its own structure element with /Lang en.
    """
    c = lay.c
    sep = f" / {en}"
    while size > MIN_LABEL and (
        c.stringWidth(de, BOLD, size) + c.stringWidth(sep, ITALIC, size) > width - 2
    ):
        size -= 0.25
    w = c.stringWidth(de, BOLD, size)
    if w + c.stringWidth(sep, ITALIC, size) > width - 2:
        raise SystemExit(f"label does not fit its width even at {MIN_LABEL} pt: {de} / {en}")
    with lay.tag.marked(None):
        c.setFont(BOLD, size)
        c.drawString(x, y, de)
    with lay.tag.marked("Span", lang="en"):
        c.setFont(ITALIC, size)
        c.drawString(x + w, y, sep)


def _wrap(c: Any, text: str, font: str, size: float, width: float) -> list[str]:
    """reportlab's line split, without a lone last word ("AufenthG") where avoidable."""
    from reportlab.lib.utils import simpleSplit

    lines: list[str] = simpleSplit(text, font, size, width)
    if len(lines) >= 2 and " " not in lines[-1].strip():
        head, _, moved = lines[-2].rpartition(" ")
        candidate = f"{moved} {lines[-1]}"
        if head and c.stringWidth(candidate, font, size) <= width:
            lines[-2:] = [head, candidate]
    return lines


class Layout:
    """Places blocks top to bottom on A4 pages with reportlab, tagging as it draws."""

    def __init__(self, desc: dict[str, Any]) -> None:
        from reportlab.pdfgen import canvas

        from xzufi_toolkit.form.tagging import ReportlabSink, Tagger

        _register_fonts()
        self.desc = desc
        self.buf = io.BytesIO()
        self.c = canvas.Canvas(
            self.buf, pagesize=(PAGE_W, PAGE_H), invariant=1, initialFontName=REGULAR
        )
        self.title = f"{desc['title_de']} / {desc['title_en']}"
        self.c.setTitle(self.title)
        self.c.setAuthor("xzufi-toolkit")
        self.c.setSubject(f"Leistung {desc['leistungsschluessel']}")
        self.c.setCreator("xzufi-toolkit scripts/make_form.py")
        self.tag = Tagger(ReportlabSink(self.c))
        self.y = PAGE_H - MARGIN
        self.page_no = 1
        self.dates: list[str] = []
        self.checkboxes: dict[str, str] = {}
        self.signatures: list[tuple[str, int, tuple[float, float, float, float], str]] = []

    # -- blocks -----------------------------------------------------------
    def header(self, block: dict[str, Any]) -> None:
        del block
        c, d, tag = self.c, self.desc, self.tag
        stamp_w, stamp_h = 150.0, 70.0
        with tag.artifact():
            c.setLineWidth(0.6)
            c.rect(PAGE_W - MARGIN - stamp_w, self.y - stamp_h, stamp_w, stamp_h)
        with tag.element("P"):
            _label(self, MARGIN, self.y - 9, d["authority_de"], d["authority_en"], 8)
        with tag.marked("P"):
            c.setFont(REGULAR, 7)
            c.drawString(MARGIN, self.y - 20, f"Leistungsschlüssel {d['leistungsschluessel']}")
        with tag.element("P"):
            _label(self, PAGE_W - MARGIN - stamp_w + 4, self.y - 9, "Eingangsstempel", "Received")
        ty = self.y - stamp_h - 22
        with tag.element("H1"):
            with tag.marked(None):
                c.setFont(BOLD, 13)
                for line in _wrap(c, d["title_de"], BOLD, 13, CONTENT_W):
                    c.drawString(MARGIN, ty, line)
                    ty -= 16
            with tag.marked("Span", lang="en"):
                c.setFont(ITALIC, 10)
                for line in _wrap(c, d["title_en"], ITALIC, 10, CONTENT_W):
                    c.drawString(MARGIN, ty, line)
                    ty -= 13
        self.y = ty - 4

    def note(self, block: dict[str, Any]) -> None:
        self.y -= self._item_note(block, MARGIN, CONTENT_W) + 2

    def _item_note(self, block: dict[str, Any], x: float, width: float) -> float:
        c = self.c
        y = self.y - 9
        for text, font, lang in ((block["de"], REGULAR, None), (block["en"], ITALIC, "en")):
            with self.tag.marked("P", lang=lang):
                c.setFont(font, 8)
                for line in _wrap(c, text, font, 8, width):
                    c.drawString(x, y, line)
                    y -= 10
        return self.y - y

    def section(self, block: dict[str, Any]) -> None:
        c = self.c
        self.y -= 6
        with self.tag.element("Sect"):
            with self.tag.artifact():
                c.setFillColorRGB(*GREY)
                c.rect(MARGIN, self.y - 14, CONTENT_W, 14, stroke=0, fill=1)
                c.setFillColorRGB(0, 0, 0)
            with self.tag.element("H2"):
                _label(self, MARGIN + 3, self.y - 10, block["de"], block["en"], 9)
            self.y -= 18
            for row in block["rows"]:
                self.row(row)

    def row(self, items: list[dict[str, Any]]) -> None:
        x = MARGIN
        total_gap = GAP * (len(items) - 1)
        height = 0.0
        for item in items:
            w = (CONTENT_W - total_gap) * float(item["width"])
            height = max(height, self.item(item, x, w))
            x += w + GAP
        self.y -= height + 4

    def item(self, item: dict[str, Any], x: float, w: float) -> float:
        kind = item.get("kind") or item["type"]
        handler = getattr(self, f"_item_{kind}")
        used: float = handler(item, x, w)
        return used

    # -- items ------------------------------------------------------------
    def _text(
        self, item: dict[str, Any], x: float, w: float, h: float, flags: str, size: float
    ) -> float:
        y = self.y - 10 - h
        with self.tag.element("Form"):
            _label(self, x, self.y - 8, item["de"], item["en"], width=w)
            self.c.acroForm.textfield(
                **_field_style(item),
                x=x,
                y=y,
                width=w,
                height=h,
                maxlen=item.get("maxlen"),
                fontName="Helvetica",  # reportlab's own appearance; replaced by a font-free one
                fontSize=size,
                fieldFlags=flags,
            )
            self.tag.widget(item["name"])
        return 10 + h

    def _item_text(self, item: dict[str, Any], x: float, w: float) -> float:
        return self._text(item, x, w, FIELD_H, "", self.desc["text_size"])

    def _item_date(self, item: dict[str, Any], x: float, w: float) -> float:
        self.dates.append(item["name"])
        item = {**item, "maxlen": 10}
        return self._text(item, x, w, FIELD_H, "", self.desc["text_size"])

    def _item_comb(self, item: dict[str, Any], x: float, w: float) -> float:
        return self._text(item, x, w, FIELD_H, "comb doNotScroll", self.desc["text_size"])

    def _item_multiline(self, item: dict[str, Any], x: float, w: float) -> float:
        h = float(item["height"])
        return self._text(item, x, w, h, "multiline doNotScroll", self.desc["multiline_size"])

    def _item_combo(self, item: dict[str, Any], x: float, w: float) -> float:
        with self.tag.element("Form"):
            _label(self, x, self.y - 8, item["de"], item["en"], width=w)
            self.c.acroForm.choice(
                **_field_style(item),
                value=" ",  # reportlab cannot write an empty combo; postprocess removes " "
                options=[" ", *item["options"]],
                x=x,
                y=self.y - 10 - FIELD_H,
                width=w,
                height=FIELD_H,
                fontName="Helvetica",
                fontSize=self.desc["text_size"] - 1,
                fieldFlags="combo",
            )
            self.tag.widget(item["name"])
        return 10 + FIELD_H

    def _item_checkbox(self, item: dict[str, Any], x: float, w: float) -> float:
        size = BUTTON
        c = self.c
        lines = _wrap(c, f"{item['de']} / {item['en']}", REGULAR, LABEL_SIZE + 1, w - 16)
        with self.tag.element("Form"):
            self.c.acroForm.checkbox(
                **_field_style(item),
                x=x,
                y=self.y - size - 1,
                size=size,
                buttonStyle="cross",
                fieldFlags="",
            )
            self.tag.widget(item["name"])
            self.checkboxes[item["name"]] = item["on"]
            self._option_label(x + size + 5, self.y - 8, lines, item["de"])
        return max(size + 3, 9.0 * len(lines) + 2)

    def _option_label(self, x: float, y: float, lines: list[str], de: str) -> None:
        """A checkbox's or radio option's text: German regular, English italic (/Lang en)."""
        c, size = self.c, LABEL_SIZE + 1
        text = "\n".join(lines)
        split = len(de) if text.startswith(de) else len(text)
        offset = 0
        for n, line in enumerate(lines):
            de_part = line[: max(0, split - offset)]
            en_part = line[len(de_part) :]
            offset += len(line) + 1
            ly = y - 9 * n
            if de_part:
                with self.tag.marked(None):
                    c.setFont(REGULAR, size)
                    c.drawString(x, ly, de_part)
            if en_part:
                with self.tag.marked("Span", lang="en"):
                    c.setFont(ITALIC, size)
                    c.drawString(x + c.stringWidth(de_part, REGULAR, size), ly, en_part)

    def _item_radio(self, item: dict[str, Any], x: float, w: float) -> float:
        c = self.c
        lines = _wrap(c, f"{item['de']} / {item['en']}", BOLD, LABEL_SIZE, w)
        y = self.y - 8
        with self.tag.element("P"):
            for n, line in enumerate(lines):
                split = len(item["de"]) - sum(len(x_) + 1 for x_ in lines[:n])
                de_part, en_part = line[: max(0, split)], line[max(0, split) :]
                if de_part:
                    with self.tag.marked(None):
                        c.setFont(BOLD, LABEL_SIZE)
                        c.drawString(x, y, de_part)
                if en_part:
                    with self.tag.marked("Span", lang="en"):
                        c.setFont(ITALIC, LABEL_SIZE)
                        c.drawString(x + c.stringWidth(de_part, BOLD, LABEL_SIZE), y, en_part)
                y -= 9
        size = BUTTON
        ox = x
        for opt in item["options"]:
            with self.tag.element("Form"):
                c.acroForm.radio(
                    **_field_style(item),
                    value=opt["state"],
                    selected=False,
                    x=ox,
                    y=y - size + 8,
                    size=size,
                    buttonStyle="circle",
                    fieldFlags="noToggleToOff radio",
                )
                self.tag.widget(item["name"], opt["state"])
                label = f"{opt['de']} / {opt['en']}"
                self._option_label(ox + size + 4, y - 1, [label], opt["de"])
            ox += size + 14 + c.stringWidth(label, REGULAR, LABEL_SIZE + 1)
        return (self.y - y) + size - 1

    def _item_signature(self, item: dict[str, Any], x: float, w: float) -> float:
        h = float(item["height"])
        with self.tag.artifact():
            self.c.setLineWidth(0.6)
            self.c.rect(x, self.y - 10 - h, w, h)
        with self.tag.element("Form"):
            _label(self, x, self.y - 8, item["de"], item["en"], width=w)
            self.tag.widget(item["name"])
        tooltip = f"{item['de']} / {item['en']}"
        rect = (x, self.y - 10 - h, x + w, self.y - 10)
        self.signatures.append((item["name"], self.page_no - 1, rect, tooltip))
        return 10 + h

    def stamp(self, block: dict[str, Any]) -> None:
        del block
        c = self.c
        self.y -= 10
        h = min(200.0, self.y - MARGIN - 6)  # the official-use box takes the rest of the page
        with self.tag.artifact():
            c.setDash(3, 2)
            c.rect(MARGIN, self.y - h, CONTENT_W, h)
            c.setDash()
        with self.tag.element("P"):
            _label(self, MARGIN + 4, self.y - 10, "Vermerke der Behörde", "For official use only")
        self.y -= h

    # -- pages ------------------------------------------------------------
    def footer(self, pages: int) -> None:
        """Footer and page number as pagination artifacts.

        The page number is a form XObject of its own (``/FormXob.pageno<n>``), so a
        fill that appends annex pages can redraw "Seite n / N" with the new total.
        """
        c = self.c
        with self.tag.artifact("Pagination"):
            c.setFont(REGULAR, 7)
            c.drawString(MARGIN, MARGIN - 18, self.desc["footer"])
            name = f"pageno{self.page_no}"
            c.beginForm(name, lowerx=0, lowery=0, upperx=PAGE_W, uppery=40)
            c.setFont(REGULAR, 7)
            c.drawRightString(PAGE_W - MARGIN, MARGIN - 18, page_label(self.page_no, pages))
            c.endForm()
            c.doForm(name)

    def build(self) -> bytes:
        pages = self.desc["pages"]
        self.free: list[float] = []
        for blocks in pages:
            self.y = PAGE_H - MARGIN
            for block in blocks:
                getattr(self, block["type"])(block)
            if self.y < MARGIN:
                raise SystemExit(f"page {self.page_no} overflows by {MARGIN - self.y:.0f} pt")
            self.free.append((self.y - MARGIN) / (PAGE_H - 2 * MARGIN))
            self.footer(len(pages))
            self.c.showPage()
            self.tag.next_page()
            self.page_no += 1
        self.c.save()
        return self.buf.getvalue()


def page_label(n: int, total: int) -> str:
    """The footer's page number, as the filler redraws it (``form/fill.py``)."""
    return f"Seite {n} / {total} · Page {n} of {total}"


def _register_fonts() -> None:
    import font_roboto
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    from xzufi_toolkit.io.resources import data_file

    for name, path in (
        (REGULAR, str(data_file("fonts", "Roboto-Regular.ttf"))),
        (BOLD, font_roboto.RobotoBold),
        (ITALIC, font_roboto.RobotoItalic),
    ):
        # Not registerFont: it maps a second font of the same face name ("Roboto-Regular")
        # onto the first one registered in the process (e.g. form/verify.py's subset).
        pdfmetrics._fonts[name] = TTFont(name, path)


def _field_style(item: dict[str, Any]) -> dict[str, Any]:
    """What every field shares: its name, the bilingual tooltip, border and colours."""
    return {
        "name": item["name"],
        "tooltip": f"{item['de']} / {item['en']}",
        "borderWidth": 0.6,
        "borderColor": _color(0.3),
        "fillColor": _color(*FIELD_BG),
        "textColor": _color(0),
    }


def _color(*rgb: float) -> Any:
    from reportlab.lib.colors import Color

    if len(rgb) == 1:
        rgb = (rgb[0], rgb[0], rgb[0])
    return Color(*rgb)


def postprocess(
    pdf: bytes,
    dates: list[str],
    checkboxes: dict[str, str],
    signatures: list[tuple[str, int, tuple[float, float, float, float], str]],
) -> bytes:
    """Add what reportlab cannot write: date actions, on-state names, an unsigned
    signature field over the signature box (for pyHanko or a reader's signing
    tool), viewer prefs."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import (
        ArrayObject,
        DictionaryObject,
        FloatObject,
        NameObject,
        NumberObject,
        TextStringObject,
    )

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    for page in writer.pages:
        for annot_ref in page.get("/Annots", []):
            annot = annot_ref.get_object()
            field = annot.get("/Parent", annot).get_object() if "/T" not in annot else annot
            name = str(field.get("/T", ""))
            if name in dates:
                js = 'AFDate_FormatEx("dd.mm.yyyy");'
                keystroke = 'AFDate_KeystrokeEx("dd.mm.yyyy");'
                field[NameObject("/AA")] = DictionaryObject(
                    {
                        NameObject("/F"): _js(writer, js),
                        NameObject("/K"): _js(writer, keystroke),
                    }
                )
            if field.get("/FT") == "/Ch":
                opts = ArrayObject(o for o in field["/Opt"] if str(o) != " ")
                field[NameObject("/Opt")] = opts
                for key in ("/V", "/I"):
                    if key in field:
                        del field[key]
            if name in checkboxes:
                on = NameObject("/" + checkboxes[name])
                ap = annot["/AP"]
                for key in ("/N", "/D"):
                    states = ap[key].get_object()
                    if "/Yes" in states:
                        states[on] = states.raw_get("/Yes")
                        del states["/Yes"]
                annot[NameObject("/AS")] = NameObject("/Off")
                annot[NameObject("/V")] = NameObject("/Off")
    acro = writer._root_object["/AcroForm"].get_object()
    for name, page_index, rect, tooltip in signatures:
        page = writer.pages[page_index]
        widget = writer._add_object(
            DictionaryObject(
                {
                    NameObject("/Type"): NameObject("/Annot"),
                    NameObject("/Subtype"): NameObject("/Widget"),
                    NameObject("/FT"): NameObject("/Sig"),
                    NameObject("/T"): TextStringObject(name),
                    NameObject("/TU"): TextStringObject(tooltip),
                    NameObject("/Rect"): ArrayObject(FloatObject(round(v, 3)) for v in rect),
                    NameObject("/F"): NumberObject(4),
                    NameObject("/P"): page.indirect_reference,
                }
            )
        )
        page[NameObject("/Annots")].append(widget)
        acro["/Fields"].append(widget)
    if "/NeedAppearances" in acro:
        del acro["/NeedAppearances"]
    # A fixed /ID keeps the output reproducible (pypdf would otherwise derive one from time).
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _js(writer: Any, code: str) -> Any:
    from pypdf.generic import DictionaryObject, NameObject, TextStringObject

    return writer._add_object(
        DictionaryObject(
            {
                NameObject("/S"): NameObject("/JavaScript"),
                NameObject("/JS"): TextStringObject(code),
            }
        )
    )


def build(desc_path: Path) -> tuple[str, bytes]:
    desc = json.loads(desc_path.read_text(encoding="utf-8"))
    layout = Layout(desc)
    raw = layout.build()
    filled = postprocess(raw, layout.dates, layout.checkboxes, layout.signatures)
    from xzufi_toolkit.form.tagging import apply_structure

    # structure tree, MarkInfo, Lang, XMP (pdfuaid), DisplayDocTitle, Tabs, font-free widgets
    return desc["id"], apply_structure(filled, layout.tag.root, title=layout.title, lang="de")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("description", nargs="?", default=str(FORMS / "aufenthalt-25-4-2.form.json"))
    ap.add_argument("--check", action="store_true", help="compare with the committed PDF")
    args = ap.parse_args()
    form_id, pdf = build(Path(args.description))
    target = FORMS / f"{form_id}.pdf"
    if args.check:
        same = target.is_file() and target.read_bytes() == pdf
        print(("up to date: " if same else "DIFFERS: ") + str(target))
        return 0 if same else 1
    target.write_bytes(pdf)
    print(f"wrote {target} sha256={hashlib.sha256(pdf).hexdigest()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

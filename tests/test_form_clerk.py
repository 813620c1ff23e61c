"""The bundled form as a clerk reads it (issue 13): each objection stays fixed.

Filled from the bundled sample cases through the same path as ``form fill``
(case check, mapping, clerk values), then read back as a viewer shows it:
text from poppler (pdftotext) and pdfium, geometry from the widgets and from
pdfium's pixels.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import shutil
import subprocess
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from xzufi_toolkit.form.render import render_pdfium
from xzufi_toolkit.io.resources import fixture_file, form_file
from xzufi_toolkit.pipeline import check_case_bytes, fill_case

pytestmark = pytest.mark.render

FORM = form_file("aufenthalt-25-4-2.pdf")
DESCRIPTION = form_file("aufenthalt-25-4-2.form.json")
CASES = fixture_file("cases")
TODAY = dt.date(2026, 12, 1)


@cache
def _filled(case: str, *, flatten: bool = False, reasons: str | None = None) -> bytes:
    data = (CASES / f"{case}.json").read_bytes()
    if reasons is not None:
        doc = json.loads(data)
        doc["antrag"]["begruendungHaertefall"] = reasons
        data = json.dumps(doc, ensure_ascii=False).encode()
    checked = check_case_bytes(data, today=TODAY, file=f"{case}.json")
    pdf, _ = fill_case(checked.document, flatten=flatten, file=f"{case}.json")
    return pdf


def _text(pdf: bytes, *, page: int | None = None, layout: bool = False) -> str:
    exe = shutil.which("pdftotext")
    assert exe, "poppler-utils (pdftotext) is required"
    args = [exe, *(["-layout"] if layout else [])]
    if page is not None:
        args += ["-f", str(page), "-l", str(page)]
    res = subprocess.run([*args, "-", "-"], input=pdf, capture_output=True, check=True)
    return res.stdout.decode()


def _words(text: str) -> str:
    return " ".join(text.split())


def _pdfium_text(pdf: bytes, page: int) -> str:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    try:
        return str(doc[page - 1].get_textpage().get_text_range())
    finally:
        doc.close()


def _field_values(pdf: bytes) -> dict[str, Any]:
    from pypdf import PdfReader

    fields = PdfReader(io.BytesIO(pdf)).get_fields() or {}
    return {name: f.get("/V") for name, f in fields.items()}


# -- states, not nationalities; partial dates as registers write them ----------


@pytest.mark.parametrize("flatten", [False, True])
def test_country_fields_show_state_names(flatten: bool) -> None:
    # regulated-profession: born in state 163, passport issued by 163, nationality 163
    text = _words(_text(_filled("regulated-profession", flatten=flatten), page=1))
    assert "Türkei" in text
    assert text.count("türkisch") == 1  # only the nationality field says "türkisch"
    assert "Deutschland" in _words(_text(_filled("minor", flatten=flatten), page=1))
    if flatten:  # pdfium's text page holds page content only, not widgets
        assert "Syrien" in _pdfium_text(_filled("adult-employed", flatten=True), 1)


def test_state_list_is_separate_and_marked_incomplete() -> None:
    from xzufi_toolkit.reference import codelists

    staat, nationality = codelists.get("staat"), codelists.get("staatsangehoerigkeit")
    assert staat.uri != nationality.uri and not staat.complete
    assert set(staat) <= set(nationality)  # only codes the notes give
    mapping = json.loads(form_file("aufenthalt-25-4-2.mapping.json").read_text("utf-8"))
    for field in ("geburtsstaat", "pass_staat"):
        assert mapping["fields"][field]["table"] == "codelist:staat"


@pytest.mark.parametrize("flatten", [False, True])
def test_partial_birth_dates_in_german_register_notation(flatten: bool) -> None:
    assert "00.00.1979" in _text(_filled("regulated-profession", flatten=flatten), page=1)
    text = _text(_filled("sgb2-exempt", flatten=flatten), page=1)
    assert "00.07.1985" in text
    assert not re.search(r"(?<![\d.])07\.1985", text)


# -- English on every label -------------------------------------------------------


def test_every_label_has_its_english() -> None:
    desc = json.loads(DESCRIPTION.read_text("utf-8"))
    text = _words(_text(FORM.read_bytes()))
    missing = []
    for page in desc["pages"]:
        for block in page:
            items = [block] if "de" in block else []
            for row in block.get("rows", []):
                items.extend(row)
            for item in items:
                label = _words(f"{item['de']} / {item['en']}") if "en" in item else ""
                if label and label not in text and "note" not in (item.get("type"), block["type"]):
                    missing.append(item["de"])
                for opt in item.get("options", []):
                    if isinstance(opt, dict) and f"{opt['de']} / {opt['en']}" not in text:
                        missing.append(opt["de"])
    assert missing == []


def test_english_parts_are_tagged_english() -> None:
    import pikepdf

    with pikepdf.open(FORM) as pdf:
        langs: list[str] = []
        stack: list[Any] = [pdf.Root.StructTreeRoot.K[0]]
        while stack:
            node = stack.pop()
            if not isinstance(node, pikepdf.Dictionary) or "/S" not in node:
                continue
            if "/Lang" in node:
                langs.append(str(node.Lang))
            kids: Any = node.get("/K")
            stack.extend(kids if isinstance(kids, pikepdf.Array) else [kids])
        assert str(pdf.Root.Lang) == "de"
    assert langs.count("en") >= 60 and set(langs) == {"en"}


# -- radio buttons as large as checkboxes -------------------------------------------


def _widget_rects(pdf: bytes) -> dict[str, list[tuple[int, list[float]]]]:
    import pikepdf

    out: dict[str, list[tuple[int, list[float]]]] = {"radio": [], "checkbox": []}
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        for index, page in enumerate(doc.pages):
            for annot in page.obj.get("/Annots", []):
                parent = annot.get("/Parent", annot)
                if annot.get("/FT", parent.get("/FT")) != "/Btn":
                    continue
                flags = int(annot.get("/Ff", parent.get("/Ff", 0)))
                kind = "radio" if flags & (1 << 15) else "checkbox"
                out[kind].append((index + 1, [float(v) for v in annot.Rect]))
    return out


def _ink_box(pdf: bytes, page: int, rect: list[float], dpi: float) -> tuple[int, int]:
    """Width and height in pixels of the ink inside a widget's rectangle (+1 pt)."""
    img = render_pdfium(pdf, page, dpi=dpi)
    scale = dpi / 72.0
    x0, y0 = int((rect[0] - 1) * scale), int(img.height - (rect[3] + 1) * scale)
    x1, y1 = int((rect[2] + 1) * scale) + 1, int(img.height - (rect[1] - 1) * scale) + 1
    crop = img.crop(x0, y0, x1, y1)
    xs, ys = [], []
    for y in range(crop.height):
        for x in range(crop.width):
            if crop.pixels[y * crop.width + x] < 160:
                xs.append(x)
                ys.append(y)
    assert xs, "nothing drawn in the widget"
    return max(xs) - min(xs) + 1, max(ys) - min(ys) + 1


def test_radio_buttons_are_as_large_as_checkboxes() -> None:
    pdf = _filled("adult-employed")
    rects = _widget_rects(pdf)
    sizes = {
        kind: {(round(r[2] - r[0], 1), round(r[3] - r[1], 1)) for _, r in found}
        for kind, found in rects.items()
    }
    assert sizes["radio"] == sizes["checkbox"] == {(10.0, 10.0)}
    dpi = 288.0
    radio = _ink_box(pdf, *rects["radio"][0], dpi)
    box = _ink_box(pdf, *rects["checkbox"][0], dpi)
    # the drawn circle is as wide and high as the drawn square (within 2 px at 4x)
    assert abs(radio[0] - box[0]) <= 2 and abs(radio[1] - box[1]) <= 2
    assert radio[0] >= 9.0 * dpi / 72.0


# -- fee due, minor, legal representative --------------------------------------------


@pytest.mark.parametrize(
    ("case", "fee"),
    [
        ("adult-employed", "100 EUR"),
        ("regulated-profession", "100 EUR"),
        ("minor", "50 EUR (minderjährig / minor)"),
        ("sgb2-exempt", "0 EUR (gebührenfrei, SGB II/XII / exempt)"),
    ],
)
def test_fee_due_is_what_case_check_says(case: str, fee: str) -> None:
    from xzufi_toolkit.case.leistung import load_leistung
    from xzufi_toolkit.case.validate import validate_case

    data = json.loads((CASES / f"{case}.json").read_bytes())
    _, report = validate_case(data, today=TODAY, leistung=load_leistung())
    said = next(f for f in report.findings if f.code == "CASE-FEE")
    amount = fee.split(" (", maxsplit=1)[0]
    exempt = amount == "0 EUR" and "no fee" in said.message
    assert f"fee due: {amount} (" in said.message or exempt
    pdf = _filled(case)
    assert _field_values(pdf)["gebuehr"] == fee
    assert fee in _words(_text(_filled(case, flatten=True), page=3))


def test_minor_ticks_the_legal_representative_block() -> None:
    assert _field_values(_filled("minor"))["minderjaehrig"] == "/Ja"
    assert _field_values(_filled("adult-employed"))["minderjaehrig"] in ("/Off", None)
    flat = _words(_text(_filled("minor", flatten=True), page=3))
    assert "☒ Die antragstellende Person ist am Tag des Antrags minderjährig" in flat
    adult = _words(_text(_filled("adult-employed", flatten=True), page=3))
    assert "☐ Die antragstellende Person ist am Tag des Antrags minderjährig" in adult
    template = _words(_text(FORM.read_bytes(), page=3))
    for label in (
        "Name, Vornamen der gesetzlichen Vertretung",
        "Anschrift der gesetzlichen Vertretung",
        "Unterschrift gesetzl. Vertretung / Signature of legal representative",
    ):
        assert label in template


def test_flattened_radio_state_reads_as_text() -> None:
    text = _words(_text(_filled("adult-employed", flatten=True), page=1))
    # adult-employed is "m": männlich is ticked, the others are not
    assert "☐ weiblich / female ☒ männlich / male ☐ divers / diverse" in text


# -- annex: whose, which Leistung, page n of N ----------------------------------------

LONG = "Meine Mutter (87) ist seit 2019 bettlägerig; ich pflege sie täglich. " * 140


@pytest.mark.parametrize("flatten", [False, True])
def test_annex_pages_name_the_applicant_and_number_every_page(flatten: bool) -> None:
    pdf = _filled("adult-employed", flatten=flatten, reasons=LONG)
    from pypdf import PdfReader

    total = len(PdfReader(io.BytesIO(pdf)).pages)
    assert total > 3
    doc = json.loads((CASES / "adult-employed.json").read_bytes())
    name = doc["antragsteller"]["name"]["familienname"]
    for n in range(1, total + 1):
        text = _words(_text(pdf, page=n))
        assert f"Seite {n} / {total} · Page {n} of {total}" in text, n
        assert not re.search(rf"Seite {n} / (?!{total}\b)\d+", text)
        if n > 3:
            assert "Anlage zum Antrag / Annex to the application" in text
            assert name in text and "Leistung 99010022001012" in text


# -- layout: no lone "AufenthG", no page a third empty, fonts embedded -----------------


def test_no_line_is_a_lone_word_of_a_wrapped_text() -> None:
    lines = [ln.strip() for ln in _text(FORM.read_bytes(), layout=True).splitlines()]
    assert "AufenthG" not in lines
    assert not [ln for ln in lines if ln in ("AufenthG", "Act", "Residence Act")]


def test_no_page_is_a_third_empty() -> None:
    pdf = FORM.read_bytes()
    dpi = 36.0
    for page in (1, 2, 3):
        img = render_pdfium(pdf, page, dpi=dpi)
        scale = dpi / 72.0
        footer = int(img.height - 50 * scale)  # the footer line is not content
        rows = [
            y
            for y in range(int(42 * scale), footer)
            if any(p < 200 for p in img.pixels[y * img.width : (y + 1) * img.width])
        ]
        lowest = max(rows)
        empty = (footer - lowest) / (footer - 42 * scale)
        assert empty < 1 / 3, (page, round(empty, 2))


@pytest.mark.parametrize("flatten", [False, True])
def test_every_font_is_embedded(flatten: bool) -> None:
    exe = shutil.which("pdffonts")
    assert exe, "poppler-utils (pdffonts) is required"
    pdf = _filled("minor", flatten=flatten, reasons=LONG)
    res = subprocess.run([exe, "-"], input=pdf, capture_output=True, check=True)
    rows = res.stdout.decode().splitlines()[2:]
    assert rows
    for row in rows:
        emb = row.split()[-5]
        assert emb == "yes", row


def test_the_script_reproduces_the_form() -> None:
    exe = Path(__file__).resolve().parent.parent / "scripts" / "make_form.py"
    import sys

    res = subprocess.run([sys.executable, str(exe), "--check"], capture_output=True, check=False)
    assert res.returncode == 0, res.stdout.decode()

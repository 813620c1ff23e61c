"""What the viewers show: render the filled form with pdfium and poppler, field by field.

For every filled text field the rendered field region is compared with a
rendering of the expected text drawn independently (reportlab with its own
embedding of the same outlines, at the position and size our layout chose) in
the same engine (:mod:`xzufi_toolkit.form.verify`). A missing or wrong glyph
changes the ink inside the region; reading /V back would not notice.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from xzufi_toolkit.form import FormFiller, build_font
from xzufi_toolkit.form.fonts import repertoire
from xzufi_toolkit.form.mapping import apply_mapping, load_mapping
from xzufi_toolkit.form.render import GrayImage, png_bytes, render_pdfium, render_poppler
from xzufi_toolkit.form.verify import compare_fields, field_region
from xzufi_toolkit.io.resources import fixture_file, form_file

pytestmark = pytest.mark.render

ROOT = Path(__file__).resolve().parent.parent
FORM = form_file("aufenthalt-25-4-2.pdf")
DPI = 144.0
ENGINES = {"pdfium": render_pdfium, "poppler": render_poppler}
TOLERANCE = 0.005  # share of the expected ink without a counterpart within one pixel

NAMES: dict[str, dict[str, str]] = {
    "polish": {"familienname": "Wiśniewski", "vornamen": "Łukasz", "geburtsort": "Łódź"},
    "vietnamese": {"familienname": "Nguyễn", "vornamen": "Thị Minh Khai", "rufname": "Khai"},
    "romanian": {"familienname": "Popescu-Ştefănescu (geb. Bălan)", "vornamen": "Ioana Mădălina"},
    "greek": {"familienname": "Παπαδόπουλος", "vornamen": "Γιώργος", "geburtsort": "Θεσσαλονίκη"},
    "cyrillic": {"familienname": "Шевченко", "vornamen": "Олександр", "geburtsort": "Харків"},
    "german": {"strasse_hausnummer": "Straßburger Straße 7", "wohnort": "Gießen"},
}
CASE_FILES = sorted(
    [*fixture_file("cases").glob("*.json"), *(ROOT / "fixtures" / "forms" / "cases").glob("*.json")]
)


@pytest.fixture(scope="module")
def filler() -> FormFiller:
    return FormFiller(FORM.read_bytes())


def _region(filler: FormFiller, img: GrayImage, name: str) -> GrayImage:
    info = filler.info.by_name[name]
    return field_region(img, info.rect, dpi=DPI, page_height=filler.page_size[1])


@pytest.mark.parametrize("engine", sorted(ENGINES))
@pytest.mark.parametrize("names", sorted(NAMES), ids=str)
def test_every_name_is_drawn(filler: FormFiller, names: str, engine: str) -> None:
    values = NAMES[names]
    assert filler.check(values) == []
    for flatten in (False, True):
        pdf = filler.fill(values, flatten=flatten)
        scores = compare_fields(filler, pdf, values, ENGINES[engine], dpi=DPI)
        assert set(scores) == set(values)
        bad = {k: v for k, v in scores.items() if v > TOLERANCE}
        assert bad == {}, f"{engine} flatten={flatten}: fields drawn differently: {bad}"


@pytest.mark.parametrize("engine", sorted(ENGINES))
@pytest.mark.parametrize("case", CASE_FILES, ids=lambda p: p.stem)
def test_fixture_cases_show_every_value(filler: FormFiller, case: Path, engine: str) -> None:
    mapping = load_mapping(form_file("aufenthalt-25-4-2.mapping.json").read_bytes())
    values, _, problems = apply_mapping(mapping, json.loads(case.read_text(encoding="utf-8")))
    assert problems == []
    pdf = filler.fill(values)
    scores = compare_fields(filler, pdf, values, ENGINES[engine], dpi=DPI)
    assert len(scores) >= 20
    bad = {k: v for k, v in scores.items() if v > TOLERANCE}
    assert bad == {}, f"{engine}: fields drawn differently: {bad}"


@pytest.mark.parametrize("engine", sorted(ENGINES))
def test_checkbox_and_radio_show_their_state(filler: FormFiller, engine: str) -> None:
    render = ENGINES[engine]
    filled = filler.fill({"unterlage_lichtbild": True, "geschlecht": "divers"})
    empty = filler.fill({})
    box = filler.info.field("unterlage_lichtbild")
    on = _region(filler, render(filled, box.page, dpi=DPI), box.name).ink()
    off = _region(filler, render(empty, box.page, dpi=DPI), box.name).ink()
    assert on > off + 10
    radio = filler.info.field("geschlecht")  # rect of the first kid: "weiblich" stays empty
    first_on = _region(filler, render(filled, radio.page, dpi=DPI), radio.name).ink()
    first_off = _region(filler, render(empty, radio.page, dpi=DPI), radio.name).ink()
    assert first_on == first_off
    assert render(filled, radio.page, dpi=DPI).pixels != render(empty, radio.page, dpi=DPI).pixels


def test_a_missing_glyph_is_caught(filler: FormFiller) -> None:
    """Without ś in the font: validation refuses, and the render comparison sees it.

    U+0301 goes too: HarfBuzz would otherwise draw ś as s and a combining acute.
    """
    crippled = build_font(repertoire() - {ord("ś"), 0x0301})
    weak = FormFiller(FORM.read_bytes(), font=crippled)
    values = {"familienname": "Wiśniewski"}
    assert [f.code for f in weak.check(values)] == ["FORM-GLYPH-MISSING"]
    pdf = weak._fill(values)  # bypass the check, as a careless filler would
    for engine, render in ENGINES.items():
        score = compare_fields(filler, pdf, values, render, dpi=DPI)["familienname"]
        assert score > TOLERANCE, f"{engine} did not notice the missing glyph ({score:.3f})"


def test_a_lost_accent_is_caught(filler: FormFiller) -> None:
    pdf = filler.fill({"familienname": "Wisniewski"})
    for engine, render in ENGINES.items():
        score = compare_fields(filler, pdf, {"familienname": "Wiśniewski"}, render, dpi=DPI)
        assert score["familienname"] > TOLERANCE, f"{engine} did not notice the lost accent"


def test_preview_writes_png(tmp_path: Path) -> None:
    from xzufi_toolkit.cli.main import main

    out = tmp_path / "page.png"
    for engine in ENGINES:
        assert main(["form", "preview", str(FORM), "-o", str(out), "--engine", engine]) == 0
        data = out.read_bytes()
        assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 5000
    img = render_pdfium(FORM.read_bytes(), 1, dpi=30)
    assert png_bytes(img)[16:24] == img.width.to_bytes(4, "big") + img.height.to_bytes(4, "big")


@pytest.mark.parametrize("engine", sorted(ENGINES))
def test_rotated_widget_turns_its_text(filler: FormFiller, engine: str) -> None:
    """/MK /R 180: the field shows the same text upside down (pixels reversed)."""
    import io

    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import NameObject, NumberObject

    from xzufi_toolkit.form.verify import mismatch

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(FORM.read_bytes())))
    for ref in writer.root_object["/AcroForm"]["/Fields"]:
        node = ref.get_object()
        if node.get("/T") == "familienname":
            node["/MK"][NameObject("/R")] = NumberObject(180)
    buf = io.BytesIO()
    writer.write(buf)
    turned = FormFiller(buf.getvalue())
    assert turned.info.field("familienname").rotation == 180
    values = {"familienname": "Ştefănescu-Wiśniewski"}
    render = ENGINES[engine]
    upright = _region(filler, render(filler.fill(values), 1, dpi=DPI), "familienname")
    flipped = _region(turned, render(turned.fill(values), 1, dpi=DPI), "familienname")
    back = GrayImage(flipped.width, flipped.height, flipped.pixels[::-1])
    assert upright.ink() > 100
    assert mismatch(back, upright) < 0.05

"""What the viewers show: render the filled form with pdfium and poppler, field by field.

For every filled text field the rendered field region is compared with a
rendering of the expected text drawn independently (reportlab with its own
Roboto embedding, at the position and size our layout chose) in the same
engine. A missing or wrong glyph changes the ink inside the region; reading
/V back would not notice (pdfium once drew "Wi niewski" for "Wiśniewski").
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from xzufi_toolkit.form import FormFiller, build_font
from xzufi_toolkit.form.fonts import repertoire
from xzufi_toolkit.form.inspect import FieldInfo
from xzufi_toolkit.form.mapping import apply_mapping, load_mapping
from xzufi_toolkit.form.render import GrayImage, png_bytes, render_pdfium, render_poppler
from xzufi_toolkit.form.values import TEXT_KINDS, normalize_value, plan_field
from xzufi_toolkit.resources import fixture_file, form_file

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


def _reference(filler: FormFiller, values: dict[str, Any]) -> bytes:
    """The expected text of each field drawn as page content by reportlab."""
    import font_roboto
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    if "RobotoRef" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("RobotoRef", font_roboto.Roboto))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(595.2756, 841.8898), invariant=1)
    for page in range(1, filler.info.pages + 1):
        for name, text in _texts(filler, values).items():
            info = filler.info.field(name)
            if info.page != page:
                continue
            plan = plan_field(filler.font, info, text)
            c.setFont("RobotoRef", plan.size)
            for x, y, line in plan.lines:
                c.drawString(info.rect[0] + x, info.rect[1] + y, line)
        c.showPage()
    c.save()
    return buf.getvalue()


def _texts(filler: FormFiller, values: dict[str, Any]) -> dict[str, str]:
    out = {}
    for name, raw in values.items():
        info = filler.info.field(name)
        value = normalize_value(info, raw)
        if info.kind in TEXT_KINDS and isinstance(value, str) and value:
            out[name] = value
        elif info.kind == "combo" and isinstance(value, str) and value:
            out[name] = info.labels[info.options.index(value)]
    return out


def _region(img: GrayImage, info: FieldInfo) -> GrayImage:
    k = DPI / 72.0
    x0, y0, x1, y1 = info.rect
    inset = 2.0
    return img.crop(
        round((x0 + inset) * k),
        round((841.8898 - y1 + inset) * k),
        round((x1 - inset) * k),
        round((841.8898 - y0 - inset) * k),
    )


def _ink(img: GrayImage) -> set[tuple[int, int]]:
    w = img.width
    return {(i % w, i // w) for i, p in enumerate(img.pixels) if p < 128}


def _near(point: tuple[int, int], ink: set[tuple[int, int]]) -> bool:
    x, y = point
    return any((x + dx, y + dy) in ink for dx in (-1, 0, 1) for dy in (-1, 0, 1))


def _mismatch(shown: GrayImage, expected: GrayImage) -> float:
    """Share of ink without a counterpart within one pixel, in either image.

    The one-pixel slack absorbs the different rounding of page content and
    form XObjects in the engines; a missing accent or letter does not fit in it.
    """
    a, b = _ink(shown), _ink(expected)
    assert b, "the reference drew nothing"
    lost = sum(1 for p in b if not _near(p, a))
    extra = sum(1 for p in a if not _near(p, b))
    return (lost + extra) / len(b)


def _compare(
    filler: FormFiller, pdf: bytes, values: dict[str, Any], engine: str
) -> dict[str, float]:
    """Mismatch per field, rendering the filled form and the reference in ``engine``."""
    render = ENGINES[engine]
    ref = _reference(filler, values)
    texts = _texts(filler, values)
    pages = sorted({filler.info.field(n).page for n in texts})
    result: dict[str, float] = {}
    for page in pages:
        shown, expected = render(pdf, page, dpi=DPI), render(ref, page, dpi=DPI)
        for name in texts:
            info = filler.info.field(name)
            if info.page == page:
                result[name] = _mismatch(_region(shown, info), _region(expected, info))
    return result


@pytest.mark.parametrize("engine", sorted(ENGINES))
@pytest.mark.parametrize("names", sorted(NAMES), ids=str)
def test_every_name_is_drawn(filler: FormFiller, names: str, engine: str) -> None:
    values = NAMES[names]
    assert filler.check(values) == []
    for flatten in (False, True):
        pdf = filler.fill(values, flatten=flatten)
        bad = {k: v for k, v in _compare(filler, pdf, values, engine).items() if v > TOLERANCE}
        assert bad == {}, f"{engine} flatten={flatten}: fields drawn differently: {bad}"


@pytest.mark.parametrize("engine", sorted(ENGINES))
@pytest.mark.parametrize("case", CASE_FILES, ids=lambda p: p.stem)
def test_fixture_cases_show_every_value(filler: FormFiller, case: Path, engine: str) -> None:
    mapping = load_mapping(form_file("aufenthalt-25-4-2.mapping.json").read_bytes())
    values, _, problems = apply_mapping(mapping, json.loads(case.read_text(encoding="utf-8")))
    assert problems == []
    pdf = filler.fill(values)
    scores = _compare(filler, pdf, values, engine)
    assert len(scores) >= 20
    bad = {k: v for k, v in scores.items() if v > TOLERANCE}
    assert bad == {}, f"{engine}: fields drawn differently: {bad}"


@pytest.mark.parametrize("engine", sorted(ENGINES))
def test_checkbox_and_radio_show_their_state(filler: FormFiller, engine: str) -> None:
    render = ENGINES[engine]
    filled = filler.fill({"unterlage_lichtbild": True, "geschlecht": "divers"})
    empty = filler.fill({})
    box = filler.info.field("unterlage_lichtbild")
    assert _region(render(filled, box.page, dpi=DPI), box).ink() > (
        _region(render(empty, box.page, dpi=DPI), box).ink() + 10
    )
    radio = filler.info.field("geschlecht")  # rect of the first kid: "weiblich" stays empty
    first_on = _region(render(filled, radio.page, dpi=DPI), radio).ink()
    first_off = _region(render(empty, radio.page, dpi=DPI), radio).ink()
    assert first_on == first_off
    assert render(filled, radio.page, dpi=DPI).pixels != render(empty, radio.page, dpi=DPI).pixels


def test_a_missing_glyph_is_caught(filler: FormFiller) -> None:
    """Without ś in the font: validation refuses, and the render comparison sees it."""
    crippled = build_font(repertoire() - {ord("ś")})
    weak = FormFiller(FORM.read_bytes(), font=crippled)
    values = {"familienname": "Wiśniewski"}
    assert [f.code for f in weak.check(values)] == ["FORM-GLYPH-MISSING"]
    pdf = weak._fill(values)  # bypass the check, as a careless filler would
    for engine in ENGINES:
        score = _compare(filler, pdf, values, engine)["familienname"]
        assert score > TOLERANCE, f"{engine} did not notice the missing glyph ({score:.3f})"


def test_a_wrong_letter_is_caught(filler: FormFiller) -> None:
    pdf = filler.fill({"familienname": "Wisniewski"})
    for engine in ENGINES:
        score = _compare(filler, pdf, {"familienname": "Wiśniewski"}, engine)["familienname"]
        assert score > TOLERANCE, f"{engine} did not notice the missing accent ({score:.4f})"


def test_preview_writes_png(tmp_path: Path) -> None:
    from xzufi_toolkit.cli.main import main

    out = tmp_path / "page.png"
    for engine in ENGINES:
        assert main(["form", "preview", str(FORM), "-o", str(out), "--engine", engine]) == 0
        data = out.read_bytes()
        assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 5000
    img = render_pdfium(FORM.read_bytes(), 1, dpi=30)
    assert png_bytes(img)[16:24] == img.width.to_bytes(4, "big") + img.height.to_bytes(4, "big")

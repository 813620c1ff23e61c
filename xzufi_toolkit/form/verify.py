"""Prove what a filled form shows: compare rendered field regions with a reference.

The reference draws each expected text independently (reportlab, with its own
TrueType embedding of the same glyph outlines) at the size and place the
layout chose, glyph by glyph where HarfBuzz placed it, as page content.
Rendering both PDFs in the same engine and comparing the field regions pixel
by pixel catches a missing glyph, a wrong letter or a lost accent; reading /V
back cannot (pdfium once drew "Wi niewski" while /V said "Wiśniewski").

Needs reportlab (the ``test`` extra); everything else ships with the package.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping
from functools import cache
from typing import TYPE_CHECKING, Any

from xzufi_toolkit.errors import UsageError
from xzufi_toolkit.form.fonts import FormFont
from xzufi_toolkit.form.render import GrayImage
from xzufi_toolkit.form.values import FieldValue, plan_field

if TYPE_CHECKING:
    from xzufi_toolkit.form.fill import FormFiller

__all__ = ["compare_fields", "expected_texts", "field_region", "mismatch", "reference_pdf"]

Renderer = Callable[..., GrayImage]


def expected_texts(filler: FormFiller, values: Mapping[str, FieldValue]) -> dict[str, str]:
    """The text each text-like field should show: the value, the option's label, or
    the annex note where the text did not fit."""
    shown, _ = filler.shown_texts(values)
    return {name: text for name, text in shown.items() if text}


def reference_pdf(filler: FormFiller, texts: Mapping[str, str]) -> bytes:
    """A PDF of the template's page size with each text drawn where the field shows it."""
    try:
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.ttfonts import TTFont
        from reportlab.pdfgen import canvas
    except ImportError:
        raise UsageError(
            "verification needs reportlab", hint="pip install 'xzufi-toolkit[test]'"
        ) from None
    face = f"XzufiRef{id(filler.font)}"
    if face not in pdfmetrics.getRegisteredFontNames():
        # the very outlines we embed (unhinted), through reportlab's own embedding
        pdfmetrics.registerFont(TTFont(face, io.BytesIO(filler.font.ttf)))
    buf = io.BytesIO()
    width, height = filler.page_size
    c = canvas.Canvas(buf, pagesize=(width, height), invariant=1)
    for page in range(1, filler.info.pages + 1):
        for name, text in texts.items():
            info = filler.info.by_name[name]
            if info.page != page:
                continue
            plan = plan_field(filler.font, info, text)
            for x, y, line in plan.lines:
                at = (info.rect[0] + x, info.rect[1] + y)
                _draw_shaped(c, filler.font, line, face=face, size=plan.size, at=at)
        c.showPage()
    c.save()
    return buf.getvalue()


def _draw_shaped(
    c: Any, font: FormFont, line: str, *, face: str, size: float, at: tuple[float, float]
) -> None:
    """The shaped run as one text object of reportlab's own glyph codes.

    The positions are HarfBuzz's, as in the layout; the glyphs are looked up by
    code point in reportlab's embedding of the outlines (its own subsets and
    widths), so a wrong or missing glyph in our stream still shows. One ``TJ``
    per baseline, as a viewer draws our show operators.
    """
    from reportlab.pdfbase import pdfmetrics

    rl_font = pdfmetrics.getFont(face)
    doc = c._doc  # reportlab's TTFont.splitString wants the canvas's document; no accessor
    char_of = _chars(font)
    ops = [f"BT 1 0 0 1 {at[0]:.4f} {at[1]:.4f} Tm"]
    items: list[str] = []
    subset, rise, pen, cur = -1, 0.0, 0.0, 0.0

    def flush() -> None:
        if items:
            ops.append("[" + " ".join(items) + "] TJ")
            items.clear()

    for g in font.shape(line).glyphs:
        ch = char_of.get(g.gid)
        if ch is None:
            pen += g.advance
            continue
        ((sub, data),) = rl_font.splitString(ch, doc)
        if sub != subset:
            flush()
            ops.append(f"{rl_font.getSubsetInternalName(sub, doc)} {size:.4f} Tf")
            subset = sub
        if g.dy != rise:
            flush()
            rise = g.dy
            ops.append(f"{rise * size / 1000.0:.4f} Ts")
        x = pen + g.dx
        if abs(cur - x) > 0.0005:
            items.append(f"{cur - x:.4f}")
        items.append("<" + data.hex() + ">")
        cur = x + rl_font.stringWidth(ch, 1000.0)
        pen += g.advance
    flush()
    ops.append("0 Ts ET")
    c.addLiteral(" ".join(ops))


@cache
def _chars(font: FormFont) -> dict[int, str]:
    """Glyph id -> the lowest code point drawn with it (as the ToUnicode map says)."""
    out: dict[int, str] = {}
    for cp, gid in sorted(font.cmap.items()):
        out.setdefault(gid, chr(cp))
    return out


def field_region(
    img: GrayImage,
    rect: tuple[float, float, float, float],
    *,
    dpi: float,
    page_height: float,
    inset: float = 2.0,
) -> GrayImage:
    """The pixels inside a field's rectangle (PDF points, origin bottom left)."""
    k = dpi / 72.0
    x0, y0, x1, y1 = rect
    return img.crop(
        round((x0 + inset) * k),
        round((page_height - y1 + inset) * k),
        round((x1 - inset) * k),
        round((page_height - y0 - inset) * k),
    )


def _ink(img: GrayImage) -> set[tuple[int, int]]:
    w = img.width
    return {(i % w, i // w) for i, p in enumerate(img.pixels) if p < 128}


def _near(point: tuple[int, int], ink: set[tuple[int, int]]) -> bool:
    x, y = point
    return any((x + dx, y + dy) in ink for dx in (-1, 0, 1) for dy in (-1, 0, 1))


def mismatch(shown: GrayImage, expected: GrayImage) -> float:
    """Share of ink without a counterpart within one pixel, in either image.

    The one-pixel slack absorbs how engines round page content and form
    XObjects differently; a missing letter or accent does not fit in it.
    """
    a, b = _ink(shown), _ink(expected)
    if not b:
        return 0.0 if not a else 1.0
    lost = sum(1 for p in b if not _near(p, a))
    extra = sum(1 for p in a if not _near(p, b))
    return (lost + extra) / len(b)


def compare_fields(
    filler: FormFiller,
    pdf: bytes,
    values: Mapping[str, FieldValue],
    render: Renderer,
    *,
    dpi: float = 144.0,
) -> dict[str, float]:
    """:func:`mismatch` per text field of ``pdf`` (filled with ``values``) in one engine."""
    texts = expected_texts(filler, values)
    ref = reference_pdf(filler, texts)
    _, height = filler.page_size
    result: dict[str, float] = {}
    for page in sorted({filler.info.by_name[n].page for n in texts}):
        shown, expected = render(pdf, page, dpi=dpi), render(ref, page, dpi=dpi)
        for name in texts:
            info = filler.info.by_name[name]
            if info.page == page:
                a = field_region(shown, info.rect, dpi=dpi, page_height=height)
                b = field_region(expected, info.rect, dpi=dpi, page_height=height)
                result[name] = mismatch(a, b)
    return result

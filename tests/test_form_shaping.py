"""Combining marks in filled forms sit where the font's GPOS anchors put them.

DIN 91379 names include letters with marks that have no precomposed code
point (D̂, L̥̄, C̨̆). Drawn code point by code point, a zero-width mark lands at
its default place, made for lower-case letters: on a capital it collides with
the letter, and stacked marks overlap. The form text is shaped with HarfBuzz
(``FormFont.shape``); these tests read the rendered pixels (pdfium and poppler),
the extracted text (pdftotext and pdfium's text page) and the content streams.
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import unicodedata
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xzufi_toolkit.form import FormFiller, form_font
from xzufi_toolkit.form import fonts as fonts_mod
from xzufi_toolkit.form.fonts import FormFont, repertoire
from xzufi_toolkit.form.layout import clusters, plan_comb, wrap
from xzufi_toolkit.form.render import GrayImage, render_pdfium, render_poppler
from xzufi_toolkit.form.verify import field_region
from xzufi_toolkit.io.resources import data_file, form_file

FORM = form_file("aufenthalt-25-4-2.pdf")
DPI = 288.0
ENGINES: dict[str, Callable[..., GrayImage]] = {
    "pdfium": render_pdfium,
    "poppler": render_poppler,
}
TOL = 1  # pixels at DPI: a mark may touch its letter's ink by one row, not more
SEEN = 0.95  # share of a mark's ink that must stay visible next to its letter

# capitals with marks above, below and stacked (DIN 91379 sequences, and a
# precomposed letter with a second mark: Ī́, Û̄, Ṣ̄)
ABOVE = ["D\u0302", "M\u0302", "N\u0302", "A\u030b", "K\u0302", "J\u030c", "Ī\u0301", "Û\u0304"]
BELOW = ["H\u0331", "L\u0325", "S\u0331", "R\u0325"]
BOTH = ["L\u0325\u0304", "C\u0328\u0306", "Ṣ\u0304", "Ḳ\u0304"]  # last mark above the rest
PAGE1_TEXT = [
    "familienname",
    "geburtsname",
    "vornamen",
    "rufname",
    "geburtsort",
    "geburtsstaat",
    "staatsangehoerigkeiten",
    "strasse_hausnummer",
    "anschrift_zusatz",
    "wohnort",
    "telefon",
    "email",
    "pass_art",
    "pass_nummer",
    "pass_staat",
    "pass_behoerde",
    "titel_art",
    "titel_nummer",
    "titel_behoerde",
]


@cache
def sequences() -> list[str]:
    """Every DIN 91379 letter + combining mark sequence (NFC, no precomposed form)."""
    table = json.loads(data_file("din91379.json").read_text(encoding="utf-8"))
    return [
        "".join(chr(int(h, 16)) for h in entry.split())
        for group in table["groups"].values()
        for entry in group["sequences"]
    ]


@pytest.fixture(scope="module")
def filler() -> FormFiller:
    return FormFiller(FORM.read_bytes())


def _ink(img: GrayImage) -> set[tuple[int, int]]:
    w = img.width
    return {(i % w, i // w) for i, p in enumerate(img.pixels) if p < 128}


def _grow(ink: set[tuple[int, int]]) -> set[tuple[int, int]]:
    return {(x + dx, y + dy) for x, y in ink for dx in (-1, 0, 1) for dy in (-1, 0, 1)}


def _mark_ink(
    filler: FormFiller, engine: str, values: dict[str, str]
) -> dict[str, tuple[set[tuple[int, int]], set[tuple[int, int]]]]:
    """Per field: the ink of the value without its last mark, and the last mark's ink.

    The form is filled twice, with each value and without its last mark; the
    mark's ink is what the second rendering lacks (one pixel around the letter's
    ink is left out, as anti-aliasing blurs it).
    """
    render = ENGINES[engine]
    full = render(filler.fill(values), 1, dpi=DPI)
    bare = render(filler.fill({k: v[:-1] for k, v in values.items()}), 1, dpi=DPI)
    height = filler.page_size[1]
    out = {}
    for field in values:
        rect = filler.info.by_name[field].rect
        with_mark = _ink(field_region(full, rect, dpi=DPI, page_height=height, inset=1))
        base = _ink(field_region(bare, rect, dpi=DPI, page_height=height, inset=1))
        out[field] = (base, with_mark - _grow(base))
    return out


def _mark_geometry(
    filler: FormFiller, engine: str, samples: list[str]
) -> dict[str, tuple[range, range, float]]:
    """Rows (top to bottom) of the letter's ink and of its last mark's ink, and how
    much of the mark is visible: its ink against the same mark's on a lower-case x,
    where the default place fits. A mark that collides with its letter loses the
    ink it shares with it (and a letter cannot be told from a mark drawn over it)."""
    assert len(samples) <= len(PAGE1_TEXT)
    fields = PAGE1_TEXT[: len(samples)]
    ink = _mark_ink(filler, engine, dict(zip(fields, samples, strict=True)))
    alone = _mark_ink(
        filler, engine, {f: "x" + s[-1] for f, s in zip(fields, samples, strict=True)}
    )
    out: dict[str, tuple[range, range, float]] = {}
    for field, sample in zip(fields, samples, strict=True):
        base, mark = ink[field]
        assert base and mark, f"{engine}: {sample!r} drew no letter or no mark"
        rows = [y for _, y in base]
        mark_rows = [y for _, y in mark]
        out[sample] = (
            range(min(rows), max(rows) + 1),
            range(min(mark_rows), max(mark_rows) + 1),
            len(mark) / max(1, len(alone[field][1])),
        )
    return out


@pytest.mark.render
@pytest.mark.parametrize("engine", sorted(ENGINES))
def test_marks_above_capitals_clear_the_letter(filler: FormFiller, engine: str) -> None:
    """The mark above (also on a letter that has one already) lies above all its ink."""
    geometry = _mark_geometry(filler, engine, [*ABOVE, *BOTH])
    overlaps = {
        s: (letter.start, mark.stop - 1, round(seen, 2))
        for s, (letter, mark, seen) in geometry.items()
        if mark.stop - 1 > letter.start + TOL or seen < SEEN
    }
    assert overlaps == {}, f"{engine}: marks overlap their letter (top row, mark bottom row)"


@pytest.mark.render
@pytest.mark.parametrize("engine", sorted(ENGINES))
def test_marks_below_capitals_clear_the_letter(filler: FormFiller, engine: str) -> None:
    geometry = _mark_geometry(filler, engine, BELOW)
    overlaps = {
        s: (letter.stop - 1, mark.start, round(seen, 2))
        for s, (letter, mark, seen) in geometry.items()
        if mark.start < letter.stop - 1 - TOL or seen < SEEN
    }
    assert overlaps == {}, f"{engine}: marks overlap their letter (bottom row, mark top row)"


def _words(text: str) -> list[str]:
    return text.replace("\r\n", "\n").split()


def _pdftotext(pdf: bytes, tmp: Path) -> str:
    exe = shutil.which("pdftotext")
    assert exe is not None, "poppler-utils must be installed for the form tests"
    src = tmp / "in.pdf"
    src.write_bytes(pdf)
    res = subprocess.run([exe, "-enc", "UTF-8", str(src), "-"], capture_output=True, check=True)
    return res.stdout.decode("utf-8")


def _pdfium_text(pdf: bytes) -> str:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    try:
        return "\n".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
    finally:
        doc.close()


def _batches(filler: FormFiller, words: list[str], per_field: int) -> Iterator[dict[str, str]]:
    fields = [f for f in PAGE1_TEXT if (filler.info.by_name[f].max_len or 0) >= 40]
    values = [" ".join(words[i : i + per_field]) for i in range(0, len(words), per_field)]
    for i in range(0, len(values), len(fields)):
        yield dict(zip(fields, values[i : i + len(fields)], strict=False))


@pytest.mark.render
def test_every_sequence_extracts_as_typed(filler: FormFiller, tmp_path: Path) -> None:
    """pdftotext and pdfium's text page give back each name exactly (NFC), flattened or not.

    A mark moved by GPOS is a separate show operator at another baseline; without
    the ActualText span pdfium appended it after the word and poppler split words.
    """
    words = [f"Qx{s}zy" for s in sequences()]  # no word of the form starts with Qx
    for values in _batches(filler, words, per_field=3):
        expected = sorted(w for v in values.values() for w in v.split())
        filled = filler.fill(values)
        flat = filler.fill(values, flatten=True)
        for engine, text in (
            ("poppler", _pdftotext(filled, tmp_path)),
            ("poppler flattened", _pdftotext(flat, tmp_path)),
            ("pdfium flattened", _pdfium_text(flat)),  # pdfium reads widget text once flattened
        ):
            got = _words(text)
            assert sorted(w for w in got if w.startswith("Qx")) == expected, engine
            stray = [w for w in got if unicodedata.category(w[0]).startswith("M")]
            assert stray == [], f"{engine}: marks torn from their letter"


def test_every_din91379_character_and_sequence_is_shaped_without_notdef() -> None:
    font = form_font()
    for text in [*sequences(), *(chr(cp) for cp in sorted(repertoire()))]:
        run = font.shape(text)
        assert run.glyphs, repr(text)
        assert all(g.gid != 0 for g in run.glyphs), f"{text!r} shaped to .notdef"


def test_the_subset_keeps_positioning_but_no_substitution() -> None:
    """GPOS with kern/mark/mkmk and the anchors of the capitals; no GSUB (ToUnicode stays 1:1)."""
    from fontTools.ttLib import TTFont

    font = form_font()
    tt = TTFont(io.BytesIO(font.shaping_ttf))
    assert "GSUB" not in tt and "GDEF" in tt
    embedded = TTFont(io.BytesIO(font.ttf))  # what the PDF carries: no layout tables
    assert not {"GSUB", "GPOS", "GDEF"} & set(embedded.keys())
    assert embedded.getGlyphOrder() == tt.getGlyphOrder()
    gpos = tt["GPOS"].table
    assert {r.FeatureTag for r in gpos.FeatureList.FeatureRecord} == {"kern", "mark", "mkmk"}
    order = tt.getGlyphOrder()
    bases: set[str] = set()
    marks: set[str] = set()
    for lookup in gpos.LookupList.Lookup:
        for table in lookup.SubTable:
            sub = getattr(table, "ExtSubTable", table)
            if getattr(sub, "Format", None) == 1 and hasattr(sub, "BaseCoverage"):
                bases.update(sub.BaseCoverage.glyphs)
                marks.update(sub.MarkCoverage.glyphs)
    for letter in "DMNAKJHLSRC":
        assert order[font.cmap[ord(letter)]] in bases, f"no mark anchor on {letter}"
    for mark in (0x0302, 0x030B, 0x0325, 0x0331, 0x0304, 0x0306, 0x0328):
        assert order[font.cmap[mark]] in marks, f"U+{mark:04X} is no mark"


def test_marks_are_placed_and_capitals_kerned() -> None:
    font = form_font()
    d_hat = font.shape("D\u0302")
    assert [g.gid for g in d_hat.glyphs] == [font.cmap[0x44], font.cmap[0x302]]
    base, mark = d_hat.glyphs
    assert mark.advance == 0 and mark.dy > 0  # raised above the capital
    assert d_hat.width == base.advance == font.widths[base.gid]
    assert font.shape("AVA").width < sum(font.widths[g] for g in font.gids("AVA"))  # kern
    assert font.show("Wiesbaden", 10) == font.encode("Wiesbaden") + b" Tj"  # plain stays plain


def test_comb_cells_hold_whole_clusters() -> None:
    font = form_font()
    plan = plan_comb(font, "AD\u0302C", cells=3, width=60, height=16, size=10)
    assert [text for _, _, text in plan.lines] == ["A", "D\u0302", "C"]
    assert plan.fits
    assert not plan_comb(font, "AD\u0302CE", cells=3, width=60, height=16, size=10).fits
    assert clusters("\u0302L\u0325\u0304a") == ["\u0302", "L\u0325\u0304", "a"]


def _units() -> list[str]:
    chars = [
        chr(cp)
        for cp in sorted(repertoire())
        if not unicodedata.category(chr(cp)).startswith(("M", "Z", "C"))
    ]
    return [*sequences(), *chars[::7], " ", " "]


NAMES = st.lists(st.sampled_from(_units()), min_size=1, max_size=14).map(
    lambda parts: unicodedata.normalize("NFC", "".join(parts))
)


def _simulate(
    data: bytes, font: FormFont, size: float
) -> tuple[list[tuple[int, float, float]], str]:
    """Glyphs drawn (gid, x, y in 1/1000 em) and the text a viewer extracts."""
    import pikepdf

    char_of: dict[int, str] = {}
    for cp, gid in sorted(font.cmap.items()):
        char_of.setdefault(gid, chr(cp))
    pdf = pikepdf.new()
    x = rise = 0.0
    drawn: list[tuple[int, float, float]] = []
    text: list[str] = []
    span: str | None = None
    depth = 0
    for operands, op in pikepdf.parse_content_stream(pikepdf.Stream(pdf, data)):
        name = str(op)
        if name == "BDC":
            assert depth == 0, "spans do not nest"
            depth += 1
            span = str(operands[1]["/ActualText"])
            text.append(span)
        elif name == "EMC":
            depth -= 1
            span = None
        elif name == "Ts":
            rise = float(operands[0]) * 1000.0 / size
        elif name in ("Tj", "TJ"):
            items = operands[0] if name == "TJ" else [operands[0]]
            for item in items:
                if isinstance(item, pikepdf.String):
                    raw = bytes(item)
                    for i in range(0, len(raw), 2):
                        gid = int.from_bytes(raw[i : i + 2], "big")
                        drawn.append((gid, x, rise))
                        if span is None:
                            text.append(char_of[gid])
                        x += font.widths[gid]
                else:
                    x -= float(item)
        else:
            raise AssertionError(f"unexpected operator {name}")
    assert depth == 0 and rise == 0.0, "span closed and text rise reset at the end"
    return drawn, "".join(text)


@settings(max_examples=150, deadline=None)
@given(name=NAMES, size=st.sampled_from([6.0, 9.0, 10.0, 12.0]))
def test_show_draws_exactly_the_shaped_glyphs(name: str, size: float) -> None:
    """The content stream parses, draws each shaped glyph where HarfBuzz put it,
    and reads back as the input text (ToUnicode outside, ActualText inside spans)."""
    font = form_font()
    run = font.shape(name)
    assert font.width(name, size) == pytest.approx(sum(g.advance for g in run.glyphs) * size / 1000)
    expected = []
    pen = 0.0
    for g in run.glyphs:
        expected.append((g.gid, pen + g.dx, g.dy))
        pen += g.advance
    drawn, text = _simulate(font.show(name, size), font, size)
    assert len(drawn) == len(expected)
    for (gid, x, y), (want_gid, want_x, want_y) in zip(
        sorted(drawn), sorted(expected), strict=True
    ):
        assert gid == want_gid
        # 1/10,000 em: numbers are written with three decimals (TJ in 1/1000 em, Ts in points)
        assert x == pytest.approx(want_x, abs=0.1) and y == pytest.approx(want_y, abs=0.1)
    assert text == name


@settings(max_examples=60, deadline=None)
@given(name=NAMES, width=st.floats(min_value=20, max_value=200))
def test_wrap_never_parts_a_letter_from_its_marks(name: str, width: float) -> None:
    font = form_font()
    lines = wrap(font, name, 10.0, width)
    assert all(not unicodedata.category(line[:1] or "a").startswith("M") for line in lines)
    assert "".join(name.split()) == "".join("".join(lines).split())


def test_the_shape_cache_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    font = form_font()
    monkeypatch.setattr(fonts_mod, "_SHAPE_CACHE", 8)
    for i in range(20):
        font.shape(f"Name {i}")
    assert len(font._shaper._cache) <= 8
    assert font.shape("Name 19") is font.shape("Name 19")  # the latest are kept


def test_a_font_survives_pickling_for_worker_processes() -> None:
    import pickle

    font = form_font()
    font.shape("D\u0302")
    copy = pickle.loads(pickle.dumps(font))
    assert copy.shape("D\u0302") == font.shape("D\u0302")


@pytest.mark.render
def test_annex_pages_carry_shaped_names(filler: FormFiller, tmp_path: Path) -> None:
    """A name too long for its box goes to the annex, drawn with the same shaped text."""
    words = [f"Qx{s}zy" for s in sequences()[:16]]
    name = " ".join(words)
    assert len(name) <= filler.info.by_name["familienname"].max_len
    pdf, findings = filler.fill_report({"familienname": name})
    assert [f.code for f in findings] == ["FORM-TEXT-ANNEX"]
    annex_page = filler.info.pages + 1
    for engine, text in (
        ("poppler", _pdftotext(pdf, tmp_path)),
        ("pdfium", _pdfium_text(pdf)),
    ):
        got = [w for w in _words(text) if w.startswith("Qx")]
        assert got == words, engine
    page = render_pdfium(pdf, annex_page, dpi=72)
    assert page.ink() > 500  # the annex page is drawn, not only extractable

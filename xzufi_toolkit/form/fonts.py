"""The embedded form font: Roboto Regular, subset once per process with fontTools.

Why embed at all: the 14 standard PDF fonts are not embedded and only
re-encoded into single-byte code pages, so pdfium drops letters such as ś, Ş, ă
and everything outside Windows-1252 becomes "?". Roboto (Apache 2.0, shipped in
``xzufi_toolkit/data/fonts``) covers every group of DIN 91379 including Greek
and Cyrillic, and the Vietnamese letters.

The subset holds the DIN 91379 repertoire (all groups, read from the packaged
``data/din91379.json``), Windows-1252, the Vietnamese block and the basic Greek
and Cyrillic blocks (names from Ukraine, Serbia… need letters DIN 91379 lacks). It is built once
per process (``form_font()`` is cached) and its compressed bytes are reused by
every fill, so a batch of 1,000 forms subsets once.

Glyphs are addressed by glyph id (CIDFontType2, Identity-H); a ToUnicode CMap
keeps the text extractable and searchable.

Text is shaped with HarfBuzz (``uharfbuzz``) before it is measured or drawn:
the subset keeps GPOS and GDEF with the features ``kern``, ``mark`` and ``mkmk``,
so a combining mark sits on the anchor the type designer gave the capital it
follows (D̂, L̥̄, C̨̆ in DIN 91379) instead of its default place, which is made for
lower-case letters. GSUB is left out on purpose: without substitutions every
drawn glyph is the cmap glyph of one code point, so the ToUnicode map gives the
text back exactly (Roboto's ``ccmp`` would turn j before U+0301 into dotless ȷ,
which extracts as a different letter).
"""

from __future__ import annotations

import hashlib
import io
import json
import threading
import unicodedata
import zlib
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from xzufi_toolkit.errors import SchemaError
from xzufi_toolkit.io.resources import data_file

__all__ = [
    "FormFont",
    "GlyphRun",
    "ShapedGlyph",
    "build_font",
    "embed_font",
    "form_font",
    "repertoire",
]

# Windows-1252 printable characters, so any value the standard fonts could show shows here too.
_CP1252 = bytes(b for b in range(0x20, 0x100) if b not in (0x7F, 0x81, 0x8D, 0x8F, 0x90, 0x9D))
_EXTRA = (
    *range(0x1EA0, 0x1EFA),  # Vietnamese letters with two diacritics (e.g. ễ in Nguyễn)
    *range(0x0400, 0x0460),  # all basic Cyrillic: DIN 91379 lacks e.g. Ukrainian і (Харків)
    *range(0x0386, 0x03CF),  # basic Greek with tonos
    0x2010,
    0x2011,
    0x2212,  # hyphen variants
    0x00A0,
    0x202F,  # no-break spaces
)
_LAYOUT = {0x09, 0x0A, 0x0D}  # never drawn: line breaks are layout, tabs become spaces
_FEATURES = ["kern", "mark", "mkmk"]  # GPOS features kept in the subset and applied
_SHAPE_CACHE = 8192  # shaped strings kept per font (field values, wrap candidates)


def repertoire() -> frozenset[int]:
    """The code points the form font is subset to."""
    try:
        table = json.loads(data_file("din91379.json").read_text(encoding="utf-8"))
        cps: set[int] = set()
        for group in table["groups"].values():
            for entry in [*group["chars"], *group["sequences"]]:
                cps.update(int(h, 16) for h in entry.split())
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise SchemaError(
            f"the DIN 91379 table is unreadable: {type(exc).__name__}",
            file="xzufi_toolkit/data/din91379.json",
            hint="reinstall xzufi-toolkit",
        ) from None
    cps.update(ord(ch) for ch in _CP1252.decode("cp1252"))
    cps.update(cp for cp in _EXTRA if unicodedata.category(chr(cp)) != "Cn")  # skip unassigned
    return frozenset(cps - _LAYOUT)


@dataclass(frozen=True, slots=True, eq=False)
class FormFont:
    """A subset TrueType font ready to be embedded in a PDF.

    ``cmap`` maps code points to glyph ids of the subset; ``widths`` are the
    advance widths of each glyph in 1/1000 em (the PDF's /W); metrics are in
    1/1000 em too. ``ttf`` is what the PDF embeds; ``shaping_ttf`` is the same
    subset with GPOS and GDEF, which HarfBuzz reads (``advances`` are its hmtx
    widths in font units).
    """

    base_name: str
    ttf: bytes
    cmap: dict[int, int]
    widths: tuple[int, ...]
    ascent: int
    descent: int
    cap_height: int
    bbox: tuple[int, int, int, int]
    compressed: bytes = field(repr=False)
    to_unicode: bytes = field(repr=False)
    units_per_em: int = 1000
    advances: tuple[int, ...] = field(default=(), repr=False)  # hmtx, in font units
    shaping_ttf: bytes = field(default=b"", repr=False)  # ``ttf`` with GPOS/GDEF, for HarfBuzz
    _shaper: _Shaper = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_shaper", _Shaper(self))

    def missing(self, text: str) -> list[str]:
        """Characters of ``text`` (NFC) the font cannot draw, in order, each once."""
        seen: list[str] = []
        for ch in unicodedata.normalize("NFC", text):
            if ord(ch) in _LAYOUT:
                continue
            if ord(ch) not in self.cmap and ch not in seen:
                seen.append(ch)
        return seen

    def gids(self, text: str) -> list[int]:
        """Glyph ids of ``text`` one per code point, unshaped; lacking ones are .notdef (0)."""
        return [self.cmap.get(ord(ch), 0) for ch in text]

    def encode(self, text: str) -> bytes:
        """``text`` as a PDF hex string of 2-byte glyph ids (Identity-H), unshaped."""
        return _hex(self.gids(text))

    def shape(self, text: str) -> GlyphRun:
        """``text`` shaped by HarfBuzz: glyphs, advances and offsets in 1/1000 em.

        Cached per string (bounded), so batch fills shape each name once.
        """
        return self._shaper.shape(text)

    def width(self, text: str, size: float) -> float:
        """Shaped advance width of ``text`` at ``size`` points (kerning, zero-width marks)."""
        return self.shape(text).width * size / 1000.0

    def show(self, text: str, size: float) -> bytes:
        """Content-stream operators that draw ``text`` shaped, from the current pen.

        Glyphs go into one ``Tj`` when the run has no kerning and no offsets, as
        unshaped text would; otherwise ``TJ`` arrays carry the difference between
        the font's /W width and HarfBuzz's advance and each glyph's x offset, and
        ``Ts`` (text rise) its y offset, reset to 0 at the end.
        """
        return _show(self.shape(text), self.widths, size)


@dataclass(frozen=True, slots=True)
class ShapedGlyph:
    """One glyph of a shaped run; ``cluster`` is the index of its first code point.

    ``advance``, ``dx`` and ``dy`` are in 1/1000 em: ``advance`` moves the pen,
    ``dx``/``dy`` place the glyph relative to the pen (a mark on its base's anchor).
    """

    gid: int
    cluster: int
    advance: float
    dx: float
    dy: float


@dataclass(frozen=True, slots=True)
class GlyphRun:
    """The shaped glyphs of one string, in visual (= logical, left-to-right) order."""

    text: str
    glyphs: tuple[ShapedGlyph, ...]

    @property
    def width(self) -> float:
        """Sum of the advances in 1/1000 em."""
        return sum(g.advance for g in self.glyphs)

    @property
    def plain(self) -> bool:
        """True when the glyphs need no positioning beyond their /W widths."""
        return all(g.dx == 0 and g.dy == 0 for g in self.glyphs)


class _Shaper:
    """The HarfBuzz font (made on first use, one per process) and the bounded cache.

    A lock keeps the cache consistent when fills run in threads; HarfBuzz fonts
    may be shared between threads.
    """

    def __init__(self, font: FormFont) -> None:
        self._font = font
        self._hb: Any = None
        self._cache: OrderedDict[str, GlyphRun] = OrderedDict()
        self._lock = threading.Lock()
        self._scale = 1000.0 / font.units_per_em

    def __getstate__(self) -> dict[str, Any]:  # HarfBuzz objects and locks do not pickle
        return {"_font": self._font, "_scale": self._scale}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self._font, self._scale = state["_font"], state["_scale"]
        self._hb, self._cache, self._lock = None, OrderedDict(), threading.Lock()

    def shape(self, text: str) -> GlyphRun:
        with self._lock:
            run = self._cache.get(text)
            if run is not None:
                self._cache.move_to_end(text)
                return run
            run = self._shape(text)
            self._cache[text] = run
            while len(self._cache) > _SHAPE_CACHE:
                self._cache.popitem(last=False)
            return run

    def _shape(self, text: str) -> GlyphRun:
        import uharfbuzz as hb

        font = self._font
        if self._hb is None:
            self._hb = hb.Font(hb.Face(hb.Blob(font.shaping_ttf or font.ttf)))
        if not text:
            return GlyphRun(text, ())
        buf = hb.Buffer()
        buf.add_codepoints([ord(ch) for ch in text])
        buf.guess_segment_properties()
        hb.shape(self._hb, buf, {tag: True for tag in _FEATURES})
        k, widths, raw = self._scale, font.widths, font.advances
        glyphs = []
        for info, pos in zip(buf.glyph_infos, buf.glyph_positions, strict=True):
            gid = info.codepoint
            # /W width plus what shaping changed (kerning, zeroed marks), so an
            # unkerned glyph advances by exactly its /W width and needs no TJ number
            advance = widths[gid] + round((pos.x_advance - raw[gid]) * k, 3)
            glyphs.append(
                ShapedGlyph(
                    gid,
                    info.cluster,
                    advance,
                    round(pos.x_offset * k, 3),
                    round(pos.y_offset * k, 3),
                )
            )
        return GlyphRun(text, tuple(glyphs))


def _hex(gids: Iterable[int]) -> bytes:
    return b"<" + "".join(f"{g:04X}" for g in gids).encode("ascii") + b">"


def _num(v: float) -> str:
    text = f"{v:.3f}".rstrip("0").rstrip(".")
    return text if text not in ("", "-0") else "0"


def _show(run: GlyphRun, widths: tuple[int, ...], size: float) -> bytes:
    if run.plain and all(g.advance == widths[g.gid] for g in run.glyphs):
        return _hex(g.gid for g in run.glyphs) + b" Tj"
    out = _TextOps(widths, size)
    pen = 0.0
    for start, stop, clusters in _words(run):
        if not any(g.dx or g.dy for cluster in clusters for g in cluster):
            for cluster in clusters:
                pen = out.cluster(cluster, pen)
            continue
        # A word with marks placed by GPOS: one marked-content span whose
        # ActualText is the word (and the spaces after it). Viewers order the
        # show operators of a line by position and baseline, so a raised mark
        # would otherwise come out after the letters to its right (pdfium) or
        # split the word (poppler); inside the span they are read as typed.
        out.move_to(pen)
        out.flush()
        out.ops.append(b"/Span <</ActualText " + _utf16(run.text[start:stop]) + b">> BDC")
        for cluster in clusters:
            pen = out.cluster(cluster, pen)
            if out.rise:
                out.move_to(pen)
        out.move_to(pen)
        out.flush()
        out.set_rise(0.0)
        out.ops.append(b"EMC")
    out.flush()
    out.set_rise(0.0)
    return b" ".join(out.ops)


class _TextOps:
    """Text-showing operators for glyphs at absolute positions (1/1000 em from the start)."""

    def __init__(self, widths: tuple[int, ...], size: float) -> None:
        self.widths = widths
        self.size = size
        self.ops: list[bytes] = []
        self.items: list[bytes] = []  # the current TJ array
        self.gids: list[int] = []  # glyphs not yet written into ``items``
        self.rise = 0.0  # current text rise in 1/1000 em
        self.cur = 0.0  # where the viewer's pen is

    def move_to(self, x: float) -> None:
        move = round(self.cur - x, 3)  # TJ numbers move the pen left
        if move:
            self._close_gids()
            self.items.append(_num(move).encode())
            self.cur -= move

    def flush(self) -> None:
        """Write the pending TJ array (a plain ``Tj`` when it holds glyphs only)."""
        self._close_gids()
        if len(self.items) == 1:
            self.ops.append(self.items[0] + b" Tj")
        elif self.items:
            self.ops.append(b"[" + b" ".join(self.items) + b"] TJ")
        self.items.clear()

    def set_rise(self, dy: float) -> None:
        if dy != self.rise:
            self.flush()
            self.rise = dy
            self.ops.append(f"{_num(dy * self.size / 1000.0)} Ts".encode())

    def draw(self, gid: int, x: float, dy: float) -> None:
        self.set_rise(dy)
        self.move_to(x)
        self.gids.append(gid)
        self.cur += self.widths[gid]

    def cluster(self, cluster: list[ShapedGlyph], pen: float) -> float:
        """Draw a base glyph and its marks from ``pen``; returns the pen after them."""
        base, marks = cluster[0], cluster[1:]
        self.draw(base.gid, pen + base.dx, base.dy)
        end = pen + sum(g.advance for g in cluster)
        for g in sorted(marks, key=lambda g: g.dx):  # left to right
            if g.dy != self.rise:
                self.move_to(end)  # each show operator ends where the next one starts
            self.draw(g.gid, pen + base.advance + g.dx, g.dy)
        return end

    def _close_gids(self) -> None:
        if self.gids:
            self.items.append(_hex(self.gids))
            self.gids.clear()


def _words(run: GlyphRun) -> Iterator[tuple[int, int, list[list[ShapedGlyph]]]]:
    """Clusters grouped into words with the spaces after them, with their text slice."""
    words: list[tuple[int, int, list[list[ShapedGlyph]]]] = []
    after_space = False
    for start, stop, cluster in _clusters(run):
        space = run.text[start:stop].isspace()
        if words and (space or not after_space):
            first, _, clusters = words[-1]
            words[-1] = (first, stop, [*clusters, cluster])
        else:
            words.append((start, stop, [cluster]))
        after_space = space
    return iter(words)


def _clusters(run: GlyphRun) -> Iterator[tuple[int, int, list[ShapedGlyph]]]:
    """Runs of glyphs of one cluster, with the slice of the text they draw."""
    glyphs = run.glyphs
    i = 0
    while i < len(glyphs):
        j = i + 1
        while j < len(glyphs) and glyphs[j].cluster == glyphs[i].cluster:
            j += 1
        stop = glyphs[j].cluster if j < len(glyphs) else len(run.text)
        yield glyphs[i].cluster, stop, list(glyphs[i:j])
        i = j


def _utf16(text: str) -> bytes:
    """A PDF text string in UTF-16BE with byte order mark, as a hex string."""
    return b"<FEFF" + text.encode("utf-16-be").hex().upper().encode("ascii") + b">"


def build_font(codepoints: Iterable[int] | None = None) -> FormFont:
    """Subset Roboto Regular to ``codepoints`` (default: :func:`repertoire`)."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    wanted = frozenset(repertoire() if codepoints is None else codepoints)
    source = data_file("fonts", "Roboto-Regular.ttf")  # shipped; see data/fonts/README.md
    try:
        data = source.read_bytes()
    except OSError as exc:
        raise SchemaError(
            f"the form font is unreadable: {exc.strerror}",
            file=str(source),
            hint="reinstall xzufi-toolkit",
        ) from None
    font = TTFont(io.BytesIO(data), lazy=True, recalcTimestamp=False)  # GSUB is dropped unread
    for tag in ("GSUB", "DSIG"):  # no substitutions (see the module docstring); no signature
        if tag in font:
            del font[tag]
    opts = subset.Options()
    opts.hinting = False
    opts.layout_features = list(_FEATURES)
    opts.notdef_outline = True
    opts.name_IDs = [0, 1, 2, 3, 4, 5, 6, 13, 14]  # keep copyright and licence notices
    opts.glyph_names = False
    # fontTools prunes 'name' by walking every layout table for name references
    # (a third of the subset time with GPOS); kern/mark/mkmk have none, so the
    # records are filtered here as its options would (Unicode, English, these IDs)
    names = font["name"]
    del font["name"]
    sub = subset.Subsetter(opts)
    sub.populate(unicodes=sorted(wanted))
    sub.subset(font)
    names.names = [
        n
        for n in names.names
        if n.nameID in opts.name_IDs and n.isUnicode() and n.langID in opts.name_languages
    ]
    font["name"] = names
    buf = io.BytesIO()
    font.save(buf)
    shaping_ttf = buf.getvalue()
    for tag in ("GPOS", "GDEF"):  # viewers draw glyphs by id and never read them
        del font[tag]
    buf = io.BytesIO()
    font.save(buf)
    ttf = buf.getvalue()

    scale = 1000.0 / font["head"].unitsPerEm
    order = font.getGlyphOrder()
    gid_of = {name: i for i, name in enumerate(order)}
    cmap = {cp: gid_of[name] for cp, name in font.getBestCmap().items()}
    hmtx = font["hmtx"]
    widths = tuple(round(hmtx[name][0] * scale) for name in order)
    advances = tuple(hmtx[name][0] for name in order)
    head, os2 = font["head"], font["OS/2"]
    tag = "".join(chr(65 + b % 26) for b in hashlib.sha256(ttf).digest()[:6])
    return FormFont(
        base_name=f"{tag}+Roboto-Regular",
        ttf=ttf,
        cmap=cmap,
        widths=widths,
        ascent=round(os2.sTypoAscender * scale),
        descent=round(os2.sTypoDescender * scale),
        cap_height=round(getattr(os2, "sCapHeight", 1456) * scale),
        bbox=(
            round(head.xMin * scale),
            round(head.yMin * scale),
            round(head.xMax * scale),
            round(head.yMax * scale),
        ),
        compressed=zlib.compress(ttf, 6),
        to_unicode=zlib.compress(_to_unicode_cmap(cmap), 6),
        units_per_em=font["head"].unitsPerEm,
        advances=advances,
        shaping_ttf=shaping_ttf,
    )


@cache
def form_font() -> FormFont:
    """The shared subset (built on first use, then reused for every fill)."""
    return build_font()


def embed_font(writer: Any, font: FormFont, *, widths: Any = None) -> Any:
    """Add ``font`` to a pypdf ``writer`` as a Type0/CIDFontType2 font (Identity-H,
    glyph ids as CIDs) with its ToUnicode map; the indirect reference of the Type0
    font. ``widths`` is a ``/W`` array to share between several embeddings.

    The one embedding of the form font: the fill engine and ``form generate`` use it.
    """
    from pypdf.generic import (
        ArrayObject,
        DictionaryObject,
        EncodedStreamObject,
        NameObject,
        NumberObject,
        TextStringObject,
    )

    def stream(data: bytes, **extra: Any) -> Any:
        s = EncodedStreamObject()
        s._data = data
        s[NameObject("/Filter")] = NameObject("/FlateDecode")
        for k, v in extra.items():
            s[NameObject(f"/{k}")] = v
        return writer._add_object(s)

    descriptor = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/FontDescriptor"),
            NameObject("/FontName"): NameObject(f"/{font.base_name}"),
            NameObject("/Flags"): NumberObject(32),
            NameObject("/FontBBox"): ArrayObject(NumberObject(v) for v in font.bbox),
            NameObject("/ItalicAngle"): NumberObject(0),
            NameObject("/Ascent"): NumberObject(font.ascent),
            NameObject("/Descent"): NumberObject(font.descent),
            NameObject("/CapHeight"): NumberObject(font.cap_height),
            NameObject("/StemV"): NumberObject(80),
            NameObject("/FontFile2"): stream(font.compressed, Length1=NumberObject(len(font.ttf))),
        }
    )
    if widths is None:
        widths = ArrayObject([NumberObject(0), ArrayObject(NumberObject(w) for w in font.widths)])
    cid = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/CIDFontType2"),
            NameObject("/BaseFont"): NameObject(f"/{font.base_name}"),
            NameObject("/CIDSystemInfo"): DictionaryObject(
                {
                    NameObject("/Registry"): TextStringObject("Adobe"),
                    NameObject("/Ordering"): TextStringObject("Identity"),
                    NameObject("/Supplement"): NumberObject(0),
                }
            ),
            NameObject("/FontDescriptor"): writer._add_object(descriptor),
            NameObject("/DW"): NumberObject(1000),
            NameObject("/W"): widths,
            NameObject("/CIDToGIDMap"): NameObject("/Identity"),
        }
    )
    return writer._add_object(
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/Type0"),
                NameObject("/BaseFont"): NameObject(f"/{font.base_name}"),
                NameObject("/Encoding"): NameObject("/Identity-H"),
                NameObject("/DescendantFonts"): ArrayObject([writer._add_object(cid)]),
                NameObject("/ToUnicode"): stream(font.to_unicode),
            }
        )
    )


def _to_unicode_cmap(cmap: dict[int, int]) -> bytes:
    """A ToUnicode CMap from glyph ids back to the code points they draw."""
    by_gid: dict[int, int] = {}
    for cp, gid in sorted(cmap.items()):
        by_gid.setdefault(gid, cp)  # the lowest code point wins for shared glyphs
    entries = sorted(by_gid.items())
    lines = [
        "/CIDInit /ProcSet findresource begin",
        "12 dict begin",
        "begincmap",
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
        "/CMapName /Adobe-Identity-UCS def",
        "/CMapType 2 def",
        "1 begincodespacerange",
        "<0000> <FFFF>",
        "endcodespacerange",
    ]
    for start in range(0, len(entries), 100):
        chunk = entries[start : start + 100]
        lines.append(f"{len(chunk)} beginbfchar")
        for gid, cp in chunk:
            utf16 = chr(cp).encode("utf-16-be").hex().upper()
            lines.append(f"<{gid:04X}> <{utf16}>")
        lines.append("endbfchar")
    lines += ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
    return ("\n".join(lines) + "\n").encode("ascii")

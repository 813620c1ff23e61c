"""The embedded form font: Roboto Regular, subset once per process with fontTools.

Why embed at all: the 14 standard PDF fonts are not embedded and only
re-encoded into single-byte code pages, so pdfium drops letters such as ś, Ş, ă
and everything outside Windows-1252 becomes "?". Roboto (Apache 2.0, shipped by
the ``font-roboto`` dependency) covers every group of DIN 91379 including Greek
and Cyrillic, and the Vietnamese letters.

The subset holds the DIN 91379 repertoire (all groups, read from the packaged
``data/din91379.json``), Windows-1252, the Vietnamese block and the basic Greek
and Cyrillic blocks (names from Ukraine, Serbia… need letters DIN 91379 lacks). It is built once
per process (``form_font()`` is cached) and its compressed bytes are reused by
every fill, so a batch of 1,000 forms subsets once.

Glyphs are addressed by glyph id (CIDFontType2, Identity-H); a ToUnicode CMap
keeps the text extractable and searchable.
"""

from __future__ import annotations

import hashlib
import io
import json
import unicodedata
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache

from xzufi_toolkit.errors import SchemaError
from xzufi_toolkit.resources import data_file

__all__ = ["FormFont", "build_font", "form_font", "repertoire"]

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
    advance widths of each glyph in 1/1000 em; metrics are in 1/1000 em too.
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
        """Glyph ids of ``text``; characters the font lacks map to .notdef (0)."""
        return [self.cmap.get(ord(ch), 0) for ch in text]

    def encode(self, text: str) -> bytes:
        """``text`` as a PDF hex string of 2-byte glyph ids (Identity-H)."""
        return b"<" + "".join(f"{g:04X}" for g in self.gids(text)).encode("ascii") + b">"

    def width(self, text: str, size: float) -> float:
        """Advance width of ``text`` at ``size`` points (no kerning, like the viewers)."""
        w = self.widths
        return sum(w[g] for g in self.gids(text)) * size / 1000.0


def build_font(codepoints: Iterable[int] | None = None) -> FormFont:
    """Subset Roboto Regular to ``codepoints`` (default: :func:`repertoire`)."""
    import font_roboto
    from fontTools import subset
    from fontTools.ttLib import TTFont

    wanted = frozenset(repertoire() if codepoints is None else codepoints)
    try:
        font = TTFont(font_roboto.Roboto, lazy=False)
    except OSError as exc:
        raise SchemaError(
            f"the form font is unreadable: {exc.strerror}",
            file=str(font_roboto.Roboto),
            hint="reinstall font-roboto",
        ) from None
    for tag in ("GSUB", "GPOS", "GDEF", "DSIG"):  # not used by PDF viewers; skip decoding them
        if tag in font:
            del font[tag]
    opts = subset.Options()
    opts.hinting = False
    opts.layout_features = []
    opts.notdef_outline = True
    opts.name_IDs = [0, 1, 2, 3, 4, 5, 6, 13, 14]  # keep copyright and licence notices
    opts.glyph_names = False
    sub = subset.Subsetter(opts)
    sub.populate(unicodes=sorted(wanted))
    sub.subset(font)
    buf = io.BytesIO()
    font.save(buf)
    ttf = buf.getvalue()

    scale = 1000.0 / font["head"].unitsPerEm
    order = font.getGlyphOrder()
    gid_of = {name: i for i, name in enumerate(order)}
    cmap = {cp: gid_of[name] for cp, name in font.getBestCmap().items()}
    hmtx = font["hmtx"]
    widths = tuple(round(hmtx[name][0] * scale) for name in order)
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
    )


@cache
def form_font() -> FormFont:
    """The shared subset (built on first use, then reused for every fill)."""
    return build_font()


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

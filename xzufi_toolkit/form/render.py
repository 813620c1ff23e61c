"""Render pages to see what viewers show: pdfium (Chrome, Edge) and poppler.

Reading /V back proves nothing (pdfium drew "Wi niewski" while /V said
"Wiśniewski"), so previews and the tests look at pixels. Images are kept as
8-bit greyscale rows; ``png_bytes`` writes them as PNG.

Hand-written on purpose: the PNG writer (zlib + CRC from the standard
library, 20 lines) and the PGM reader for pdftoppm's output, so rendering needs
neither Pillow nor numpy.
"""

from __future__ import annotations

import logging
import shutil
import struct
import subprocess
import tempfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from xzufi_toolkit.errors import FormError, UsageError

__all__ = ["GrayImage", "png_bytes", "render_pdfium", "render_poppler"]


@dataclass(frozen=True, slots=True)
class GrayImage:
    """An 8-bit greyscale image, row by row (0 black, 255 white)."""

    width: int
    height: int
    pixels: bytes

    def crop(self, x0: int, y0: int, x1: int, y1: int) -> GrayImage:
        x0, y0 = max(0, x0), max(0, y0)
        x1, y1 = min(self.width, x1), min(self.height, y1)
        w = max(0, x1 - x0)
        rows = [self.pixels[y * self.width + x0 : y * self.width + x1] for y in range(y0, y1)]
        return GrayImage(w, max(0, y1 - y0), b"".join(rows))

    def ink(self, threshold: int = 128) -> int:
        """Number of dark pixels."""
        return sum(1 for p in self.pixels if p < threshold)


def render_pdfium(
    pdf: bytes, page: int = 1, *, dpi: float = 100.0, file: str | None = None
) -> GrayImage:
    """Page ``page`` (1-based) as pdfium draws it, with the form environment on."""
    import pypdfium2 as pdfium

    try:
        doc = pdfium.PdfDocument(pdf)
    except pdfium.PdfiumError as exc:
        raise FormError(f"pdfium cannot open the PDF: {exc}", file=file) from None
    log = logging.getLogger("pypdfium2")
    level = log.level
    try:
        # a hybrid XFA form makes pypdfium2 log advice to rebuild it with XFA;
        # the AcroForm part is what is drawn, so that advice is only noise
        log.setLevel(logging.ERROR)
        try:
            doc.init_forms()
        finally:
            log.setLevel(level)
        if not 1 <= page <= len(doc):
            raise UsageError(f"page {page} does not exist; the PDF has {len(doc)} page(s)")
        bitmap = doc[page - 1].render(scale=dpi / 72.0, grayscale=True, may_draw_forms=True)
        raw = bytes(bitmap.buffer)
        stride, n = int(bitmap.stride), int(bitmap.n_channels)
        width, height = int(bitmap.width), int(bitmap.height)
        rows = []
        for y in range(height):
            row = raw[y * stride : y * stride + width * n]
            rows.append(row if n == 1 else row[::n])  # grey stored in every channel
        return GrayImage(width, height, b"".join(rows))
    finally:
        doc.close()


def render_poppler(
    pdf: bytes, page: int = 1, *, dpi: float = 100.0, file: str | None = None
) -> GrayImage:
    """Page ``page`` (1-based) as poppler draws it (``pdftoppm -gray``)."""
    exe = shutil.which("pdftoppm")
    if exe is None:
        raise UsageError("pdftoppm is not installed", hint="install poppler-utils")
    with tempfile.TemporaryDirectory(prefix="xzufi-render-") as tmp:
        src = Path(tmp) / "in.pdf"
        src.write_bytes(pdf)
        args = [exe, "-gray", "-singlefile", "-r", str(dpi), "-f", str(page), "-l", str(page)]
        res = subprocess.run(
            [*args, str(src), str(Path(tmp) / "out")], capture_output=True, check=False, timeout=120
        )
        out = Path(tmp) / "out.pgm"
        if res.returncode != 0 or not out.is_file():
            lines = res.stderr.decode("utf-8", "replace").split("\n")
            hint = next((ln.strip()[:200] for ln in lines if ln.strip()), None)  # one line
            raise FormError("poppler cannot render the PDF", file=file, hint=hint)
        return _read_pgm(out.read_bytes())


def _read_pgm(data: bytes) -> GrayImage:
    """Binary PGM (P5, maxval 255) as written by pdftoppm."""
    fields: list[bytes] = []
    pos = 0
    while len(fields) < 4:
        while data[pos : pos + 1].isspace():
            pos += 1
        if data[pos : pos + 1] == b"#":
            pos = data.index(b"\n", pos) + 1
            continue
        end = pos
        while not data[end : end + 1].isspace():
            end += 1
        fields.append(data[pos:end])
        pos = end
    if fields[0] != b"P5" or fields[3] != b"255":
        raise FormError("unexpected image format from pdftoppm")
    width, height = int(fields[1]), int(fields[2])
    pixels = data[pos + 1 : pos + 1 + width * height]
    return GrayImage(width, height, pixels)


def png_bytes(img: GrayImage) -> bytes:
    """The image as an 8-bit greyscale PNG."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    raw = b"".join(
        b"\x00" + img.pixels[y * img.width : (y + 1) * img.width] for y in range(img.height)
    )
    header = struct.pack(">IIBBBBB", img.width, img.height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 6))
        + chunk(b"IEND", b"")
    )

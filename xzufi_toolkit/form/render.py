"""Render pages to see what viewers show: pdfium (Chrome, Edge) and poppler.

Reading /V back proves nothing (pdfium drew "Wi niewski" while /V said
"Wiśniewski"), so previews and the tests look at pixels. Images are kept as
8-bit greyscale rows; ``png_bytes`` writes them as PNG.

Hand-written on purpose: the PNG writer (zlib + CRC from the standard
library, 20 lines) and the PGM reader for pdftoppm's output, so rendering needs
neither Pillow nor numpy.
"""

from __future__ import annotations

import io
import logging
import shutil
import struct
import subprocess
import tempfile
import warnings
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xzufi_toolkit.errors import FormError, LimitExceededError, UsageError, XzufiError

__all__ = [
    "GrayImage",
    "RenderLimits",
    "check_render_cost",
    "png_bytes",
    "render_pdfium",
    "render_poppler",
]


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


# What one preview may cost. A 14,400 pt page at 100 dpi is 400 million pixels
# (1.5 GB), a 1 MB Flate bomb inflates to gigabytes inside the renderer, and
# 100,000 fields or a field tree 3,000 deep take minutes; all are refused first.
MAX_PAGE_PIXELS = 64_000_000  # A4 at 600 dpi is 35 million
MAX_DECODED_BYTES = 128 * 1024 * 1024  # all streams the page draws, decoded
MAX_FIELDS = 10_000
MAX_FIELD_DEPTH = 32
MAX_OBJECTS = 200_000  # objects visited while adding up the decoded size
POPPLER_TIMEOUT = 120.0


@dataclass(frozen=True, slots=True)
class RenderLimits:
    """Limits checked before a page is rendered (see the constants above)."""

    max_pixels: int = MAX_PAGE_PIXELS
    max_decoded_bytes: int = MAX_DECODED_BYTES
    max_fields: int = MAX_FIELDS
    timeout: float = POPPLER_TIMEOUT


DEFAULT_RENDER_LIMITS = RenderLimits()


def _pixels_check(
    width_pt: float, height_pt: float, dpi: float, limits: RenderLimits, file: str | None
) -> None:
    w, h = abs(width_pt) * dpi / 72.0, abs(height_pt) * dpi / 72.0
    if w * h > limits.max_pixels:
        raise LimitExceededError(
            f"page is {abs(width_pt):.0f} x {abs(height_pt):.0f} pt: at {dpi:g} dpi that is "
            f"{w * h / 1e6:.0f} million pixels, more than the limit of "
            f"{limits.max_pixels / 1e6:.0f} million",
            file=file,
            hint="lower --dpi",
        )


def check_render_cost(
    pdf: bytes,
    page: int,
    dpi: float,
    *,
    file: str | None = None,
    limits: RenderLimits = DEFAULT_RENDER_LIMITS,
) -> None:
    """Refuse a page whose rendering would cost too much, before a renderer sees it.

    Reads the PDF with pypdf: page size (with ``/UserUnit``), the field tree
    (count and depth), and the decoded size of every stream the page reaches
    (Flate inflated in chunks, never whole; images by width x height). A PDF
    pypdf cannot read is left to the renderer, which reports it.
    """
    from pypdf import PdfReader
    from pypdf.errors import DependencyError

    from xzufi_toolkit.form.inspect import structure_errors

    # DependencyError: AES without the crypto package, i.e. encrypted
    errors = (*structure_errors(), DependencyError, zlib.error, OSError)
    unreadable: tuple[type[BaseException], ...] = errors
    try:
        with _quiet_pypdf():
            _check_cost(PdfReader(io.BytesIO(pdf), strict=False), page, dpi, file, limits)
    except XzufiError:
        raise
    except unreadable:
        return  # damaged in a way pypdf cannot follow: the renderer decides


@contextmanager
def _quiet_pypdf() -> Iterator[None]:
    """pypdf logs and warns while it repairs a damaged file; the renderer's verdict
    (or one limit error) is what the user gets, not a page of repair notes."""
    log = logging.getLogger("pypdf")
    level = log.level
    log.setLevel(logging.CRITICAL)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        log.setLevel(level)


def _check_cost(reader: Any, page: int, dpi: float, file: str | None, limits: RenderLimits) -> None:
    if reader.is_encrypted or not 1 <= page <= len(reader.pages):
        return  # the renderer says so
    pg: Any = reader.pages[page - 1]
    box = pg.cropbox
    unit = float(pg.get("/UserUnit", 1) or 1)
    _pixels_check(float(box.width) * unit, float(box.height) * unit, dpi, limits, file)
    root: Any = reader.trailer["/Root"].get_object()
    acro = root.get("/AcroForm")
    if acro is not None:
        _fields_check(acro.get_object().get("/Fields"), limits, file)
    _decoded_check(pg, limits, file)


def _fields_check(fields: Any, limits: RenderLimits, file: str | None) -> None:
    count = 0
    seen: set[int] = set()
    stack: list[tuple[Any, int]] = [(fields, 1)]
    while stack:
        node, depth = stack.pop()
        ref = getattr(node, "idnum", None)
        if ref is not None:
            if ref in seen:
                continue
            seen.add(ref)
        obj = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(obj, list):
            stack.extend((kid, depth) for kid in obj)
            continue
        if not isinstance(obj, dict):
            continue
        count += 1
        if count > limits.max_fields:
            raise LimitExceededError(
                f"the form has more than {limits.max_fields} fields", file=file
            )
        if depth > MAX_FIELD_DEPTH:
            raise LimitExceededError(
                f"the field tree is deeper than {MAX_FIELD_DEPTH} levels", file=file
            )
        kids = obj.get("/Kids")
        if kids is not None:
            stack.append((kids, depth + 1))


def _decoded_check(page: Any, limits: RenderLimits, file: str | None) -> None:
    total = 0
    seen: set[int] = set()
    stack: list[Any] = [page]
    visited = 0
    while stack:
        node = stack.pop()
        ref = getattr(node, "idnum", None)
        if ref is not None:
            if ref in seen:
                continue
            seen.add(ref)
        visited += 1
        if visited > MAX_OBJECTS:
            raise LimitExceededError(f"the page reaches more than {MAX_OBJECTS} objects", file=file)
        obj = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(obj, list):
            stack.extend(obj)
            continue
        if not isinstance(obj, dict):
            continue
        raw = getattr(obj, "_data", None)  # a stream's bytes as stored (still encoded)
        if isinstance(raw, bytes):
            total += _decoded_size(obj, raw, limits.max_decoded_bytes - total)
            if total > limits.max_decoded_bytes:
                raise LimitExceededError(
                    f"the page's content decodes to more than {limits.max_decoded_bytes} bytes",
                    file=file,
                    hint="a compression bomb?",
                )
        stack.extend(v for k, v in obj.items() if k not in ("/Parent", "/P"))


def _decoded_size(stream: Any, raw: bytes, budget: int) -> int:
    """Bytes the stream decodes to (counted up to just over ``budget``)."""
    size = len(raw)
    if stream.get("/Subtype") == "/Image":
        w, h = int(stream.get("/Width", 0) or 0), int(stream.get("/Height", 0) or 0)
        size = max(size, abs(w) * abs(h) * 4)  # decoded to RGBA at worst
    filters = stream.get("/Filter")
    first = filters[0] if isinstance(filters, list) and filters else filters
    if first in ("/FlateDecode", "/Fl"):
        inflater = zlib.decompressobj()
        inflated = 0
        chunk = inflater.decompress(raw, 1 << 20)
        while chunk:
            inflated += len(chunk)
            if inflated > budget:
                break
            chunk = inflater.decompress(inflater.unconsumed_tail, 1 << 20)
        size = max(size, inflated)
    return size


def render_pdfium(
    pdf: bytes,
    page: int = 1,
    *,
    dpi: float = 100.0,
    file: str | None = None,
    limits: RenderLimits = DEFAULT_RENDER_LIMITS,
) -> GrayImage:
    """Page ``page`` (1-based) as pdfium draws it, with the form environment on.

    A page that would cost more than ``limits`` is a :class:`LimitExceededError`.
    """
    import pypdfium2 as pdfium

    check_render_cost(pdf, page, dpi, file=file, limits=limits)
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
        try:  # a page object pdfium cannot load, or a content stream it cannot draw
            pg = doc[page - 1]
            width, height = pg.get_size()
            _pixels_check(width, height, dpi, limits, file)  # also where pypdf could not read it
            bitmap = pg.render(scale=dpi / 72.0, grayscale=True, may_draw_forms=True)
        except pdfium.PdfiumError as exc:
            raise FormError(f"pdfium cannot render page {page}: {exc}", file=file) from None
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
    pdf: bytes,
    page: int = 1,
    *,
    dpi: float = 100.0,
    file: str | None = None,
    limits: RenderLimits = DEFAULT_RENDER_LIMITS,
) -> GrayImage:
    """Page ``page`` (1-based) as poppler draws it (``pdftoppm -gray``).

    A page that would cost more than ``limits``, or takes longer than
    ``limits.timeout`` seconds, is a :class:`LimitExceededError`.
    """
    exe = shutil.which("pdftoppm")
    if exe is None:
        raise UsageError("pdftoppm is not installed", hint="install poppler-utils")
    check_render_cost(pdf, page, dpi, file=file, limits=limits)
    with tempfile.TemporaryDirectory(prefix="xzufi-render-") as tmp:
        src = Path(tmp) / "in.pdf"
        src.write_bytes(pdf)
        args = [exe, "-gray", "-singlefile", "-r", str(dpi), "-f", str(page), "-l", str(page)]
        try:
            res = subprocess.run(
                [*args, str(src), str(Path(tmp) / "out")],
                capture_output=True,
                check=False,
                timeout=limits.timeout,
            )
        except subprocess.TimeoutExpired:
            raise LimitExceededError(
                f"poppler did not render the page within {limits.timeout:g} s", file=file
            ) from None
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

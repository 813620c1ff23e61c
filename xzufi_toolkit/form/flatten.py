"""Flatten a filled form through qpdf (pikepdf): appearances become page content.

A flat PDF has no /AcroForm and no widget annotations left: what the widgets
showed is drawn into each page's content, so the text stays vector text (and
extractable through the embedded font's ToUnicode map). Not a read-only flag
and not a raster image, which is what fillpdf offers.
"""

from __future__ import annotations

import io

from xzufi_toolkit.errors import FormError

__all__ = ["flatten_pdf", "is_flat"]


def flatten_pdf(data: bytes, *, file: str | None = None) -> bytes:
    """``data`` with all printable widgets merged into the pages and the form removed."""
    import pikepdf

    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            pdf.flatten_annotations("print")
            for page in pdf.pages:
                annots = page.obj.get("/Annots")
                if annots is None:
                    continue
                keep = [a for a in annots if a.get("/Subtype") != "/Widget"]
                if keep:
                    page.obj.Annots = pikepdf.Array(keep)
                else:
                    del page.obj["/Annots"]
            if "/AcroForm" in pdf.Root:
                del pdf.Root["/AcroForm"]
            out = io.BytesIO()
            pdf.save(out, deterministic_id=True, compress_streams=True)
    except pikepdf.PdfError as exc:
        raise FormError(
            f"qpdf cannot flatten this PDF: {str(exc).splitlines()[0][:120]}", file=file
        ) from None
    return out.getvalue()


def is_flat(data: bytes) -> bool:
    """True when the PDF has neither an AcroForm nor widget annotations."""
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        if "/AcroForm" in pdf.Root:
            return False
        for page in pdf.pages:
            for annot in page.obj.get("/Annots", []):
                if annot.get("/Subtype") == "/Widget":
                    return False
    return True

"""Make ``fixtures/portal/seed.pdf``: the seed's text typeset as a small PDF.

The FIM Portal's own PDF export is not available here, only its text (the
seed). This PDF carries that text line by line, so the import's PDF path
(text from pypdf) is tested on the same content as the text path. Deterministic
(reportlab's invariant mode): running it again gives the same bytes.

    .venv/bin/python scripts/make_portal_pdf.py [SOURCE.txt [OUT.pdf]]
"""

from __future__ import annotations

import sys
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

ROOT = Path(__file__).resolve().parent.parent


def make_pdf(source: Path, out: Path) -> None:
    lines = source.read_text("utf-8").split("\n")
    pdf = canvas.Canvas(str(out), pagesize=A4, invariant=1)
    pdf.setTitle("FIM Portal export (text of the project's seed)")
    _width, height = A4
    y = height - 50
    pdf.setFont("Helvetica", 9)
    for line in lines:
        if y < 50:
            pdf.showPage()
            pdf.setFont("Helvetica", 9)
            y = height - 50
        pdf.drawString(50, y, line.strip())
        y -= 12
    pdf.showPage()
    pdf.save()


def main() -> None:
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "fixtures/portal/seed.txt"
    out = Path(sys.argv[2]) if len(sys.argv) > 2 else ROOT / "fixtures/portal/seed.pdf"
    make_pdf(source, out)
    print(f"wrote {out} ({out.stat().st_size} bytes)")


if __name__ == "__main__":
    main()

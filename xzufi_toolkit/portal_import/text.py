"""Text of a FIM Portal export: from PDF (pypdf) or plain text, cleaned of layout damage.

The cleaning steps undo what PDF text extraction does to the portal's export:
page footers ("… Heruntergeladen am"), paragraphs torn apart by a page or
column break, words hyphenated at a line end, and letters lost or misread
(umlauts, ß, "Il" for the Roman numeral II; see :mod:`.repairs`). Every line
keeps the number it had in the extracted text, so findings point back to it.
"""

from __future__ import annotations

import io
import logging
import re
import unicodedata
import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING

from xzufi_toolkit.errors import InputError
from xzufi_toolkit.findings import Finding, Location, Severity
from xzufi_toolkit.portal_import.repairs import repair_line

if TYPE_CHECKING:
    from pypdf import PageObject, PdfReader

__all__ = ["Line", "clean_lines", "extract_text"]

MAX_BYTES = 20 * 1024 * 1024
MAX_PAGES = 200


@dataclass(frozen=True, slots=True)
class Line:
    """One line of the export; ``no`` is its 1-based number in the extracted text."""

    no: int
    text: str

    @property
    def blank(self) -> bool:
        return not self.text.strip()


def extract_text(data: bytes, *, name: str) -> str:
    """The export's text: pypdf for a PDF, UTF-8 (or Windows-1252) for a text file."""
    if len(data) > MAX_BYTES:
        raise InputError(
            f"file is larger than {MAX_BYTES // (1024 * 1024)} MB",
            file=name,
            hint="a portal export of one Leistung is a few pages",
        )
    if not data.strip():
        raise InputError(
            "file is empty", file=name, hint="pass the FIM Portal's PDF export or its text"
        )
    if data.lstrip()[:5] == b"%PDF-":
        return _pdf_text(data, name=name)
    if b"\x00" in data:
        raise InputError(
            "not a text file and not a PDF",
            file=name,
            hint="pass the FIM Portal's PDF export of a Leistung or its text (UTF-8)",
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    return text


def _pdf_text(data: bytes, *, name: str) -> str:
    from pypdf import PdfReader
    from pypdf.errors import DependencyError

    hint = "pass the FIM Portal's PDF export of a Leistung"
    pypdf_log = logging.getLogger("pypdf")
    level = pypdf_log.level
    try:
        with warnings.catch_warnings():
            # Damaged PDFs make pypdf warn and log while it repairs them; the
            # result is judged below by whether any text came out.
            warnings.simplefilter("ignore")
            pypdf_log.setLevel(logging.CRITICAL)
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted and not _open_without_password(reader):
                raise InputError(
                    "PDF is encrypted",
                    file=name,
                    hint="export the Leistung again without a password",
                )
            if len(reader.pages) > MAX_PAGES:
                raise InputError(f"PDF has more than {MAX_PAGES} pages", file=name, hint=hint)
            pages = [_page_text(page) for page in reader.pages]
    except InputError:
        raise
    except DependencyError:
        # pypdf tries the empty password while opening; AES needs 'cryptography'
        raise InputError(
            "PDF is encrypted", file=name, hint="export the Leistung again without a password"
        ) from None
    except _pdf_errors() as exc:
        raise InputError(
            f"PDF cannot be read ({type(exc).__name__})", file=name, hint=hint
        ) from None
    finally:
        pypdf_log.setLevel(level)
    # A page break ends a paragraph unless the next page goes on in lower
    # case; the blank line lets clean_lines decide that.
    text = "\n\n".join(pages)
    if not any(ch.isalpha() for ch in text):
        raise InputError(
            "PDF has no text layer (image-only or scanned)",
            file=name,
            hint="run OCR on it first (for example ocrmypdf) or use the portal's PDF export",
        )
    return text


# What pypdf raises besides its own errors when a PDF's structure is damaged.
_DAMAGED_PDF: tuple[type[Exception], ...] = (
    ValueError,
    KeyError,
    TypeError,
    AttributeError,
    IndexError,
    ZeroDivisionError,
    NotImplementedError,
    RecursionError,
    OSError,
)


def _pdf_errors() -> tuple[type[Exception], ...]:
    from pypdf.errors import PyPdfError

    return (PyPdfError, *_DAMAGED_PDF)


def _open_without_password(reader: PdfReader) -> bool:
    """PDFs locked only against editing (owner password) open with the empty password."""
    from pypdf import PasswordType
    from pypdf.errors import DependencyError

    try:
        return reader.decrypt("") is not PasswordType.NOT_DECRYPTED
    except DependencyError:
        return False


def _page_text(page: PageObject) -> str:
    """Layout mode keeps the vertical gaps between paragraphs as blank lines."""
    try:
        return page.extract_text(extraction_mode="layout") or ""
    except _pdf_errors():
        # Layout mode needs font metrics some PDFs lack; plain mode does without.
        return page.extract_text() or ""


# A page footer of the portal's PDF: "<title, cut> … Heruntergeladen am <date>".
_FOOTER = re.compile(
    r"(Heruntergeladen am\b.*$)|(^\s*Seite \d+ (von|/) \d+\s*$)|(^\s*\d+\s*/\s*\d+\s*$)"
)
_TERMINAL = re.compile(r"[.:!?;)\]]\s*$")
_HYPHEN_END = re.compile(r"(?<=[^\W\d_])-$")
_KEEP_HYPHEN_NEXT = {"und", "oder", "bzw.", "sowie", "and", "or"}


# Characters XML 1.0 cannot carry (ESC, BEL, …; lxml refuses them) and DEL:
# no portal text holds them on purpose.
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]+")


def _without_controls(lines: list[Line], findings: list[Finding], name: str) -> list[Line]:
    out = []
    for line in lines:
        clean, n = _CONTROLS.subn("", line.text)
        if n:
            findings.append(
                Finding(
                    "IMP-REPAIRED",
                    Severity.WARNING,
                    "control characters removed (XML cannot carry them)",
                    Location(file=name, line=line.no),
                    "Steuerzeichen entfernt (XML kann sie nicht darstellen)",
                )
            )
        out.append(Line(line.no, clean) if n else line)
    return out


def clean_lines(text: str, *, name: str) -> tuple[list[Line], list[Finding]]:
    """Lines of ``text``: footers removed, torn paragraphs and words rejoined, damage repaired."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = text.replace("\f", "\n").replace("\u00a0", " ").replace("\u00ad", "")
    raw = [Line(i + 1, s.rstrip()) for i, s in enumerate(text.split("\n"))]
    findings: list[Finding] = []
    raw = _without_controls(raw, findings, name)

    lines: list[Line] = []
    for line in raw:
        if _FOOTER.search(line.text):
            findings.append(
                Finding(
                    "IMP-FOOTER",
                    Severity.INFO,
                    "page footer removed",
                    Location(file=name, line=line.no),
                    "Seitenfuß entfernt",
                )
            )
            # A footer sits inside a paragraph that a page break tore apart:
            # drop it like a blank line, the join below mends the paragraph.
            lines.append(Line(line.no, ""))
            continue
        lines.append(line)

    lines = _join_torn_paragraphs(lines)
    lines = _join_hyphenated(lines)

    repaired: list[Line] = []
    for line in lines:
        new, changes = repair_line(line.text)
        for old, fixed in changes:
            findings.append(
                Finding(
                    "IMP-REPAIRED",
                    Severity.INFO,
                    f"extraction damage repaired: {old!r} -> {fixed!r}",
                    Location(file=name, line=line.no),
                    f"Extraktionsschaden behoben: {old!r} -> {fixed!r}",
                )
            )
        repaired.append(Line(line.no, new))
    return repaired, findings


def _join_torn_paragraphs(lines: list[Line]) -> list[Line]:
    """Drop blank lines between a line that ends no sentence and one that starts lowercase."""
    out: list[Line] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.blank and out and not out[-1].blank:
            j = i
            while j < len(lines) and lines[j].blank:
                j += 1
            if j < len(lines):
                prev, nxt = out[-1].text.rstrip(), lines[j].text.lstrip()
                if nxt[:1].islower() and not _TERMINAL.search(prev):
                    i = j
                    continue
        out.append(line)
        i += 1
    return out


def _join_hyphenated(lines: list[Line]) -> list[Line]:
    """Join "Aufenthalts-" + "titel" into one word; keep "Kranken- und" as it is."""
    out: list[Line] = []
    for line in lines:
        if out and _HYPHEN_END.search(out[-1].text) and not line.blank:
            head = line.text.lstrip()
            first = head.split(" ", 1)[0]
            if first[:1].islower():
                prev = out[-1]
                rest = head[len(first) :]
                if first in _KEEP_HYPHEN_NEXT:
                    joined = prev.text + " " + head
                else:
                    joined = prev.text[:-1] + first
                    # The rest of the line stays a line of its own.
                    out[-1] = Line(prev.no, joined)
                    if rest.strip():
                        out.append(Line(line.no, rest.strip()))
                    continue
                out[-1] = Line(prev.no, joined)
                continue
        out.append(line)
    return out

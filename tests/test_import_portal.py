"""Reading the FIM Portal's export: the seed, its PDF, damaged variants, bad input."""

from __future__ import annotations

import dataclasses
import datetime
import io
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xzufi_toolkit.errors import InputError
from xzufi_toolkit.findings import Severity
from xzufi_toolkit.portal_import.export import PortalExport, read_export
from xzufi_toolkit.portal_import.values import blocks_html

PORTAL = Path(__file__).resolve().parent.parent / "fixtures" / "portal"
DAMAGED = sorted((PORTAL / "damaged").glob("*.txt"))
SEED_PDF = (PORTAL / "seed.pdf").read_bytes()


def _read(path: Path) -> PortalExport:
    return read_export(path.read_bytes(), name=path.name)


def _content(value: Any) -> Any:
    """The export's content without line numbers and findings, for comparing two reads."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: _content(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if f.name not in ("line", "lines", "findings", "name")
        }
    if isinstance(value, dict):
        return {k: _content(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_content(v) for v in value]
    return value


@pytest.fixture(scope="module")
def seed() -> PortalExport:
    return _read(PORTAL / "seed.txt")


def test_seed_short_fields(seed: PortalExport) -> None:
    assert seed.keys == ["99010022001012"]
    assert seed.title == (
        "Residence permit for international, humanitarian or political reasons "
        "Issuance for exceptional cases of hardship"
    )
    assert seed.title2 is None
    assert seed.typisierung == ["2/3"]
    assert seed.source_editor == "Hessen"
    assert seed.status_catalog is None  # "unbestimmter Freigabestatus"
    assert seed.status_library == "5"
    assert seed.structure_kind == "lov"
    assert seed.grouping is not None and (seed.grouping.code, seed.grouping.name) == (
        "010",
        "Aufenthaltstitel",
    )
    assert seed.action is not None and seed.action.code == "001"
    assert [s.code for s in seed.situations] == ["1080100"]
    assert seed.single_point_of_contact is False
    assert seed.released_on == datetime.date(2022, 4, 5)
    assert seed.released_by == "Hessian Ministry of the Interior and Sport"
    assert seed.legal_trigger == "Sachverhalt"
    assert [s.name for s in seed.sdg] == [
        "Anforderungen in Bezug auf Aufenthaltskarten für Unionsbürger und ihre "
        "Familienmitglieder, einschließlich Familienmitglieder, die keine Unionsbürger sind"
    ]
    assert seed.origin_titles == [
        "Aufenthaltserlaubnis aus völkerrechtlichen, humanitären oder politischen Gründen "
        "Erteilung für außergewöhnliche Härtefälle",
        seed.title,
    ]


def test_seed_text_sections(seed: PortalExport) -> None:
    assert list(seed.sections) == [
        "teaser",
        "volltext",
        "unterlagen",
        "voraussetzungen",
        "kosten",
        "verfahrensablauf",
        "bearbeitungsdauer",
        "frist",
        "hinweise",
        "kurztext",
        "ansprechpunkt",
        "formulare",
    ]
    volltext = seed.sections["volltext"].blocks
    # Six paragraphs have blank lines between them; one more ends on a short line
    # ("You may be subject to a residence requirement.") where the next word would fit.
    assert [b.kind for b in volltext] == ["p"] * 7
    assert volltext[3].items == ("You may be subject to a residence requirement.",)
    # The blank line in the middle of a sentence ("provision for" / "jobseekers") is mended,
    # and "Book Il" is the Roman numeral.
    assert "basic provision for jobseekers according to Book II of the" in volltext[4].items[0]
    unterlagen = seed.sections["unterlagen"].blocks
    assert len(unterlagen) == 1 and len(unterlagen[0].items) == 7
    assert unterlagen[0].items[4].startswith("for regulated professions")  # "»" bullet
    # The footer in the middle of Verfahrensablauf is gone and the sentence is whole again.
    ablauf = blocks_html(seed.sections["verfahrensablauf"].blocks)
    assert "Heruntergeladen" not in ablauf
    assert "Ausländerbehörde and which documents you have to submit in which form." in ablauf
    kurz = seed.sections["kurztext"].blocks
    assert [b.kind for b in kurz] == ["ul", "p", "ul", "p"]
    assert kurz[3].items == ("Responsible: Your locally competent immigration authority",)


def test_seed_structured_costs_and_durations(seed: PortalExport) -> None:
    assert [(c.kind, c.amount) for c in seed.costs] == [
        ("fix", Decimal(100)),
        ("fix", Decimal(50)),
        ("frei", None),
    ]
    assert seed.costs[1].description == "50 euros for minors"
    assert [(d.value, d.unit, d.value_to, d.unit_to) for d in seed.processing_times] == [
        (6, "WOCHE", 8, "WOCHE")
    ]
    assert [(d.value, d.unit, d.value_to) for d in seed.deadlines] == [(3, "JAHR", None)]


def test_seed_findings(seed: PortalExport) -> None:
    assert all(f.severity is Severity.INFO for f in seed.findings)
    repaired = {f.message.split(": ", 1)[1] for f in seed.findings if f.code == "IMP-REPAIRED"}
    assert "'Auslanderbérde' -> 'Ausländerbehörde'" in repaired
    assert "'Leistungsschlussel' -> 'Leistungsschlüssel'" in repaired
    assert "'Il' -> 'II'" in repaired
    displaced = [f.location.line for f in seed.findings if f.code == "IMP-DISPLACED"]
    assert displaced == [22, 24, 26, 28, 31, 32]


def test_pdf_reads_like_its_text(seed: PortalExport) -> None:
    """fixtures/portal/seed.pdf is the seed typeset by scripts/make_portal_pdf.py."""
    from_pdf = _read(PORTAL / "seed.pdf")
    assert _content(from_pdf) == _content(seed)


@pytest.mark.parametrize("path", DAMAGED, ids=[p.stem for p in DAMAGED])
def test_damaged_variant(path: Path, seed: PortalExport) -> None:
    expected = json.loads(path.with_suffix(".expected.json").read_text("utf-8"))
    result = _read(path)
    got = [[f.code, f.severity.value, f.location.line] for f in result.findings]
    assert [g for g in got if g[0] != "IMP-REPAIRED"] == expected["findings"]
    assert all(f.location.file == path.name for f in result.findings)
    if expected["same_as_seed"]:
        assert _content(result) == _content(seed)


def test_damaged_corpus_is_complete() -> None:
    stems = {p.stem for p in DAMAGED}
    assert {"missing_sections", "reordered_columns", "hyphenated", "page_footers"} <= stems
    assert all(p.with_suffix(".expected.json").is_file() for p in DAMAGED)


# ------------------------------------------------------------------ bad input


def _image_only_pdf() -> bytes:
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    pdf = canvas.Canvas(buf, invariant=1)
    pdf.rect(100, 100, 300, 400, fill=1)
    pdf.showPage()
    pdf.save()
    return buf.getvalue()


def _encrypted_pdf() -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(PORTAL / "seed.pdf"))
    writer.encrypt("secret", algorithm="RC4-128")
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def _other_document() -> bytes:
    return (
        b"Dear Sir or Madam,\n\nplease find attached the minutes of our last meeting.\n\n"
        b"Kind regards\n"
    )


BAD: dict[str, tuple[Any, str]] = {
    "empty": (lambda: b"", "file is empty"),
    "whitespace": (lambda: b" \n\n\t\n", "file is empty"),
    "other-document": (_other_document, "not a FIM Portal export"),
    "xml": (lambda: b"<?xml version='1.0'?><a><b>Volltext</b></a>", "not a FIM Portal export"),
    "binary": (lambda: bytes(range(256)) * 4, "not a text file and not a PDF"),
    "image-only-pdf": (_image_only_pdf, "no text layer"),
    "truncated-pdf": (lambda: (PORTAL / "seed.pdf").read_bytes()[:400], "PDF"),
    "encrypted-pdf": (_encrypted_pdf, "encrypted"),
}


def test_pdf_locked_only_against_editing_is_read(seed: PortalExport) -> None:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(PORTAL / "seed.pdf"))
    writer.encrypt(user_password="", owner_password="owner", algorithm="RC4-128")
    buf = io.BytesIO()
    writer.write(buf)
    assert _content(read_export(buf.getvalue(), name="locked.pdf")) == _content(seed)


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_input_is_one_input_error(case: str) -> None:
    make, message = BAD[case]
    with pytest.raises(InputError) as info:
        read_export(make(), name=f"{case}.bin")
    assert message in info.value.message
    assert info.value.file == f"{case}.bin"
    assert info.value.hint


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    flips=st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), min_size=1, max_size=20),
    cut=st.none() | st.integers(0, 10**6),
)
def test_damaged_pdf_reads_or_raises_input_error(
    flips: list[tuple[int, int]], cut: int | None, capfd: pytest.CaptureFixture[str]
) -> None:
    """Byte flips and truncation anywhere in the PDF: a result or one InputError, no log noise."""
    data = bytearray(SEED_PDF)
    for pos, byte in flips:
        data[pos % len(data)] = byte
    if cut is not None:
        data = data[: cut % len(data)]
    try:
        read_export(bytes(data), name="fuzz.pdf")
    except InputError as exc:
        assert exc.file == "fuzz.pdf"
    assert capfd.readouterr().err == ""

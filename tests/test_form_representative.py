"""The legal representative on the bundled form: filled from the case's
``gesetzlicherVertreter`` (name, kind, address), the signature left for the hand.

Read back as viewers show it: poppler's text (pdftotext) and pdfium, the filled
form through pdfium's rendering of the field (its text page holds page content
only, not widgets), the flattened one through pdfium's text page too.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import shutil
import subprocess
from functools import cache

import pytest

from xzufi_toolkit.form import FormFiller
from xzufi_toolkit.form.render import render_pdfium, render_poppler
from xzufi_toolkit.form.verify import compare_fields
from xzufi_toolkit.io.resources import fixture_file, form_file, schema_file
from xzufi_toolkit.pipeline import check_case_bytes, fill_case

pytestmark = pytest.mark.render

TODAY = dt.date(2026, 12, 1)
EXPECTED = {
    "minor": {
        "vertretung_name": "Trần, Văn Bình",
        "vertretung_art": "Vormund / guardian",
        "vertretung_anschrift": "Friedrich-Ebert-Straße 27a 34117 Kassel",
    },
    "minor-parents": {
        "vertretung_name": "Yılmaz, Hatice Gül",
        "vertretung_art": "Eltern gemeinsam / parents jointly",
        "vertretung_anschrift": "Hegelstraße 14 39104 Magdeburg",
    },
}
PAGE = 3  # section 11, Gesetzliche Vertretung


@cache
def _filled(case: str, *, flatten: bool = False) -> bytes:
    data = fixture_file("cases", f"{case}.json").read_bytes()
    checked = check_case_bytes(data, today=TODAY, file=f"{case}.json")
    pdf, _ = fill_case(checked.document, flatten=flatten, file=f"{case}.json")
    return pdf


def _poppler_text(pdf: bytes) -> str:
    exe = shutil.which("pdftotext")
    assert exe, "poppler-utils (pdftotext) is required"
    res = subprocess.run(
        [exe, "-f", str(PAGE), "-l", str(PAGE), "-", "-"],
        input=pdf,
        capture_output=True,
        check=True,
    )
    return " ".join(res.stdout.decode().split())


def _pdfium_text(pdf: bytes) -> str:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    try:
        return " ".join(str(doc[PAGE - 1].get_textpage().get_text_range()).split())
    finally:
        doc.close()


def _fields(pdf: bytes) -> dict[str, object]:
    from pypdf import PdfReader

    return {k: f.get("/V") for k, f in (PdfReader(io.BytesIO(pdf)).get_fields() or {}).items()}


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_filled_form_shows_the_representative(case: str) -> None:
    pdf = _filled(case)
    fields = _fields(pdf)
    for name, value in EXPECTED[case].items():
        assert fields[name] == value
        assert value in _poppler_text(pdf), (name, "poppler")
    assert fields["minderjaehrig"] == "/Ja"
    assert fields.get("unterschrift_vertretung") in (None, "")  # for the hand
    filler = FormFiller(pdf)
    for engine in (render_pdfium, render_poppler):  # the drawn glyphs are the expected ones
        scores = compare_fields(filler, pdf, EXPECTED[case], engine)
        assert set(scores) == set(EXPECTED[case])
        assert max(scores.values()) <= 0.005, (engine.__name__, scores)


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_flattened_form_shows_the_representative(case: str) -> None:
    pdf = _filled(case, flatten=True)
    assert _fields(pdf) == {}
    poppler, pdfium_text = _poppler_text(pdf), _pdfium_text(pdf)
    for value in EXPECTED[case].values():
        assert value in poppler
        assert value in pdfium_text


def test_adult_leaves_the_block_empty() -> None:
    fields = _fields(_filled("adult-employed"))
    assert all(fields.get(name) in (None, "") for name in EXPECTED["minor"])


def test_mapping_fills_every_representative_field_but_the_signature() -> None:
    mapping = json.loads(form_file("aufenthalt-25-4-2.mapping.json").read_text(encoding="utf-8"))
    assert set(EXPECTED["minor"]) <= set(mapping["fields"])
    assert "unterschrift_vertretung" not in mapping["fields"]
    project = json.loads(
        schema_file("aufenthalt-antrag", "project-codelists.json").read_text(encoding="utf-8")
    )
    (kinds,) = [x for x in project["lists"] if x["uri"].endswith(":vertretungsart")]
    assert set(mapping["tables"]["vertretungsart"]) == {c["code"] for c in kinds["codes"]}

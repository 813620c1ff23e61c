"""Text that does not fit goes to annex pages; every schema-valid case can be filled."""

from __future__ import annotations

import copy
import datetime as dt
import io
import json
import re
import shutil
import subprocess
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from xzufi_toolkit.case.validate import validate_case
from xzufi_toolkit.form import FormFiller
from xzufi_toolkit.form.mapping import apply_mapping, load_mapping
from xzufi_toolkit.form.render import render_poppler
from xzufi_toolkit.form.verify import compare_fields
from xzufi_toolkit.io.resources import data_file, fixture_file, form_file

FORM = form_file("aufenthalt-25-4-2.pdf")
LONG = "Meine Mutter (87) ist seit 2019 bettlägerig; ich pflege sie täglich. " * 120
AUTHORITY = "Ministerstwo Spraw Wewnętrznych i Administracji, Wydział Paszportowy, Łódź " * 3


@pytest.fixture(scope="module")
def filler() -> FormFiller:
    return FormFiller(FORM.read_bytes())


def _text(pdf: bytes, first: int) -> str:
    exe = shutil.which("pdftotext")
    assert exe, "poppler-utils (pdftotext) is required"
    res = subprocess.run(
        [exe, "-f", str(first), "-", "-"], input=pdf, capture_output=True, check=True
    )
    # page footers, and the title repeated on each annex page after the first
    text = re.sub(r"Seite \d+ / \d+ · Page \d+ of \d+", " ", res.stdout.decode())
    title = "Anlage zum Antrag / Annex to the application"
    head, sep, rest = text.partition(title)
    return " ".join((head + sep + rest.replace(title, " ")).split())


def test_overflow_goes_to_the_annex(filler: FormFiller) -> None:
    values = {"begruendung": LONG, "pass_behoerde": AUTHORITY.strip()}
    assert [f.code for f in filler.check(values)] == ["FORM-TEXT-ANNEX", "FORM-TEXT-ANNEX"]
    pdf = filler.fill(values)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) > filler.info.pages
    fields = reader.get_fields() or {}
    assert fields["begruendung"]["/V"] == LONG  # the data keeps the whole value
    annex = _text(pdf, filler.info.pages + 1)
    assert annex.startswith("Anlage zum Antrag / Annex to the application")
    assert " ".join(LONG.split()) in annex
    assert " ".join(AUTHORITY.split()) in annex
    shown, entries = filler.shown_texts(values)
    assert [e.number for e in entries] == [1, 2]  # numbered in form order: page 1 first
    assert shown["pass_behoerde"] == "siehe Anlage Nr. 1 / see annex no. 1"
    assert shown["begruendung"] == "siehe Anlage Nr. 2 / see annex no. 2"


@pytest.mark.render
def test_the_field_shows_the_note(filler: FormFiller) -> None:
    values = {"begruendung": LONG, "familienname": "Wiśniewski"}
    for flatten in (False, True):
        pdf = filler.fill(values, flatten=flatten)
        scores = compare_fields(filler, pdf, values, render_poppler)
        assert scores == {"begruendung": 0.0, "familienname": 0.0}


def test_annex_off_refuses(filler: FormFiller) -> None:
    codes = [f.code for f in filler.check({"begruendung": LONG}, annex=False)]
    assert codes == ["FORM-TEXT-OVERFLOW"]


# -- every case the schema accepts fills -----------------------------------------
_TABLE = json.loads(data_file("din91379.json").read_text(encoding="utf-8"))
_LETTERS = [chr(int(h, 16)) for h in _TABLE["groups"]["bll"]["chars"]]
_A = st.text(st.sampled_from([*_LETTERS, " ", "-"]), min_size=1, max_size=120).map(
    lambda s: "A" + s.strip()[:118] + "z"
)
_B = st.text(st.sampled_from([*_LETTERS, " ", "-", ".", ","]), min_size=1, max_size=255).map(
    lambda s: ("B" + s.strip())[:255]
)
_C = st.text(st.sampled_from([*_LETTERS, " ", " ", ".", "\n"]), min_size=1, max_size=10000).map(
    lambda s: ("C" + s)[:10000]
)
BASE = json.loads(fixture_file("cases", "adult-employed.json").read_text(encoding="utf-8"))


@st.composite
def long_cases(draw: st.DrawFn) -> dict[str, Any]:
    case = copy.deepcopy(BASE)
    name = case["antragsteller"]["name"]
    name["familienname"], name["vornamen"], name["geburtsname"] = draw(_A), draw(_A), draw(_A)
    case["ausweisdokument"]["ausstellendeBehoerde"] = draw(_B)
    case["aufenthaltstitel"]["ausstellendeBehoerde"] = draw(_B)
    case["aufenthaltstitel"]["nebenbestimmungen"] = draw(_C)
    case["antrag"]["begruendungHaertefall"] = draw(_C)
    case["lebensunterhalt"]["arbeitgeber"] = draw(_B)
    case["lebensunterhalt"]["krankenversicherung"] = draw(_B)
    return case


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(case=long_cases())
def test_every_valid_case_fills(filler: FormFiller, case: dict[str, Any]) -> None:
    _, report = validate_case(case, today=dt.date(2026, 11, 20))
    assert report.valid, [f.code for f in report]
    mapping = load_mapping(form_file("aufenthalt-25-4-2.mapping.json").read_bytes())
    values, _, problems = apply_mapping(mapping, case)
    assert problems == []
    assert {f.severity.value for f in filler.check(values)} <= {"info"}
    fields = PdfReader(io.BytesIO(filler.fill(values))).get_fields() or {}
    assert fields["begruendung"]["/V"] == values["begruendung"]


def test_cli_says_where_the_text_went(tmp_path: Any, capsys: pytest.CaptureFixture[str]) -> None:
    from xzufi_toolkit.cli.main import main

    case = copy.deepcopy(BASE)
    case["antrag"]["begruendungHaertefall"] = LONG
    path = tmp_path / "case.json"
    path.write_text(json.dumps(case, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "out.pdf"
    assert main(["form", "fill", str(path), "-o", str(out), "--today", "2026-11-20"]) == 0
    err = capsys.readouterr().err
    assert "info [FORM-TEXT-ANNEX]" in err and "$.antrag.begruendungHaertefall" in err
    assert "bettlägerig" not in err
    assert len(PdfReader(io.BytesIO(out.read_bytes())).pages) > 3


def test_cli_no_annex_refuses(tmp_path: Any, capsys: pytest.CaptureFixture[str]) -> None:
    from xzufi_toolkit.cli.main import main

    case = copy.deepcopy(BASE)
    case["antrag"]["begruendungHaertefall"] = LONG
    path = tmp_path / "case.json"
    path.write_text(json.dumps(case, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "out.pdf"
    args = ["form", "fill", str(path), "-o", str(out), "--today", "2026-11-20", "--no-annex"]
    assert main(args) == 1
    assert "error [FORM-TEXT-OVERFLOW]" in capsys.readouterr().err
    assert not out.exists()

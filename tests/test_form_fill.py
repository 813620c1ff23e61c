"""Filling: what is stored (/V, /AS, fonts) and the reader/writer round trips."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader
from pypdf.generic import NameObject

from xzufi_toolkit.cli.main import main
from xzufi_toolkit.form import FormFiller, form_font, inspect_form, is_flat
from xzufi_toolkit.form.fonts import repertoire
from xzufi_toolkit.form.layout import wrap
from xzufi_toolkit.form.mapping import apply_mapping, load_mapping, resolve_path
from xzufi_toolkit.io.resources import fixture_file, form_file

ROOT = Path(__file__).resolve().parent.parent
FORM = form_file("aufenthalt-25-4-2.pdf")
MAPPING = form_file("aufenthalt-25-4-2.mapping.json")
CASES = sorted(
    [*fixture_file("cases").glob("*.json"), *(ROOT / "fixtures" / "forms" / "cases").glob("*.json")]
)


@pytest.fixture(scope="module")
def filler() -> FormFiller:
    return FormFiller(FORM.read_bytes(), file=str(FORM))


@pytest.fixture(scope="module")
def mapping() -> Any:
    return load_mapping(MAPPING.read_bytes(), file=str(MAPPING))


def _fields(pdf: bytes) -> dict[str, Any]:
    return PdfReader(io.BytesIO(pdf)).get_fields() or {}


def _values(mapping: Any, case: Path) -> dict[str, Any]:
    values, _, problems = apply_mapping(mapping, json.loads(case.read_text(encoding="utf-8")))
    assert problems == []
    return values


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.stem)
def test_fill_stores_every_value(filler: FormFiller, mapping: Any, case: Path) -> None:
    values = _values(mapping, case)
    pdf = filler.fill(values)
    fields = _fields(pdf)
    info = filler.info
    for name, value in values.items():
        stored = fields[name].get("/V")
        kind = info.field(name).kind
        if kind == "checkbox":
            assert stored == ("/Ja" if value else "/Off")
        elif kind == "radio":
            assert isinstance(stored, NameObject) and stored == f"/{value}"
        else:
            assert stored == value


def test_radio_group_selection_is_visible_state(filler: FormFiller) -> None:
    pdf = filler.fill({"geschlecht": "weiblich", "unterlage_lichtbild": True})
    reader = PdfReader(io.BytesIO(pdf))
    acro = reader.trailer["/Root"]["/AcroForm"]
    assert "/NeedAppearances" not in acro
    states = {}
    for ref in acro["/Fields"]:
        node = ref.get_object()
        if node.get("/T") == "geschlecht":
            assert isinstance(node["/V"], NameObject)
            for ref_kid in node["/Kids"]:
                kid = ref_kid.get_object()
                assert "/V" not in kid
                on = next(k for k in kid["/AP"]["/N"] if k != "/Off")
                states[on] = kid["/AS"]
        if node.get("/T") == "unterlage_lichtbild":
            assert node["/AS"] == "/Ja" and node["/V"] == "/Ja"
    assert states == {
        "/weiblich": "/weiblich",
        "/maennlich": "/Off",
        "/divers": "/Off",
        "/keine_Angabe": "/Off",
    }


def test_font_is_embedded_and_subset(filler: FormFiller) -> None:
    pdf = filler.fill({"familienname": "Wiśniewski"})
    reader = PdfReader(io.BytesIO(pdf))
    dr = reader.trailer["/Root"]["/AcroForm"]["/DR"]["/Font"]
    font = dr["/XzufiRoboto"]
    assert font["/Subtype"] == "/Type0" and font["/Encoding"] == "/Identity-H"
    cid = font["/DescendantFonts"][0].get_object()
    base = str(cid["/BaseFont"])
    assert base[7:] == "+Roboto-Regular" and base[1:7].isupper()
    ttf = cid["/FontDescriptor"]["/FontFile2"].get_data()
    assert 20_000 < len(ttf) < 120_000  # a subset, not the 300 KB font
    assert "/ToUnicode" in font


def test_font_covers_din_91379_and_vietnamese() -> None:
    font = form_font()
    missing = [cp for cp in repertoire() if cp not in font.cmap]
    assert missing == []
    assert font.missing("Nguyễn Thị Minh Khai Ştefănescu Łukasz Παπαδόπουλος Шевченко") == []


def test_font_is_built_once() -> None:
    assert form_font() is form_font()


def test_flatten_is_truly_flat_and_keeps_text(filler: FormFiller, mapping: Any) -> None:
    values = _values(mapping, ROOT / "fixtures" / "forms" / "cases" / "stefanescu.json")
    flat = filler.fill(values, flatten=True)
    assert is_flat(flat)
    assert not is_flat(filler.fill(values))
    with pytest.raises(Exception, match="no form fields"):
        inspect_form(flat)
    exe = shutil.which("pdftotext")
    assert exe, "poppler-utils (pdftotext) is required"
    text = subprocess.run(
        [exe, "-layout", "-", "-"], input=flat, capture_output=True, check=True
    ).stdout.decode()
    assert "Popescu-Ştefănescu" in text and "Ioana Mădălina" in text
    assert "6 0 3 1 6" in text or "60316" in text.replace(" ", "")


def test_input_template_is_never_modified(tmp_path: Path) -> None:
    form = tmp_path / "form.pdf"
    form.write_bytes(FORM.read_bytes())
    mapping = tmp_path / "m.json"
    mapping.write_bytes(MAPPING.read_bytes())
    out = tmp_path / "out.pdf"
    case = CASES[0]
    args = ["form", "fill", str(case), "--form", str(form), "--mapping", str(mapping)]
    assert main([*args, "-o", str(out), "--flatten"]) == 0
    assert form.read_bytes() == FORM.read_bytes()
    assert is_flat(out.read_bytes())


def test_batch_with_jobs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["form", "fill", *map(str, CASES), "-o", str(tmp_path), "--jobs", "2"])
    assert code == 0, capsys.readouterr().err
    assert sorted(p.stem for p in tmp_path.iterdir()) == sorted(p.stem for p in CASES)
    for pdf in tmp_path.iterdir():
        assert _fields(pdf.read_bytes())["postleitzahl"]["/V"]


INVALID = ROOT / "fixtures" / "cases" / "invalid"
LEISTUNG = fixture_file("leistung", "99010022001012-2.3.1.xml")


@pytest.mark.parametrize(
    ("case", "code"),
    [("duration-exceeded", "CASE-DURATION-EXCEEDED"), ("entry-ban", "CASE-PREREQ-ENTRY-BAN")],
)
def test_fill_checks_against_the_leistung_as_case_check(
    case: str, code: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Errors only the Leistung shows: filled before (no Leistung check), refused now."""
    path = str(INVALID / f"{case}.json")
    out = tmp_path / "f.pdf"
    base = ["form", "fill", path, "-o", str(out), "--today", "2026-11-20", "-f", "text"]
    for extra in ([], ["--leistung", str(LEISTUNG)]):
        assert main([*base, *extra]) == 1
        err = capsys.readouterr().err
        assert f"error [{code}]" in err and "not filled" in err
        assert not out.exists()
    assert main([*base, "--no-leistung"]) == 0
    assert "[CASE-" not in capsys.readouterr().err  # no Leistung, no CASE-FEE/-DOC-* infos
    assert out.read_bytes().startswith(b"%PDF-")


def test_fill_with_an_unreadable_leistung_stops(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--leistung is configuration of the run, not a case: one error line, nothing written."""
    bad = tmp_path / "l.xml"
    bad.write_bytes(b"<leistung")
    out = tmp_path / "out"
    out.mkdir()
    argv = ["form", "fill", *map(str, CASES[:2]), "-o", str(out), "--leistung", str(bad)]
    assert main(argv) == 1
    errors = [ln for ln in capsys.readouterr().err.splitlines() if ln.startswith("xzufi: error:")]
    assert len(errors) == 1 and str(bad) in errors[0]
    assert list(out.iterdir()) == []
    assert main([*argv[:-2], "--leistung", str(LEISTUNG), "--report", str(LEISTUNG)]) == 2
    assert list(out.iterdir()) == []
    capsys.readouterr()


def test_inspect_cli_json_and_skeleton(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["form", "inspect", str(FORM), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert {f["name"] for f in doc["fields"]} >= {"familienname", "geschlecht", "postleitzahl"}
    assert main(["form", "inspect", str(FORM), "--skeleton"]) == 0
    skel = json.loads(capsys.readouterr().out)
    assert skel["form_sha256"] == doc["sha256"]
    assert main(["form", "inspect", str(FORM)]) == 0
    assert "comb" in capsys.readouterr().out


# -- properties --------------------------------------------------------------
_REPERTOIRE = sorted(repertoire())
_letters = st.sampled_from([chr(cp) for cp in _REPERTOIRE if chr(cp).isalpha()])
_names = st.text(_letters, min_size=1, max_size=30)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(name=_names, town=_names)
def test_any_din_name_round_trips(filler: FormFiller, name: str, town: str) -> None:
    import unicodedata

    values = {"familienname": name, "wohnort": town}
    if filler.check(values):
        return  # a name wider than the box at 6 pt is a finding, tested elsewhere
    fields = _fields(filler.fill(values))
    assert fields["familienname"]["/V"] == unicodedata.normalize("NFC", name)
    assert fields["wohnort"]["/V"] == unicodedata.normalize("NFC", town)


@settings(max_examples=60, deadline=None)
@given(
    text=st.text(st.sampled_from(list("abc ÄŞś Wiśniewski\n")), max_size=300),
    width=st.floats(min_value=30, max_value=500),
)
def test_wrap_keeps_every_word_and_fits(text: str, width: float) -> None:
    font = form_font()
    lines = wrap(font, text, 9.0, width)
    for line in lines:
        assert font.width(line, 9.0) <= width or len(line) == 1
    assert "".join(text.split()) == "".join("".join(lines).split())


@given(
    doc=st.recursive(
        st.integers() | st.text(max_size=5),
        lambda kids: st.lists(kids, max_size=3) | st.dictionaries(st.sampled_from("abc"), kids),
        max_leaves=10,
    )
)
def test_resolve_path_never_fails(doc: Any) -> None:
    for path in ("$.a", "$.a.b[0]", "$.a[*].c", "$[1]"):
        for where, _ in resolve_path(doc, path):
            assert where.startswith("$")

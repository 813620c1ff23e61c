"""Another authority's form, end to end from the command line (issue 13, items 1-3).

The form is ``fixtures/forms/foreign/hundesteuer-anmeldung.pdf``, a generated
dog-tax registration the toolkit knows nothing about: field names "Text1" …,
a comb postcode, a radio group whose on-states ("Ruede") differ from the
printed options ("Rüde"), a combo box with export values, a checkbox and a
multi-line remark. The mapping is written from ``form inspect --skeleton``
alone: each path is chosen by the printed label the skeleton found, the
option tables are the skeleton's own. Then every value must be visible (pixels
per field region, as form/verify.py compares) and searchable (pdftotext,
pdfium's text page, and MuPDF where PyMuPDF is installed: a bench extra) in
the filled and in the flattened PDF.
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from xzufi_toolkit.cli.main import main
from xzufi_toolkit.form.fill import FormFiller
from xzufi_toolkit.form.mapping import apply_mapping, load_mapping
from xzufi_toolkit.form.render import GrayImage, render_pdfium, render_poppler
from xzufi_toolkit.form.verify import compare_fields, field_region

ROOT = Path(__file__).resolve().parent.parent
FOREIGN = ROOT / "fixtures" / "forms" / "foreign"
FORM = FOREIGN / "hundesteuer-anmeldung.pdf"
BAD = ROOT / "fixtures" / "forms"
DPI = 144.0
TOLERANCE = 0.005  # as tests/test_form_render.py

# What a person filling the form knows: which printed label means which datum.
BY_LABEL = {
    "Name, Vorname": "$.halter.name",
    "Straße, Hausnummer": "$.halter.straße",
    "Postleitzahl": "$.halter.plz",
    "Wohnort": "$.halter['Wohnort (Gemeinde)']",
    "Rufname des Hundes": "$.hund.rufname",
    "Geschlecht": "$.hund.geschlecht",
    "Rasse": "$.hund.rasse",
    "Gehalten seit (TT.MM.JJJJ)": "$.hund.seit",
    "Der Hund gilt als gefährlich (Listenhund).": "$.hund.gefährlich",
    "3. Bemerkungen": "$.bemerkung",
}
DATA: dict[str, Any] = {
    "halter": {
        "name": "Wiśniewski, Łukasz",
        "straße": "Straßburger Straße 5",
        "plz": "10115",
        "Wohnort (Gemeinde)": "Gießen",
    },
    "hund": {
        "rufname": "Bello",
        "geschlecht": "Rüde",
        "rasse": "Labrador Retriever",
        "seit": "2024-03-01",
        "gefährlich": True,
    },
    "bemerkung": "Der Hund wurde im Mai aus dem Tierheim Gießen übernommen. "
    "Die Marke soll an die obige Anschrift gehen.",
}
# every text as the form shows it, the postcode included
SHOWN = [
    "Wiśniewski, Łukasz",
    "Straßburger Straße 5",
    "10115",
    "Gießen",
    "Bello",
    "Labrador Retriever",
    "01.03.2024",
    "Tierheim",
]


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def filler() -> FormFiller:
    return FormFiller(FORM.read_bytes())


@pytest.fixture
def mapping_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """The skeleton from the CLI, completed by label only."""
    code, out, _ = _run(["form", "inspect", str(FORM), "--skeleton"], capsys)
    assert code == 0
    skeleton = json.loads(out)
    for rule in skeleton["fields"].values():
        rule["path"] = BY_LABEL[rule["about"]["label"]]
    path = tmp_path / "hundesteuer.mapping.json"
    path.write_text(json.dumps(skeleton, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture
def data_file(tmp_path: Path) -> Path:
    path = tmp_path / "anmeldung.json"
    path.write_text(json.dumps(DATA, ensure_ascii=False), encoding="utf-8")
    return path


def _fill(
    capsys: pytest.CaptureFixture[str], data: Path, mapping: Path, out: Path, *extra: str
) -> tuple[int, str]:
    args = ["form", "fill", str(data), "--form", str(FORM), "--mapping", str(mapping)]
    code, _, err = _run([*args, "-o", str(out), *extra], capsys)
    return code, err


def _pdftotext(pdf: Path) -> str:
    exe = shutil.which("pdftotext")
    assert exe is not None, "poppler-utils must be installed for the form tests"
    res = subprocess.run([exe, "-enc", "UTF-8", str(pdf), "-"], capture_output=True, check=True)
    return res.stdout.decode("utf-8")


def _pdfium_text(pdf: bytes) -> str:
    """Page text as pdfium reads it; widgets are drawn into the page first (pdfium's own
    flattening of their appearances), since its text page reads page content only."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    if b"/AcroForm" in pdf:
        doc.init_forms()
        page = doc[0]
        page.flatten()
        buf = io.BytesIO()
        doc.save(buf)
        doc.close()
        doc = pdfium.PdfDocument(buf.getvalue())
    try:
        return str(doc[0].get_textpage().get_text_range())
    finally:
        doc.close()


def _mupdf() -> Any:
    """PyMuPDF when installed (the bench extra); MuPDF checks are skipped without it."""
    try:
        import pymupdf
    except ImportError:
        return None
    return pymupdf


def _render_mupdf(pdf: bytes, page: int, *, dpi: float) -> GrayImage:
    pymupdf = _mupdf()
    doc = pymupdf.open(stream=pdf, filetype="pdf")
    try:
        pix = doc[page - 1].get_pixmap(dpi=int(dpi), colorspace=pymupdf.csGRAY, annots=True)
        rows = [pix.samples[y * pix.stride : y * pix.stride + pix.width] for y in range(pix.height)]
        return GrayImage(pix.width, pix.height, b"".join(rows))
    finally:
        doc.close()


def _engines() -> dict[str, Any]:
    engines: dict[str, Any] = {"pdfium": render_pdfium, "poppler": render_poppler}
    if _mupdf() is not None:
        engines["MuPDF"] = _render_mupdf
    return engines


def test_the_fixture_form_is_its_script_s_output() -> None:
    script = FOREIGN / "make_dog_tax_form.py"
    res = subprocess.run(
        [shutil.which("python3") or "python3", str(script), "--check"],
        capture_output=True,
        check=False,
    )
    if b"No module named" in res.stderr:  # the script runs in the project's venv
        import sys

        res = subprocess.run([sys.executable, str(script), "--check"], capture_output=True)
    assert res.returncode == 0, res.stdout + res.stderr


@pytest.mark.render
@pytest.mark.parametrize("flatten", [False, True], ids=["filled", "flattened"])
def test_a_mapping_from_the_skeleton_fills_every_value_visibly_and_searchably(
    filler: FormFiller,
    mapping_file: Path,
    data_file: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    flatten: bool,
) -> None:
    out = tmp_path / "out.pdf"
    code, err = _fill(capsys, data_file, mapping_file, out, *(["--flatten"] if flatten else []))
    assert code == 0, err
    assert "CASE-" not in err  # no residence-permit case checks on another authority's form
    pdf = out.read_bytes()
    if flatten:
        assert b"/AcroForm" not in pdf and b"/Widget" not in pdf

    mapping = load_mapping(mapping_file.read_bytes())
    values, _, problems = apply_mapping(mapping, DATA)
    assert problems == []
    assert values["Optionsfeld1"] == "Ruede" and values["Dropdown1"] == "LAB"
    assert values["Kontrollkästchen1"] is True and len(values) == len(BY_LABEL)

    empty = FORM.read_bytes()
    height = filler.page_size[1]
    for engine, render in _engines().items():
        # text fields, combo, comb postcode: the region matches an independent drawing
        scores = compare_fields(filler, pdf, values, render, dpi=DPI)
        assert set(scores) == {n for n, v in values.items() if isinstance(v, str)} - {
            "Optionsfeld1"
        }
        bad = {k: round(v, 4) for k, v in scores.items() if v > TOLERANCE}
        assert bad == {}, f"{engine}: fields drawn differently: {bad}"
        # checkbox and the chosen radio button are inked, the other button is not
        shown, blank = render(pdf, 1, dpi=DPI), render(empty, 1, dpi=DPI)
        for name, rect, want in _button_regions(filler):
            on = field_region(shown, rect, dpi=DPI, page_height=height, inset=1.0).ink()
            off = field_region(blank, rect, dpi=DPI, page_height=height, inset=1.0).ink()
            assert (on > off + 8) == want, f"{engine}: {name} at {rect}"

    texts = {"poppler": _pdftotext(out), "pdfium": _pdfium_text(pdf)}
    pymupdf = _mupdf()
    if pymupdf is not None:
        doc = pymupdf.open(stream=pdf, filetype="pdf")
        texts["MuPDF"] = doc[0].get_text()
        for value in SHOWN:
            assert doc[0].search_for(value), f"MuPDF cannot find {value!r}"
        doc.close()
    for engine, text in texts.items():
        words = " ".join(text.split())
        for value in SHOWN:
            assert value in words, f"{engine}: {value!r} not in the text"
        assert "1 0 1 1 5" not in words, engine  # the comb extracts as typed


def _button_regions(
    filler: FormFiller,
) -> list[tuple[str, tuple[float, float, float, float], bool]]:
    """(field, widget rectangle, should be on) for the checkbox and each radio button."""
    from pypdf import PdfReader

    from xzufi_toolkit.form.inspect import iter_terminal_fields, on_states

    out = []
    reader = PdfReader(io.BytesIO(FORM.read_bytes()))
    for name, _node, widgets in iter_terminal_fields(reader):
        kind = filler.info.by_name[name].kind
        if kind in ("checkbox", "radio"):
            for w in widgets:
                state = on_states(w)[0]
                box: Any = w["/Rect"]
                rect = [float(v) for v in box]
                out.append((name, (rect[0], rect[1], rect[2], rect[3]), state in ("Yes", "Ruede")))
    return out


def test_no_case_schema_for_another_authority_s_form(
    mapping_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Any JSON fits: a document with one value, not a residence-permit case."""
    data = tmp_path / "d.json"
    data.write_text(json.dumps({"hund": {"rufname": "Bello"}}), encoding="utf-8")
    code, err = _fill(capsys, data, mapping_file, tmp_path / "o.pdf", "--no-leistung")
    assert code == 0, err
    assert "CASE-" not in err and (tmp_path / "o.pdf").exists()


def test_data_schema_findings_name_the_path_not_the_value(
    mapping_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    schema = tmp_path / "s.json"
    schema.write_text(
        json.dumps(
            {
                "type": "object",
                "required": ["halter", "hund"],
                "properties": {
                    "halter": {
                        "type": "object",
                        "properties": {"plz": {"type": "string", "pattern": "^[0-9]{5}$"}},
                    }
                },
            }
        ),
        encoding="utf-8",
    )
    data = tmp_path / "d.json"
    data.write_text(json.dumps({"halter": {"plz": "D-1O115"}}), encoding="utf-8")
    out = tmp_path / "o.pdf"
    code, err = _fill(capsys, data, mapping_file, out, "--data-schema", str(schema))
    assert code == 1 and not out.exists()
    assert "DATA-SCHEMA-PATTERN" in err and "$.halter.plz" in err
    assert "DATA-SCHEMA-REQUIRED" in err and "$.hund" in err
    assert "D-1O115" not in err
    code, err = _fill(
        capsys, data, mapping_file, out, "--data-schema", str(schema), "--show-values"
    )
    assert code == 1 and "D-1O115" in err
    # valid data pass the schema and fill
    data.write_text(json.dumps(DATA, ensure_ascii=False), encoding="utf-8")
    code, err = _fill(capsys, data, mapping_file, out, "--data-schema", str(schema))
    assert code == 0, err


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"{", "not usable"),
        (b'{"type": 5}', "not a valid JSON Schema"),
        (b"[1, 2]", "not a JSON Schema"),
    ],
)
def test_an_unusable_data_schema_is_one_error_line(
    content: bytes,
    says: str,
    mapping_file: Path,
    data_file: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    schema = tmp_path / "s.json"
    schema.write_bytes(content)
    code, err = _fill(
        capsys, data_file, mapping_file, tmp_path / "o.pdf", "--data-schema", str(schema)
    )
    lines = [line for line in err.splitlines() if line.startswith("xzufi: error:")]
    assert code == 2 and len(lines) == 1 and says in lines[0], err
    assert "Traceback" not in err and not (tmp_path / "o.pdf").exists()


def test_a_remote_ref_in_the_data_schema_is_not_fetched(
    mapping_file: Path, data_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    schema = tmp_path / "s.json"
    schema.write_text('{"$ref": "http://127.0.0.1:9/x.json"}', encoding="utf-8")
    code, err = _fill(
        capsys, data_file, mapping_file, tmp_path / "o.pdf", "--data-schema", str(schema)
    )
    assert code == 2 and "cannot be resolved offline" in err and "Traceback" not in err


@pytest.mark.parametrize(
    ("key", "value", "field"),
    [
        ("plz", "101150", "Text3"),  # comb: 6 characters for 5 cells
        ("name", "x" * 61, "Text1"),  # MaxLen 60
    ],
)
def test_data_that_does_not_fit_is_a_finding_naming_the_field(
    key: str,
    value: str,
    field: str,
    mapping_file: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    doc = json.loads(json.dumps(DATA))
    doc["halter"][key] = value
    data = tmp_path / "d.json"
    data.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "o.pdf"
    code, err = _fill(capsys, data, mapping_file, out)
    assert code == 1 and not out.exists()
    assert "FORM-VALUE-TOO-LONG" in err and repr(field) in err
    assert f"$.halter.{key}" in err and value not in err


@pytest.mark.parametrize(
    ("pdf", "says"),
    [
        ("xfa-only.pdf", "XFA-only"),
        ("encrypted.pdf", "encrypted"),
        ("no-acroform.pdf", "no form fields"),
    ],
)
def test_unusable_forms_are_refused_clearly(
    pdf: str,
    says: str,
    mapping_file: Path,
    data_file: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = tmp_path / "o.pdf"
    args = ["form", "fill", str(data_file), "--form", str(BAD / pdf)]
    code, _, err = _run([*args, "--mapping", str(mapping_file), "-o", str(out)], capsys)
    lines = [line for line in err.splitlines() if line.startswith("xzufi: error:")]
    assert code == 1 and len(lines) == 1 and says in lines[0], err
    assert not out.exists()


def test_the_mapping_hash_is_checked_for_another_form(
    mapping_file: Path, data_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = json.loads(mapping_file.read_text(encoding="utf-8"))
    doc["form_sha256"] = "0" * 64
    mapping_file.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "o.pdf"
    code, err = _fill(capsys, data_file, mapping_file, out)
    assert code == 1 and "SHA-256" in err and not out.exists()


def test_a_batch_in_worker_processes_checks_each_file_against_the_schema(
    mapping_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    schema = tmp_path / "s.json"
    schema.write_text('{"required": ["halter"]}', encoding="utf-8")
    good, bad = tmp_path / "good.json", tmp_path / "bad.json"
    good.write_text(json.dumps(DATA, ensure_ascii=False), encoding="utf-8")
    bad.write_text('{"hund": {}}', encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    args = ["form", "fill", str(good), str(bad), "--form", str(FORM), "--mapping"]
    args += [str(mapping_file), "--data-schema", str(schema), "-o", str(out), "--jobs", "2"]
    code, _, err = _run(args, capsys)
    assert code == 1 and "DATA-SCHEMA-REQUIRED" in err and "$.halter" in err
    assert sorted(p.name for p in out.iterdir()) == ["good.pdf"]

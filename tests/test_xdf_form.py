"""``xzufi form generate`` and ``form fill --schema``: the form of a Stammdatenschema.

On the real Blaue Karte schema every Datenfeld gets a field with a /TU, the
form passes the machine-checkable PDF/UA checks, and every filled value shows
in pdfium, poppler and MuPDF (rendered field regions compared with an
independent drawing of the expected text, :mod:`xzufi_toolkit.form.verify`),
flattened and not. Generated schemas give well-formed forms too.
"""

from __future__ import annotations

import copy
import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_form_foreign import _render_mupdf
from test_xdf_message import BLAUE_KARTE, LEISTUNG, data_for, schemas

from xzufi_toolkit.cli.main import main
from xzufi_toolkit.form.inspect import inspect_form
from xzufi_toolkit.form.render import GrayImage, render_pdfium, render_poppler
from xzufi_toolkit.form.tagging import check_tagged
from xzufi_toolkit.form.verify import compare_fields, field_region
from xzufi_toolkit.xdf.form import _filler, fill_schema_form, form_values, generate_form
from xzufi_toolkit.xdf.model import Datenfeld, Feldart, Stammdatenschema, walk
from xzufi_toolkit.xdf.reader import read_xdf

ROOT = Path(__file__).resolve().parent.parent
APPLICATION = ROOT / "fixtures" / "xdf" / "data" / "valid" / "blaue-karte-application.json"
DPI = 144.0
TOLERANCE = 0.005  # as tests/test_form_render.py
NAMES = {  # DIN 91379 names in the name fields of the Blaue Karte schema
    "F00000013": "Nguyễn-Wiśniewski",
    "F00000045": "Łukasz Ştefan",
    "F00000014": "Παπαδόπουλος",
    "F00000067": "Харків",
}
# letters the form font draws: every name above, German, no control characters
FORM_TEXT = st.sampled_from(sorted(set("".join(NAMES.values()) + "abcßäöüXYZ 0-9.,")))


def render_mupdf(pdf: bytes, page: int = 1, *, dpi: float = 100.0) -> GrayImage:
    pytest.importorskip("pymupdf")  # a bench extra
    return _render_mupdf(pdf, page, dpi=dpi)  # the foreign-form tests' MuPDF rendering


ENGINES = {"pdfium": render_pdfium, "poppler": render_poppler, "mupdf": render_mupdf}


@pytest.fixture(scope="module")
def blaue_karte() -> Stammdatenschema:
    content = read_xdf(BLAUE_KARTE).content
    assert isinstance(content, Stammdatenschema)
    return content


@pytest.fixture(scope="module")
def application() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(APPLICATION.read_text(encoding="utf-8"))
    data["G00000630"].update(NAMES)
    return data


def test_every_datenfeld_has_a_field_with_a_tooltip(blaue_karte: Stammdatenschema) -> None:
    form = generate_form(blaue_karte)
    info = inspect_form(form.pdf)
    names = {f.name for f in info.fields}
    assert names == {s.name for s in form.slots}
    covered = {s.field.identifikation.id for s in form.slots if s.field is not None}
    wanted = {
        e.element.identifikation.id
        for _, e in walk(blaue_karte)
        if isinstance(e.element, Datenfeld) and e.element.kind is not Feldart.LABEL
    }
    assert wanted == covered
    assert all(f.tooltip for f in info.fields)
    # repeated fields get their blocks: F00000087 (2:5) five times in each of its two places
    assert sum(1 for n in names if "F00000087#" in n) == 10
    # 1:* contact entries: blocks within the budget, then a field for further entries
    assert any(n.endswith("G00000015#weitere") for n in names)
    kinds = {f.kind for f in info.fields}
    assert {"text", "date", "checkbox"} <= kinds


def test_form_is_tagged_and_embeds_every_font(blaue_karte: Stammdatenschema) -> None:
    assert check_tagged(generate_form(blaue_karte).pdf) == []


def _type0_fonts(pdf: bytes) -> list[Any]:
    """Every Type0 font of ``pdf``, resolved to plain values (streams with their bytes)."""
    import io

    import pikepdf

    def plain(obj: Any) -> Any:
        if isinstance(obj, pikepdf.Stream):
            return {str(k): plain(v) for k, v in obj.items()}, obj.read_bytes()
        if isinstance(obj, pikepdf.Dictionary):
            return {str(k): plain(v) for k, v in obj.items()}
        if isinstance(obj, pikepdf.Array):
            return [plain(v) for v in obj]
        return str(obj) if isinstance(obj, pikepdf.Name) else obj

    with pikepdf.open(io.BytesIO(pdf)) as doc:
        return [
            plain(o)
            for o in doc.objects
            if isinstance(o, pikepdf.Dictionary) and o.get("/Subtype") == pikepdf.Name.Type0
        ]


def test_generated_and_filled_forms_embed_the_font_alike(
    blaue_karte: Stammdatenschema, application: dict[str, Any]
) -> None:
    # one embedding (form.fonts.embed_font) for the labels and for the filled values
    generated = generate_form(blaue_karte).pdf
    filled, _notes = fill_schema_form(blaue_karte, application)
    (label_font,) = _type0_fonts(generated)
    value_fonts = _type0_fonts(filled)
    assert value_fonts and all(f == label_font for f in value_fonts)
    descendant = label_font["/DescendantFonts"][0]
    assert descendant["/DW"] == 1000 and descendant["/CIDToGIDMap"] == "/Identity"


def test_labels_come_from_bezeichnung_eingabe(blaue_karte: Stammdatenschema) -> None:
    pdf = generate_form(blaue_karte).pdf
    out = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode("utf-8")
    for text in ("Antrag auf Blaue Karte EU", "Familienname", "Einreise in das Bundesgebiet am"):
        assert text in out


@pytest.mark.render
@pytest.mark.parametrize(
    ("engine", "flatten"),
    # MuPDF (the slowest here) once: the flattened form is the same content for every engine
    [("pdfium", False), ("pdfium", True), ("poppler", False), ("poppler", True), ("mupdf", False)],
)
def test_every_filled_value_shows(
    blaue_karte: Stammdatenschema, application: dict[str, Any], engine: str, flatten: bool
) -> None:
    pdf, notes = fill_schema_form(blaue_karte, application, flatten=flatten)
    assert [n.code for n in notes if n.severity.value == "error"] == []
    form = generate_form(blaue_karte)
    filler = _filler(form)
    values = form_values(form, application)
    scores = compare_fields(filler, pdf, values, ENGINES[engine], dpi=DPI)
    texts = {
        n
        for n, v in values.items()
        if isinstance(v, str) and filler.info.by_name[n].kind not in ("checkbox", "radio")
    }
    assert set(scores) == texts
    assert len(scores) >= 40
    bad = {k: v for k, v in scores.items() if v > TOLERANCE}
    assert bad == {}, f"{engine}: fields drawn differently: {bad}"
    # checked boxes show their cross, unchecked ones none
    page_h = filler.page_size[1]
    for name, value in values.items():
        info = filler.info.by_name[name]
        if info.kind != "checkbox":
            continue
        img = ENGINES[engine](pdf, info.page, dpi=DPI)
        ink = field_region(img, info.rect, dpi=DPI, page_height=page_h).ink()
        assert (ink > 0) is value, f"{engine}: checkbox {name} shows {ink} dark pixels"


def test_names_are_extractable(blaue_karte: Stammdatenschema, application: dict[str, Any]) -> None:
    pdf, _ = fill_schema_form(blaue_karte, application, flatten=True)
    out = subprocess.run(
        ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode("utf-8")
    for name in NAMES.values():
        assert name in out


def test_entries_beyond_the_blocks_go_to_the_further_entries_field(
    blaue_karte: Stammdatenschema, application: dict[str, Any]
) -> None:
    data = copy.deepcopy(application)
    arbeitgeber = data["G00000642"]["G00000132"]
    entries = [{"F00000025": "01", "F00000026": f"person{i}@example.org"} for i in range(1, 9)]
    arbeitgeber["G00000016"] = {"G00000015": entries}
    form = generate_form(blaue_karte)
    values = form_values(form, data)
    blocks = sum(1 for n in values if "G00000015#" in n and n.endswith("F00000026"))
    more = next(v for n, v in values.items() if n.endswith("G00000015#weitere"))
    assert isinstance(more, str)
    assert more.splitlines()[0].startswith(f"{blocks + 1}. ")
    assert "person8@example.org" in more
    fill_schema_form(blaue_karte, data)  # fits, or continues on an annex page


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_generated_schemas_give_working_forms(data: st.DataObject) -> None:
    schema = data.draw(schemas())
    form = generate_form(schema)
    assert check_tagged(form.pdf) == []
    if form.slots:  # a schema of label fields only has nothing to fill
        info = inspect_form(form.pdf)
        assert {f.name for f in info.fields} == {s.name for s in form.slots}
    doc = data.draw(data_for(schema, FORM_TEXT))
    pdf, _ = fill_schema_form(schema, doc)
    assert pdf.startswith(b"%PDF-")


def test_cli_generate_and_fill(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "form.pdf"
    assert main(["form", "generate", str(LEISTUNG), "-o", str(out)]) == 0
    assert inspect_form(out.read_bytes()).fields
    filled = tmp_path / "filled.pdf"
    code = main(["form", "fill", str(APPLICATION), "--schema", str(BLAUE_KARTE), "-o", str(filled)])
    assert code == 0, capsys.readouterr().err
    assert check_tagged(filled.read_bytes()) == []


def test_cli_fill_refuses_invalid_data_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"G00000630": {"F00000013": "Geheimname"}}), encoding="utf-8")
    out = tmp_path / "out.pdf"
    code = main(["form", "fill", str(bad), "--schema", str(BLAUE_KARTE), "-o", str(out)])
    assert code == 1
    assert not out.exists()
    assert "Geheimname" not in capsys.readouterr().err


def test_cli_schema_with_form_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "form",
            "fill",
            str(APPLICATION),
            "--schema",
            str(BLAUE_KARTE),
            "--form",
            "x.pdf",
            "-o",
            "y.pdf",
        ]
    )
    assert code == 2
    assert "--schema makes its own form" in capsys.readouterr().err

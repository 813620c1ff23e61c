"""Hostile and broken inputs: one clear error each, nothing written, inputs unchanged."""

from __future__ import annotations

import hashlib
import io
import json
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xzufi_toolkit.cli.main import main
from xzufi_toolkit.errors import FormError
from xzufi_toolkit.form import inspect_form
from xzufi_toolkit.io.resources import fixture_file, form_file

ROOT = Path(__file__).resolve().parent.parent
BAD = ROOT / "fixtures" / "forms"
FORM = form_file("aufenthalt-25-4-2.pdf")
MAPPING = form_file("aufenthalt-25-4-2.mapping.json")
CASE = fixture_file("cases", "adult-employed.json")

EXPECTED = {
    "not-a-pdf.pdf": "not a PDF",
    "truncated.pdf": "",
    "encrypted.pdf": "encrypted",
    "xfa-only.pdf": "XFA-only",
    "no-acroform.pdf": "no form fields",
}


def _digest(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_inspect_raises_form_error(name: str) -> None:
    path = BAD / name
    with pytest.raises(FormError) as exc:
        inspect_form(path.read_bytes(), file=str(path))
    assert EXPECTED[name] in str(exc.value)
    assert str(path) in str(exc.value)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_cli_fill_with_bad_form(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = BAD / name
    before = _digest(path)
    out = tmp_path / "out.pdf"
    code = main(
        ["form", "fill", str(CASE), "--form", str(path), "--mapping", str(MAPPING), "-o", str(out)]
    )
    err = capsys.readouterr().err
    assert code == 1
    assert "Traceback" not in err
    assert err.count("xzufi: error:") == 1
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []
    assert _digest(path) == before


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_cli_inspect_bad_form(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["form", "inspect", str(BAD / name)]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and str(BAD / name) in err


def test_hybrid_xfa_is_reported_and_removed(tmp_path: Path) -> None:
    from pypdf import PdfReader

    from xzufi_toolkit.form import FormFiller

    data = (BAD / "hybrid-xfa.pdf").read_bytes()
    filler = FormFiller(data)
    assert filler.info.xfa
    out = filler.fill({"familienname": "Wiśniewski"})
    acro = PdfReader(io.BytesIO(out)).trailer["/Root"]["/AcroForm"]
    assert "/XFA" not in acro


def test_mapping_naming_a_missing_field(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out.pdf"
    mapping = BAD / "mapping-missing-field.json"
    code = main(
        ["form", "fill", str(CASE), "--form", str(FORM), "--mapping", str(mapping), "-o", str(out)]
    )
    err = capsys.readouterr().err
    assert code == 1
    assert "'geburtsland_fehlt'" in err
    assert not out.exists()


def test_mapping_for_another_form(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = json.loads(MAPPING.read_text(encoding="utf-8"))
    doc["form_sha256"] = "0" * 64
    mapping = tmp_path / "m.json"
    mapping.write_text(json.dumps(doc), encoding="utf-8")
    out = tmp_path / "out.pdf"
    code = main(["form", "fill", str(CASE), "--mapping", str(mapping), "-o", str(out)])
    err = capsys.readouterr().err
    assert code == 1 and "SHA-256" in err
    assert not out.exists()


def test_broken_mapping_is_a_config_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mapping = tmp_path / "m.json"
    mapping.write_text('{"mapping_version": 1, "form": "x", "fields": {}}', encoding="utf-8")
    code = main(
        ["form", "fill", str(CASE), "--mapping", str(mapping), "-o", str(tmp_path / "o.pdf")]
    )
    assert code == 2
    assert "'form_sha256' is a required property" in capsys.readouterr().err


def test_invalid_case_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = json.loads(CASE.read_text(encoding="utf-8"))
    doc["antragsteller"]["anschrift"]["postleitzahl"] = "6031"
    doc["antragsteller"]["name"]["familienname"] = "Geheimname"
    case = tmp_path / "case.json"
    case.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "out.pdf"
    code = main(["form", "fill", str(case), "-o", str(out)])
    err = capsys.readouterr().err
    assert code == 1
    assert "postleitzahl" in err
    assert "6031" not in err and "Geheimname" not in err  # no personal data without --show-values
    assert not out.exists()


def test_case_that_is_not_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    case = tmp_path / "case.json"
    case.write_bytes(b"\xff\xfe{not json")
    code = main(["form", "fill", str(case), "-o", str(tmp_path / "out.pdf")])
    assert code == 1
    assert "Traceback" not in capsys.readouterr().err
    assert not (tmp_path / "out.pdf").exists()


def test_output_never_overwrites_the_input(capsys: pytest.CaptureFixture[str]) -> None:
    before = _digest(CASE)
    code = main(["form", "fill", str(CASE), "-o", str(CASE)])
    assert code == 2
    assert _digest(CASE) == before


def _regenerate() -> None:
    import pikepdf
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, NameObject, TextStringObject

    from xzufi_toolkit.form import flatten_pdf

    form = FORM.read_bytes()
    (BAD / "not-a-pdf.pdf").write_text("Antrag auf Verlängerung – kein PDF\n", encoding="utf-8")
    (BAD / "truncated.pdf").write_bytes(form[:4096])
    with pikepdf.open(io.BytesIO(form)) as pdf:
        buf = io.BytesIO()
        pdf.save(buf, encryption=pikepdf.Encryption(user="geheim", owner="geheim", R=6))
        (BAD / "encrypted.pdf").write_bytes(buf.getvalue())
    (BAD / "no-acroform.pdf").write_bytes(flatten_pdf(form))
    for name, keep_fields in (("xfa-only.pdf", False), ("hybrid-xfa.pdf", True)):
        w = PdfWriter(clone_from=PdfReader(io.BytesIO(form)))
        acro = w.root_object["/AcroForm"]
        acro[NameObject("/XFA")] = ArrayObject(
            [TextStringObject("template"), TextStringObject("<template/>")]
        )
        if not keep_fields:
            acro[NameObject("/Fields")] = ArrayObject()
            for page in w.pages:
                if "/Annots" in page:
                    del page["/Annots"]
        buf = io.BytesIO()
        w.write(buf)
        (BAD / name).write_bytes(buf.getvalue())
    doc = json.loads(MAPPING.read_text(encoding="utf-8"))
    doc["fields"]["geburtsland_fehlt"] = {"path": "$.antragsteller.geburt.staat"}
    (BAD / "mapping-missing-field.json").write_text(
        json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )


if __name__ == "__main__" and "--regenerate" in sys.argv:
    _regenerate()


_TEMPLATE = FORM.read_bytes()


@st.composite
def _mutated(draw: st.DrawFn) -> bytes:
    data = bytearray(_TEMPLATE)
    for _ in range(draw(st.integers(1, 6))):
        pos = draw(st.integers(0, len(data) - 1))
        data[pos : pos + draw(st.integers(1, 64))] = draw(st.binary(min_size=0, max_size=64))
    if draw(st.booleans()):
        data = data[: draw(st.integers(0, len(data)))]
    return bytes(data)


@settings(max_examples=40, deadline=None)
@given(data=_mutated())
def test_damaged_forms_raise_only_form_errors(data: bytes) -> None:
    from xzufi_toolkit.errors import ValidationFailedError
    from xzufi_toolkit.form import FormFiller

    try:
        filler = FormFiller(data, file="fuzz.pdf")
        filler.fill({name: "Wiśniewski" for name in ("familienname", "wohnort")}, flatten=True)
    except (FormError, ValidationFailedError):
        pass

"""PDF/UA-1 (ISO 14289-1): the machine-checkable checks on our forms.

Two checkers: ``pdfua`` (PyPI, pikepdf-based: MarkInfo, StructTreeRoot, untagged
content, Lang, title, DisplayDocTitle, pdfuaid, annotation descriptions, …) and
:func:`xzufi_toolkit.form.tagging.check_tagged`, which adds what pdfua leaves out:
every widget inside a Form element, every MCID in the parent tree, every font
embedded (annotation appearances included), /TU on every field, /Tabs /S.
The second half shows that each check fails where it should.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pikepdf
import pytest

from xzufi_toolkit.form import FormFiller
from xzufi_toolkit.form.tagging import (
    ReportlabSink,
    Tagger,
    apply_structure,
    check_tagged,
)
from xzufi_toolkit.io.resources import fixture_file, form_file
from xzufi_toolkit.pipeline import check_case_bytes, fill_case

FORM = form_file("aufenthalt-25-4-2.pdf")
CASES = sorted(fixture_file("cases").glob("*.json"))
LONG = "Ich pflege meine Mutter (87) seit 2019 täglich; sie ist bettlägerig. " * 140


def _pdfua_findings(pdf: bytes, tmp_path: Path) -> list[str]:
    import pdfua

    path = tmp_path / "check.pdf"
    path.write_bytes(pdf)
    report = pdfua.validate(str(path))
    return [f"{f.rule_id}: {f.message}" for f in report.findings]


def _fill(case: Path, *, flatten: bool, long: bool = False) -> bytes:
    data = case.read_bytes()
    if long:
        doc = json.loads(data)
        doc["antrag"]["begruendungHaertefall"] = LONG
        data = json.dumps(doc, ensure_ascii=False).encode()
    checked = check_case_bytes(data, today=dt.date(2026, 12, 1), file=case.name)
    pdf, _ = fill_case(checked.document, flatten=flatten, file=case.name)
    return pdf


def test_the_template_passes(tmp_path: Path) -> None:
    pdf = FORM.read_bytes()
    assert check_tagged(pdf) == []
    assert _pdfua_findings(pdf, tmp_path) == []


@pytest.mark.parametrize("flatten", [False, True], ids=["filled", "flattened"])
@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_filled_and_flattened_forms_pass(case: Path, flatten: bool, tmp_path: Path) -> None:
    pdf = _fill(case, flatten=flatten)
    assert check_tagged(pdf) == []
    assert _pdfua_findings(pdf, tmp_path) == []


@pytest.mark.parametrize("flatten", [False, True], ids=["filled", "flattened"])
def test_annex_pages_are_tagged_too(flatten: bool, tmp_path: Path) -> None:
    pdf = _fill(CASES[0], flatten=flatten, long=True)
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        assert len(doc.pages) > 3
        annex = len(doc.pages) - 3
        roles = [str(k.S) for k in doc.Root.StructTreeRoot.K[0].K]
    assert roles.count("/H1") == 1 + annex  # the form's title, then one per annex page
    assert roles.count("/H2") == 1  # the field's label heads its text
    assert check_tagged(pdf) == []
    assert _pdfua_findings(pdf, tmp_path) == []


def test_flattened_form_has_no_widgets_and_no_form_elements() -> None:
    pdf = _fill(CASES[0], flatten=True)
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        assert "/AcroForm" not in doc.Root
        assert all("/Annots" not in p.obj for p in doc.pages)
        roles = set()
        stack = [doc.Root.StructTreeRoot.K[0]]
        while stack:
            node = stack.pop()
            if isinstance(node, pikepdf.Dictionary) and "/S" in node:
                roles.add(str(node.S))
                kids = node.K
                stack.extend(kids if isinstance(kids, pikepdf.Array) else [kids])
    assert "/Form" not in roles and {"/H1", "/H2", "/P", "/Span", "/Sect"} <= roles


def test_every_widget_of_the_template_is_in_a_form_element() -> None:
    with pikepdf.open(FORM) as doc:
        widgets = [a for p in doc.pages for a in p.obj.get("/Annots", [])]
        parent = dict(_nums(doc.Root.StructTreeRoot.ParentTree))
        for annot in widgets:
            elem = parent[int(annot.StructParent)]
            assert elem.S == "/Form"
            objrs = [k for k in elem.K if isinstance(k, pikepdf.Dictionary) and "/Obj" in k]
            assert [o.Obj.objgen for o in objrs] == [annot.objgen]
        assert len(widgets) > 60


def _nums(tree: Any) -> list[tuple[int, Any]]:
    nums = tree.Nums
    return [(int(nums[i]), nums[i + 1]) for i in range(0, len(nums), 2)]


# -- the checks fail where they should ---------------------------------------------


def _edited(edit: Any) -> bytes:
    with pikepdf.open(FORM) as pdf:
        edit(pdf)
        out = io.BytesIO()
        pdf.save(out)
    return out.getvalue()


def _problems(edit: Any) -> list[str]:
    return check_tagged(_edited(edit))


def test_untagged_pdf_fails() -> None:
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, invariant=1)
    c.drawString(72, 720, "Antrag")
    c.showPage()
    c.save()
    problems = check_tagged(buf.getvalue())
    assert any("MarkInfo" in p for p in problems)
    assert any("no structure tree" in p for p in problems)
    assert any("XMP" in p for p in problems)


def test_missing_tooltip_fails() -> None:
    def edit(pdf: Any) -> None:
        del pdf.Root.AcroForm.Fields[0]["/TU"]

    assert any("has no /TU" in p for p in _problems(edit))


def test_widget_outside_the_tree_fails() -> None:
    def edit(pdf: Any) -> None:
        del pdf.pages[0].obj.Annots[0]["/StructParent"]

    assert any("not in the structure tree" in p for p in _problems(edit))


def test_untagged_content_fails() -> None:
    def edit(pdf: Any) -> None:
        page = pdf.pages[0]
        page.contents_add(pdf.make_stream(b"0 0 m 100 100 l S"), prepend=False)

    assert any("outside marked content" in p for p in _problems(edit))


def test_unembedded_font_fails() -> None:
    def edit(pdf: Any) -> None:
        page = pdf.pages[0]
        page.obj.Resources.Font.Helv = pikepdf.Dictionary(
            Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica
        )

    assert any("Helvetica is not embedded" in p for p in _problems(edit))


def test_metadata_lang_tabs_and_title_display_fail() -> None:
    def edit(pdf: Any) -> None:
        pdf.Root.Metadata = pdf.make_stream(b"<x:xmpmeta xmlns:x='adobe:ns:meta/'/>")
        del pdf.Root["/Lang"]
        del pdf.pages[0].obj["/Tabs"]
        pdf.Root.ViewerPreferences.DisplayDocTitle = False

    problems = _problems(edit)
    for part in ("dc:title", "pdfuaid", "/Lang", "/Tabs", "DisplayDocTitle"):
        assert any(part in p for p in problems), part


def test_mcid_missing_from_the_parent_tree_fails() -> None:
    def edit(pdf: Any) -> None:
        arr = dict(_nums(pdf.Root.StructTreeRoot.ParentTree))[0]
        del arr[len(arr) - 1]

    assert any("no entry in the parent tree" in p for p in _problems(edit))


# -- the Tagger API, as a form generator uses it --------------------------------------


def test_tagger_builds_a_tagged_form() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    from xzufi_toolkit.io.resources import data_file

    face = "PdfuaTest-Roboto"
    pdfmetrics.registerFont(TTFont(face, str(data_file("fonts", "Roboto-Regular.ttf"))))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, invariant=1, initialFontName=face)  # embedded, not Helvetica
    tag = Tagger(ReportlabSink(c))
    with tag.marked("H1"):
        c.drawString(72, 760, "Antrag")
    with tag.element("Form"):
        with tag.marked(None):
            c.drawString(72, 740, "Name")
        with tag.marked("Span", lang="en"):
            c.drawString(110, 740, " / Name")
        c.acroForm.textfield(name="name", tooltip="Name / Name", x=72, y=710, width=200)
        tag.widget("name")
    with tag.artifact():
        c.rect(60, 700, 300, 80)
    c.showPage()
    tag.next_page()
    c.save()
    pdf = apply_structure(buf.getvalue(), tag.root, title="Antrag / Application")
    problems = check_tagged(pdf)
    assert problems == []  # reportlab's Helvetica appearance was replaced too
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        document = doc.Root.StructTreeRoot.K[0]
        assert [str(k.S) for k in document.K] == ["/H1", "/Form"]
        form = document.K[1]
        span = next(k for k in form.K if isinstance(k, pikepdf.Dictionary) and "/S" in k)
        assert span.S == "/Span" and str(span.Lang) == "en"
        assert str(doc.Root.Lang) == "de" and bool(doc.Root.MarkInfo.Marked)


def test_tagger_refuses_what_it_cannot_place() -> None:
    tag = Tagger(lambda ops: None)
    with pytest.raises(ValueError, match="standard structure type"), tag.element("Heading"):
        pass
    with pytest.raises(ValueError, match="needs an element"), tag.marked(None, lang="en"):
        pass


def test_a_widget_bound_twice_or_never_drawn_is_an_error() -> None:
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, invariant=1)
    tag = Tagger(ReportlabSink(c))
    with tag.element("Form"):
        tag.widget("nirgends")
    c.showPage()
    c.save()
    with pytest.raises(ValueError, match="0 widget"):
        apply_structure(buf.getvalue(), tag.root, title="x")


def test_filling_keeps_the_structure() -> None:
    filler = FormFiller(FORM.read_bytes())
    pdf = filler.fill({"familienname": "Wiśniewski", "geschlecht": "weiblich"})
    with pikepdf.open(io.BytesIO(pdf)) as doc, pikepdf.open(FORM) as template:
        assert len(doc.Root.StructTreeRoot.ParentTree.Nums) == len(
            template.Root.StructTreeRoot.ParentTree.Nums
        )
        meta = doc.Root.Metadata.read_bytes()
        assert b"<pdfuaid:part>1</pdfuaid:part>" in meta


def test_flatten_keeps_a_dr_font_that_an_appearance_needs() -> None:
    """Foreign forms often draw with /DR's Helvetica from an appearance without
    resources: that font must survive flattening (only unused ones are dropped)."""
    from xzufi_toolkit.form.flatten import flatten_pdf

    def edit(pdf: Any) -> None:
        annot = pdf.pages[0].obj.Annots[0]
        stream = pdf.make_stream(b"BT /Helv 10 Tf 2 4 Td (Muster) Tj ET")
        stream.BBox = annot.AP.N.BBox
        annot.AP = pikepdf.Dictionary(N=stream)

    flat = flatten_pdf(_edited(edit))
    with pikepdf.open(io.BytesIO(flat)) as doc:
        fonts: list[str] = []
        for xobj in doc.pages[0].Resources.XObject.values():
            resources: Any = xobj.get("/Resources")
            if resources is not None and "/Font" in resources:
                fonts.extend(str(f.get("/BaseFont")) for f in resources.Font.values())
    assert "/Helvetica" in fonts  # kept: the foreign appearance needs it
    plain = flatten_pdf(FORM.read_bytes())
    assert not [p for p in check_tagged(plain) if "not embedded" in p]  # ours: dropped

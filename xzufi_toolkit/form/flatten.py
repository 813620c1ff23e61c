"""Flatten a filled form through qpdf (pikepdf): appearances become page content.

A flat PDF has no /AcroForm and no widget annotations left: what the widgets
showed is drawn into each page's content, so the text stays vector text (and
extractable through the embedded font's ToUnicode map). Not a read-only flag
and not a raster image, which is what fillpdf offers.
"""

from __future__ import annotations

import io
from typing import Any

from xzufi_toolkit.errors import FormError

__all__ = ["flatten_pdf", "is_flat"]


def flatten_pdf(data: bytes, *, file: str | None = None) -> bytes:
    """``data`` with all printable widgets merged into the pages and the form removed.

    A tagged form stays tagged: each widget's drawing becomes marked content of
    its structure element (``Form`` turns into ``P``, as nothing is fillable any
    more), and a checkbox or radio button carries the text "☒"/"☐" (ActualText
    over an invisible glyph), so "☒ weiblich / female" reads as it looks.
    """
    import pikepdf

    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            tagged = "/StructTreeRoot" in pdf.Root
            try:
                _drop_unembedded_dr_fonts(pdf)
                widgets = _prepare_widgets(pdf) if tagged else {}
                pdf.flatten_annotations("print")
                if tagged:
                    _tag_flattened(pdf, widgets)
            except (AttributeError, KeyError, TypeError, ValueError, IndexError) as exc:
                raise FormError(
                    f"cannot flatten this PDF: its structure is damaged ({type(exc).__name__})",
                    file=file,
                ) from None
            for page in pdf.pages:
                annots = page.obj.get("/Annots")
                if annots is None:
                    continue
                keep = [a for a in annots if a.get("/Subtype") != "/Widget"]
                if keep:
                    page.obj.Annots = pikepdf.Array(keep)
                else:
                    del page.obj["/Annots"]
            if "/AcroForm" in pdf.Root:
                del pdf.Root["/AcroForm"]
            out = io.BytesIO()
            pdf.save(out, deterministic_id=True, compress_streams=True)
    except pikepdf.PdfError as exc:
        raise FormError(
            f"qpdf cannot flatten this PDF: {str(exc).splitlines()[0][:120]}", file=file
        ) from None
    return out.getvalue()


_BOX = {True: "\u2612 ", False: "\u2610 "}  # ☒ ☐


def _drop_unembedded_dr_fonts(pdf: Any) -> None:
    """qpdf copies /AcroForm /DR into each flattened appearance: drop the fonts there
    that are not embedded and that no appearance takes from /DR (one without its own
    /Font entry for the name), so the flat page names no unembedded font."""
    from xzufi_toolkit.form.tagging import font_embedded

    acro = pdf.Root.get("/AcroForm")
    dr = acro.get("/DR") if acro is not None else None
    fonts = dr.get("/Font") if dr is not None else None
    if fonts is None:
        return
    needed = _fonts_taken_from_dr(pdf)
    for name in list(fonts.keys()):
        if name not in needed and not font_embedded(fonts[name]):
            del fonts[name]


def _fonts_taken_from_dr(pdf: Any) -> set[str]:
    import pikepdf

    needed: set[str] = set()
    for page in pdf.pages:
        for annot in page.obj.get("/Annots", []):
            ap = annot.get("/AP")
            normal = ap.get("/N") if ap is not None else None
            if normal is None:
                continue
            streams = [normal] if isinstance(normal, pikepdf.Stream) else list(normal.values())
            for stream in streams:
                if not isinstance(stream, pikepdf.Stream):
                    continue
                resources: Any = stream.get("/Resources")
                own: Any = resources.get("/Font", {}) if resources is not None else {}
                instructions: Any = pikepdf.parse_content_stream(stream)
                for operands, op in instructions:
                    if str(op) == "Tf" and operands and str(operands[0]) not in own:
                        needed.add(str(operands[0]))
    return needed


def _prepare_widgets(pdf: Any) -> dict[tuple[int, int], tuple[Any, Any]]:
    """Give each tagged widget its own appearance stream; map it to (widget, element).

    Button appearances get an invisible glyph with ActualText ☒ or ☐ in front,
    drawn with the embedded form font where the form has it.
    """
    import pikepdf

    tree = pdf.Root.StructTreeRoot
    parent = _parent_tree(tree)
    acro = pdf.Root.get("/AcroForm")
    dr_fonts = acro.get("/DR", {}).get("/Font", {}) if acro is not None else {}
    font = dr_fonts.get("/XzufiRoboto")
    glyph = _glyph_x() if font is not None else None
    out: dict[tuple[int, int], tuple[Any, Any]] = {}
    for page in pdf.pages:
        for annot in page.obj.get("/Annots", []):
            key = annot.get("/StructParent")
            if annot.get("/Subtype") != "/Widget" or key is None or int(key) not in parent:
                continue
            ap = annot.get("/AP")
            normal = ap.get("/N") if ap is not None else None
            if normal is None:
                continue
            button = "/Subtype" not in normal
            if button:
                state = annot.get("/AS", pikepdf.Name.Off)
                normal = normal.get(state)
                if normal is None:
                    continue
            data = normal.read_bytes()
            resources = normal.get("/Resources", pikepdf.Dictionary())
            if button and glyph is not None:
                on = str(annot.get("/AS", "/Off")) != "/Off"
                text = _BOX[on].encode("utf-16-be").hex().upper()
                data = (
                    f"/Span <</ActualText <FEFF{text}>>> BDC BT 3 Tr /XzufiRoboto 1 Tf "
                    f"1 1 Td <{glyph:04X}> Tj ET EMC\n".encode()
                    + data
                )
                resources = pikepdf.Dictionary(resources)
                old_fonts: Any = resources.get("/Font")
                fonts = pikepdf.Dictionary(old_fonts if old_fonts is not None else {})
                fonts.XzufiRoboto = font
                resources.Font = fonts
            copy = pikepdf.Stream(pdf, data)
            for k in ("/BBox", "/Matrix"):
                if k in normal:
                    copy[k] = normal[k]
            copy.Type = pikepdf.Name.XObject
            copy.Subtype = pikepdf.Name.Form
            copy.Resources = resources
            copy = pdf.make_indirect(copy)
            annot.AP = pikepdf.Dictionary(N=copy)
            if button:
                del annot["/AS"]  # /N is the one stream of the shown state now
            out[copy.objgen] = (annot, parent[int(key)])
    return out


def _glyph_x() -> int:
    from xzufi_toolkit.form.fonts import form_font

    return form_font().gids("x")[0]


def _parent_tree(tree: Any) -> dict[int, Any]:
    from xzufi_toolkit.form.tagging import parent_tree

    return parent_tree(tree)


def _tag_flattened(pdf: Any, widgets: dict[tuple[int, int], tuple[Any, Any]]) -> None:
    """Mark each flattened widget drawing with an MCID of its former Form element."""
    import pikepdf

    tree = pdf.Root.StructTreeRoot
    parent = _parent_tree(tree)
    done: set[tuple[int, int]] = set()
    for page in pdf.pages:
        key = page.obj.get("/StructParents")
        if key is None or int(key) not in parent:
            continue
        marks = parent[int(key)]
        xobjects = page.obj.get("/Resources", {}).get("/XObject", {})
        out = []
        changed = False
        instructions: Any = pikepdf.parse_content_stream(page)
        for operands, op in instructions:
            target = xobjects.get(str(operands[0])) if str(op) == "Do" and operands else None
            hit = widgets.get(target.objgen) if target is not None else None
            if hit is None:
                out.append(pikepdf.ContentStreamInstruction(operands, op))
                continue
            annot, elem = hit
            mcid = len(marks)
            marks.append(elem)
            props = pikepdf.Dictionary(MCID=mcid)
            out.append(
                pikepdf.ContentStreamInstruction([pikepdf.Name.P, props], pikepdf.Operator("BDC"))
            )
            out.append(pikepdf.ContentStreamInstruction(operands, op))
            out.append(pikepdf.ContentStreamInstruction([], pikepdf.Operator("EMC")))
            mcr = pikepdf.Dictionary(Type=pikepdf.Name.MCR, Pg=page.obj, MCID=mcid)
            _replace_objr(elem, annot, mcr)
            done.add(annot.objgen)
            changed = True
        if changed:
            page.obj.Contents = pdf.make_stream(pikepdf.unparse_content_stream(out))
    # widgets that drew nothing (an unsigned signature field): their OBJR goes
    for _, elem in widgets.values():
        _drop_objrs(elem)
    _drop_widget_keys(pdf, tree, parent)
    _forms_to_p(tree)


def _replace_objr(elem: Any, annot: Any, mcr: Any) -> None:
    import pikepdf

    kids = elem.K if isinstance(elem.K, pikepdf.Array) else pikepdf.Array([elem.K])
    new = pikepdf.Array()
    for kid in kids:
        is_objr = isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/OBJR"
        new.append(mcr if is_objr and kid.Obj.objgen == annot.objgen else kid)
    elem.K = new


def _drop_objrs(elem: Any) -> None:
    import pikepdf

    kids = elem.K if isinstance(elem.K, pikepdf.Array) else pikepdf.Array([elem.K])
    elem.K = pikepdf.Array(
        k for k in kids if not (isinstance(k, pikepdf.Dictionary) and k.get("/Type") == "/OBJR")
    )


def _drop_widget_keys(pdf: Any, tree: Any, parent: dict[int, Any]) -> None:
    """Parent-tree entries of widgets (single elements, not page arrays) are gone."""
    import pikepdf

    nums = pikepdf.Array()
    for key in sorted(parent):
        value = parent[key]
        if isinstance(value, pikepdf.Array):
            nums.append(key)
            nums.append(value)
    tree.ParentTree = pdf.make_indirect(pikepdf.Dictionary(Nums=nums))


def _forms_to_p(tree: Any) -> None:
    """Nothing is fillable after flattening: Form elements become paragraphs."""
    import pikepdf

    stack = list(tree.K) if isinstance(tree.K, pikepdf.Array) else [tree.K]
    while stack:
        node = stack.pop()
        if not isinstance(node, pikepdf.Dictionary) or node.get("/Type") in ("/MCR", "/OBJR"):
            continue
        if node.get("/S") == "/Form":
            node.S = pikepdf.Name.P
        kids = node.get("/K")
        if isinstance(kids, pikepdf.Array):
            stack.extend(kids)


def is_flat(data: bytes) -> bool:
    """True when the PDF has neither an AcroForm nor widget annotations."""
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        if "/AcroForm" in pdf.Root:
            return False
        for page in pdf.pages:
            for annot in page.obj.get("/Annots", []):
                if annot.get("/Subtype") == "/Widget":
                    return False
    return True

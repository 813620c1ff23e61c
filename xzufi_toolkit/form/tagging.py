"""Tagged PDF (PDF/UA-1, ISO 14289-1) for the forms this project generates.

Two halves, so any generator can use it (``scripts/make_form.py`` for the
bundled form, the XDatenfelder form generator for its forms):

1. **While drawing.** A :class:`Tagger` hands out marked-content ids (MCIDs)
   per page and records the logical structure in reading order. Every drawing
   call goes inside :meth:`Tagger.marked` (real content, bound to a structure
   element) or :meth:`Tagger.artifact` (rules, boxes, page numbers). Widgets are
   bound with :meth:`Tagger.widget` inside a ``Form`` element::

       tagger = Tagger(ReportlabSink(canvas))      # or any callable taking operator text
       with tagger.marked("H1"):
           canvas.drawString(x, y, "Antrag …")
       with tagger.element("Form"):
           with tagger.marked(None):               # the label, German
               canvas.drawString(x, y, "Familienname")
           with tagger.marked("Span", lang="en"):  # its English part
               canvas.drawString(x2, y, " / Surname")
           canvas.acroForm.textfield(name="familienname", …)
           tagger.widget("familienname")           # radio kids: widget(name, state="ja")
       with tagger.artifact():
           canvas.rect(…)
       canvas.showPage(); tagger.next_page()

2. **After saving.** :func:`apply_structure` (pikepdf) writes the structure
   tree (``StructTreeRoot`` with ``Document`` → H1/H2/P/Form/Span …, a
   ``ParentTree`` for page MCIDs and widget ``/StructParent`` keys, ``OBJR``
   references to each widget), ``/MarkInfo /Marked true``, the document
   ``/Lang`` (elements may carry their own, e.g. ``en``), an XMP packet with
   ``dc:title`` and ``pdfuaid:part`` 1, ``/ViewerPreferences
   /DisplayDocTitle true`` and ``/Tabs /S`` on every page. The output is
   deterministic (no clock), so generated forms stay reproducible.

:func:`check_tagged` runs the machine-checkable PDF/UA checks that need no
human: structure tree and parent tree present, every widget reachable from a
``Form`` element, every painting operator inside marked content or an
artifact, every MCID in the parent tree, every font embedded, a /TU on every
field, /Lang, XMP title and PDF/UA identifier, DisplayDocTitle, /Tabs /S.
It returns problems as plain strings (empty list: passed).

Hand-written because no maintained Python library writes a structure tree;
pikepdf gives the objects, qpdf the file.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol
from xml.sax.saxutils import escape

__all__ = [
    "Element",
    "MarkedContent",
    "ReportlabSink",
    "Tagger",
    "WidgetRef",
    "apply_structure",
    "check_tagged",
    "font_embedded",
    "parent_tree",
    "plain_appearances",
    "widget_state",
    "xmp_packet",
]

# Structure types of ISO 32000-1 14.8.4 that these forms use or may use.
_ROLES = """Document Part Art Sect Div BlockQuote Caption TOC TOCI Index NonStruct Private
P H H1 H2 H3 H4 H5 H6 L LI Lbl LBody Table TR TH TD THead TBody TFoot Span Quote
Note Reference BibEntry Code Link Annot Ruby RB RT RP Warichu WT WP Figure Formula Form"""
STANDARD_ROLES = frozenset(_ROLES.split())
# Operators that paint something: outside marked content they are untagged content.
_PAINT_OPS = frozenset(
    {"Tj", "TJ", "'", '"', "S", "s", "f", "F", "f*", "B", "B*", "b", "b*", "sh", "Do", "BI"}
)


@dataclass(frozen=True, slots=True)
class MarkedContent:
    """A marked-content sequence: the ``mcid``-th of page ``page`` (0-based)."""

    page: int
    mcid: int


@dataclass(frozen=True, slots=True)
class WidgetRef:
    """A widget on page ``page``: the field's full name; ``state`` picks a radio kid."""

    page: int
    field: str
    state: str | None = None


@dataclass(slots=True)
class Element:
    """A structure element; ``kids`` in reading order."""

    role: str
    kids: list[Element | MarkedContent | WidgetRef] = field(default_factory=list)
    lang: str | None = None
    alt: str | None = None
    actual_text: str | None = None


class Sink(Protocol):
    def __call__(self, operators: str) -> None: ...


class ReportlabSink:
    """Writes operator text into a reportlab canvas' current page stream."""

    def __init__(self, canvas: Any) -> None:
        self.canvas = canvas

    def __call__(self, operators: str) -> None:
        self.canvas.addLiteral(operators)


class Tagger:
    """Records the structure while a generator draws; see the module docstring."""

    def __init__(self, sink: Sink | Callable[[str], None]) -> None:
        self.sink = sink
        self.root = Element("Document")
        self.page = 0
        self._next_mcid = 0
        self._stack: list[Element] = [self.root]

    @property
    def current(self) -> Element:
        return self._stack[-1]

    def next_page(self) -> None:
        """Call after each page is finished (``showPage``): MCIDs restart at 0."""
        self.page += 1
        self._next_mcid = 0

    @contextmanager
    def element(
        self, role: str, *, lang: str | None = None, alt: str | None = None
    ) -> Iterator[Element]:
        """A structure element around whatever is tagged inside the block."""
        if role not in STANDARD_ROLES:
            raise ValueError(f"not a standard structure type: {role}")
        elem = Element(role, lang=lang, alt=alt)
        self.current.kids.append(elem)
        self._stack.append(elem)
        try:
            yield elem
        finally:
            self._stack.pop()

    @contextmanager
    def marked(self, role: str | None = "P", *, lang: str | None = None) -> Iterator[None]:
        """Real content: drawn inside ``/Tag <</MCID n>> BDC … EMC``.

        With ``role`` the content gets its own element of that type (with
        ``lang``), otherwise it belongs to the current element.
        """
        if role is None:
            if lang is not None:
                raise ValueError("lang needs an element (give a role such as 'Span')")
            yield from self._mark(self.current.role)
            return
        with self.element(role, lang=lang):
            yield from self._mark(role)

    def _mark(self, tag: str) -> Iterator[None]:
        mcid = self._next_mcid
        self._next_mcid += 1
        self.current.kids.append(MarkedContent(self.page, mcid))
        self.sink(f"/{tag} <</MCID {mcid}>> BDC")
        try:
            yield
        finally:
            self.sink("EMC")

    @contextmanager
    def artifact(self, kind: str = "Layout") -> Iterator[None]:
        """Decoration (boxes, rules, backgrounds) or ``Pagination`` (headers, page numbers)."""
        self.sink(f"/Artifact <</Type /{kind}>> BDC")
        try:
            yield
        finally:
            self.sink("EMC")

    def widget(self, name: str, state: str | None = None) -> None:
        """Bind the widget of field ``name`` (radio kid: its on-state) on this page."""
        self.current.kids.append(WidgetRef(self.page, name, state))


# -- writing the structure -------------------------------------------------


def xmp_packet(title: str, *, lang: str = "de", creator: str = "xzufi-toolkit") -> bytes:
    """An XMP packet with dc:title and the PDF/UA identifier (no dates: reproducible)."""
    t = escape(title)
    body = f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:pdf="http://ns.adobe.com/pdf/1.3/"
    xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/">
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{t}</rdf:li></rdf:Alt></dc:title>
   <dc:language><rdf:Bag><rdf:li>{escape(lang)}</rdf:li></rdf:Bag></dc:language>
   <pdf:Producer>{escape(creator)}</pdf:Producer>
   <pdfuaid:part>1</pdfuaid:part>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""
    return body.encode("utf-8")


def widget_state(annot: Any) -> set[str]:
    """The on-state names of a button widget (its /AP /N keys other than /Off)."""
    ap = annot.get("/AP")
    normal = ap.get("/N") if ap is not None else None
    if normal is None or not hasattr(normal, "keys") or "/Subtype" in normal:
        return set()
    return {str(k)[1:] for k in list(normal.keys()) if str(k) != "/Off"}


def _full_name(annot: Any) -> str:
    parts: list[str] = []
    node: Any = annot
    seen = 0
    while node is not None and seen < 32:
        if "/T" in node:
            parts.append(str(node.T))
        node = node.get("/Parent")
        seen += 1
    return ".".join(reversed(parts))


def apply_structure(
    data: bytes,
    root: Element,
    *,
    title: str,
    lang: str = "de",
    creator: str = "xzufi-toolkit",
    appearances: bool = True,
) -> bytes:
    """``data`` with the structure tree of ``root`` and the PDF/UA document entries.

    With ``appearances`` the widgets' appearance streams are replaced by
    :func:`plain_appearances` (reportlab draws them with Helvetica and
    ZapfDingbats, which are never embedded).
    """
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        if appearances:
            plain_appearances(pdf)
        _write_structure(pdf, root)
        set_document_entries(pdf, title=title, lang=lang, creator=creator)
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True, compress_streams=True)
    return out.getvalue()


def set_document_entries(pdf: Any, *, title: str, lang: str, creator: str) -> None:
    """/MarkInfo, /Lang, XMP, DisplayDocTitle, /Tabs /S on a pikepdf document."""
    import pikepdf

    pdf.Root.MarkInfo = pikepdf.Dictionary(Marked=True)
    pdf.Root.Lang = pikepdf.String(lang)
    prefs = pdf.Root.get("/ViewerPreferences")
    if prefs is None:
        prefs = pikepdf.Dictionary()
        pdf.Root.ViewerPreferences = prefs
    prefs.DisplayDocTitle = True
    meta = pikepdf.Stream(pdf, xmp_packet(title, lang=lang, creator=creator))
    meta.Type = pikepdf.Name.Metadata
    meta.Subtype = pikepdf.Name.XML
    pdf.Root.Metadata = pdf.make_indirect(meta)
    pdf.docinfo[pikepdf.Name.Title] = pikepdf.String(title)
    for page in pdf.pages:
        page.obj.Tabs = pikepdf.Name.S


_KAPPA = 0.5523  # Bezier control distance for a quarter circle


def _circle(cx: float, cy: float, r: float) -> str:
    k = r * _KAPPA
    return (
        f"{cx + r:.3f} {cy:.3f} m "
        f"{cx + r:.3f} {cy + k:.3f} {cx + k:.3f} {cy + r:.3f} {cx:.3f} {cy + r:.3f} c "
        f"{cx - k:.3f} {cy + r:.3f} {cx - r:.3f} {cy + k:.3f} {cx - r:.3f} {cy:.3f} c "
        f"{cx - r:.3f} {cy - k:.3f} {cx - k:.3f} {cy - r:.3f} {cx:.3f} {cy - r:.3f} c "
        f"{cx + k:.3f} {cy - r:.3f} {cx + r:.3f} {cy - k:.3f} {cx + r:.3f} {cy:.3f} c"
    )


def _mk_color(mk: Any, key: str, op: str) -> str:
    arr = mk.get(key) if mk is not None else None
    if arr is None or len(arr) not in (1, 3, 4):
        return ""
    ops = {1: "g", 3: "rg", 4: "k"}[len(arr)]
    return " ".join(f"{float(v):.3f}" for v in arr) + " " + (ops if op == "f" else ops.upper())


def button_appearance(width: float, height: float, *, radio: bool, on: bool, mk: Any) -> bytes:
    """Vector drawing of a checkbox (cross) or radio button (dot): no font needed.

    A radio button is a circle as wide as the widget, so it is as large as a checkbox.
    """
    bg, bc = _mk_color(mk, "/BG", "f"), _mk_color(mk, "/BC", "S")
    r = min(width, height) / 2
    cx, cy = width / 2, height / 2
    ops: list[str] = []
    if radio:
        if bg:
            ops.append(f"{bg} {_circle(cx, cy, r - 0.3)} f")
        if bc:
            ops.append(f"{bc} 0.6 w {_circle(cx, cy, r - 0.3)} S")
        if on:
            ops.append(f"0 g {_circle(cx, cy, r * 0.45)} f")
    else:
        if bg:
            ops.append(f"{bg} 0 0 {width:.3f} {height:.3f} re f")
        if bc:
            ops.append(f"{bc} 0.6 w 0.3 0.3 {width - 0.6:.3f} {height - 0.6:.3f} re S")
        if on:
            m = min(width, height) * 0.22
            ops.append(
                f"0 G 1.2 w {m:.3f} {m:.3f} m {width - m:.3f} {height - m:.3f} l "
                f"{m:.3f} {height - m:.3f} m {width - m:.3f} {m:.3f} l S"
            )
    return ("q " + " ".join(ops) + " Q").encode()


def field_frame(width: float, height: float, mk: Any) -> bytes:
    """An empty text or choice field: background and border only."""
    bg, bc = _mk_color(mk, "/BG", "f"), _mk_color(mk, "/BC", "S")
    ops = []
    if bg:
        ops.append(f"{bg} 0 0 {width:.3f} {height:.3f} re f")
    if bc:
        ops.append(f"{bc} 0.6 w 0.3 0.3 {width - 0.6:.3f} {height - 0.6:.3f} re S")
    return ("q " + " ".join(ops) + " Q").encode()


def plain_appearances(pdf: Any) -> None:
    """Replace every widget appearance by a font-free vector one (pikepdf document).

    Text and choice fields get their frame, checkboxes a cross, radio buttons a
    circle with a dot; each on-state keeps its name. Identical streams are shared.
    """
    import pikepdf

    cache: dict[bytes, Any] = {}

    def stream(content: bytes, width: float, height: float) -> Any:
        key = content + f"|{width:.3f}|{height:.3f}".encode()
        if key not in cache:
            obj = pikepdf.Stream(pdf, content)
            obj.Type = pikepdf.Name.XObject
            obj.Subtype = pikepdf.Name.Form
            obj.BBox = pikepdf.Array([0, 0, round(width, 3), round(height, 3)])
            obj.Resources = pikepdf.Dictionary()
            cache[key] = pdf.make_indirect(obj)
        return cache[key]

    for page in pdf.pages:
        for annot in page.obj.get("/Annots", []):
            if annot.get("/Subtype") != "/Widget":
                continue
            rect = [float(v) for v in annot.Rect]
            width, height = abs(rect[2] - rect[0]), abs(rect[3] - rect[1])
            field = annot if "/FT" in annot else annot.get("/Parent", annot)
            kind = str(field.get("/FT", ""))
            mk = annot.get("/MK")
            if kind == "/Btn":
                flags = annot.get("/Ff", annot.get("/Parent", {}).get("/Ff", 0))
                radio = bool(int(flags) & (1 << 15))
                states = widget_state(annot)
                normal = pikepdf.Dictionary()
                for state in states:
                    content = button_appearance(width, height, radio=radio, on=True, mk=mk)
                    normal[pikepdf.Name("/" + state)] = stream(content, width, height)
                off = button_appearance(width, height, radio=radio, on=False, mk=mk)
                normal.Off = stream(off, width, height)
                annot.AP = pikepdf.Dictionary(N=normal)
            elif kind in ("/Tx", "/Ch"):
                annot.AP = pikepdf.Dictionary(
                    N=stream(field_frame(width, height, mk), width, height)
                )


def _write_structure(pdf: Any, root: Element) -> None:
    import pikepdf

    pages = [p.obj for p in pdf.pages]
    # widgets by (page, full name) -> list of annotations
    widgets: dict[tuple[int, str], list[Any]] = {}
    for index, page in enumerate(pages):
        for annot in page.get("/Annots", []):
            if annot.get("/Subtype") == "/Widget":
                widgets.setdefault((index, _full_name(annot)), []).append(annot)
    tree_root = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.StructTreeRoot))
    per_page: dict[int, dict[int, Any]] = {}
    objr_keys: list[tuple[int, Any]] = []
    next_key = len(pages)

    def build(elem: Element, parent: Any) -> Any:
        nonlocal next_key
        node = pdf.make_indirect(
            pikepdf.Dictionary(Type=pikepdf.Name.StructElem, S=pikepdf.Name("/" + elem.role))
        )
        node.P = parent
        if elem.lang:
            node.Lang = pikepdf.String(elem.lang)
        if elem.alt:
            node.Alt = pikepdf.String(elem.alt)
        if elem.actual_text:
            node.ActualText = pikepdf.String(elem.actual_text)
        kids = pikepdf.Array()
        for kid in elem.kids:
            if isinstance(kid, Element):
                kids.append(build(kid, node))
            elif isinstance(kid, MarkedContent):
                page = pages[kid.page]
                kids.append(pikepdf.Dictionary(Type=pikepdf.Name.MCR, Pg=page, MCID=kid.mcid))
                per_page.setdefault(kid.page, {})[kid.mcid] = node
            else:
                annot = _find_widget(widgets, kid)
                annot.StructParent = next_key
                objr_keys.append((next_key, node))
                next_key += 1
                kids.append(
                    pikepdf.Dictionary(Type=pikepdf.Name.OBJR, Obj=annot, Pg=pages[kid.page])
                )
        if len(kids) == 1 and not isinstance(elem.kids[0], Element):
            node.Pg = pages[_page_of(elem.kids[0])]
        node.K = kids
        return node

    tree_root.K = pikepdf.Array([build(root, tree_root)])
    nums = pikepdf.Array()
    for index, page in enumerate(pages):
        page.StructParents = index
        marks = per_page.get(index, {})
        arr = pikepdf.Array([marks[m] for m in range(len(marks))]) if marks else pikepdf.Array()
        if marks and sorted(marks) != list(range(len(marks))):
            raise ValueError(f"page {index + 1}: MCIDs are not 0..n-1")
        nums.append(index)
        nums.append(pdf.make_indirect(arr))
    for key, node in objr_keys:
        nums.append(key)
        nums.append(node)
    tree_root.ParentTree = pdf.make_indirect(pikepdf.Dictionary(Nums=nums))
    tree_root.ParentTreeNextKey = next_key
    pdf.Root.StructTreeRoot = tree_root


def _page_of(kid: MarkedContent | WidgetRef | Element) -> int:
    return kid.page if not isinstance(kid, Element) else 0


def _find_widget(widgets: dict[tuple[int, str], list[Any]], ref: WidgetRef) -> Any:
    found = widgets.get((ref.page, ref.field), [])
    if ref.state is not None:
        found = [a for a in found if ref.state in widget_state(a)]
    if len(found) != 1:
        raise ValueError(
            f"page {ref.page + 1}: {len(found)} widget(s) for field {ref.field!r}"
            + (f" state {ref.state!r}" if ref.state else "")
        )
    return found[0]


# -- checking ----------------------------------------------------------------


def check_tagged(data: bytes) -> list[str]:
    """Problems found by the machine-checkable PDF/UA checks (empty: passed)."""
    import pikepdf

    problems: list[str] = []
    with pikepdf.open(io.BytesIO(data)) as pdf:
        root: Any = pdf.Root
        mark = root.get("/MarkInfo")
        if mark is None or not _is_true(mark.get("/Marked")):
            problems.append("7.1: /MarkInfo /Marked is not true")
        if not str(root.get("/Lang", "")).strip():
            problems.append("7.2: no document /Lang")
        prefs = root.get("/ViewerPreferences")
        if prefs is None or not _is_true(prefs.get("/DisplayDocTitle")):
            problems.append("7.1: /ViewerPreferences /DisplayDocTitle is not true")
        problems.extend(_check_metadata(root))
        tree = root.get("/StructTreeRoot")
        if tree is None:
            problems.append("7.1: no structure tree")
            return problems
        elems, objrs, mcrs = _walk_tree(tree, problems)
        parent = parent_tree(tree)
        problems.extend(_check_fields(root))
        for index, page in enumerate(pdf.pages):
            obj = page.obj
            where = f"page {index + 1}"
            annots = [a for a in obj.get("/Annots", []) if a.get("/Subtype") != "/Link"]
            if annots and obj.get("/Tabs") != "/S":
                problems.append(f"7.18.3: {where} has annotations but /Tabs is not /S")
            for annot in annots:
                if annot.get("/Subtype") == "/Widget":
                    problems.extend(_check_widget(annot, parent, objrs, where))
                elif annot.get("/Subtype") not in ("/Popup",) and "/StructParent" not in annot:
                    problems.append(f"7.18.1: {where}: annotation not in the structure tree")
            problems.extend(_check_page_content(obj, parent, mcrs, where))
            problems.extend(_check_fonts(obj, where))
        del elems
    return problems


def _is_true(value: Any) -> bool:
    return value is not None and bool(value) is True and str(value) in ("True", "true")


def _check_metadata(root: Any) -> list[str]:
    problems: list[str] = []
    meta = root.get("/Metadata")
    if meta is None:
        return ["5: no XMP metadata"]
    from xzufi_toolkit.io import xmlsafe

    try:
        doc = xmlsafe.parse_bytes(bytes(meta.read_bytes()))
    except Exception as exc:  # any unreadable packet is one problem
        return [f"5: XMP metadata unreadable ({type(exc).__name__})"]
    ns = {
        "dc": "http://purl.org/dc/elements/1.1/",
        "pdfuaid": "http://www.aiim.org/pdfua/ns/id/",
        "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    }
    titles: Any = doc.xpath("//dc:title//rdf:li/text()", namespaces=ns)
    if not [t for t in titles if str(t).strip()]:
        problems.append("7.1: XMP has no dc:title")
    part: Any = doc.xpath("//pdfuaid:part/text() | //@pdfuaid:part", namespaces=ns)
    if [str(p).strip() for p in part] != ["1"]:
        problems.append("5: XMP has no pdfuaid:part 1")
    return problems


def _walk_tree(tree: Any, problems: list[str]) -> tuple[int, set[tuple[int, int]], set[Any]]:
    """Count elements; collect OBJR targets and (page objgen, MCID) pairs."""
    role_map = tree.get("/RoleMap", {})
    objrs: set[tuple[int, int]] = set()
    mcrs: set[Any] = set()
    count = 0
    stack: list[tuple[Any, Any]] = [(k, None) for k in _as_list(tree.get("/K"))]
    seen: set[tuple[int, int]] = set()
    while stack:
        node, page = stack.pop()
        if isinstance(node, int):
            if page is not None:
                mcrs.add((page, node))
            continue
        kind = node.get("/Type")
        if kind == "/OBJR":
            objrs.add(node.Obj.objgen)
            continue
        if kind == "/MCR":
            pg = node.get("/Pg", None)
            pg_id = pg.objgen if pg is not None else page
            mcrs.add((pg_id, int(node.MCID)))
            continue
        if node.is_indirect:
            if node.objgen in seen:
                problems.append("7.1: structure tree has a cycle or a shared element")
                continue
            seen.add(node.objgen)
        count += 1
        role = str(node.get("/S", ""))[1:]
        mapped = str(role_map.get("/" + role, "/" + role))[1:]
        if mapped not in STANDARD_ROLES:
            problems.append(f"7.1: structure type {role!r} is not standard nor role-mapped")
        pg = node.get("/Pg")
        pg_id = pg.objgen if pg is not None else page
        stack.extend((k, pg_id) for k in _as_list(node.get("/K")))
    return count, objrs, mcrs


def _as_list(value: Any) -> list[Any]:
    import pikepdf

    if value is None:
        return []
    if isinstance(value, pikepdf.Array):
        return list(value)
    return [value]


def parent_tree(tree: Any) -> dict[int, Any]:
    """The number tree flattened (Nums, and Kids one level at a time)."""
    out: dict[int, Any] = {}
    stack = [tree.get("/ParentTree")]
    while stack:
        node = stack.pop()
        if node is None:
            continue
        nums = node.get("/Nums")
        if nums is not None:
            for i in range(0, len(nums) - 1, 2):
                out[int(nums[i])] = nums[i + 1]
        stack.extend(node.get("/Kids", []))
    return out


def _check_widget(
    annot: Any, parent: dict[int, Any], objrs: set[tuple[int, int]], where: str
) -> list[str]:
    name = _full_name(annot) or "?"
    key = annot.get("/StructParent")
    if key is None or annot.objgen not in objrs:
        return [f"7.18.4: {where}: widget {name!r} is not in the structure tree"]
    elem = parent.get(int(key))
    if elem is None or elem.get("/S") != "/Form":
        return [f"7.18.4: {where}: widget {name!r} is not inside a Form element"]
    return []


def _check_fields(root: Any) -> list[str]:
    acro = root.get("/AcroForm")
    if acro is None:
        return []
    problems: list[str] = []
    stack = list(acro.get("/Fields", []))
    while stack:
        node = stack.pop()
        kids = [k for k in node.get("/Kids", []) if "/T" in k]
        if kids:
            stack.extend(kids)
            continue
        if not str(node.get("/TU", "")).strip():
            problems.append(f"7.18.1: field {_full_name(node)!r} has no /TU")
    return problems


def _check_page_content(page: Any, parent: dict[int, Any], mcrs: set[Any], where: str) -> list[str]:
    import pikepdf

    problems: list[str] = []
    key = page.get("/StructParents")
    marks = parent.get(int(key)) if key is not None else None
    mcids = _content_marks(pikepdf.Page(page), problems, where)
    for mcid in sorted(mcids):
        if marks is None or mcid >= len(marks) or marks[mcid] is None:
            problems.append(f"7.1: {where}: MCID {mcid} has no entry in the parent tree")
        elif (page.objgen, mcid) not in mcrs:
            problems.append(f"7.1: {where}: MCID {mcid} is not referenced by the tree")
    return problems


def _content_marks(page: Any, problems: list[str], where: str) -> set[int]:
    """MCIDs used on the page; painting outside marked content is a problem."""
    import pikepdf

    mcids: set[int] = set()
    depth = 0
    untagged = 0
    instructions: Any = pikepdf.parse_content_stream(page)
    for operands, op in instructions:
        name = str(op)
        if name in ("BDC", "BMC"):
            depth += 1
            if name == "BDC" and len(operands) == 2:
                props = operands[1]
                if isinstance(props, pikepdf.Dictionary) and "/MCID" in props:
                    mcids.add(int(props.MCID))
        elif name == "EMC":
            depth -= 1
        elif name in _PAINT_OPS and depth <= 0:
            untagged += 1
    if untagged:
        problems.append(f"7.1: {where}: {untagged} painting operator(s) outside marked content")
    return mcids


def _fonts_in(resources: Any, seen: set[tuple[int, int]]) -> Iterator[tuple[str, Any]]:
    if resources is None:
        return
    for name, font in resources.get("/Font", {}).items():
        yield str(name), font
    for xobj in resources.get("/XObject", {}).values():
        if xobj.objgen in seen or xobj.get("/Subtype") != "/Form":
            continue
        seen.add(xobj.objgen)
        yield from _fonts_in(xobj.get("/Resources"), seen)


def _check_fonts(page: Any, where: str) -> list[str]:
    problems: list[str] = []
    seen: set[tuple[int, int]] = set()
    sources = [page.get("/Resources")]
    for annot in page.get("/Annots", []):
        ap = annot.get("/AP")
        for key in ("/N", "/D", "/R"):
            app = ap.get(key) if ap is not None else None
            if app is None:
                continue
            streams = [app] if "/Subtype" in app else list(app.values())
            sources.extend(s.get("/Resources") for s in streams)
    for resources in sources:
        for name, font in _fonts_in(resources, seen):
            if not font_embedded(font):
                base = str(font.get("/BaseFont", name))
                problems.append(f"7.21.4.1: {where}: font {base} is not embedded")
    return sorted(set(problems))


def font_embedded(font: Any) -> bool:
    """True for an embedded font program (Type3 fonts are drawn, so they count)."""
    if font.get("/Subtype") == "/Type3":
        return True
    if font.get("/Subtype") == "/Type0":
        font = font.DescendantFonts[0]
    desc = font.get("/FontDescriptor")
    return desc is not None and any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3"))

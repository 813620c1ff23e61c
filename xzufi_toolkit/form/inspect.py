"""What an AcroForm offers: field names, kinds, limits, options, on-states, fonts.

``inspect_form`` reads any PDF form (not only ours), so the toolkit can fill
other authorities' forms: the result lists what a mapping may target, and
``mapping_skeleton`` turns it into a mapping file to complete by hand.

Unusable PDFs raise :class:`~xzufi_toolkit.errors.FormError` with the reason:
not a PDF, damaged, encrypted, XFA-only, no AcroForm, no fields.
"""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from xzufi_toolkit.errors import FormError

if TYPE_CHECKING:
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import DictionaryObject

__all__ = [
    "FieldInfo",
    "FormInfo",
    "describe_form",
    "field_choices",
    "inspect_form",
    "iter_terminal_fields",
    "mapping_skeleton",
    "open_form",
]

# Field flags (PDF 32000-1, 12.7.3.1 and 12.7.4.2-4)
FF_READ_ONLY = 1 << 0
FF_REQUIRED = 1 << 1
FF_MULTILINE = 1 << 12
FF_PASSWORD = 1 << 13
FF_NO_TOGGLE_OFF = 1 << 14
FF_RADIO = 1 << 15
FF_PUSHBUTTON = 1 << 16
FF_COMBO = 1 << 17
FF_EDIT = 1 << 18
FF_COMB = 1 << 24

_DATE_JS = re.compile(r'AFDate_(?:Format|Keystroke)(?:Ex)?\(\s*"([^"]+)"')
# a text field whose printed label or tooltip asks for a German date
_DATE_HINT = re.compile(r"TT\.\s?MM\.\s?(?:JJ)?JJ|dd\.\s?mm\.\s?(?:yy)?yy", re.IGNORECASE)
_DA_FONT = re.compile(r"/([^\s/()<>\[\]{}%]+)\s+([\d.]+)\s+Tf")


@dataclass(frozen=True, slots=True)
class FieldInfo:
    """One terminal field of an AcroForm.

    ``kind`` is one of text, date, comb, multiline, password, checkbox, radio,
    combo, list, signature, button. ``options`` are the export values of a
    choice field, ``labels`` what the viewer shows for them; ``on_states`` the
    appearance names that mean "on" for checkboxes and radio groups.
    ``label`` is the text printed next to the field on the page and
    ``option_texts`` the text printed next to each on-state's button; both
    are only filled in by :func:`~xzufi_toolkit.form.labels.with_labels`.
    """

    name: str
    kind: str
    page: int
    rect: tuple[float, float, float, float]
    max_len: int | None = None
    comb: bool = False
    options: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()
    on_states: tuple[str, ...] = ()
    font: str | None = None
    font_size: float | None = None
    read_only: bool = False
    required: bool = False
    date_format: str | None = None
    alignment: int = 0
    rotation: int = 0
    tooltip: str | None = None
    widgets: int = 1
    label: str | None = None
    option_texts: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "kind": self.kind, "page": self.page}
        out["rect"] = [round(v, 2) for v in self.rect]
        if self.rotation:
            out["rotation"] = self.rotation
        for key in ("label", "max_len", "font", "font_size", "date_format", "tooltip"):
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        for key in ("comb", "read_only", "required"):
            if getattr(self, key):
                out[key] = True
        if self.options:
            out["options"] = list(self.options)
            if self.labels != self.options:
                out["labels"] = list(self.labels)
        if self.on_states:
            out["on_states"] = list(self.on_states)
        if any(self.option_texts):
            out["option_texts"] = list(self.option_texts)
        if self.widgets != 1:
            out["widgets"] = self.widgets
        return out


@dataclass(frozen=True, slots=True)
class FormInfo:
    """An AcroForm at a glance, with the SHA-256 of the file it was read from."""

    sha256: str
    pages: int
    fields: tuple[FieldInfo, ...]
    xfa: bool = False
    need_appearances: bool = False
    fonts: tuple[str, ...] = ()
    page_size: tuple[float, float] = (595.2756, 841.8898)
    by_name: dict[str, FieldInfo] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self.by_name.update({f.name: f for f in self.fields})

    def field(self, name: str) -> FieldInfo | None:
        return self.by_name.get(name)

    def as_dict(self) -> dict[str, Any]:
        return {
            "sha256": self.sha256,
            "pages": self.pages,
            "xfa": self.xfa,
            "need_appearances": self.need_appearances,
            "fonts": list(self.fonts),
            "fields": [f.as_dict() for f in self.fields],
        }


def structure_errors() -> tuple[type[Exception], ...]:
    """What pypdf raises on broken objects: its own errors, and wrong types or shapes."""
    from pypdf.errors import PyPdfError

    return (PyPdfError, LookupError, TypeError, ValueError, AttributeError, RecursionError)


def damaged(exc: Exception, what: str, file: str | None, *, where: str = "") -> FormError:
    """The one error for a PDF whose objects are broken."""
    return FormError(
        f"{what}: {type(exc).__name__}{where}",
        file=file,
        hint="repair it with qpdf or export it again from the authoring tool",
    )


def open_form(data: bytes, *, file: str | None = None) -> PdfReader:
    """A pypdf reader for ``data``, or :class:`FormError` saying why it is unusable."""
    from pypdf import PdfReader
    from pypdf.errors import DependencyError

    head = data[:1024]
    if b"%PDF-" not in head:
        raise FormError(
            "not a PDF file (no %PDF- header)", file=file, hint="pass the PDF form itself"
        )
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        encrypted = reader.is_encrypted
        root: Any = None
        if not encrypted:
            len(reader.pages)  # forces the page tree to be read
            root = reader.trailer["/Root"].get_object()
    except DependencyError:  # AES needs the optional crypto package: encrypted either way
        encrypted = True
    except structure_errors() as exc:
        raise damaged(exc, "damaged PDF", file) from None
    if encrypted:
        raise FormError(
            "the PDF is encrypted",
            file=file,
            hint="ask the authority for an unprotected form or decrypt it (qpdf --decrypt)",
        )
    acro, has_fields = _acroform(root, file)
    if acro is not None and "/XFA" in acro and not has_fields:
        raise FormError(
            "XFA-only form: its fields exist only in XFA, which no current viewer but "
            "Adobe Reader fills",
            file=file,
            hint="ask the authority for an AcroForm version of the form",
        )
    if acro is None or not has_fields:
        raise FormError(
            "the PDF has no form fields (no AcroForm)",
            file=file,
            hint="inspect shows only fillable PDFs; is this a printed or flattened form?",
        )
    return reader


def _acroform(root: Any, file: str | None) -> tuple[Any, bool]:
    """The /AcroForm dictionary (or ``None``) and whether it lists any field."""
    from pypdf.generic import ArrayObject, DictionaryObject

    try:
        if not isinstance(root, DictionaryObject):
            raise TypeError("catalog is not a dictionary")
        acro: Any = root.get("/AcroForm")
        acro = acro.get_object() if acro is not None else None
        if not isinstance(acro, DictionaryObject):
            return None, False
        fields: Any = acro.get("/Fields")
        fields = fields.get_object() if fields is not None else None
        return acro, isinstance(fields, ArrayObject) and len(fields) > 0
    except structure_errors() as exc:
        raise damaged(exc, "damaged PDF", file, where=" in the document catalog") from None


def iter_terminal_fields(
    doc: PdfReader | PdfWriter,
) -> list[tuple[str, DictionaryObject, list[DictionaryObject]]]:
    """(fully qualified name, field dictionary, widget annotations) of each terminal field."""
    from pypdf.generic import DictionaryObject

    root: Any = doc.trailer["/Root"].get_object() if hasattr(doc, "trailer") else doc.root_object
    acro: Any = root["/AcroForm"].get_object()
    out: list[tuple[str, DictionaryObject, list[DictionaryObject]]] = []
    seen: set[int] = set()

    def walk(node: DictionaryObject, prefix: str, depth: int) -> None:
        if id(node) in seen or depth > 32:
            return
        seen.add(id(node))
        partial = node.get("/T")
        name = prefix if partial is None else (f"{prefix}.{partial}" if prefix else str(partial))
        kids = [k.get_object() for k in node.get("/Kids", [])]
        kids = [k for k in kids if isinstance(k, DictionaryObject)]
        field_kids = [k for k in kids if "/T" in k]
        if field_kids:
            for kid in field_kids:
                walk(kid, name, depth + 1)
            return
        widgets = [k for k in kids if k.get("/Subtype") == "/Widget"] or [node]
        out.append((name, node, widgets))

    for ref in acro.get("/Fields", []):
        node = ref.get_object()
        if isinstance(node, DictionaryObject):
            walk(node, "", 0)
    return out


def inherited(node: DictionaryObject, key: str, default: Any = None) -> Any:
    """An inheritable field attribute (/FT, /Ff, /DA, /Q, /MaxLen…), looked up the parents."""
    current: Any = node
    for _ in range(33):
        if current is None:
            break
        if key in current:
            return current[key]
        parent = current.get("/Parent")
        current = parent.get_object() if parent is not None else None
    return default


def on_states(widget: DictionaryObject) -> list[str]:
    ap = widget.get("/AP")
    normal = ap.get_object().get("/N") if ap is not None else None
    if normal is None or not hasattr(normal.get_object(), "keys"):
        return []
    return [str(k)[1:] for k in normal.get_object() if str(k) != "/Off"]


def _kind(ft: str, flags: int, has_date: bool, comb: bool) -> str:
    """The field kind: the first matching rule of (type, flag test, kind) wins."""
    rules: tuple[tuple[str, bool, str], ...] = (
        ("/Btn", bool(flags & FF_PUSHBUTTON), "button"),
        ("/Btn", bool(flags & FF_RADIO), "radio"),
        ("/Btn", True, "checkbox"),
        ("/Ch", bool(flags & FF_COMBO), "combo"),
        ("/Ch", True, "list"),
        ("/Sig", True, "signature"),
        ("/Tx", bool(flags & FF_MULTILINE), "multiline"),
        ("/Tx", bool(flags & FF_PASSWORD), "password"),
        ("/Tx", comb, "comb"),
        ("/Tx", has_date, "date"),
    )
    return next((kind for t, hit, kind in rules if t == ft and hit), "text")


def _date_format(node: DictionaryObject) -> str | None:
    aa = inherited(node, "/AA")
    if aa is None:
        return None
    for key in ("/F", "/K"):
        action = aa.get_object().get(key)
        if action is None:
            continue
        js = action.get_object().get("/JS")
        if js is None:
            continue
        js_obj = js.get_object()
        code = js_obj.get_data().decode("latin-1") if hasattr(js_obj, "get_data") else str(js_obj)
        m = _DATE_JS.search(code)
        if m:
            return m.group(1)
    return None


def _options(node: DictionaryObject) -> tuple[tuple[str, ...], tuple[str, ...]]:
    opts = inherited(node, "/Opt") or []
    values: list[str] = []
    labels: list[str] = []
    for item in opts:
        obj = item.get_object()
        if isinstance(obj, list) and len(obj) >= 2:
            values.append(str(obj[0].get_object()))
            labels.append(str(obj[1].get_object()))
        else:
            values.append(str(obj))
            labels.append(str(obj))
    return tuple(values), tuple(labels)


def describe_field(
    name: str, node: DictionaryObject, widgets: list[DictionaryObject], pages: dict[int, int]
) -> FieldInfo:
    """The :class:`FieldInfo` of one terminal field."""
    ft = str(inherited(node, "/FT", ""))
    flags = int(inherited(node, "/Ff", 0))
    max_len_obj = inherited(node, "/MaxLen")
    max_len = int(max_len_obj) if max_len_obj is not None else None
    comb = bool(flags & FF_COMB) and max_len is not None and ft == "/Tx"
    date_format = _date_format(node) if ft == "/Tx" else None
    da = str(inherited(node, "/DA", "") or "")
    m = _DA_FONT.search(da)
    states: list[str] = []
    for w in widgets:
        for s in on_states(w):
            if s not in states:
                states.append(s)
    options, labels = _options(node) if ft == "/Ch" else ((), ())
    first: Any = widgets[0]
    rect = tuple(float(v) for v in first.get("/Rect", [0, 0, 0, 0]))
    page = page_of(first, pages)
    tu = node.get("/TU")
    return FieldInfo(
        name=name,
        kind=_kind(ft, flags, date_format is not None, comb),
        page=page,
        rect=(rect[0], rect[1], rect[2], rect[3]) if len(rect) == 4 else (0.0, 0.0, 0.0, 0.0),
        max_len=max_len,
        comb=comb,
        options=options,
        labels=labels,
        on_states=tuple(states) if ft == "/Btn" else (),
        font=m.group(1) if m else None,
        font_size=float(m.group(2)) if m else None,
        read_only=bool(flags & FF_READ_ONLY),
        required=bool(flags & FF_REQUIRED),
        date_format=date_format,
        alignment=int(inherited(node, "/Q", 0)),
        rotation=widget_rotation(first),
        tooltip=str(tu) if tu is not None else None,
        widgets=len(widgets),
    )


def widget_pages(doc: PdfReader | PdfWriter) -> dict[int, int]:
    """Object number of each annotation -> 1-based number of the page listing it.

    The page's /Annots is authoritative; a widget's /P is optional and sometimes wrong.
    """
    out: dict[int, int] = {}
    for n, page in enumerate(doc.pages, start=1):
        annots: Any = page.get("/Annots")
        if annots is None:
            continue
        for ref in annots.get_object():
            idnum = getattr(ref, "idnum", None)
            if idnum is not None:
                out.setdefault(int(idnum), n)
    return out


def widget_rotation(widget: DictionaryObject) -> int:
    """The widget's /MK /R (0, 90, 180 or 270): text runs rotated counter-clockwise."""
    mk: Any = widget.get("/MK")
    rot = int(mk.get_object().get("/R", 0)) % 360 if mk is not None else 0
    return rot if rot in (0, 90, 180, 270) else 0


def page_of(widget: DictionaryObject, pages: dict[int, int]) -> int:
    """The page of ``widget`` (0 when no page lists it)."""
    ref = getattr(widget, "indirect_reference", None)
    return pages.get(int(ref.idnum), 0) if ref is not None else 0


def inspect_form(data: bytes, *, file: str | None = None) -> FormInfo:
    """Read the AcroForm of ``data`` (raises :class:`FormError` when unusable)."""
    reader = open_form(data, file=file)

    try:
        return _inspect(reader, hashlib.sha256(data).hexdigest())
    except structure_errors() as exc:
        raise damaged(exc, "damaged form structure", file) from None


def _inspect(reader: PdfReader, sha256: str) -> FormInfo:
    root: Any = reader.trailer["/Root"].get_object()
    acro: Any = root["/AcroForm"].get_object()
    pages = widget_pages(reader)
    fields = [
        describe_field(name, node, widgets, pages)
        for name, node, widgets in iter_terminal_fields(reader)
    ]
    dr = acro.get("/DR")
    fonts: list[str] = []
    if dr is not None and "/Font" in dr.get_object():
        fonts = [str(k)[1:] for k in dr.get_object()["/Font"].get_object()]
    box = reader.pages[0].mediabox
    return FormInfo(
        sha256=sha256,
        pages=len(reader.pages),
        page_size=(float(box.width), float(box.height)),
        fields=tuple(fields),
        xfa="/XFA" in acro,
        need_appearances=bool(acro.get("/NeedAppearances", False)),
        fonts=tuple(fonts),
    )


def mapping_skeleton(info: FormInfo, *, form_name: str) -> dict[str, Any]:
    """A mapping file to complete: every fillable field with an empty path.

    A text field whose label or tooltip says "TT.MM.JJJJ" gets the ``date``
    transform, as date fields do. Each rule carries ``about`` (kind, page,
    printed label, tooltip, limits, every option with its value and printed
    text) for the person writing the paths. Radio groups and choice fields get
    a ``table`` from the printed text to the value the form wants ("Rüde" ->
    "Ruede", "Labrador Retriever" -> "LAB"): data holding the printed words
    then fill unchanged, and a table keyed by the data's own codes replaces
    the keys.
    """
    fields: dict[str, Any] = {}
    for f in info.fields:
        if f.kind in ("signature", "button") or f.read_only:
            continue
        spec: dict[str, Any] = {"path": None}
        hints = f"{f.label or ''} {f.tooltip or ''}"
        if f.kind == "date" or (f.kind == "text" and _DATE_HINT.search(hints)):
            spec["transform"] = ["date"]
        elif f.kind == "checkbox":
            spec["transform"] = ["bool"]
        elif f.kind in ("radio", "combo", "list"):
            pairs = field_choices(f)
            spec["transform"] = ["table"]
            spec["table"] = {(text or value): value for value, text in pairs}
        spec["about"] = _about(f)
        fields[f.name] = spec
    return {
        "mapping_version": 1,
        "form": form_name,
        "form_sha256": info.sha256,
        "fields": fields,
    }


def field_choices(f: FieldInfo) -> list[tuple[str, str]]:
    """(value the form stores, text printed for it) for each option or on-state."""
    if f.kind in ("radio", "checkbox"):
        texts = f.option_texts or ("",) * len(f.on_states)
        return list(zip(f.on_states, texts, strict=False))
    return list(zip(f.options, f.labels, strict=False))


def _about(f: FieldInfo) -> dict[str, Any]:
    about: dict[str, Any] = {"kind": f.kind, "page": f.page}
    for key in ("label", "tooltip", "max_len", "date_format"):
        value = getattr(f, key)
        if value is not None:
            about[key] = value
    if f.comb:
        about["comb"] = True
    if f.required:
        about["required"] = True
    if f.kind in ("radio", "combo", "list", "checkbox"):
        about["options"] = [
            {"value": value, "text": text} if text else {"value": value}
            for value, text in field_choices(f)
        ]
    return about


def describe_form(info: FormInfo, *, file: str, fmt: str = "text") -> str:
    """The fields for a person: ``text`` (aligned lines) or ``markdown`` (a table).

    Each row: page, kind, field name, printed label, tooltip, limits, and each
    option as ``value`` = "printed text", so a mapping can be reviewed by eye.
    """
    rows = []
    for f in info.fields:
        limits = []
        if f.max_len is not None:
            limits.append(f"max {f.max_len}" + (" comb" if f.comb else ""))
        if f.date_format:
            limits.append(f"format {f.date_format}")
        if f.read_only:
            limits.append("read-only")
        if f.required:
            limits.append("required")
        choices = "; ".join(
            f"{value} = {text!r}" if text and text != value else value
            for value, text in field_choices(f)
        )
        cells = (f.name, f.label or "", f.tooltip or "", ", ".join(limits), choices)
        rows.append((str(f.page), f.kind, *(_clean(c) for c in cells)))
    head = f"{file}: {len(info.fields)} field(s) on {info.pages} page(s), sha256 {info.sha256}"
    if fmt == "markdown":
        cols = ("page", "kind", "field", "printed label", "tooltip", "limits", "options")
        lines = [f"**{_md(_clean(head))}**", "", "| " + " | ".join(cols) + " |"]
        lines.append("|" + "---|" * len(cols))
        lines += ["| " + " | ".join(_md(c) for c in row) + " |" for row in rows]
        return "\n".join(lines) + "\n"
    lines = [_clean(head)]
    for page, kind, name, label, tip, limit, choices in rows:
        lines.append(f"  p{page} {kind:<9} {name}")
        for key, value in (("label", label), ("tooltip", tip), ("limits", limit)):
            if value:
                lines.append(f"      {key}: {value}")
        if choices:
            lines.append(f"      options: {choices}")
    return "\n".join(lines) + "\n"


def _clean(text: str) -> str:
    """Names and labels come from the PDF: line breaks and escape codes become spaces.

    Surrogate escapes stay: they are a file name's undecodable bytes, which the
    terminal gets back as they were (``surrogateescape``).
    """
    return "".join(c if c.isprintable() or "\udc80" <= c <= "\udcff" else " " for c in text)


def _md(text: str) -> str:
    """A table cell: backslashes and pipes escaped."""
    return text.replace("\\", "\\\\").replace("|", "\\|")

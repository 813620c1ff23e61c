"""An XML Schema (XSD 1.0) for the application data of a Stammdatenschema.

The message built by :mod:`xzufi_toolkit.xdf.message` carries the data in
elements named by the element ids, as the JSON keys are (FIT-Connect
Fachdatenschema style): a group is a complex type, a field a simple type with
its ``praezisierung`` as facets, ``select`` fields XÖV code elements
(``listURI``/``listVersionID`` fixed to the referenced list, ``code`` and
optional ``name`` unqualified), ``anzahl`` becomes ``minOccurs``/``maxOccurs``.
The namespace holds the schema's id and version (XÖV: the version lives in the
namespace); the header is the one of ``aufenthalt.antrag.0100``.

What the XSD cannot say stays with ``xzufi data check``: rules, DIN 91379,
and patterns libxml2 cannot compile (those are left out of the XSD, see
:func:`xsd_notes`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from lxml import etree

from xzufi_toolkit.errors import InputError, SchemaError
from xzufi_toolkit.io import xmlsafe
from xzufi_toolkit.reference import codelists
from xzufi_toolkit.xdf.genericode import GenericodeList, resolve
from xzufi_toolkit.xdf.model import (
    Cardinality,
    Datenfeld,
    Datenfeldgruppe,
    Datentyp,
    Feldart,
    Stammdatenschema,
    Struktur,
)
from xzufi_toolkit.xdf.patterns import pattern_risk

__all__ = [
    "FILE_PARTS",
    "HEADER_CODELIST",
    "ROOT",
    "CodeInfo",
    "DataEntry",
    "GivenLists",
    "ValueKind",
    "build_xsd",
    "code_info",
    "compile_xsd",
    "data_entries",
    "data_namespace",
    "schema_plan",
    "value_kind",
    "xsd_notes",
]

XS = "http://www.w3.org/2001/XMLSchema"
ROOT = "xdf.antrag.0100"
MESSAGE_TYPE = "0100"
STANDARD = "xzufi-toolkit-xdf"
STANDARD_VERSION = "1.0"
# The message-type list of this message family (project-owned, like the one of
# aufenthalt.antrag.0100): code 0100 = xdf.antrag.
HEADER_CODELIST = ("urn:xzufi-toolkit:codeliste:xdf.nachrichtentyp", "1")
VERZEICHNISDIENST = ("urn:xoev-de:kosit:codeliste:verzeichnisdienst", "3")

Schema = Stammdatenschema | Datenfeldgruppe


class ValueKind(StrEnum):
    """How a field's value is held in JSON and XML."""

    TEXT = "text"  # JSON string, xs:string
    CODE = "code"  # JSON string (the code), an XÖV code element
    DATE = "date"  # JSON "YYYY-MM-DD", xs:date without time zone
    BOOL = "bool"  # JSON true/false, xs:boolean
    DECIMAL = "decimal"  # JSON number, xs:decimal
    INTEGER = "integer"  # JSON integer, xs:integer
    FILE = "file"  # JSON file reference object, a complex type of the same four parts
    OBJ = "obj"  # any JSON object, its JSON text in xs:string


_KINDS = {
    Datentyp.DATE: ValueKind.DATE,
    Datentyp.BOOL: ValueKind.BOOL,
    Datentyp.NUM: ValueKind.DECIMAL,
    Datentyp.NUM_CURRENCY: ValueKind.DECIMAL,
    Datentyp.NUM_INT: ValueKind.INTEGER,
    Datentyp.FILE: ValueKind.FILE,
    Datentyp.OBJ: ValueKind.OBJ,
}
# The file reference of the derived JSON Schema (xdf.jsonschema, $defs/xdf-file)
FILE_PARTS = ("attachmentId", "filename", "mimeType", "size")
_ANY_UUID = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
_MEDIA_TYPE = "[A-Za-z0-9][A-Za-z0-9!#$&^_.+\\-]*/[A-Za-z0-9][A-Za-z0-9!#$&^_.+\\-]*"


def value_kind(field: Datenfeld) -> ValueKind | None:
    """The value kind of ``field``; ``None`` for ``label`` fields, which hold no data.

    As in the derived JSON Schema: a ``select`` is a code (a string) whatever its
    data type; unknown data types read as text (``xdf check`` reports them).
    """
    if field.kind is Feldart.LABEL:
        return None
    if field.kind is Feldart.SELECT:
        return ValueKind.CODE if field.codeliste_referenz is not None else ValueKind.TEXT
    dt = field.data_type
    return _KINDS.get(dt, ValueKind.TEXT) if dt is not None else ValueKind.TEXT


@dataclass(frozen=True, slots=True)
class DataEntry:
    """One key of a group's data: the element, its occurrences and the JSON shape."""

    key: str
    struktur: Struktur
    min: int
    max: int | None

    @property
    def element(self) -> Datenfeld | Datenfeldgruppe:
        return self.struktur.element

    @property
    def repeated(self) -> bool:
        """A JSON array (``max > 1`` or ``*``); otherwise a single value."""
        return self.max is None or self.max > 1


def data_entries(group: Schema, *, file: str | None = None) -> Iterator[DataEntry]:
    """The data keys of ``group`` in schema order (label fields and ``max = 0`` hold none).

    A malformed ``anzahl`` reads as ``0:1``, as the JSON Schema derivation reads
    it. Raises :class:`InputError` for what no data can follow: an inverted
    ``anzahl``, or two children with the same id (one JSON key).
    """
    seen: set[str] = set()
    for entry in group.struktur:
        el = entry.element
        if isinstance(el, Datenfeld) and value_kind(el) is None:
            continue
        key = el.identifikation.id
        card = entry.cardinality or Cardinality(0, 1)
        where = f"{group.identifikation.id}/{key}"
        if card.max == 0:
            continue
        if card.max is not None and card.min > card.max:
            raise InputError(
                f"{where}: cardinality {entry.anzahl!r} cannot be followed",
                file=file,
                line=entry.line,
                hint="run 'xzufi xdf check' on the schema",
            )
        if key in seen:
            raise InputError(
                f"{where}: the group holds {key} twice; data keys are element ids",
                file=file,
                line=entry.line,
                hint="run 'xzufi xdf check' on the schema",
            )
        seen.add(key)
        yield DataEntry(key, entry, card.min, card.max)


@dataclass(frozen=True, slots=True)
class CodeInfo:
    """A field's code list as far as it is known: ``codes`` restrict the value only
    when ``complete``; ``names`` label codes for messages and forms."""

    uri: str | None
    version: str | None
    codes: tuple[str, ...]
    complete: bool
    names: tuple[tuple[str, str], ...] = ()

    def name(self, code: str) -> str | None:
        return next((n for c, n in self.names if c == code), None)


GivenLists = tuple[tuple[str, GenericodeList], ...]


def code_info(field: Datenfeld, given: GivenLists = ()) -> CodeInfo:
    """The code list of a ``select`` field, resolved as ``data check`` resolves it.

    Codes come from :func:`xzufi_toolkit.xdf.genericode.resolve` (a ``--codelist``
    file, else a complete bundled list of the same version), so the XSD, the
    form and the JSON Schema offer the same codes. Names come from the bundled
    list of the URI or the given file's second column.
    """
    ref = field.codeliste_referenz
    uri = ref.canonical_identification if ref is not None else None
    version = ref.version if ref is not None else None
    found = resolve(field, given)
    names: tuple[tuple[str, str], ...] = ()
    bundled = codelists.find(uri) if uri else None
    if bundled is not None:
        names = tuple((c, n) for c in bundled.codes if (n := bundled.name(c)) is not None)
    for _, gc in given:
        if uri and (gc.canonical_uri or "").strip() == uri and len(gc.columns) > 1:
            key = gc.key_column or gc.columns[0]
            other = next(c for c in gc.columns if c != key)
            names = tuple(zip(gc.column(key), gc.column(other), strict=False))
            break
    if found is None:
        return CodeInfo(uri, version, tuple(c for c, _ in names), complete=False, names=names)
    return CodeInfo(uri, version, found.codes, complete=True, names=names)


# -- XSD ----------------------------------------------------------------------
def data_namespace(schema: Schema) -> str:
    """``urn:xzufi-toolkit:xdf:<id>:<version>``: the data of this schema version."""
    ident = schema.identifikation
    return f"urn:xzufi-toolkit:xdf:{ident.id}:{ident.version or '0'}"


_NAME_SAFE = re.compile(r"[^A-Za-z0-9._-]")


def _type_base(kind: str, el: Datenfeld | Datenfeldgruppe) -> str:
    ident = el.identifikation
    version = _NAME_SAFE.sub("_", ident.version or "0")
    return f"{kind}.{_NAME_SAFE.sub('_', ident.id)}.V{version}"


@lru_cache(maxsize=512)
def pattern_compiles(pattern: str) -> bool:
    """Whether libxml2 accepts ``pattern`` as an XSD pattern facet."""
    doc = etree.Element(f"{{{XS}}}schema", nsmap={"xs": XS})
    st = etree.SubElement(doc, f"{{{XS}}}simpleType", name="T")
    r = etree.SubElement(st, f"{{{XS}}}restriction", base="xs:string")
    etree.SubElement(r, f"{{{XS}}}pattern", value=pattern)
    try:
        etree.XMLSchema(doc)
    except etree.XMLSchemaParseError:
        return False
    return True


class _Builder:
    def __init__(self, schema: Schema, given: GivenLists, file: str | None) -> None:
        self.schema = schema
        self.given = given
        self.file = file
        self.ns = data_namespace(schema)
        self.doc = etree.Element(
            f"{{{XS}}}schema",
            nsmap={"xs": XS, "d": self.ns},
            targetNamespace=self.ns,
            elementFormDefault="qualified",
            attributeFormDefault="unqualified",
            version=STANDARD_VERSION,
        )
        self.types: dict[object, str] = {}
        self.names: set[str] = set()
        self.notes: list[str] = []

    def xs(self, parent: etree._Element, tag: str, **attrs: str) -> etree._Element:
        return etree.SubElement(parent, f"{{{XS}}}{tag}", attrib=attrs)

    def doc_text(self, parent: etree._Element, text: str | None) -> None:
        if text and text.strip():
            ann = self.xs(parent, "annotation")
            self.xs(ann, "documentation").text = text.strip()

    def unique(self, base: str) -> str:
        name, n = base, 1
        while name in self.names:
            n += 1
            name = f"{base}-{n}"
        self.names.add(name)
        return name

    # -- groups and fields ----------------------------------------------------
    def group_type(self, group: Schema) -> str:
        known = self.types.get(group)
        if known is not None:
            return known
        kind = "Stammdatenschema" if isinstance(group, Stammdatenschema) else "Datenfeldgruppe"
        name = self.unique(_type_base(kind, group))  # type: ignore[arg-type]
        self.types[group] = name
        ct = self.xs(self.doc, "complexType", name=name)
        self.doc_text(ct, group.meta.bezeichnung_eingabe or group.meta.name)
        seq = self.xs(ct, "sequence")
        for entry in data_entries(group, file=self.file):
            el = entry.element
            type_name = (
                self.group_type(el) if isinstance(el, Datenfeldgruppe) else self.field_type(el)
            )
            attrs = {"name": entry.key, "type": f"d:{type_name}"}
            if entry.min != 1:
                attrs["minOccurs"] = str(entry.min)
            if entry.max != 1:
                attrs["maxOccurs"] = "unbounded" if entry.max is None else str(entry.max)
            decl = self.xs(seq, "element", **attrs)
            self.doc_text(decl, el.meta.bezeichnung_eingabe)
        return name

    def field_type(self, field: Datenfeld) -> str:
        known = self.types.get(field)
        if known is not None:
            return known
        name = self.unique(_type_base("Datenfeld", field))
        self.types[field] = name
        kind = value_kind(field)
        if kind is ValueKind.CODE:
            self.code_type(field, name)
        elif kind is ValueKind.FILE:
            self.file_type(field, name)
        else:
            st = self.xs(self.doc, "simpleType", name=name)
            self.doc_text(st, field.meta.bezeichnung_eingabe)
            self.restriction(st, field, kind or ValueKind.TEXT)
        return name

    def pattern(self, restriction: etree._Element, pattern: str, where: str) -> None:
        if pattern_risk(pattern) is not None:
            # libxml2 backtracks without a time limit (XDF-PRAEZ-007)
            self.notes.append(f"{where}: pattern may take exponential time; data check only")
        elif pattern_compiles(pattern):
            self.xs(restriction, "pattern", value=pattern)
        else:
            self.notes.append(f"{where}: pattern is not an XSD pattern; data check only")

    def restriction(
        self, parent: etree._Element, field: Datenfeld, kind: ValueKind
    ) -> etree._Element:
        base = {
            ValueKind.DATE: "xs:date",
            ValueKind.BOOL: "xs:boolean",
            ValueKind.DECIMAL: "xs:decimal",
            ValueKind.INTEGER: "xs:integer",
        }.get(kind, "xs:string")
        r = self.xs(parent, "restriction", base=base)
        p = field.praezisierung
        where = field.identifikation.id
        if kind is ValueKind.DATE:  # the JSON date string: no time zone, no year 0000 sign
            self.xs(r, "pattern", value=r"\d{4}-\d{2}-\d{2}")
        if kind in (ValueKind.TEXT, ValueKind.CODE) and p is not None:
            lo, hi = p.min_length, p.max_length
            if lo is not None and hi is not None and lo > hi:
                raise self.bad(field, "praezisierung minLength > maxLength")
            if lo is not None:
                self.xs(r, "minLength", value=str(lo))
            if hi is not None:
                self.xs(r, "maxLength", value=str(hi))
            if p.pattern is not None:
                self.pattern(r, p.pattern, where)
        if kind in (ValueKind.DECIMAL, ValueKind.INTEGER) and p is not None:
            lo_v, hi_v = p.min_value, p.max_value
            if lo_v is not None and hi_v is not None and lo_v > hi_v:
                raise self.bad(field, "praezisierung minValue > maxValue")
            if lo_v is not None:
                self.xs(r, "minInclusive", value=format(lo_v, "f"))
            if hi_v is not None:
                self.xs(r, "maxInclusive", value=format(hi_v, "f"))
        return r

    def code_type(self, field: Datenfeld, name: str) -> None:
        info = code_info(field, self.given)
        ct = self.xs(self.doc, "complexType", name=name)
        self.doc_text(ct, field.meta.bezeichnung_eingabe)
        seq = self.xs(ct, "sequence")
        code = self.xs(seq, "element", name="code", form="unqualified")
        st = self.xs(code, "simpleType")
        r = self.restriction(st, field, ValueKind.CODE)
        if info.complete and info.codes:
            for c in info.codes:
                self.xs(r, "enumeration", value=c)
        self.xs(seq, "element", name="name", type="xs:string", form="unqualified", minOccurs="0")
        uri, version = info.uri, info.version
        attrs = {"name": "listURI", "type": "xs:anyURI", "use": "optional"}
        if uri:
            attrs |= {"use": "required", "fixed": uri}
        self.xs(ct, "attribute", **attrs)
        attrs = {"name": "listVersionID", "type": "xs:normalizedString", "use": "optional"}
        if version:
            attrs |= {"use": "required", "fixed": version}
        self.xs(ct, "attribute", **attrs)

    def file_type(self, field: Datenfeld, name: str) -> None:
        """The file reference: attachment id, file name, media type, size (optional)."""
        ct = self.xs(self.doc, "complexType", name=name)
        self.doc_text(ct, field.meta.bezeichnung_eingabe)
        seq = self.xs(ct, "sequence")
        parts: dict[str, dict[str, str]] = {
            "attachmentId": {"pattern": _ANY_UUID},
            "filename": {"minLength": "1", "maxLength": "255"},
            "mimeType": {"pattern": _MEDIA_TYPE},
        }
        for part, facets in parts.items():
            st = self.xs(self.xs(seq, "element", name=part), "simpleType")
            r = self.xs(st, "restriction", base="xs:string")
            for facet, value in facets.items():
                self.xs(r, facet, value=value)
            if part == "mimeType":
                for media in field.media_type:
                    self.xs(r, "enumeration", value=media)
        size = self.xs(seq, "element", name="size", minOccurs="0")
        r = self.xs(self.xs(size, "simpleType"), "restriction", base="xs:nonNegativeInteger")
        if field.max_size and field.max_size.strip().isdigit():
            self.xs(r, "maxInclusive", value=field.max_size.strip())

    def bad(self, field: Datenfeld, what: str) -> InputError:
        return InputError(
            f"{field.identifikation.id}: {what}",
            file=self.file,
            line=field.line,
            hint="run 'xzufi xdf check' on the schema",
        )

    # -- message frame -------------------------------------------------------
    def message(self) -> None:
        ident = self.schema.identifikation
        root = self.xs(self.doc, "element", name=ROOT)
        self.doc_text(
            root,
            f"Antragsdaten nach Stammdatenschema {ident} "
            f"({self.schema.meta.name or ''}), erzeugt von xzufi-toolkit.",
        )
        ct = self.xs(root, "complexType")
        seq = self.xs(ct, "sequence")
        self.xs(seq, "element", name="nachrichtenkopf.g2g", type="d:Nachrichtenkopf.G2G")
        self.xs(seq, "element", name="stammdatenschema", type="d:Identifikation.Stammdatenschema")
        self.xs(seq, "element", name=ident.id, type=f"d:{self.group_type(self.schema)}")
        for attr, use, fixed in (
            ("produkt", "required", None),
            ("produkthersteller", "required", None),
            ("produktversion", "optional", None),
            ("standard", "required", STANDARD),
            ("version", "required", STANDARD_VERSION),
        ):
            a = self.xs(ct, "attribute", name=attr, type="xs:string", use=use)
            if fixed:
                a.set("fixed", fixed)
        self.xs(ct, "attribute", name="test", type="xs:boolean", use="optional")

        sid = self.xs(self.doc, "complexType", name="Identifikation.Stammdatenschema")
        seq = self.xs(sid, "sequence")
        self.xs(seq, "element", name="id", type="xs:token", fixed=ident.id, form="unqualified")
        if ident.version is not None:
            self.xs(
                seq,
                "element",
                name="version",
                type="xs:token",
                fixed=ident.version,
                form="unqualified",
            )
        self.header_types()

    def header_types(self) -> None:
        def seq_of(name: str, *children: tuple[str, str]) -> None:
            seq = self.xs(self.xs(self.doc, "complexType", name=name), "sequence")
            for child, type_name in children:
                self.xs(seq, "element", name=child, type=type_name, form="unqualified")

        seq_of(
            "Nachrichtenkopf.G2G",
            ("identifikation.nachricht", "d:Identifikation.Nachricht"),
            ("leser", "d:Behoerde.G2G"),
            ("autor", "d:Behoerde.G2G"),
        )
        seq_of(
            "Identifikation.Nachricht",
            ("nachrichtenUUID", "d:UUID"),
            ("nachrichtentyp", "d:Code.Nachrichtentyp"),
            ("erstellungszeitpunkt", "xs:dateTime"),
        )
        seq_of(
            "Behoerde.G2G",
            ("verzeichnisdienst", "d:Code.Verzeichnisdienst"),
            ("kennung", "d:String.Kennung"),
            ("name", "d:String.Name"),
        )
        for name, (uri, version) in (
            ("Code.Nachrichtentyp", HEADER_CODELIST),
            ("Code.Verzeichnisdienst", VERZEICHNISDIENST),
        ):
            ct = self.xs(self.doc, "complexType", name=name)
            seq = self.xs(ct, "sequence")
            self.xs(seq, "element", name="code", type="xs:token", form="unqualified")
            self.xs(
                seq,
                "element",
                name="name",
                type="xs:normalizedString",
                form="unqualified",
                minOccurs="0",
            )
            for attr, value, t in (
                ("listURI", uri, "xs:anyURI"),
                ("listVersionID", version, "xs:normalizedString"),
            ):
                self.xs(ct, "attribute", name=attr, type=t, use="required", fixed=value)
        for name, base, facets in (
            ("UUID", "xs:token", {"pattern": _UUID}),
            ("String.Kennung", "xs:token", {"minLength": "1", "maxLength": "255"}),
            ("String.Name", "xs:string", {"minLength": "1", "maxLength": "255"}),
        ):
            r = self.xs(self.xs(self.doc, "simpleType", name=name), "restriction", base=base)
            for facet, value in facets.items():
                self.xs(r, facet, value=value)


_UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"


def _build(schema: Schema, given: GivenLists, file: str | None) -> _Builder:
    b = _Builder(schema, given, file)
    b.message()
    return b


def build_xsd(schema: Schema, *, codelists: GivenLists = (), file: str | None = None) -> bytes:
    """The XSD of the data message of ``schema``, serialized (UTF-8).

    ``codelists`` are the ``--codelist`` files (display name, list), as for ``data check``.
    """
    tree = _build(schema, codelists, file).doc
    head = (
        f"\n  xzufi-toolkit: XSD of the application data of Stammdatenschema "
        f"{schema.identifikation}.\n  Generated from the schema; element names are the "
        "element ids. Not an official XÖV or FIM schema.\n"
    )
    tree.insert(0, etree.Comment(head))
    return etree.tostring(tree, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def xsd_notes(schema: Schema, *, codelists: GivenLists = ()) -> list[str]:
    """What the XSD leaves to ``data check`` (e.g. patterns libxml2 cannot compile)."""
    return list(_build(schema, codelists, None).notes)


class SchemaPlan:
    """What building and reading messages of one schema need, worked out once.

    Data entries per group, value kinds and code lists per field, and the
    compiled XSD. Elements are keyed by identity: the plan holds the schema,
    so the ids stay valid (hashing a whole frozen tree per message cost more
    than the message).
    """

    def __init__(self, schema: Schema, given: GivenLists, file: str | None = None) -> None:
        self.schema = schema
        self.given = given
        self.file = file
        self._entries: dict[int, tuple[DataEntry, ...]] = {}
        self._kinds: dict[int, ValueKind | None] = {}
        self._infos: dict[int, CodeInfo] = {}
        self._xsd: etree.XMLSchema | None = None
        self.extra: dict[str, object] = {}  # other per-schema products (the form)

    def entries(self, group: Schema) -> tuple[DataEntry, ...]:
        found = self._entries.get(id(group))
        if found is None:
            found = self._entries[id(group)] = tuple(data_entries(group, file=self.file))
        return found

    def kind(self, field: Datenfeld) -> ValueKind | None:
        key = id(field)
        if key not in self._kinds:
            self._kinds[key] = value_kind(field)
        return self._kinds[key]

    def info(self, field: Datenfeld) -> CodeInfo:
        found = self._infos.get(id(field))
        if found is None:
            found = self._infos[id(field)] = code_info(field, self.given)
        return found

    @property
    def xsd(self) -> etree.XMLSchema:
        """The compiled XSD (compiled on first use)."""
        if self._xsd is None:
            data = build_xsd(self.schema, codelists=self.given, file=self.file)
            try:
                self._xsd = etree.XMLSchema(xmlsafe.parse_bytes(data, file="<generated xsd>"))
            except etree.XMLSchemaParseError as exc:
                raise SchemaError(
                    f"the XSD generated from {self.schema.identifikation} does not compile: {exc}",
                    file=self.file,
                    hint="run 'xzufi xdf check' on the schema",
                ) from None
        return self._xsd


_PLANS: dict[tuple[int, ...], tuple[Schema, GivenLists, SchemaPlan]] = {}
_MAX_PLANS = 32


def schema_plan(schema: Schema, codelists: GivenLists = ()) -> SchemaPlan:
    """The plan of ``schema`` with ``codelists``: one per process and schema object."""
    key = (id(schema), *(id(gc) for _, gc in codelists))
    hit = _PLANS.get(key)
    if hit is not None and hit[0] is schema and hit[1] == codelists:
        return hit[2]
    if len(_PLANS) >= _MAX_PLANS:
        _PLANS.pop(next(iter(_PLANS)))
    plan = SchemaPlan(schema, codelists)
    _PLANS[key] = (schema, codelists, plan)
    return plan


def compile_xsd(schema: Schema, codelists: GivenLists = ()) -> etree.XMLSchema:
    """The compiled XSD of ``schema``, once per process and schema object.

    An ``XMLSchema`` keeps its error log on the object: one per thread when
    validating from several threads.
    """
    return schema_plan(schema, codelists).xsd

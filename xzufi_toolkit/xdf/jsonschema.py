"""The JSON Schema (Draft 2020-12) of an application's data, derived from a
Stammdatenschema as FIT-Connect derives its Fachdatenschemata.

- Keys are element ids (``G00000630``, ``F00000013``); a group is an object
  with ``additionalProperties: false``, a field its typed value.
- ``anzahl`` ``min:max`` with ``max > 1`` (or ``*``) → an array with
  ``minItems``/``maxItems``; ``min = 0`` → an optional property; ``max = 0``
  → no property.
- Data types: ``text`` → string (``minLength``, ``maxLength``, ``pattern``
  anchored as in XSD), ``date`` → string ``format: date``, ``bool`` → boolean,
  ``num``/``num_currency`` → number, ``num_int`` → integer (``minimum``,
  ``maximum`` from ``minValue``/``maxValue``), ``file`` → a file reference
  object (``$defs/xdf-file``: attachment id, file name, media type, size),
  ``obj`` → object. ``label`` fields only show text and carry no data.
- ``select`` fields get ``enum`` when their code list is at hand (see
  :func:`xzufi_toolkit.xdf.genericode.resolve`); otherwise they stay strings
  with a ``$comment`` naming the list, and an ``XDF-JSON-001`` info says so.
- Titles come from ``bezeichnungEingabe``, descriptions from
  ``hilfetextEingabe``. Each element is one entry of ``$defs`` (harmonised
  fields used in several places are defined once).

Date ranges (``minValue``/``maxValue`` of a date) and the two decimals of a
currency have no Draft 2020-12 keyword that ``jsonschema`` checks; they stay
``$comment`` here and :mod:`xzufi_toolkit.xdf.data` checks them.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from xzufi_toolkit.findings import Finding, Location, Severity
from xzufi_toolkit.reporters import RuleMeta
from xzufi_toolkit.xdf.check import xsd_regex_error
from xzufi_toolkit.xdf.genericode import GenericodeList, resolve
from xzufi_toolkit.xdf.model import (
    Datenfeld,
    Datenfeldgruppe,
    Datentyp,
    Feldart,
    Stammdatenschema,
    Struktur,
    XdfDocument,
    label,
)

__all__ = ["FILE_DEF", "RULES", "Derived", "def_key", "derive", "dump"]

DRAFT = "https://json-schema.org/draft/2020-12/schema"
FILE_DEF = "xdf-file"

RULES: dict[str, RuleMeta] = {
    r.code: r
    for r in (
        RuleMeta(
            "XDF-JSON-001",
            "code list not available: the field stays a string without enum",
            "Codeliste nicht verfügbar: das Feld bleibt ein Text ohne enum",
            Severity.INFO,
        ),
        RuleMeta(
            "XDF-JSON-002",
            "the given code list has another version than the schema references",
            "die angegebene Codeliste hat eine andere Version als die referenzierte",
            Severity.WARNING,
        ),
        RuleMeta(
            "XDF-JSON-003",
            "a given code list is referenced by no field",
            "eine angegebene Codeliste wird von keinem Feld referenziert",
            Severity.INFO,
        ),
        RuleMeta(
            "XDF-JSON-004",
            "malformed cardinality read as 0:1",
            "fehlerhafte Anzahl als 0:1 gelesen",
            Severity.WARNING,
        ),
    )
}

_FILE_SCHEMA: dict[str, Any] = {
    "title": "Dateireferenz",
    "description": "A file sent with the application (attachment), referenced by id.",
    "type": "object",
    "properties": {
        "attachmentId": {"type": "string", "format": "uuid"},
        "filename": {"type": "string", "minLength": 1, "maxLength": 255},
        "mimeType": {
            "type": "string",
            "pattern": r"^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*$",
        },
        "size": {"type": "integer", "minimum": 0},
    },
    "required": ["attachmentId", "filename", "mimeType"],
    "additionalProperties": False,
}


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def def_key(el: Datenfeld | Datenfeldgruppe) -> str:
    """The ``$defs`` key of an element: its id (``_version`` added by :func:`derive`
    only when one id occurs in two versions)."""
    return el.identifikation.id


@dataclass(slots=True)
class _Deriver:
    given: Sequence[tuple[str, GenericodeList]]
    file: str | None
    defs: dict[str, Any] = field(default_factory=dict)
    keys: dict[tuple[str, str | None], str] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    used_lists: set[str] = field(default_factory=set)

    def note(self, code: str, en: str, de: str, fld: Datenfeld | None = None) -> None:
        self.findings.append(
            Finding(
                code,
                RULES[code].severity,
                en,
                Location(
                    file=self.file,
                    line=None if fld is None else fld.line,
                    object_id=None if fld is None else str(fld.identifikation),
                ),
                message_de=de,
            )
        )

    def key(self, el: Datenfeld | Datenfeldgruppe) -> str:
        ident = el.identifikation
        k = (ident.id, ident.version)
        if k not in self.keys:
            taken = ident.id in self.keys.values()
            self.keys[k] = f"{ident.id}_{ident.version}" if taken else ident.id
        return self.keys[k]

    def ref(self, el: Datenfeld | Datenfeldgruppe) -> dict[str, Any]:
        key = self.key(el)
        if key not in self.defs:
            self.defs[key] = {}  # placeholder first: a harmonised element is built once
            self.defs[key] = self.group(el) if isinstance(el, Datenfeldgruppe) else self.field(el)
        return {"$ref": f"#/$defs/{key}"}

    def _annotate(self, el: Datenfeld | Datenfeldgruppe, schema: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {"title": label(el)}
        help_text = (el.meta.hilfetext_eingabe or "").strip()
        if help_text:
            out["description"] = help_text
        out["$comment"] = f"XDatenfelder {el.identifikation}"
        out.update(schema)
        return out

    def properties(self, entries: Sequence[Struktur]) -> dict[str, Any]:
        props: dict[str, Any] = {}
        required: list[str] = []
        for entry in entries:
            el = entry.element
            if isinstance(el, Datenfeld) and el.kind is Feldart.LABEL:
                continue  # shows text, holds no data
            card = entry.cardinality
            hi: int | None
            if card is None:
                self.note(
                    "XDF-JSON-004",
                    f"{el.identifikation}: cardinality {entry.anzahl!r} read as 0:1",
                    f"{el.identifikation}: Anzahl {entry.anzahl!r} als 0:1 gelesen",
                )
                lo, hi = 0, 1
            else:
                lo, hi = card.min, card.max
            if hi == 0:
                continue
            ref = self.ref(el)
            if hi is None or hi > 1:
                arr: dict[str, Any] = {"type": "array", "items": ref}
                if lo > 0:
                    arr["minItems"] = lo
                if hi is not None:
                    arr["maxItems"] = hi
                props[el.identifikation.id] = arr
            else:
                props[el.identifikation.id] = ref
            if lo > 0:
                required.append(el.identifikation.id)
        out: dict[str, Any] = {"type": "object", "properties": props}
        if required:
            out["required"] = required
        out["additionalProperties"] = False
        return out

    def group(self, g: Datenfeldgruppe) -> dict[str, Any]:
        return self._annotate(g, self.properties(g.struktur))

    def field(self, f: Datenfeld) -> dict[str, Any]:
        schema = self.value_schema(f)
        if f.kind is Feldart.SELECT:
            schema = self.select(f, schema)
        return self._annotate(f, schema)

    def select(self, f: Datenfeld, schema: dict[str, Any]) -> dict[str, Any]:
        ref = f.codeliste_referenz
        uri = ref.canonical_identification if ref else None
        found = resolve(f, self.given)
        if found is None:
            self.note(
                "XDF-JSON-001",
                f"{f.identifikation}: code list {uri or '(none)'} is not at hand; "
                "give it with --codelist FILE",
                f"{f.identifikation}: Codeliste {uri or '(keine)'} liegt nicht vor; "
                "mit --codelist DATEI angeben",
                f,
            )
            comment = f"code from list {uri} {ref.version or ''}".strip() if ref else "code"
            return {**schema, "type": "string", "$comment": comment}
        self.used_lists.add(found.origin)
        if found.version_mismatch is not None and ref is not None:
            self.note(
                "XDF-JSON-002",
                f"{f.identifikation}: {found.origin} has version {found.version_mismatch}, "
                f"the schema references {ref.version}",
                f"{f.identifikation}: {found.origin} hat Version {found.version_mismatch}, "
                f"das Schema referenziert {ref.version}",
                f,
            )
        return {"type": "string", "enum": list(found.codes)}

    def value_schema(self, f: Datenfeld) -> dict[str, Any]:
        p = f.praezisierung
        dtype = f.data_type
        if dtype is Datentyp.BOOL:
            return {"type": "boolean"}
        if dtype is Datentyp.DATE:
            out: dict[str, Any] = {"type": "string", "format": "date"}
            if p is not None and (p.get("minValue") or p.get("maxValue")):
                out["$comment"] = (
                    f"date range {p.get('minValue') or '…'} to {p.get('maxValue') or '…'}"
                )
            return out
        if dtype in (Datentyp.NUM, Datentyp.NUM_INT, Datentyp.NUM_CURRENCY):
            out = {"type": "integer" if dtype is Datentyp.NUM_INT else "number"}
            if p is not None and p.min_value is not None:
                out["minimum"] = _number(p.min_value)
            if p is not None and p.max_value is not None:
                out["maximum"] = _number(p.max_value)
            return out
        if dtype is Datentyp.FILE:
            return self.file_schema(f)
        if dtype is Datentyp.OBJ:
            return {"type": "object"}
        out = {"type": "string"}  # text, and unknown types as the most lenient value
        if p is not None:
            if p.min_length is not None:
                out["minLength"] = p.min_length
            if p.max_length is not None:
                out["maxLength"] = p.max_length
            if p.pattern is not None and xsd_regex_error(p.pattern) is None:
                # XSD patterns match the whole value; a broken one is left out
                # (XDF-PRAEZ-003), it would make the whole schema unusable
                out["pattern"] = f"^(?:{p.pattern})$"
        return out

    def file_schema(self, f: Datenfeld) -> dict[str, Any]:
        self.defs.setdefault(FILE_DEF, _FILE_SCHEMA)
        out: dict[str, Any] = {"$ref": f"#/$defs/{FILE_DEF}"}
        extra: dict[str, Any] = {}
        if f.media_type:
            extra["mimeType"] = {"enum": list(f.media_type)}
        if f.max_size and f.max_size.strip().isdigit():
            extra["size"] = {"maximum": int(f.max_size.strip())}
        if extra:
            out["properties"] = extra
        return out


@dataclass(frozen=True, slots=True)
class Derived:
    """The derived schema and what the derivation had to say."""

    schema: dict[str, Any]
    findings: tuple[Finding, ...]


def derive(
    doc: XdfDocument,
    *,
    codelists: Sequence[tuple[str, GenericodeList]] = (),
    file: str | None = None,
) -> Derived:
    """The JSON Schema of ``doc``'s application data (a Datenfeldgruppe message
    gives the schema of one group's data)."""
    d = _Deriver(codelists, file)
    root = doc.content
    ident = root.identifikation
    body = d.properties(root.struktur)
    schema: dict[str, Any] = {
        "$schema": DRAFT,
        "$id": f"urn:xzufi-toolkit:xdf:{ident.id}:{ident.version or 'unversioned'}",
        "title": label(root),
    }
    help_text = (
        (root.meta.hilfetext or root.meta.hilfetext_eingabe or "").strip()
        if isinstance(root, Stammdatenschema)
        else (root.meta.hilfetext_eingabe or "").strip()
    )
    if help_text:
        schema["description"] = help_text
    schema["$comment"] = (
        f"Derived by xzufi-toolkit from XDatenfelder {doc.version.value} {ident}; "
        "keys are element ids."
    )
    schema.update(body)
    schema["$defs"] = d.defs
    for name, gc in codelists:
        if name not in d.used_lists:
            d.note(
                "XDF-JSON-003",
                f"{name} ({gc.canonical_uri}) is referenced by no select field",
                f"{name} ({gc.canonical_uri}) wird von keinem Auswahlfeld referenziert",
            )
    return Derived(schema, tuple(d.findings))


def dump(schema: dict[str, Any]) -> bytes:
    """The schema as UTF-8 JSON, indented, keys in derivation order."""
    return (json.dumps(schema, ensure_ascii=False, indent=2) + "\n").encode("utf-8")

"""Check application data (JSON, keys = element ids) against a Stammdatenschema.

The data is checked in three passes:

1. The JSON Schema derived by :mod:`xzufi_toolkit.xdf.jsonschema` (compiled
   once per process and schema, :func:`load_data_schema`): cardinalities,
   types, lengths, patterns, ranges, code lists. Each ``jsonschema`` error
   becomes a ``DATA-…`` finding with the JSON path and the field's label.
2. What Draft 2020-12 cannot say: date ranges from ``praezisierung``, two
   decimals for ``num_currency``, and DIN 91379 for text (names of natural
   persons type A, other names type B, free text type C; which fields are
   names is read from the field's name and legal reference, see
   :func:`din_type`).
3. Rules. The free-text conditions FIM editors write in a fixed form
   ("\"F… X\" ist nur dann zu befüllen, wenn \"F… Y\" bejaht wurde", "… sind
   anzugeben, wenn …") are evaluated; every other rule is listed as an info
   for a human. A rule's ``script`` is never executed.

Like every case command, messages never contain a value from the data unless
``show_values`` is set. Data that is not UTF-8 JSON, has duplicate keys or
NaN is refused by the case JSON reader (:func:`xzufi_toolkit.case.io.parse_case_json`).
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any

from xzufi_toolkit.case.io import json_path, parse_case_json
from xzufi_toolkit.findings import Finding, Location, Report, Severity
from xzufi_toolkit.reference import din91379
from xzufi_toolkit.reporters import RuleMeta
from xzufi_toolkit.xdf.genericode import GenericodeList
from xzufi_toolkit.xdf.jsonschema import Derived, derive
from xzufi_toolkit.xdf.model import (
    Datenfeld,
    Datenfeldgruppe,
    Datentyp,
    Feldart,
    Regel,
    Stammdatenschema,
    XdfDocument,
    label,
)
from xzufi_toolkit.xdf.patterns import PATTERN_TIMEOUT, search_bounded
from xzufi_toolkit.xdf.rules import parse_rule

if TYPE_CHECKING:
    from jsonschema.exceptions import ValidationError
    from jsonschema.protocols import Validator

__all__ = [
    "RULES",
    "DataSchema",
    "check_data",
    "compile_schema",
    "din_type",
    "iter_data_findings",
    "load_data_schema",
]

E, W, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO

RULES: dict[str, RuleMeta] = {
    r.code: r
    for r in (
        RuleMeta("DATA-INPUT", "the data file cannot be read", "Datendatei nicht lesbar", E),
        RuleMeta("DATA-REQUIRED", "required field is missing", "Pflichtfeld fehlt", E),
        RuleMeta(
            "DATA-UNKNOWN-FIELD",
            "field not in the schema",
            "Feld ist im Schema nicht enthalten",
            E,
        ),
        RuleMeta("DATA-TYPE", "wrong type", "falscher Typ", E),
        RuleMeta("DATA-FORMAT", "not a valid date or id", "kein gültiges Datum bzw. keine Id", E),
        RuleMeta("DATA-PATTERN", "does not have the required form", "hat nicht die Form", E),
        RuleMeta(
            "DATA-PATTERN-LIMIT",
            "the field's pattern could not be evaluated within the time limit",
            "das Muster des Feldes war im Zeitlimit nicht auswertbar",
            E,
        ),
        RuleMeta(
            "DATA-CODE",
            "not an allowed value (code list, media types)",
            "kein erlaubter Wert (Codeliste, Medientypen)",
            E,
        ),
        RuleMeta("DATA-LENGTH", "too short or too long", "zu kurz oder zu lang", E),
        RuleMeta(
            "DATA-ITEMS",
            "too few or too many entries (cardinality)",
            "zu wenige oder zu viele Einträge (Anzahl)",
            E,
        ),
        RuleMeta("DATA-RANGE", "value out of range", "Wert außerhalb des Bereichs", E),
        RuleMeta("DATA-INVALID", "not valid", "ungültig", E),
        RuleMeta(
            "DATA-CURRENCY",
            "an amount of money has more than two decimals",
            "ein Geldbetrag hat mehr als zwei Nachkommastellen",
            W,
        ),
        RuleMeta(
            "DATA-DIN91379",
            "text not valid for its DIN 91379 data type",
            "Text für seinen DIN-91379-Datentyp ungültig",
            E,
        ),
        RuleMeta(
            "DATA-RULE-001",
            "field filled although its rule's condition is not met",
            "Feld befüllt, obwohl die Bedingung der Regel nicht erfüllt ist",
            E,
        ),
        RuleMeta(
            "DATA-RULE-002",
            "field missing although its rule's condition is met",
            "Feld fehlt, obwohl die Bedingung der Regel erfüllt ist",
            E,
        ),
        RuleMeta(
            "DATA-RULE-003",
            "free-text rule not evaluated: check it by hand",
            "Freitext-Regel nicht ausgewertet: von Hand prüfen",
            INFO,
        ),
        RuleMeta(
            "DATA-RULE-004",
            "rule script not executed (scripts are never run)",
            "Regel-Skript nicht ausgeführt (Skripte werden nie ausgeführt)",
            INFO,
        ),
    )
}

# jsonschema keyword -> (code, English template over the schema value, German)
_KEYWORDS: dict[str, tuple[str, str, str]] = {
    "required": ("DATA-REQUIRED", "required field is missing", "Pflichtfeld fehlt"),
    "additionalProperties": (
        "DATA-UNKNOWN-FIELD",
        "field not in the schema",
        "Feld ist im Schema nicht enthalten",
    ),
    "type": ("DATA-TYPE", "wrong type: expected {v}", "falscher Typ: erwartet {v}"),
    "format": ("DATA-FORMAT", "not a valid {v}", "kein gültiges Format {v}"),
    "pattern": ("DATA-PATTERN", "does not have the required form", "hat nicht die geforderte Form"),
    "enum": (
        "DATA-CODE",
        "not one of the allowed values (code list, media types)",
        "keiner der erlaubten Werte (Codeliste, Medientypen)",
    ),
    "minLength": ("DATA-LENGTH", "shorter than {v} characters", "kürzer als {v} Zeichen"),
    "maxLength": ("DATA-LENGTH", "longer than {v} characters", "länger als {v} Zeichen"),
    "minItems": ("DATA-ITEMS", "fewer than {v} entries", "weniger als {v} Einträge"),
    "maxItems": ("DATA-ITEMS", "more than {v} entries", "mehr als {v} Einträge"),
    "minimum": ("DATA-RANGE", "less than {v}", "kleiner als {v}"),
    "maximum": ("DATA-RANGE", "more than {v}", "größer als {v}"),
}

_ID = re.compile(r"[FGS]\d{5,11}")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# Field names (lower case, words) that hold names; person names are type A.
_PERSON_NAME = re.compile(
    r"\b(familienname|nachname|vornamen?|geburtsname|rufname|namenssuffix|titel)\b"
)
_OTHER_NAME = re.compile(r"(name|ort\b|straße|strasse|hausnummer|behörde|gericht|anschrift)")


def din_type(fld: Datenfeld) -> din91379.DataType:
    """The DIN 91379 data type of a text field: A for names of natural persons
    (XÖV ``NameNatuerlichePerson`` or a person-name field), B for other names
    and places, C for free text."""
    name = (fld.meta.name or "").lower()
    bezug = " ".join(b.text for b in fld.meta.bezug)
    if "NameNatuerlichePerson" in bezug or _PERSON_NAME.search(name):
        return din91379.DataType.A
    if _OTHER_NAME.search(name):
        return din91379.DataType.B
    return din91379.DataType.C


@dataclass(frozen=True, slots=True)
class DataSchema:
    """A schema ready to check data: the model, its derived JSON Schema and the
    compiled validator, an index of elements by id."""

    doc: XdfDocument
    derived: Derived
    validator: Validator
    index: dict[str, Datenfeld | Datenfeldgruppe] = field(compare=False)


def _index(root: Stammdatenschema | Datenfeldgruppe) -> dict[str, Datenfeld | Datenfeldgruppe]:
    from xzufi_toolkit.xdf.model import walk

    out: dict[str, Datenfeld | Datenfeldgruppe] = {}
    for _path, entry in walk(root):
        out.setdefault(entry.element.identifikation.id, entry.element)
    return out


def compile_schema(
    doc: XdfDocument,
    *,
    codelists: Sequence[tuple[str, GenericodeList]] = (),
    file: str | None = None,
) -> DataSchema:
    """Derive and compile the JSON Schema of ``doc`` (the expensive step)."""
    from jsonschema import Draft202012Validator

    derived = derive(doc, codelists=codelists, file=file)
    Draft202012Validator.check_schema(derived.schema)
    validator = _validator_class()(
        derived.schema, format_checker=Draft202012Validator.FORMAT_CHECKER
    )
    return DataSchema(doc, derived, validator, _index(doc.content))


@functools.cache
def _validator_class() -> type[Validator]:
    """Draft 2020-12 whose ``pattern`` comes from the schema's author and is
    therefore matched with a time limit, never by jsonschema's ``re.search``."""
    from jsonschema import Draft202012Validator, validators

    cls: type[Validator] = validators.extend(  # type: ignore[no-untyped-call]  # untyped stub
        Draft202012Validator, {"pattern": _bounded_pattern}
    )
    return cls


# the message of a pattern error that means "not decided in time"
_PATTERN_LIMIT = "pattern not evaluated within the time limit"


def _bounded_pattern(
    validator: Validator, pattern: str, instance: Any, schema: dict[str, Any]
) -> Iterator[ValidationError]:
    from jsonschema.exceptions import ValidationError

    if not validator.is_type(instance, "string"):
        return
    found = search_bounded(pattern, instance)
    if found is None:
        yield ValidationError(_PATTERN_LIMIT)
    elif not found:
        yield ValidationError("does not match the pattern")


_CACHE: dict[tuple[str, ...], DataSchema] = {}


def load_data_schema(
    schema_path: str | Path,
    codelist_paths: Sequence[str | Path] = (),
    *,
    schema_name: str | None = None,
) -> DataSchema:
    """Read, derive and compile a schema once per process (keyed by file contents)."""
    from xzufi_toolkit.io.inputs import read_file
    from xzufi_toolkit.xdf.genericode import MAX_GC_BYTES, read_genericode
    from xzufi_toolkit.xdf.reader import MAX_SCHEMA_BYTES, STREAM_BYTES, read_xdf, read_xdf_bytes

    name = schema_name or str(schema_path)
    data = read_file(schema_path, file=name, limit=MAX_SCHEMA_BYTES)
    key = [hashlib.sha256(data).hexdigest()]
    for p in codelist_paths:
        key.append(hashlib.sha256(read_file(p, limit=MAX_GC_BYTES)).hexdigest())
    cached = _CACHE.get(tuple(key))
    if cached is not None:
        return cached
    if len(data) > STREAM_BYTES and Path(schema_path).is_file():
        del data  # a large schema is streamed, not parsed from memory
        doc = read_xdf(schema_path, file=name, stream=True)
    else:
        doc = read_xdf_bytes(data, file=name)
    lists = [(str(p), read_genericode(p)) for p in codelist_paths]
    compiled = compile_schema(doc, codelists=lists, file=name)
    _CACHE[tuple(key)] = compiled
    return compiled


@dataclass(slots=True)
class _DataChecker:
    ds: DataSchema
    file: str | None
    show_values: bool
    # rules listed for a human once, not once per group instance
    listed: set[tuple[str, str | None]] = field(default_factory=set)

    def finding(
        self,
        code: str,
        path: list[str | int],
        en: str,
        de: str,
        *,
        value: Any = None,
        severity: Severity | None = None,
    ) -> Finding:
        jp = json_path(path)
        last = next((p for p in reversed(path) if isinstance(p, str)), None)
        el = self.ds.index.get(last) if last else None
        where = f"{jp} ({label(el)})" if el is not None else jp
        shown = ""
        if self.show_values and value is not None:
            shown = json.dumps(value, ensure_ascii=False)[:80]
        return Finding(
            code=code,
            severity=severity or RULES[code].severity,
            message=f"{where}: {en}" + (f" (value: {shown})" if shown else ""),
            message_de=f"{where}: {de}" + (f" (Wert: {shown})" if shown else ""),
            location=Location(file=self.file, json_path=jp),
        )

    # --- pass 1: JSON Schema ----------------------------------------------------------
    def schema_findings(self, value: Any) -> Iterator[Finding]:
        for err in self.ds.validator.iter_errors(value):
            for leaf in _leaves(err):
                yield self._schema_finding(leaf)

    def _schema_finding(self, err: ValidationError) -> Finding:
        keyword = str(err.validator)
        code, en, de = _KEYWORDS.get(keyword, ("DATA-INVALID", "not valid ({v})", "ungültig ({v})"))
        path: list[str | int] = list(err.absolute_path)
        v: Any = err.validator_value
        if keyword == "required":
            inst = err.instance if isinstance(err.instance, dict) else {}
            names = v if isinstance(v, list) else []
            missing = [k for k in names if k not in inst and repr(k) in err.message]
            path.append(missing[0] if missing else "?")
        elif keyword == "additionalProperties" and isinstance(err.instance, dict):
            allowed = err.schema.get("properties", {}) if isinstance(err.schema, dict) else {}
            extra = sorted(k for k in err.instance if k not in allowed)
            path.append(extra[0] if extra else "?")
        elif keyword == "pattern" and err.message == _PATTERN_LIMIT:
            code = "DATA-PATTERN-LIMIT"
            en = f"the field's pattern could not be evaluated within {PATTERN_TIMEOUT} s"
            de = f"das Muster des Feldes war in {PATTERN_TIMEOUT} s nicht auswertbar"
        elif keyword not in _KEYWORDS:
            v = keyword
        quiet = keyword in ("required", "additionalProperties") or code == "DATA-PATTERN-LIMIT"
        value = None if quiet else err.instance
        return self.finding(code, path, en.format(v=v), de.format(v=v), value=value)

    # --- pass 2: what Draft 2020-12 cannot say ----------------------------------------
    def value_findings(
        self, node: Any, group: Stammdatenschema | Datenfeldgruppe, path: list[str | int]
    ) -> Iterator[Finding]:
        if not isinstance(node, dict):
            return
        for entry in group.struktur:
            el = entry.element
            key = el.identifikation.id
            if key not in node:
                continue
            items = node[key]
            many = isinstance(items, list)
            for i, item in enumerate(items if many else [items]):
                here = [*path, key, i] if many else [*path, key]
                if isinstance(el, Datenfeldgruppe):
                    yield from self.value_findings(item, el, here)
                else:
                    yield from self._field_value(el, item, here)

    def _field_value(self, fld: Datenfeld, value: Any, path: list[str | int]) -> Iterator[Finding]:
        dtype = fld.data_type
        p = fld.praezisierung
        if dtype is Datentyp.TEXT and isinstance(value, str) and fld.kind is not Feldart.SELECT:
            datatype = din_type(fld)
            invalid = din91379.check(value, datatype)
            if invalid is not None:
                yield self.finding(
                    "DATA-DIN91379",
                    path,
                    f"not valid for DIN 91379 data type {datatype.value}: {invalid.describe()}",
                    f"für DIN-91379-Datentyp {datatype.value} ungültig: Zeichen "
                    f"{invalid.code_point} an Position {invalid.position}",
                    value=value,
                )
        elif dtype is Datentyp.DATE and isinstance(value, str) and p is not None:
            if not _ISO_DATE.fullmatch(value):
                return  # the schema's format check reports it
            lo, hi = (p.get("minValue") or "").strip(), (p.get("maxValue") or "").strip()
            if lo and value < lo:
                yield self.finding("DATA-RANGE", path, f"before {lo}", f"vor dem {lo}", value=value)
            if hi and value > hi:
                yield self.finding("DATA-RANGE", path, f"after {hi}", f"nach dem {hi}", value=value)
        elif (
            dtype is Datentyp.NUM_CURRENCY
            and isinstance(value, int | float)
            and not isinstance(value, bool)
            and _decimals(value) > 2
        ):
            yield self.finding(
                "DATA-CURRENCY",
                path,
                "an amount of money has at most two decimals",
                "ein Geldbetrag hat höchstens zwei Nachkommastellen",
                value=value,
            )

    # --- pass 3: rules ----------------------------------------------------------------
    def rule_findings(
        self, node: Any, group: Stammdatenschema | Datenfeldgruppe, path: list[str | int]
    ) -> Iterator[Finding]:
        if not isinstance(node, dict):
            return
        for rule in group.regeln:
            yield from self._rule(rule, node, path)
        for entry in group.struktur:
            el = entry.element
            key = el.identifikation.id
            if not isinstance(el, Datenfeldgruppe) or key not in node:
                continue
            items = node[key]
            many = isinstance(items, list)
            for i, item in enumerate(items if many else [items]):
                yield from self.rule_findings(item, el, [*path, key, i] if many else [*path, key])

    def _rule(self, rule: Regel, node: dict[str, Any], path: list[str | int]) -> Iterator[Finding]:
        ident = rule.identifikation
        name = (rule.meta.name or "").strip() or ident.id
        first = (ident.id, ident.version) not in self.listed
        self.listed.add((ident.id, ident.version))
        if first and (rule.script or "").strip():
            yield self.finding(
                "DATA-RULE-004",
                path,
                f"rule {ident} ({name}) has a script; scripts are never executed",
                f"Regel {ident} ({name}) hat ein Skript; Skripte werden nie ausgeführt",
            )
        cond = parse_rule(rule)
        if cond is None:
            if not first:
                return
            yield self.finding(
                "DATA-RULE-003",
                path,
                f"rule {ident} ({name}) is free text: check it by hand",
                f"Regel {ident} ({name}) ist Freitext: von Hand prüfen",
            )
            return
        met = any(v is True for _, v in _find(node, cond.condition, path))
        for target in cond.targets:
            found = [(p, v) for p, v in _find(node, target, path) if _filled(v)]
            if cond.only_if and not met:
                for p, _v in found:
                    yield self.finding(
                        "DATA-RULE-001",
                        p,
                        f"filled although {cond.condition} is not affirmed (rule {ident})",
                        f"befüllt, obwohl {cond.condition} nicht bejaht ist (Regel {ident})",
                    )
            elif not cond.only_if and met and not found:
                yield self.finding(
                    "DATA-RULE-002",
                    [*path, target],
                    f"missing although {cond.condition} is affirmed (rule {ident})",
                    f"fehlt, obwohl {cond.condition} bejaht ist (Regel {ident})",
                )


def _leaves(error: ValidationError) -> Iterator[ValidationError]:
    # "$ref" and combinators wrap the real reason; report the innermost errors
    if error.context:
        for sub in error.context:
            yield from _leaves(sub)
    else:
        yield error


def _decimals(value: int | float) -> int:
    try:
        exponent = Decimal(repr(value)).as_tuple().exponent
    except InvalidOperation:
        return 0
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def _filled(value: Any) -> bool:
    return value not in (None, "", [], {})


def _find(node: Any, key: str, path: list[str | int]) -> Iterator[tuple[list[str | int], Any]]:
    """Every occurrence of ``key`` in ``node``'s subtree, with its path."""
    if isinstance(node, dict):
        for k, v in node.items():
            if k == key:
                yield [*path, k], v
            elif _ID.fullmatch(k):
                yield from _find(v, key, [*path, k])
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _find(v, key, [*path, i])


def iter_data_findings(
    value: Any, ds: DataSchema, *, file: str | None = None, show_values: bool = False
) -> Iterator[Finding]:
    """Every finding for the data ``value``: schema, values, rules (in that order)."""
    c = _DataChecker(ds, file, show_values)
    seen: set[tuple[str, str | None, str]] = set()
    schema = sorted(c.schema_findings(value), key=lambda f: (f.location.json_path or "", f.code))
    root = ds.doc.content
    for f in [*schema, *c.value_findings(value, root, []), *c.rule_findings(value, root, [])]:
        key = (f.code, f.location.json_path, f.message)
        if key not in seen:
            seen.add(key)
            yield f


def check_data(
    data: bytes, ds: DataSchema, *, file: str | None = None, show_values: bool = False
) -> Report:
    """Parse and check one data file's bytes; unreadable JSON is a ``DATA-INPUT`` finding."""
    from xzufi_toolkit.errors import InputError
    from xzufi_toolkit.xdf.check import input_report

    try:
        value = parse_case_json(data, file=file)
    except InputError as exc:
        return input_report("DATA-INPUT", exc)
    return Report(
        findings=list(iter_data_findings(value, ds, file=file, show_values=show_values)),
        documents=1,
    )

"""Case data -> form field values, from a mapping file kept next to the template.

A mapping file (JSON, checked against ``forms/mapping.schema.json``) names the
template and pins its SHA-256; each form field gets one rule::

    "geburtsdatum": {"path": "$.antragsteller.geburt.datum", "transform": ["date"]}
    "strasse_hausnummer": {"path": ["$.antragsteller.anschrift.strasse",
                                    "$.antragsteller.anschrift.hausnummer"], "join": " "}
    "geschlecht": {"path": "$.antragsteller.geschlecht", "transform": ["table"],
                   "table": {"m": "maennlich", "w": "weiblich"}}
    "unterlage_lichtbild": {"path": "$.unterlagen[*].art", "transform": ["contains"],
                            "value": "02"}

Paths are the JSON paths the findings use (``$.a.b[0]``, ``[*]`` for every
element); a key may hold any letter (``$.halter.straße``), and any key at all
goes in quotes (``$['Name, Vorname']``, ``$["it's"]``, backslash escapes the
quote). Transforms run in order on each value: ``date`` (ISO date or partial
date -> TT.MM.JJJJ, 00.MM.JJJJ, 00.00.JJJJ; other values pass unchanged), ``table``
(code -> label: an inline object, a name under ``tables``, or
``codelist:NAME`` for a packaged code list; ``fallback`` formats unknown
codes, otherwise they are a finding), ``number`` (German decimal comma,
``decimals``), ``bool``; and on all values at once ``contains`` (``value`` is
among them) and ``any``. The results are joined with ``join`` and put into
``format`` (``{}``). Booleans reach the filler as true/false and become the
checkbox's own on-state there.

``format`` and ``fallback`` are checked against a whitelist when the mapping is
loaded: one replacement field (``{}``/``{0}``; ``{code}``), no attribute access
or indexing (``{0.__class__}`` would reach Python objects), no conversion, and
a spec of at most fill, alignment and a width up to :data:`MAX_WIDTH`
(``{0:>400000000}`` would build a 400 MB string; a precision would cut text).

Hand-written on purpose: the path subset (dots, quoted keys, ``[n]``, ``[*]``)
is a small tokenizer; a JSONPath library would accept far more (filters,
scripts, recursive descent) than a mapping should contain.
"""

from __future__ import annotations

import json
import re
import string
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

from xzufi_toolkit.errors import ConfigError, FormError, SchemaError
from xzufi_toolkit.findings import Finding, Location, Severity
from xzufi_toolkit.form.inspect import FormInfo
from xzufi_toolkit.form.values import FieldValue
from xzufi_toolkit.io.resources import data_file, form_file

__all__ = [
    "DEFAULT_FORM",
    "DEFAULT_MAPPING",
    "MAX_WIDTH",
    "FieldRule",
    "FormMapping",
    "apply_mapping",
    "check_mapping",
    "format_path",
    "load_mapping",
    "parse_path",
    "require_matching_form",
    "resolve_path",
]

DEFAULT_FORM = "aufenthalt-25-4-2.pdf"
DEFAULT_MAPPING = "aufenthalt-25-4-2.mapping.json"

# .key (any characters but separators, quotes and blanks), ['quoted'] or
# ["quoted"] with backslash escapes, [n], [*]
_PATH_TOKEN = re.compile(
    r"""\.([^\s.\[\]'"\\]+)"""
    r"""|\['((?:[^'\\]|\\.)*)'\]|\["((?:[^"\\]|\\.)*)"\]"""
    r"""|\[(\d{1,9}|\*)\]"""
)
_PLAIN_KEY = re.compile(r"""[^\W\d][\w-]*""")  # written as .key in concrete paths
_UNESCAPE = re.compile(r"\\(.)")
ALL = -1  # the step of ``[*]``
PathStep = str | int
MAX_WIDTH = 200  # widest padding a format may ask for; no form field is wider
_SPEC = re.compile(r"(?:[^{}]?[<>^])?(\d+)?s?")
_ISO_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_AGGREGATES = frozenset({"contains", "any"})


@dataclass(frozen=True, slots=True)
class FieldRule:
    """How one form field gets its value from the case."""

    field: str
    paths: tuple[str, ...]
    steps: tuple[tuple[PathStep, ...], ...] = ()
    transforms: tuple[str, ...] = ()
    table: dict[str, str] | None = None
    fallback: str | None = None
    join: str = ", "
    format: str | None = None
    value: str | None = None
    decimals: int | None = None


@dataclass(frozen=True, slots=True)
class FormMapping:
    """A parsed mapping file."""

    form: str
    form_sha256: str
    rules: tuple[FieldRule, ...]
    case_schema: str | None = None
    file: str | None = None


@cache
def _mapping_validator() -> Any:
    from jsonschema import Draft202012Validator

    schema = json.loads(form_file("mapping.schema.json").read_text(encoding="utf-8"))
    return Draft202012Validator(schema)


@cache
def _codelist(name: str) -> dict[str, str]:
    if not re.fullmatch(r"[a-z0-9_-]+", name):
        raise ConfigError(f"not a code list name: {name!r}")
    try:
        doc = json.loads(data_file("codelists", f"{name}.json").read_text(encoding="utf-8"))
    except SchemaError:
        raise ConfigError(
            f"unknown code list {name!r}", hint="see xzufi_toolkit/data/codelists"
        ) from None
    out: dict[str, str] = {}
    for entry in doc.get("codes", []):
        label = entry.get("name")
        if isinstance(label, dict):
            label = label.get("de")
        if isinstance(label, str):
            out[str(entry["code"])] = label
    return out


def load_mapping(data: bytes, *, file: str | None = None) -> FormMapping:
    """Parse and check a mapping file; :class:`ConfigError` names the first problem."""
    try:
        doc = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        # ValueError: also numbers of more than 4300 digits; RecursionError: deep nesting
        line = getattr(exc, "lineno", None)
        raise ConfigError("the mapping is not JSON", file=file, line=line) from None
    errors = sorted(_mapping_validator().iter_errors(doc), key=lambda e: list(e.absolute_path))
    if errors:
        err = errors[0]
        where = "$" + "".join(
            f"[{p}]" if isinstance(p, int) else f".{p}" for p in err.absolute_path
        )
        raise ConfigError(
            f"the mapping does not match its schema at {where}: {err.message[:160]}",
            file=file,
            hint="see forms/mapping.schema.json",
        )
    tables: dict[str, dict[str, str]] = doc.get("tables", {})
    rules: list[FieldRule] = []
    for name, spec in doc["fields"].items():
        path = spec.get("path")
        if path is None:
            continue  # a skeleton entry not yet completed: the field stays empty
        paths = (path,) if isinstance(path, str) else tuple(path)
        steps = []
        for p in paths:
            parsed = parse_path(p)
            if parsed is None:
                raise ConfigError(
                    f"field {name!r}: not a supported JSON path: {p[:80]!r}",
                    file=file,
                    hint="use $.key, $['any key'], [n] and [*]",
                )
            steps.append(parsed)
        table = spec.get("table")
        if isinstance(table, str):
            if table.startswith("codelist:"):
                table = _codelist(table.removeprefix("codelist:"))
            elif table in tables:
                table = tables[table]
            else:
                raise ConfigError(f"field {name!r}: unknown table {table!r}", file=file)
        _check_templates(name, spec, file)
        rules.append(
            FieldRule(
                field=name,
                paths=paths,
                steps=tuple(steps),
                transforms=tuple(spec.get("transform", ())),
                table=table,
                fallback=spec.get("fallback"),
                join=spec.get("join", ", "),
                format=spec.get("format"),
                value=spec.get("value"),
                decimals=spec.get("decimals"),
            )
        )
    return FormMapping(
        form=doc["form"],
        form_sha256=doc["form_sha256"],
        rules=tuple(rules),
        case_schema=doc.get("case_schema"),
        file=file,
    )


def _check_templates(name: str, spec: dict[str, Any], file: str | None) -> None:
    """``format`` takes one ``{}``, ``fallback`` ``{code}``: whitelisted, never run here."""
    for key, names, exactly_one in (("format", {"", "0"}, True), ("fallback", {"code"}, False)):
        if key in spec:
            reason = _unsafe_template(spec[key], names, exactly_one=exactly_one)
            if reason:
                raise ConfigError(
                    f"field {name!r}: {key} {reason}",
                    file=file,
                    hint="format takes one {} (e.g. 'Az. {}' or '{:>10}'), fallback {code}",
                )


def _unsafe_template(template: str, names: set[str], *, exactly_one: bool) -> str | None:
    """Why ``template`` is refused, or ``None``: see the module docstring."""
    try:
        parts = list(string.Formatter().parse(template))
    except ValueError:
        return "has an unbalanced { or }"
    fields = [(name, spec, conv) for _, name, spec, conv in parts if name is not None]
    for name, spec, conversion in fields:
        reason = _unsafe_field(name, spec, conversion, names)
        if reason:
            return reason
    if not fields or (exactly_one and len(fields) != 1):
        return "needs exactly one replacement field" if exactly_one else "has no {code}"
    return None


def _unsafe_field(name: str, spec: str | None, conversion: str | None, names: set[str]) -> str:
    if name not in names:
        if any(c in name for c in ".[]"):
            return "uses attribute access or indexing"
        return "names an unknown replacement field"
    if conversion is not None:
        return "uses a conversion (!r, !s, !a)"
    m = _SPEC.fullmatch(spec or "")
    if m is None:
        return "has a format spec other than fill, alignment and width"
    if m.group(1) and int(m.group(1)) > MAX_WIDTH:
        return f"asks for a width over {MAX_WIDTH}"
    return ""


def parse_path(path: str) -> tuple[PathStep, ...] | None:
    """The steps of ``path`` (keys, indices, :data:`ALL`), or ``None`` when not supported."""
    if not path.startswith("$"):
        return None
    steps: list[PathStep] = []
    pos = 1
    for m in _PATH_TOKEN.finditer(path, 1):
        if m.start() != pos:
            return None
        pos = m.end()
        plain, single, double, index = m.groups()
        if plain is not None:
            steps.append(plain)
        elif single is not None or double is not None:
            steps.append(_UNESCAPE.sub(r"\1", single if single is not None else double))
        else:
            steps.append(ALL if index == "*" else int(index))
    return tuple(steps) if pos == len(path) else None


def format_path(steps: Iterator[PathStep] | tuple[PathStep, ...] | list[PathStep]) -> str:
    """A concrete JSON path: ``.key`` for plain keys, ``['key']`` for others, ``[n]``."""
    out = "$"
    for step in steps:
        if isinstance(step, int):
            out += "[*]" if step == ALL else f"[{step}]"
        elif _PLAIN_KEY.fullmatch(step):
            out += f".{step}"
        else:
            out += "['" + step.replace("\\", "\\\\").replace("'", "\\'") + "']"
    return out


def resolve_path(doc: Any, path: str | tuple[PathStep, ...]) -> Iterator[tuple[str, Any]]:
    """(concrete path, value) for each match of ``path`` in ``doc``; nothing when absent."""
    steps = parse_path(path) if isinstance(path, str) else path
    if steps is None:
        return
    current: list[tuple[tuple[PathStep, ...], Any]] = [((), doc)]
    for step in steps:
        nxt: list[tuple[tuple[PathStep, ...], Any]] = []
        for where, value in current:
            if isinstance(step, str):
                if isinstance(value, dict) and step in value:
                    nxt.append(((*where, step), value[step]))
            elif isinstance(value, list):
                if step == ALL:
                    nxt.extend(((*where, i), v) for i, v in enumerate(value))
                elif step < len(value):
                    nxt.append(((*where, step), value[step]))
        current = nxt
    for where, value in current:
        yield format_path(where), value


def _date(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    m = _ISO_DATE.match(value)
    if not m:
        return value
    year, month, day = m.groups()
    # German registers write an unknown day or month as 00: "00.07.1985", "00.00.1979"
    return f"{day or '00'}.{month or '00'}.{year}"


def _number(value: Any, decimals: int | None) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value
    if decimals is None:
        decimals = 0 if float(value).is_integer() else 2
        text = f"{value:,.{decimals}f}".rstrip("0").rstrip(".") if decimals else f"{value:,.0f}"
    else:
        text = f"{value:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def _key(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def apply_mapping(
    mapping: FormMapping, case: Any, *, file: str | None = None, show_values: bool = False
) -> tuple[dict[str, FieldValue], dict[str, str], list[Finding]]:
    """Field values for ``case`` (a parsed case JSON object).

    Returns the values, the JSON path each value came from (for findings), and
    findings for codes without a label (``FORM-MAP-NO-LABEL``).
    """
    values: dict[str, FieldValue] = {}
    sources: dict[str, str] = {}
    findings: list[Finding] = []
    for rule in mapping.rules:
        found = [hit for p in rule.steps or rule.paths for hit in resolve_path(case, p)]
        items: list[Any] = [v for _, v in found if v is not None]
        if not found:
            continue
        sources[rule.field] = found[0][0]
        for t in rule.transforms:
            if t in _AGGREGATES:
                items = (
                    [rule.value in [_key(v) for v in items]] if t == "contains" else [any(items)]
                )
                continue
            mapped: list[Any] = []
            for item in items:
                if t == "date":
                    mapped.append(_date(item))
                elif t == "number":
                    mapped.append(_number(item, rule.decimals))
                elif t == "bool":
                    mapped.append(bool(item))
                elif t == "table":
                    label = _label(rule, item)
                    if label is None:
                        shown = f" {_key(item)!r}" if show_values else ""
                        findings.append(
                            Finding(
                                code="FORM-MAP-NO-LABEL",
                                severity=Severity.ERROR,
                                message=f"field {rule.field!r}: the mapping has no label for "
                                f"code{shown}",
                                location=Location(file=file, json_path=found[0][0]),
                            )
                        )
                        continue
                    mapped.append(label)
            items = mapped
        if not items:
            continue
        if len(items) == 1 and isinstance(items[0], bool):
            values[rule.field] = items[0]
            continue
        text = rule.join.join(_key(v) for v in items)
        values[rule.field] = rule.format.format(text) if rule.format else text
    return values, sources, findings


def _label(rule: FieldRule, item: Any) -> str | None:
    key = _key(item)
    if rule.table is not None and key in rule.table:
        return rule.table[key]
    if rule.fallback is not None:
        return rule.fallback.format(code=key)
    return None


def check_mapping(mapping: FormMapping, form: FormInfo) -> list[Finding]:
    """Does ``mapping`` fit ``form``? Hash, field names, table values vs options/states.

    Codes: ``FORM-MAPPING-HASH`` (the form is not the one the mapping was made
    for), ``FORM-MAPPING-FIELD`` (the mapping names a field the form lacks),
    ``FORM-MAPPING-VALUE`` (a table value is not an option / on-state).
    """
    loc = Location(file=mapping.file)
    out: list[Finding] = []
    if mapping.form_sha256 != form.sha256:
        out.append(
            Finding(
                "FORM-MAPPING-HASH",
                Severity.ERROR,
                f"the mapping was made for a form with SHA-256 {mapping.form_sha256[:12]}…, "
                f"this form has {form.sha256[:12]}…",
                loc,
            )
        )
    for rule in mapping.rules:
        info = form.field(rule.field)
        if info is None:
            msg = f"the form has no field {rule.field!r}"
            out.append(Finding("FORM-MAPPING-FIELD", Severity.ERROR, msg, loc))
            continue
        allowed = info.on_states if info.kind in ("radio", "checkbox") else info.options
        if rule.table is None or not allowed:
            continue
        allowed_all = {*allowed, *info.labels, "Off"}
        for code, label in rule.table.items():
            if label not in allowed_all:
                msg = f"field {rule.field!r}: table value for {code!r} is not one of its choices"
                out.append(Finding("FORM-MAPPING-VALUE", Severity.ERROR, msg, loc))
    return out


def require_matching_form(mapping: FormMapping, form: FormInfo, *, form_file: str) -> None:
    """Raise :class:`FormError` when ``check_mapping`` finds anything."""
    problems = check_mapping(mapping, form)
    if problems:
        first = problems[0]
        raise FormError(
            first.message,
            file=form_file if first.code != "FORM-MAPPING-VALUE" else mapping.file,
            hint=(
                f"{len(problems)} problem(s); the mapping {mapping.file or ''} does not fit this "
                "form: use the form it was made for, or update the mapping "
                "(xzufi form inspect PDF --skeleton)"
            ),
        )

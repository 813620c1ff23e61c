"""Reading and writing case JSON, with the JSON Schema at the boundary.

``jsonschema`` (Draft 2020-12, with format checking for dates and UUIDs)
decides whether a document is a case; each schema error becomes a finding with
a stable ``CASE-SCHEMA-*`` code and the JSON path of the problem. Messages are
built from the schema, never from the input, so no personal value leaks unless
the caller asks for ``show_values``.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from xzufi_toolkit.case.model import Case, case_from_dict, case_to_dict
from xzufi_toolkit.errors import InputError, ValidationFailedError
from xzufi_toolkit.findings import Finding, Location, Report, Severity
from xzufi_toolkit.io.jsonsafe import DuplicateKeyError, loads_strict
from xzufi_toolkit.io.resources import schema_file

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError

__all__ = [
    "CASE_SCHEMA_PATH",
    "dump_case",
    "iter_schema_findings",
    "json_path",
    "load_case",
    "nfc",
    "parse_case_json",
    "read_case_file",
]

CASE_SCHEMA_PATH = ("case", "aufenthalt-antrag-case.schema.json")
MAX_CASE_BYTES = 4 * 1024 * 1024

# jsonschema keyword -> (stable code suffix, message template over the schema value)
_KEYWORDS: dict[str, tuple[str, str]] = {
    "required": ("REQUIRED", "required field is missing"),
    "additionalProperties": ("UNKNOWN-FIELD", "unknown field"),
    "type": ("TYPE", "wrong type: expected {v}"),
    "format": ("FORMAT", "not a valid {v}"),
    "pattern": ("PATTERN", "does not have the required form"),
    "enum": ("CODE", "not one of the allowed codes {v}"),
    "const": ("CONST", "must be {v}"),
    "minLength": ("LENGTH", "shorter than {v} characters"),
    "maxLength": ("LENGTH", "longer than {v} characters"),
    "minItems": ("ITEMS", "fewer than {v} entries"),
    "maxItems": ("ITEMS", "more than {v} entries"),
    "uniqueItems": ("ITEMS", "entries must not repeat"),
    "minimum": ("RANGE", "less than {v}"),
    "maximum": ("RANGE", "more than {v}"),
    "exclusiveMinimum": ("RANGE", "must be more than {v}"),
    "exclusiveMaximum": ("RANGE", "must be less than {v}"),
}


def parse_case_json(data: bytes, *, file: str | None = None) -> Any:
    """The JSON value in ``data``; refuses non-UTF-8, duplicate keys, NaN and huge files."""
    if len(data) > MAX_CASE_BYTES:
        raise InputError(
            f"case file is {len(data)} bytes, more than the limit of {MAX_CASE_BYTES}", file=file
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"not UTF-8 (byte {exc.start})", file=file, hint="save the case as UTF-8 JSON"
        ) from None
    if not text.strip():
        raise InputError("file is empty", file=file, hint="expected a JSON object")
    try:
        return loads_strict(text)
    except DuplicateKeyError as exc:
        raise InputError(
            f"duplicate key {json.dumps(str(exc))}", file=file, hint="each field may occur once"
        ) from None
    except json.JSONDecodeError as exc:
        raise InputError(
            f"not valid JSON: {exc.msg} (column {exc.colno})",
            file=file,
            line=exc.lineno,
        ) from None
    except RecursionError:
        raise InputError(
            "not valid JSON: nested too deeply", file=file, hint="a case is a few levels deep"
        ) from None
    except ValueError as exc:
        # int() refuses numbers of more than 4300 digits; its message names a sys setting
        reason = "number too long" if "digits" in str(exc) else str(exc)
        raise InputError(f"not valid JSON: {reason}", file=file) from None


def json_path(parts: Any) -> str:
    """``$.a.b[0].c`` for a sequence of keys and indices."""
    out = "$"
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else f".{p}"
    return out


@cache
def _validator() -> Draft202012Validator:
    from jsonschema import Draft202012Validator

    path = schema_file(*CASE_SCHEMA_PATH)
    schema = json.loads(path.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def _leaf_errors(error: ValidationError) -> Iterator[ValidationError]:
    # "if/then" and "$ref" wrap the real reason; report the innermost errors.
    if error.context:
        for sub in error.context:
            yield from _leaf_errors(sub)
    else:
        yield error


def _schema_finding(err: ValidationError, *, file: str | None, show_values: bool) -> Finding:
    keyword = str(err.validator)
    suffix, template = _KEYWORDS.get(keyword, ("INVALID", "not valid ({k})"))
    path = list(err.absolute_path)
    value_text = ""
    if keyword == "required":
        names = err.validator_value if isinstance(err.validator_value, list) else []
        inst = err.instance if isinstance(err.instance, dict) else {}
        missing = [k for k in names if k not in inst and repr(k) in err.message]
        path.append(missing[0] if missing else "?")
    elif keyword == "additionalProperties" and isinstance(err.instance, dict):
        allowed = err.schema.get("properties", {}) if isinstance(err.schema, dict) else {}
        extra = sorted(k for k in err.instance if k not in allowed)
        path.append(extra[0] if extra else "?")
    elif show_values:
        value_text = f" (value: {json.dumps(err.instance, ensure_ascii=False)[:80]})"
    v = err.validator_value
    if keyword == "enum" and isinstance(v, list):
        v = ", ".join(str(x) for x in v)
    message = template.format(v=v, k=keyword) + value_text
    jp = json_path(path)
    code = f"CASE-SCHEMA-{suffix}"
    from xzufi_toolkit.case.rules import RULES

    meta = RULES.get(code)
    return Finding(
        code=code,
        severity=Severity.ERROR,
        message=f"{jp}: {message}",
        location=Location(file=file, json_path=jp),
        message_de=f"{jp}: {meta.title_de}{value_text}" if meta and meta.title_de else None,
    )


def iter_schema_findings(
    value: Any, *, file: str | None = None, show_values: bool = False
) -> Iterator[Finding]:
    """Findings of the JSON Schema for ``value``, ordered by JSON path."""
    errors = [leaf for e in _validator().iter_errors(value) for leaf in _leaf_errors(e)]
    findings = [_schema_finding(e, file=file, show_values=show_values) for e in errors]
    seen: set[tuple[str, str | None]] = set()
    for f in sorted(findings, key=lambda f: (f.location.json_path or "", f.code)):
        key = (f.code, f.location.json_path)
        if key not in seen:
            seen.add(key)
            yield f


def nfc(value: Any) -> Any:
    """``value`` with every string NFC-normalised (DIN 91379 and XÖV require NFC)."""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, list):
        return [nfc(v) for v in value]
    if isinstance(value, dict):
        return {k: nfc(v) for k, v in value.items()}
    return value


def load_case(
    data: bytes | dict[str, Any], *, file: str | None = None, show_values: bool = False
) -> Case:
    """The case in ``data`` (JSON bytes or a parsed value), all text NFC-normalised.

    Raises :class:`InputError` for unreadable JSON and
    :class:`ValidationFailedError` (with the report) when the schema fails.
    """
    value = parse_case_json(data, file=file) if isinstance(data, bytes) else data
    report = Report(documents=1)
    report.extend(iter_schema_findings(value, file=file, show_values=show_values))
    if not report.valid:
        raise ValidationFailedError(
            f"case data does not match the case schema ({len(report)} problem(s))",
            report,
            file=file,
            hint="see the findings; each names the JSON path",
        )
    return case_from_dict(nfc(value))


def read_case_file(path: str | Path, *, show_values: bool = False) -> Case:
    """:func:`load_case` on a file."""
    from xzufi_toolkit.io.inputs import read_file

    data = read_file(path, limit=MAX_CASE_BYTES)
    return load_case(data, file=str(path), show_values=show_values)


def dump_case(case: Case) -> bytes:
    """Case JSON as UTF-8 bytes (2-space indent, newline at the end)."""
    return (json.dumps(case_to_dict(case), ensure_ascii=False, indent=2) + "\n").encode("utf-8")

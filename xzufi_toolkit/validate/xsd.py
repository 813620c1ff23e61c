"""XSD validation with two engines giving the same Finding records.

``lxml`` (libxml2, the default) and ``xmlschema`` (pure Python, XSD 1.0/1.1)
both validate a whole document or one element (a ``leistung`` inside a
transfer message, validated against the schema's global ``leistung``
declaration without copying it). Each schema is compiled once per process.
"""

from __future__ import annotations

import itertools
import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any, cast

from lxml import etree

from xzufi_toolkit.errors import InputError, SchemaError, UsageError
from xzufi_toolkit.io import xmlsafe
from xzufi_toolkit.io.inputs import read_file
from xzufi_toolkit.xzufi.schema import load_schema, schema_path

__all__ = ["ENGINES", "SchemaIssue", "schema_path", "validate_element"]

ENGINES = ("lxml", "xmlschema")
# Schema issues listed per document; a report caps findings too, but 200,000
# issues as records cost seconds and hundreds of MB before it does.
MAX_ISSUES = 1000
MAX_SCHEMA_BYTES = 16 * 1024 * 1024
_CLARK = re.compile(r"\{http://xoev\.de/schemata/xzufi/\d_\d_\d\}")
_VALUE = re.compile(r"(?i)\b(value)\s*'[^']*'")


@dataclass(frozen=True, slots=True)
class SchemaIssue:
    line: int | None
    message: str
    path: str | None


def _clean(message: str, show_values: bool) -> str:
    text = _CLARK.sub("xzufi:", message).strip()
    return text if show_values else _VALUE.sub(r"\1", text)


@cache
def _lxml_schema(version: str, schema_dir: str | None) -> etree.XMLSchema:
    """Compiled once per process (xzufi.schema caches too; this skips its path lookup)."""
    return load_schema(version, schema_dir)


@cache
def _xmlschema_schema(path: str) -> Any:
    import xmlschema

    try:
        head = read_file(path, limit=MAX_SCHEMA_BYTES)[:4096]
    except InputError as exc:
        raise SchemaError(f"schema cannot be read: {exc.message}", file=path) from None
    cls = xmlschema.XMLSchema11 if b'minVersion="1.1"' in head else xmlschema.XMLSchema10
    try:
        with warnings.catch_warnings():
            # a failed xs:import is a warning on stderr by default: make it the one error
            warnings.simplefilter("error")
            # local files only (xs:import/xs:include over HTTP are never fetched), no DTDs
            return cls(path, allow="local", defuse="always")
    except (xmlschema.XMLSchemaException, OSError, Warning) as exc:
        raise SchemaError(f"schema does not compile: {_short(exc)}", file=path) from None


def _short(exc: BaseException) -> str:
    """The first line of xmlschema's message: the rest quotes schema components
    and can quote an included file's contents."""
    text = str(getattr(exc, "message", None) or exc)
    first = text.strip().splitlines()[0] if text.strip() else type(exc).__name__
    return first.rstrip(":")[:300]


def _lxml_issues(
    version: str, schema_dir: str | None, el: etree._Element, show_values: bool
) -> Iterator[SchemaIssue]:
    schema = _lxml_schema(version, schema_dir)
    if schema.validate(el):
        return
    log = cast("list[etree._LogEntry]", schema.error_log)  # stubs miss __iter__, __len__
    for entry in itertools.islice(log, MAX_ISSUES):
        yield SchemaIssue(
            line=entry.line or None,
            message=_clean(entry.message, show_values),
            path=getattr(entry, "path", None) or None,
        )
    if len(log) > MAX_ISSUES:  # 200,000 bad attributes: one issue says how many more
        yield SchemaIssue(
            line=None,
            message=f"\u2026 and {len(log) - MAX_ISSUES} more schema error(s) in this document",
            path=None,
        )


def _xmlschema_issues(
    version: str, schema_dir: str | None, el: etree._Element, show_values: bool
) -> Iterator[SchemaIssue]:
    import xmlschema

    schema = _xmlschema_schema(str(schema_path(version, schema_dir)))
    # a leistung inside a transfer message inherits its prefixes (xsi:type values)
    namespaces = {k or "": v for k, v in el.nsmap.items()}
    try:
        errors = schema.iter_errors(el, namespaces=namespaces)
        for err in itertools.islice(errors, MAX_ISSUES):
            line = getattr(err, "sourceline", None)
            reason = err.reason or str(err.message)
            yield SchemaIssue(
                line=line if isinstance(line, int) else None,
                message=_clean(reason, show_values),
                path=err.path,
            )
        more = sum(1 for _ in errors)  # counted, not kept
        if more:
            yield SchemaIssue(
                line=None,
                message=f"\u2026 and {more} more schema error(s) in this document",
                path=None,
            )
    except xmlschema.XMLSchemaException as exc:
        yield SchemaIssue(
            line=xmlsafe.source_line(el),
            message=_clean(f"xmlschema cannot validate: {_short(exc)}", show_values),
            path=None,
        )


def validate_element(
    el: etree._Element,
    version: str,
    *,
    schema_dir: str | None = None,
    engine: str = "lxml",
    show_values: bool = False,
) -> list[SchemaIssue]:
    """Schema issues of ``el`` (a document root, or a ``leistung`` inside a message)."""
    if engine == "lxml":
        return list(_lxml_issues(version, schema_dir, el, show_values))
    if engine == "xmlschema":
        return list(_xmlschema_issues(version, schema_dir, el, show_values))
    raise UsageError(
        f"unknown schema engine {engine!r}", hint=f"choose one of {', '.join(ENGINES)}"
    )

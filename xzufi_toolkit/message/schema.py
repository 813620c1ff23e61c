"""The message XSD, compiled once per process, and its errors as findings.

lxml (libxml2) validates; its messages quote offending values, so they are
rewritten to name the element and the rule only, unless ``show_values``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from typing import cast

from lxml import etree

from xzufi_toolkit.errors import SchemaError
from xzufi_toolkit.findings import Finding, Location, Severity
from xzufi_toolkit.io import xmlsafe
from xzufi_toolkit.io.resources import schema_file
from xzufi_toolkit.message.header import NAMESPACE

__all__ = ["XSD_PATH", "message_schema", "xsd_findings"]

XSD_PATH = ("aufenthalt-antrag", "aufenthalt-antrag-1.0.xsd")

# libxml2 quotes values after "The value", before "is not a valid value", in
# "length of" and in enumeration sets; element/attribute names stay.
_VALUE_PATTERNS = (
    (re.compile(r"The value '.*?'(?= (?:is|does|has))", re.S), "The value"),
    (re.compile(r": '.*?' is not a valid value", re.S), ": the value is not a valid value"),
    (
        re.compile(r"\[facet 'enumeration'\] The value is not an element of the set \{.*?\}"),
        "[facet 'enumeration'] The value is not an element of the allowed set",
    ),
)
_NS_IN_MSG = re.compile(re.escape(f"{{{NAMESPACE}}}"))


@cache
def message_schema() -> etree.XMLSchema:
    """The compiled XSD: compiled on first use, then shared by the process.

    An ``XMLSchema`` keeps its error log on the object, so validating from
    several threads at once needs one schema per thread.
    """
    path = schema_file(*XSD_PATH)
    try:
        return etree.XMLSchema(xmlsafe.parse_file(path))
    except etree.XMLSchemaParseError as exc:
        raise SchemaError(f"message schema does not compile: {exc}", file=str(path)) from None


def _clean(message: str, show_values: bool) -> str:
    text = _NS_IN_MSG.sub("aa:", message)
    if not show_values:
        for pattern, repl in _VALUE_PATTERNS:
            text = pattern.sub(repl, text)
    return text


def xsd_findings(
    tree: etree._ElementTree, *, file: str | None = None, show_values: bool = False
) -> list[Finding]:
    """One ``MSG-XSD`` finding per schema error, with line and XPath."""
    schema = message_schema()
    if schema.validate(tree):
        return []
    return [
        Finding(
            code="MSG-XSD",
            severity=Severity.ERROR,
            message=_clean(str(err.message), show_values),
            location=Location(file=file, line=err.line or None, xpath=err.path or None),
        )
        # lxml-stubs do not declare _ErrorLog iterable; at run time it is
        for err in cast(Iterable[etree._LogEntry], schema.error_log)
    ]

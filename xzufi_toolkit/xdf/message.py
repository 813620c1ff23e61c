"""Application data of a Stammdatenschema ↔ an XÖV-style message ``xdf.antrag.0100``.

The message is the header of ``aufenthalt.antrag.0100`` (``nachrichtenkopf.g2g``
with reader and author), the schema's identification, then the data under an
element named by the schema id, in the namespace of
:func:`~xzufi_toolkit.xdf.xsd.data_namespace`. Each JSON key (an element id)
has exactly one place, so reading gives the data back (property-tested), with
one normalisation: an empty array of an optional element and its absence are
the same message, and read back as absent.

Built messages are validated against the XSD of :mod:`.xsd` before they are
returned; read messages before they are mapped.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any, cast

from lxml import etree

from xzufi_toolkit.errors import InputError, ValidationFailedError
from xzufi_toolkit.findings import Finding, Location, Report, Severity
from xzufi_toolkit.io import xmlsafe
from xzufi_toolkit.io.jsonsafe import loads_strict
from xzufi_toolkit.message.header import MessageHeader, Participant
from xzufi_toolkit.message.schema import _VALUE_PATTERNS  # the one list of libxml2 value quotes
from xzufi_toolkit.xdf.model import Datenfeld, Datenfeldgruppe
from xzufi_toolkit.xdf.xsd import (
    FILE_PARTS,
    HEADER_CODELIST,
    MESSAGE_TYPE,
    ROOT,
    STANDARD,
    STANDARD_VERSION,
    VERZEICHNISDIENST,
    DataEntry,
    GivenLists,
    Schema,
    ValueKind,
    compile_xsd,
    data_namespace,
    schema_plan,
)

__all__ = ["build_data_message", "data_message_tree", "read_data_message", "xsd_findings"]

_TZ = re.compile(r"(Z|[+-]\d\d:\d\d)$")


# -- data → XML ----------------------------------------------------------------
class _Writer:
    def __init__(self, schema: Schema, given: GivenLists, file: str | None) -> None:
        self.ns = data_namespace(schema)
        self.plan = schema_plan(schema, given)
        self.file = file

    def q(self, name: str) -> str:
        return f"{{{self.ns}}}{name}"

    def group(
        self, parent: etree._Element, group: Schema, data: Mapping[str, Any], path: str
    ) -> None:
        if not isinstance(data, Mapping):
            raise self.shape(path, "an object")
        known = set()
        for entry in self.plan.entries(group):
            known.add(entry.key)
            if entry.key not in data:
                continue
            value = data[entry.key]
            here = f"{path}.{entry.key}"
            if entry.repeated:
                if not isinstance(value, list):
                    raise self.shape(here, "an array")
                for i, item in enumerate(value):
                    self.one(parent, entry, item, f"{here}[{i}]")
            else:
                self.one(parent, entry, value, here)
        extra = sorted(set(data) - known)
        if extra:
            raise self.shape(f"{path}.{extra[0]}", "no key of the schema")

    def one(self, parent: etree._Element, entry: DataEntry, value: Any, path: str) -> None:
        el = etree.SubElement(parent, self.q(entry.key))
        element = entry.element
        if isinstance(element, Datenfeldgruppe):
            self.group(el, element, value, path)
            return
        kind = self.plan.kind(element)
        if kind is ValueKind.CODE:
            info = self.plan.info(element)
            if info.uri:
                el.set("listURI", info.uri)
            if info.version:
                el.set("listVersionID", info.version)
            etree.SubElement(el, "code").text = self.text(value, path)
            name = info.name(value)
            if name is not None:
                etree.SubElement(el, "name").text = name
            return
        if kind is ValueKind.FILE:
            if not isinstance(value, Mapping):
                raise self.shape(path, "a file reference object")
            extra = sorted(set(value) - set(FILE_PARTS))
            if extra:
                raise self.shape(f"{path}.{extra[0]}", "no part of a file reference")
            for part in FILE_PARTS:  # the XSD's order, whatever the JSON's
                if part in value:
                    sub = etree.SubElement(el, self.q(part))
                    sub.text = self.scalar(
                        ValueKind.INTEGER if part == "size" else ValueKind.TEXT,
                        value[part],
                        f"{path}.{part}",
                    )
            return
        if kind is ValueKind.OBJ:
            el.text = json.dumps(value, ensure_ascii=False)
            return
        el.text = self.scalar(kind, value, path)

    def text(self, value: Any, path: str) -> str:
        if not isinstance(value, str):
            raise self.shape(path, "a string")
        return value

    def scalar(self, kind: ValueKind | None, value: Any, path: str) -> str:
        if kind is ValueKind.BOOL:
            if not isinstance(value, bool):
                raise self.shape(path, "true or false")
            return "true" if value else "false"
        if kind in (ValueKind.DECIMAL, ValueKind.INTEGER):
            if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
                raise self.shape(path, "a number")
            if isinstance(value, float) and not math.isfinite(value):
                raise self.shape(path, "a finite number")
            if isinstance(value, int):
                return str(value)
            if kind is ValueKind.INTEGER and value == int(value):
                return str(int(value))
            if isinstance(value, Decimal):
                return format(value, "f")
            # repr gives the shortest text that reads back as the same float; 'f'
            # spells it without the exponent xs:decimal does not allow, and the
            # point keeps 3.6e16 a float when it is read back
            text = format(Decimal(repr(value)), "f")
            return text if "." in text else f"{text}.0"
        return self.text(value, path)

    def shape(self, path: str, what: str) -> InputError:
        return InputError(
            f"{path}: expected {what}",
            file=self.file,
            hint="check the data first: xzufi data check DATA.json --schema SCHEMA",
        )


def _header(root: etree._Element, ns: str, header: MessageHeader) -> None:
    def el(parent: etree._Element, name: str, text: str | None = None) -> etree._Element:
        child = etree.SubElement(parent, name)
        if text is not None:
            child.text = text
        return child

    def code(parent: etree._Element, name: str, value: str, lst: tuple[str, str]) -> None:
        c = el(parent, name)
        c.set("listURI", lst[0])
        c.set("listVersionID", lst[1])
        el(c, "code", value)

    kopf = etree.SubElement(root, f"{{{ns}}}nachrichtenkopf.g2g")
    ident = el(kopf, "identifikation.nachricht")
    el(ident, "nachrichtenUUID", header.nachrichten_uuid)
    code(ident, "nachrichtentyp", MESSAGE_TYPE, HEADER_CODELIST)
    el(ident, "erstellungszeitpunkt", header.erstellungszeitpunkt.isoformat())
    for name, who in (("leser", header.leser), ("autor", header.autor)):
        p = el(kopf, name)
        code(p, "verzeichnisdienst", who.verzeichnisdienst, VERZEICHNISDIENST)
        el(p, "kennung", who.kennung)
        el(p, "name", who.name)


def data_message_tree(
    schema: Schema,
    data: Mapping[str, Any],
    header: MessageHeader,
    *,
    codelists: GivenLists = (),
    file: str | None = None,
) -> etree._ElementTree:
    """The message as an lxml tree, not yet validated.

    Raises :class:`InputError` where the data does not have the schema's shape
    (a key the schema lacks, an object where a value belongs, text XML cannot hold).
    """
    w = _Writer(schema, codelists, file)
    root = etree.Element(w.q(ROOT), nsmap={"d": w.ns})
    root.set("produkt", header.produkt)
    root.set("produkthersteller", header.produkthersteller)
    if header.produktversion is not None:
        root.set("produktversion", header.produktversion)
    root.set("standard", STANDARD)
    root.set("version", STANDARD_VERSION)
    if header.test is not None:
        root.set("test", "true" if header.test else "false")
    _header(root, w.ns, header)
    ident = schema.identifikation
    sid = etree.SubElement(root, w.q("stammdatenschema"))
    etree.SubElement(sid, "id").text = ident.id
    if ident.version is not None:
        etree.SubElement(sid, "version").text = ident.version
    body = etree.SubElement(root, w.q(ident.id))
    try:
        w.group(body, schema, data, "$")
    except ValueError as exc:  # lxml refuses control characters XML cannot hold
        raise InputError(
            f"the data holds text XML cannot carry ({exc})",
            file=file,
            hint="control characters other than tab and line breaks cannot be sent",
        ) from None
    return root.getroottree()


def xsd_findings(
    schema: Schema,
    tree: etree._ElementTree,
    *,
    codelists: GivenLists = (),
    file: str | None = None,
    show_values: bool = False,
) -> list[Finding]:
    """One ``XDF-MSG-XSD`` finding per schema error, with line and XPath; no values."""
    xsd = compile_xsd(schema, codelists)
    if xsd.validate(tree):
        return []
    ns = re.compile(re.escape(f"{{{data_namespace(schema)}}}"))
    out = []
    for err in cast(Iterable[etree._LogEntry], xsd.error_log):
        text = ns.sub("d:", str(err.message))
        if not show_values:
            for pattern, repl in _VALUE_PATTERNS:
                text = pattern.sub(repl, text)
        out.append(
            Finding(
                code="XDF-MSG-XSD",
                severity=Severity.ERROR,
                message=text,
                location=Location(file=file, line=err.line or None, xpath=err.path or None),
            )
        )
    return out


def build_data_message(
    schema: Schema,
    data: Mapping[str, Any],
    *,
    header: MessageHeader | None = None,
    codelists: GivenLists = (),
    file: str | None = None,
) -> bytes:
    """The serialized message, validated against the schema's XSD before it is returned.

    ``codelists`` are the ``--codelist`` files: their codes restrict ``select`` values.
    """
    h = header or MessageHeader.new()
    tree = data_message_tree(schema, data, h, codelists=codelists, file=file)
    findings = xsd_findings(schema, tree, codelists=codelists, file=file)
    if findings:
        raise ValidationFailedError(
            f"built message does not validate against its XSD ({len(findings)} problem(s))",
            Report(findings=findings, documents=1),
            file=file,
            hint="check the data first: xzufi data check DATA.json --schema SCHEMA",
        )
    return etree.tostring(tree, xml_declaration=True, encoding="UTF-8", pretty_print=True)


# -- XML → data ----------------------------------------------------------------
class _Reader:
    def __init__(self, schema: Schema, given: GivenLists, file: str | None) -> None:
        self.ns = data_namespace(schema)
        self.plan = schema_plan(schema, given)
        self.file = file

    def group(self, el: etree._Element, group: Schema | Datenfeldgruppe) -> dict[str, Any]:
        kids: dict[str, list[etree._Element]] = {}
        for child in el:
            if isinstance(child.tag, str):
                kids.setdefault(etree.QName(child).localname, []).append(child)
        out: dict[str, Any] = {}
        for entry in self.plan.entries(group):
            found = kids.get(entry.key)
            if not found:
                continue
            values = [self.one(entry, child) for child in found]
            out[entry.key] = values if entry.repeated else values[0]
        return out

    def one(self, entry: DataEntry, el: etree._Element) -> Any:
        element = entry.element
        if isinstance(element, Datenfeldgruppe):
            return self.group(el, element)
        return self.value(element, el)

    def value(self, field: Datenfeld, el: etree._Element) -> Any:
        kind = self.plan.kind(field)
        if kind is ValueKind.CODE:
            code = el.find("code")
            return "" if code is None else code.text or ""
        if kind in (ValueKind.FILE, ValueKind.OBJ):
            return self.compound(kind, el)
        text = el.text or ""
        if kind is ValueKind.BOOL:
            return text.strip() in ("true", "1")
        if kind is ValueKind.INTEGER:
            return int(text.strip())
        if kind is ValueKind.DECIMAL:
            return self.number(el, text.strip())
        return _TZ.sub("", text.strip()) if kind is ValueKind.DATE else text

    def compound(self, kind: ValueKind, el: etree._Element) -> dict[str, Any]:
        """A file reference (its parts) or an ``obj`` value (its JSON text)."""
        if kind is ValueKind.FILE:
            out: dict[str, Any] = {}
            for child in el:
                if isinstance(child.tag, str):
                    part = etree.QName(child).localname
                    raw = child.text or ""
                    out[part] = int(raw.strip()) if part == "size" else raw
            return out
        try:
            value = loads_strict(el.text or "")
        except ValueError:
            value = None
        if not isinstance(value, dict):
            raise InputError(
                f"{etree.QName(el).localname}: not a JSON object",
                file=self.file,
                line=xmlsafe.source_line(el),
            )
        return value

    def number(self, el: etree._Element, text: str) -> int | float:
        """An xs:decimal as JSON writes it: without a point an int, else a float."""
        if re.fullmatch(r"[+-]?[0-9]+", text):
            return int(text)
        number = float(text)
        if not math.isfinite(number):
            raise InputError(
                f"{etree.QName(el).localname}: number outside the range of JSON",
                file=self.file,
                line=xmlsafe.source_line(el),
            )
        return number


def _participant(el: etree._Element) -> Participant:
    return Participant(
        kennung=(el.findtext("kennung") or "").strip(),
        name=el.findtext("name") or "",
        verzeichnisdienst=(el.findtext("verzeichnisdienst/code") or "").strip(),
    )


def _read_header(root: etree._Element, ns: str, file: str | None) -> MessageHeader:
    kopf = root.find(f"{{{ns}}}nachrichtenkopf.g2g")
    assert kopf is not None  # the XSD requires it
    created = (kopf.findtext("identifikation.nachricht/erstellungszeitpunkt") or "").strip()
    try:
        when = dt.datetime.fromisoformat(created)
    except ValueError:
        raise InputError(
            "erstellungszeitpunkt: time stamp outside the supported range", file=file
        ) from None
    leser, autor = kopf.find("leser"), kopf.find("autor")
    assert leser is not None and autor is not None
    test = root.get("test")
    return MessageHeader(
        nachrichten_uuid=(kopf.findtext("identifikation.nachricht/nachrichtenUUID") or "").strip(),
        erstellungszeitpunkt=when,
        leser=_participant(leser),
        autor=_participant(autor),
        produkt=root.get("produkt", ""),
        produkthersteller=root.get("produkthersteller", ""),
        produktversion=root.get("produktversion"),
        test=None if test is None else test.strip() in ("true", "1"),
    )


def _check_root(schema: Schema, root: etree._Element, file: str | None) -> None:
    qn = etree.QName(root)
    ns = data_namespace(schema)
    if qn.namespace != ns:
        found = f"namespace {qn.namespace}" if qn.namespace else "no namespace"
        raise InputError(
            f"root element {qn.localname} is in {found}, expected {ns}",
            file=file,
            line=xmlsafe.source_line(root),
            hint=f"this is not a data message of Stammdatenschema {schema.identifikation}",
        )
    if qn.localname != ROOT:
        raise InputError(
            f"root element is {qn.localname}, expected {ROOT}",
            file=file,
            line=xmlsafe.source_line(root),
        )


def read_data_message(
    schema: Schema,
    data: bytes,
    *,
    codelists: GivenLists = (),
    file: str | None = None,
    show_values: bool = False,
) -> tuple[dict[str, Any], MessageHeader]:
    """Parse (hardened), check root and namespace, validate (XSD), map to JSON data.

    Raises :class:`InputError` for unreadable XML or a message of another
    schema, and :class:`ValidationFailedError` (``XDF-MSG-XSD``) for an invalid one.
    """
    tree = xmlsafe.parse_bytes(data, file=file)
    root = tree.getroot()
    _check_root(schema, root, file)
    findings = xsd_findings(schema, tree, codelists=codelists, file=file, show_values=show_values)
    if findings:
        raise ValidationFailedError(
            f"message does not validate against its XSD ({len(findings)} problem(s))",
            Report(findings=findings, documents=1),
            file=file,
        )
    body = root.find(f"{{{data_namespace(schema)}}}{schema.identifikation.id}")
    assert body is not None  # the XSD requires it
    return _Reader(schema, codelists, file).group(body, schema), _read_header(
        root, data_namespace(schema), file
    )

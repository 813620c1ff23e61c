"""Transfer (bulk) messages: streamed reading and writing in constant memory.

A transfer message is a root (the toolkit names it ``xzufi.transfer``; the real
name is not confirmed) with attributes ``xzufiVersion``, ``produktbezeichnung``,
``produkthersteller``, one ``nachrichtenkopf``, optional ``transaktionID`` and
``transaktionPosition``, then any number of ``schreibe`` (create/update one
object) and ``loesche`` (delete by ``id`` and ``klasse``).

:class:`TransferReader` walks the file with :func:`xzufi_toolkit.io.xmlsafe.iterparse`
and clears every entry after use, so memory stays flat however long the file
is; each :class:`~xzufi_toolkit.model.TransferEntry` carries its 0-based index
and the line where it starts. :class:`TransferWriter` writes incrementally with
``lxml.etree.xmlfile``.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import IO

from lxml import etree

from xzufi_toolkit.errors import InputError, LimitExceededError
from xzufi_toolkit.findings import Finding, Location, Severity
from xzufi_toolkit.io import xmlsafe
from xzufi_toolkit.model import Leistung, TransferEntry, TransferMessage
from xzufi_toolkit.xzufi.objects import (
    loeschung_element,
    loeschung_from_element,
    object_element,
    object_from_element,
)
from xzufi_toolkit.xzufi.reader import (
    bytes_stream,
    compact_xml,
    leistung_from_element,
)
from xzufi_toolkit.xzufi.transfer_checks import EntryShape, entry_shape
from xzufi_toolkit.xzufi.versions import (
    SPECS,
    TRANSFER_ROOT,
    spec_for,
    version_from_attribute,
    version_from_namespace,
)
from xzufi_toolkit.xzufi.writer import WriteResult, leistung_element

__all__ = [
    "ReadEntry",
    "TransferReader",
    "TransferResult",
    "TransferWriter",
    "open_transfer",
    "read_transfer",
    "write_transfer",
]

_XZUFI_NS = {s.ns for s in SPECS.values()}
#: Problems only the validator reports (show and convert stay quiet about them).
_VALIDATION_ONLY = frozenset({"XZ-BULK-009"})


@dataclass(slots=True)
class ReadEntry:
    """One entry and what the reader normalised in it."""

    entry: TransferEntry
    findings: list[Finding] = field(default_factory=list)


def _local(el: etree._Element) -> str:
    return etree.QName(el).localname


class TransferReader:
    """Stream the entries of a transfer message.

    ``message`` (root attributes and ``nachrichtenkopf``) is available through
    :meth:`frame` before the first entry; ``findings`` holds the findings about
    the frame. Iterating yields :class:`ReadEntry` objects.
    """

    def __init__(self, source: str | Path | bytes | IO[bytes], *, file: str | None = None) -> None:
        if isinstance(source, bytes):
            self._source: str | Path | IO[bytes] = bytes_stream(source)
            self.file = file or "<bytes>"
        else:
            self._source = source
            self.file = file or (str(source) if isinstance(source, str | Path) else "<stream>")
        self.message: TransferMessage | None = None
        self.findings: list[Finding] = []
        self._events = self._parse()
        self._ahead: ReadEntry | None = None
        self._framed = False

    def frame(self) -> TransferMessage:
        """The message frame; reads up to the first entry if needed."""
        while not self._framed:
            item = next(self._events, None)
            if item is None:
                break
            if isinstance(item, ReadEntry):
                self._ahead = item
        if self.message is None:
            raise InputError("empty transfer message", file=self.file)
        return self.message

    def __iter__(self) -> Iterator[ReadEntry]:
        self.frame()
        if self._ahead is not None:
            ahead, self._ahead = self._ahead, None
            yield ahead
        for item in self._events:
            if isinstance(item, ReadEntry):
                yield item

    # -- the parse loop ---------------------------------------------------

    def _note(self, code: str, severity: Severity, line: int | None, en: str, de: str) -> None:
        self.findings.append(
            Finding(
                code=code,
                severity=severity,
                message=en,
                message_de=de,
                location=Location(file=self.file, line=line),
            )
        )

    def _start_root(self, root: etree._Element) -> TransferMessage:
        line = xmlsafe.source_line(root)
        qn = etree.QName(root)
        version = version_from_namespace(qn.namespace, file=self.file, line=line)
        if qn.localname == "leistung":
            raise InputError(
                "this is a single <leistung> document, not a transfer message",
                file=self.file,
                line=line,
                hint="read it with xzufi_toolkit.xzufi.read_leistung",
            )
        if qn.localname != TRANSFER_ROOT:
            self._note(
                "XZ-N008",
                Severity.INFO,
                line,
                f"transfer root is <{qn.localname}>, read as <{TRANSFER_ROOT}>",
                f"Wurzelelement <{qn.localname}> als <{TRANSFER_ROOT}> gelesen",
            )
        attr = root.get("xzufiVersion")
        from_attr = version_from_attribute(attr)
        if attr is not None and from_attr is None:
            self._note(
                "XZ-N009",
                Severity.WARNING,
                line,
                f"xzufiVersion {attr!r} is unknown; the namespace says {version}",
                f"xzufiVersion {attr!r} ist unbekannt; der Namensraum sagt {version}",
            )
        elif from_attr is not None and from_attr != version:
            self._note(
                "XZ-N009",
                Severity.WARNING,
                line,
                f"xzufiVersion {attr!r} disagrees with the namespace ({version}); namespace wins",
                f"xzufiVersion {attr!r} widerspricht dem Namensraum ({version}); er gilt",
            )
        elif attr is not None and attr != version:
            self._note(
                "XZ-N004",
                Severity.INFO,
                line,
                f"xzufiVersion {attr!r} read as {version}",
                f"xzufiVersion {attr!r} als {version} gelesen",
            )
        return TransferMessage(
            version=version,
            xzufi_version=attr,
            produktbezeichnung=root.get("produktbezeichnung"),
            produkthersteller=root.get("produkthersteller"),
            root_name=qn.localname,
        )

    def _parse(self) -> Iterator[ReadEntry | None]:
        depth = 0
        index = 0
        ns = ""
        msg: TransferMessage | None = None
        for event, el in xmlsafe.iterparse(self._source, events=("start", "end"), file=self.file):
            if event == "start":
                depth += 1
                if depth == 1:
                    msg = self.message = self._start_root(el)
                    ns = spec_for(msg.version).ns
                elif (
                    depth == 2
                    and not self._framed
                    and el.tag
                    in (
                        f"{{{ns}}}schreibe",
                        f"{{{ns}}}loesche",
                    )
                ):
                    self._framed = True
                    yield None
                continue
            depth -= 1
            if depth != 1 or msg is None:
                if depth == 0:
                    self._framed = True
                continue
            entry = self._child_done(el, msg, ns, index)
            if entry is not None:
                yield entry
                index += 1
            # constant memory: drop the finished child and everything before it
            el.clear()
            parent = el.getparent()
            if parent is not None:
                while el.getprevious() is not None:
                    del parent[0]

    def _child_done(
        self, el: etree._Element, msg: TransferMessage, ns: str, index: int
    ) -> ReadEntry | None:
        """A child of the root has ended: header parts go to ``msg``, entries are read."""
        name = _local(el)
        if el.tag == f"{{{ns}}}nachrichtenkopf":
            msg.header = compact_xml(el)
        elif el.tag == f"{{{ns}}}transaktionID":
            msg.transaktion_id = el.text or ""
        elif el.tag == f"{{{ns}}}transaktionPosition":
            msg.transaktion_position = el.text or ""
        elif name in ("schreibe", "loesche") and etree.QName(el).namespace == ns:
            return self._entry(el, index, msg.version)
        else:
            self._note(
                "XZ-N005",
                Severity.INFO,
                xmlsafe.source_line(el),
                f"element <{name}> of the transfer message is not read; skipped",
                f"Element <{name}> der Transfernachricht wird nicht gelesen; übersprungen",
            )
        return None

    def _entry(self, el: etree._Element, index: int, version: str) -> ReadEntry:
        line = xmlsafe.source_line(el)
        limit = xmlsafe.DEFAULT_LIMITS.max_depth
        deep = xmlsafe.too_deep(el, limit - 1)  # the entry sits below the root
        if deep is not None:
            # streamed, the document is only held to libxml2's 256; the toolkit's
            # limit holds per entry, as for a single Leistung (and as validate says)
            raise LimitExceededError(
                f"nesting deeper than {limit} levels",
                file=self.file,
                line=xmlsafe.source_line(deep),
            )
        shape = entry_shape(el)
        found = [
            self._problem(p.code, p.severity, p.message, p.message_de, line, index, shape)
            for p in shape.problems
            if p.code not in _VALIDATION_ONLY
        ]
        xml = compact_xml(el)
        if shape.op == "loesche":
            deletion = loeschung_from_element(el)
            entry = TransferEntry(
                op="loesche",
                klasse=deletion.klasse or "",
                object_id=shape.object_id,
                index=index,
                line=line,
                xml=xml,
                deletion=deletion,
            )
            return ReadEntry(entry=entry, findings=found)
        obj = shape.obj
        if obj is None or not shape.known or el.attrib or shape.object_id is None:
            # no object, several, an unknown kind, no id, or attributes on schreibe: kept as read
            if obj is not None and not shape.known:
                found.append(
                    self._problem(
                        "XZ-N005",
                        Severity.INFO,
                        f"object <{shape.kind}> is not an XZuFi object kind; entry kept verbatim",
                        f"Objekt <{shape.kind}> ist keine XZuFi-Objektart; Eintrag unverändert"
                        " übernommen",
                        line,
                        index,
                        shape,
                    )
                )
            entry = TransferEntry(
                op="schreibe",
                klasse=shape.kind or "",
                object_id=shape.object_id,
                index=index,
                line=line,
                xml=xml,
            )
            return ReadEntry(entry=entry, findings=found)
        if shape.kind == "leistung":
            result = leistung_from_element(obj, version, file=self.file)
            object_id = result.leistung.id.value
            found += [f.at(entry=index, object_id=object_id) for f in result.findings]
            entry = TransferEntry(
                op="schreibe",
                klasse="leistung",
                object_id=object_id,
                index=index,
                line=line,
                leistung=result.leistung,
            )
            return ReadEntry(entry=entry, findings=found)
        entry = TransferEntry(
            op="schreibe",
            klasse=shape.kind or "",
            object_id=shape.object_id,
            index=index,
            line=line,
            xml=xml,
            obj=object_from_element(obj),
        )
        return ReadEntry(entry=entry, findings=found)

    def _problem(  # noqa: PLR0917  # one private call shape, read at its call sites
        self,
        code: str,
        severity: Severity,
        en: str,
        de: str,
        line: int | None,
        index: int,
        shape: EntryShape,
    ) -> Finding:
        return Finding(
            code=code,
            severity=severity,
            message=en,
            message_de=de,
            location=Location(file=self.file, line=line, entry=index, object_id=shape.object_id),
        )


def _renamespace(el: etree._Element, ns: str) -> tuple[etree._Element, bool]:
    """``el`` with it and its XZuFi-namespaced descendants in ``ns`` (declared as
    ``xzufi`` on the element, not as ``ns0``), and whether anything moved."""
    moved = False
    for node in el.iter():
        if not isinstance(node.tag, str):
            continue
        qn = etree.QName(node)
        if qn.namespace in _XZUFI_NS and qn.namespace != ns:
            node.tag = f"{{{ns}}}{qn.localname}"
            moved = True
    if not moved:
        return el, False
    # other prefixed declarations kept (values may use them); XZuFi's and the default dropped
    nsmap = {k: v for k, v in el.nsmap.items() if k is not None and v not in _XZUFI_NS}
    nsmap["xzufi"] = ns
    out = etree.Element(el.tag, nsmap=nsmap)
    out.attrib.update(el.attrib)
    out.text = el.text
    out.extend(list(el))
    etree.cleanup_namespaces(out, top_nsmap={"xzufi": ns})
    return out, True


def open_transfer(
    source: str | Path | bytes | IO[bytes], *, file: str | None = None
) -> TransferReader:
    """Stream a transfer message from a path, bytes or a binary stream."""
    return TransferReader(source, file=file)


class TransferWriter:
    """Write a transfer message entry by entry (``lxml.etree.xmlfile``).

    Use as a context manager; ``findings`` collects the conversion findings of
    the written Leistungen (with their entry index).
    """

    def __init__(
        self, out: IO[bytes], message: TransferMessage, version: str | None = None
    ) -> None:
        self.spec = spec_for(version or message.version)
        self.message = message
        self._out = out
        self._stack = ExitStack()
        self._index = 0
        self.findings: list[Finding] = []
        self._xf: etree._IncrementalFileWriter | None = None

    def __enter__(self) -> TransferWriter:
        xf = self._stack.enter_context(etree.xmlfile(self._out, encoding="UTF-8"))
        xf.write_declaration()
        attrs = {"xzufiVersion": self.spec.version}
        declared = self.message.xzufi_version
        if declared and version_from_attribute(declared) == self.spec.version:
            attrs["xzufiVersion"] = declared  # as read: "2.2" stays "2.2"
        if self.message.produktbezeichnung is not None:
            attrs["produktbezeichnung"] = self.message.produktbezeichnung
        if self.message.produkthersteller is not None:
            attrs["produkthersteller"] = self.message.produkthersteller
        ns = self.spec.ns
        self._stack.enter_context(
            xf.element(f"{{{ns}}}{TRANSFER_ROOT}", attrs, nsmap={"xzufi": ns})
        )
        xf.write("\n")
        header = self._header()
        xf.write("  ")
        xf.write(header)
        xf.write("\n")
        if self.message.transaktion_id is not None:
            self._simple(xf, "transaktionID", self.message.transaktion_id)
        if self.message.transaktion_position is not None:
            self._simple(xf, "transaktionPosition", self.message.transaktion_position)
        self._xf = xf
        return self

    def _simple(self, xf: etree._IncrementalFileWriter, name: str, text: str) -> None:
        el = etree.Element(f"{{{self.spec.ns}}}{name}", nsmap={"xzufi": self.spec.ns})
        el.text = text
        xf.write("  ")
        xf.write(el)
        xf.write("\n")

    def _header(self) -> etree._Element:
        ns = self.spec.ns
        if self.message.header is None:
            return etree.Element(f"{{{ns}}}nachrichtenkopf", nsmap={"xzufi": ns})
        el, moved = _renamespace(
            xmlsafe.parse_bytes(self.message.header, file="<nachrichtenkopf>").getroot(), ns
        )
        if moved and len(el):
            self.findings.append(
                Finding(
                    code="XZ-C002",
                    severity=Severity.INFO,
                    message=f"nachrichtenkopf moved to the XZuFi {self.spec.version} namespace"
                    " (its content is not profiled; check it)",
                    message_de=f"nachrichtenkopf in den Namensraum von XZuFi {self.spec.version}"
                    " übernommen (Inhalt nicht profiliert; bitte prüfen)",
                )
            )
        return el

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stack.__exit__(exc_type, exc, tb)

    def write(self, entry: TransferEntry) -> None:
        """Write one entry (a Leistung from the model, anything else verbatim)."""
        if self._xf is None:
            raise RuntimeError("TransferWriter must be used as a context manager")
        ns = self.spec.ns
        index = self._index
        self._index += 1
        if entry.op == "schreibe" and entry.leistung is not None:
            el = etree.Element(f"{{{ns}}}schreibe", nsmap={"xzufi": ns})
            obj, found = leistung_element(entry.leistung, self.spec.version)
            el.append(obj)
            self.findings.extend(f.at(entry=index) for f in found)
        elif entry.op == "schreibe" and entry.obj is not None:
            el = etree.Element(f"{{{ns}}}schreibe", nsmap={"xzufi": ns})
            el.append(object_element(entry.obj, self.spec.version))
        elif entry.op == "loesche" and entry.deletion is not None:
            el = loeschung_element(entry.deletion, self.spec.version)
        elif entry.xml is not None:
            el, moved = _renamespace(self._from_xml(entry.xml), ns)
            if moved and entry.op == "schreibe":
                # kept verbatim (unusable shape or an unknown kind): moved, not converted
                self.findings.append(
                    Finding(
                        code="XZ-C002",
                        severity=Severity.INFO,
                        message=f"schreibe {entry.klasse or '-'} written as read, moved to the"
                        f" XZuFi {self.spec.version} namespace (not converted; check it)",
                        message_de=f"schreibe {entry.klasse or '-'} unverändert in den Namensraum"
                        f" von XZuFi {self.spec.version} übernommen (nicht umgewandelt; bitte"
                        " prüfen)",
                        location=Location(entry=index, object_id=entry.object_id),
                    )
                )
        else:
            raise ValueError("a transfer entry needs a Leistung, an object, a deletion or its XML")
        etree.indent(el, space="  ", level=1)
        self._xf.write("  ")
        self._xf.write(el)
        self._xf.write("\n")

    def _from_xml(self, xml: bytes) -> etree._Element:
        """An entry given as XML: typed and written like a read one where it can be
        (so that both come out alike), else as it is."""
        el = xmlsafe.parse_bytes(xml, file="<entry>").getroot()
        shape = entry_shape(el)
        if shape.op == "loesche":
            return loeschung_element(loeschung_from_element(el), self.spec.version)
        if shape.obj is not None and shape.known and shape.kind != "leistung" and not el.attrib:
            out = etree.Element(f"{{{self.spec.ns}}}schreibe", nsmap={"xzufi": self.spec.ns})
            out.append(object_element(object_from_element(shape.obj), self.spec.version))
            return out
        return el

    def write_leistung(self, leistung: Leistung) -> None:
        self.write(
            TransferEntry(
                op="schreibe", klasse="leistung", object_id=leistung.id.value, leistung=leistung
            )
        )


@dataclass(slots=True)
class TransferResult:
    """A whole transfer message in memory (small files) and every finding."""

    message: TransferMessage
    findings: list[Finding] = field(default_factory=list)


def read_transfer(
    source: str | Path | bytes | IO[bytes], *, file: str | None = None
) -> TransferResult:
    """Read a whole transfer message into ``message.entries`` (use
    :func:`open_transfer` to stream big files)."""
    reader = open_transfer(source, file=file)
    message = reader.frame()
    findings: list[Finding] = []
    for item in reader:
        message.entries.append(item.entry)
        findings.extend(item.findings)
    return TransferResult(message=message, findings=[*reader.findings, *findings])


def write_transfer(message: TransferMessage, version: str | None = None) -> WriteResult:
    """Serialize ``message`` with its ``entries`` (in ``version``, default its own)."""
    buf = io.BytesIO()
    with TransferWriter(buf, message, version) as writer:
        for entry in message.entries:
            writer.write(entry)
    return WriteResult(data=buf.getvalue(), version=writer.spec.version, findings=writer.findings)

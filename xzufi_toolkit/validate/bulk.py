"""Validate a transfer message: streamed entry by entry, and one big file in parallel.

Every entry (``schreibe``/``loesche``, a child of the root) is checked on its
own: its shape (:func:`xzufi_toolkit.xzufi.transfer_checks.entry_shape`:
XZ-BULK-004…009), its object against the profile XSD (the Leistung also
against the rules; the other kinds against their global declaration in
``xzufi-objekte.xsd``), and an Organisationseinheit's region keys
(XZ-BULK-011). What spans entries (XZ-BULK-001 duplicate ids, XZ-BULK-002
deletions of written objects, XZ-BULK-010 references to objects not in the
message) is decided by :class:`CrossChecks` from one small record per entry.

Memory stays flat in the file's size: elements are cleared after use, and the
cross-entry state holds an 8-byte hash per written object and per deletion
(not the XML); ids as text only for written objects.

:func:`parallel_findings` validates ONE file with several processes. The
parent never parses the entries: it scans the raw bytes for entry start tags
(skipping comments, CDATA and processing instructions), hands byte ranges of
whole entries to a process pool, and merges the results in entry order through
the same :class:`CrossChecks`, so the report is the one a single process gives.
Any surprise (a chunk that is not well-formed on its own, an encoding other
than UTF-8, a root it cannot find) falls back to the single-process stream.
"""

from __future__ import annotations

import hashlib
import io
import re
from array import array
from collections import deque
from collections.abc import Generator, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, TYPE_CHECKING, NamedTuple, cast

from lxml import etree

from xzufi_toolkit.errors import InputError
from xzufi_toolkit.findings import Finding, Location
from xzufi_toolkit.io import xmlsafe
from xzufi_toolkit.validate import xsd
from xzufi_toolkit.validate.context import local, text_of, version_of
from xzufi_toolkit.validate.registry import RULES
from xzufi_toolkit.validate.rules import document as doc
from xzufi_toolkit.xzufi.transfer_checks import KLASSE_OF, EntryShape, entry_shape, id_element

if TYPE_CHECKING:
    from xzufi_toolkit.validate.api import Options, _Runner

__all__ = ["CrossChecks", "EntryChecker", "parallel_findings", "stream_findings"]

ENTRY_TAGS = ("{*}schreibe", "{*}loesche")
#: References listed one by one before they are only counted (XZ-BULK-010).
REFERENCE_FINDINGS = 1000
_PENDING_DETAIL = 50_000

# (what, hash of a target, hash of another possible target or 0)
Ref = tuple[str, int, int]


class Record(NamedTuple):
    """What the cross-entry checks need of one entry (small, picklable)."""

    entry: int
    line: int | None
    op: str
    klasse: str
    key: int  # key_hash of (klasse, schemeAgencyID, id); 0: no id
    object_id: str | None
    label: str
    refs: tuple[Ref, ...] = ()


def _finding(code: str, message: str, message_de: str, loc: Location) -> Finding:
    return Finding(code, RULES[code].severity, message, loc, message_de=message_de)


def key_hash(klasse: str, agency: str, ident: str) -> int:
    """A stable 64-bit key of an object (never 0): the same in every process."""
    data = f"{klasse}\0{agency}\0{ident}".encode()
    return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "little") | 1


def _ident_hash(klasse: str, el: etree._Element | None) -> int:
    value = text_of(el) if el is not None else ""
    if not value or el is None:
        return 0
    return key_hash(klasse, (el.get("schemeAgencyID") or "").strip(), value)


def _child(el: etree._Element, name: str) -> etree._Element | None:
    return el.find(f"{{{etree.QName(el).namespace}}}{name}")


# ----------------------------------------------------------------- one entry


class EntryChecker:
    """The checks of one entry; ``runner`` supplies name, options and the Leistung checks."""

    def __init__(self, runner: _Runner) -> None:
        self.runner = runner
        self.name = runner.name
        self.options = runner.options
        self.no_schema: set[str] = runner.xsd_missing_reported

    def check(self, el: etree._Element, index: int) -> tuple[list[Finding], Record | None]:
        line = xmlsafe.source_line(el)
        if xmlsafe.too_deep(el, self.runner.entry_depth) is not None:
            # the toolkit's depth limit holds per entry (libxml2's 256 holds for the stream)
            limit = self.options.limits.max_depth
            return [
                _finding(
                    doc.IO_LIMIT,
                    f"entry nests deeper than {limit} levels",
                    f"Eintrag ist tiefer als {limit} Ebenen verschachtelt",
                    Location(file=self.name, line=line, entry=index),
                )
            ], None
        shape = entry_shape(el)
        found = [
            _finding(
                p.code,
                p.message,
                p.message_de,
                Location(file=self.name, line=line, entry=index, object_id=shape.object_id),
            )
            for p in shape.problems
        ]
        klasse = KLASSE_OF.get(shape.kind or "", "")
        if shape.op == "loesche":
            if shape.known and self._unusual_loesche(el):
                found += self._schema(el, index, shape)
            key = _ident_hash(klasse, _child(el, "id")) if klasse else 0
            return found, Record(index, line, "loesche", klasse, key, shape.object_id, shape.label)
        obj = shape.obj
        if obj is None:
            return found, None
        if not shape.known:
            found += self._no_schema(obj, index, line, shape)
            return found, None
        if shape.kind == "leistung":
            found += self.runner.leistung(obj, entry=index, object_id=shape.object_id)
        else:
            found += self._schema(obj, index, shape)
            if shape.kind == "organisationseinheit":
                found += self._region_keys(obj, index, shape)
        refs = self._refs(obj) if shape.kind == "zustaendigkeitTransferObjekt" else ()
        key = _ident_hash(klasse, id_element(obj))
        return found, Record(
            index, line, "schreibe", klasse, key, shape.object_id, shape.label, refs
        )

    @staticmethod
    def _unusual_loesche(el: etree._Element) -> bool:
        """More than an ``id`` and ``klasse`` (a missing id is XZ-BULK-004 already)."""
        kids = [c for c in el if isinstance(c.tag, str)]
        return (
            len(kids) > 1
            or any(local(k) != "id" or len(k) > 0 for k in kids)
            or any(a != "klasse" for a in el.attrib)
        )

    def _schema(self, el: etree._Element, index: int, shape: EntryShape) -> list[Finding]:
        if self.options.engine == "none":
            return []
        version = version_of(el)
        if version is None:
            return []
        issues = xsd.validate_element(
            el,
            version,
            schema_dir=self.options.schema_dir,
            engine=self.options.engine,
            show_values=self.options.show_values,
        )
        if any("global declaration" in i.message or "global element" in i.message for i in issues):
            # an XSD without these objects (e.g. --schema-dir): say it once per kind
            return self._no_schema(el, index, xmlsafe.source_line(el), shape)
        return [
            _finding(
                doc.XSD_INVALID,
                f"{shape.label}: {i.message}",
                f"{shape.label}: {i.message}",
                Location(file=self.name, line=i.line, entry=index, object_id=shape.object_id),
            )
            for i in issues
        ]

    def _no_schema(
        self, el: etree._Element, index: int, line: int | None, shape: EntryShape
    ) -> list[Finding]:
        kind = local(el)
        if self.options.engine == "none" or kind in self.no_schema:
            return []
        self.no_schema.add(kind)
        return [
            _finding(
                doc.XSD_MISSING,
                f"no schema and no rules for {kind} objects; entries of this kind are not checked",
                f"kein Schema und keine Regeln für {kind}-Objekte; solche Einträge werden nicht "
                "geprüft",
                Location(file=self.name, line=line, entry=index, object_id=shape.object_id),
            )
        ]

    _REGION_DIGITS = (("bundesland", 2), ("gemeindeschluessel", 8), ("regionalschluessel", 12))

    def _region_keys(self, obj: etree._Element, index: int, shape: EntryShape) -> list[Finding]:
        out: list[Finding] = []
        for kod in obj.iterfind("{*}anschrift/{*}verwaltungspolitischeKodierung"):
            for name, digits in self._REGION_DIGITS:
                for code in kod.iterfind(f"{{*}}{name}/code"):
                    value = text_of(code)
                    if len(value) == digits and value.isdigit() and value.isascii():
                        continue
                    shown = repr(value) if self.options.show_values else "the value"
                    out.append(
                        _finding(
                            doc.BULK_REGION_KEY,
                            f"{shape.label}: {name} code is not {digits} digits ({shown})",
                            f"{shape.label}: {name}-Code hat nicht {digits} Ziffern ({shown})",
                            Location(
                                file=self.name,
                                line=xmlsafe.source_line(code),
                                entry=index,
                                object_id=shape.object_id,
                            ),
                        )
                    )
        return out

    @staticmethod
    def _refs(obj: etree._Element) -> tuple[Ref, ...]:
        refs: list[Ref] = []
        inner = _child(obj, "zustaendigkeit")
        leistung = _child(inner, "leistungID") if inner is not None else None
        if leistung is not None and text_of(leistung):
            refs.append(
                (f"Leistung {text_of(leistung)} (leistungID)", _ident_hash("Leistung", leistung), 0)
            )
        parent = _child(obj, "uebergeordnetesObjektID")
        if parent is not None and text_of(parent):
            refs.append(
                (
                    f"Organisationseinheit/Onlinedienst {text_of(parent)}"
                    " (uebergeordnetesObjektID)",
                    _ident_hash("Organisationseinheit", parent),
                    _ident_hash("Onlinedienst", parent),
                )
            )
        return tuple(refs)


# ----------------------------------------------------------------- across entries


class CrossChecks:
    """What spans entries, fed one :data:`Record` per entry in entry order."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.written: dict[int, tuple[int, str | None]] = {}
        self.deleted_keys = array("Q")
        self.deleted_at = array("q")  # entry index
        self.deleted_line = array("q")  # -1: unknown
        self.pending: list[tuple[int, int | None, str, str | None, Ref]] = []
        self.overflow: list[array[int]] = [array("Q"), array("Q")]

    def add(self, rec: Record) -> Iterator[Finding]:
        index, line, op, _, key, object_id, label, refs = rec
        if op == "loesche" and key:
            self.deleted_keys.append(key)
            self.deleted_at.append(index)
            self.deleted_line.append(line if line is not None else -1)
            return
        first = self.written.get(key) if key and op == "schreibe" else None
        if first is not None:
            yield _finding(
                doc.BULK_DUPLICATE_ID,
                f"{label}: object id already written by entry {first[0]}",
                f"{label}: Objekt-ID schon von Eintrag {first[0]} geschrieben",
                Location(file=self.name, line=line, entry=index, object_id=object_id),
            )
        elif key and op == "schreibe":
            self.written[key] = (index, object_id)
        for ref in refs:
            if ref[1] in self.written or (ref[2] and ref[2] in self.written):
                continue
            if len(self.pending) < _PENDING_DETAIL:
                self.pending.append((index, line, label, object_id, ref))
            else:
                self.overflow[0].append(ref[1])
                self.overflow[1].append(ref[2])

    def _resolved(self, a: int, b: int) -> bool:
        return a in self.written or bool(b and b in self.written)

    def finish(self) -> Iterator[Finding]:
        for n, key in enumerate(self.deleted_keys):
            hit = self.written.get(key)
            if hit is None:
                continue
            at = self.deleted_line[n]
            yield _finding(
                doc.BULK_DELETE_WRITTEN,
                f"loesche of an object that entry {hit[0]} of this message writes",
                f"loesche eines Objekts, das Eintrag {hit[0]} dieser Nachricht schreibt",
                Location(
                    file=self.name,
                    line=at if at >= 0 else None,
                    entry=self.deleted_at[n],
                    object_id=hit[1],
                ),
            )
        listed = unresolved = 0
        for index, line, label, object_id, (what, a, b) in self.pending:
            if self._resolved(a, b):
                continue
            unresolved += 1
            if listed < REFERENCE_FINDINGS:
                listed += 1
                yield _finding(
                    doc.BULK_REFERENCE,
                    f"{label} names {what}, which this message does not write",
                    f"{label} nennt {what}, das diese Nachricht nicht schreibt",
                    Location(file=self.name, line=line, entry=index, object_id=object_id),
                )
        unresolved += sum(
            1 for a, b in zip(*self.overflow, strict=True) if not self._resolved(a, b)
        )
        if unresolved > listed:
            more = unresolved - listed
            yield _finding(
                doc.BULK_REFERENCE,
                f"{more} more reference(s) of Zuständigkeiten name objects this message does "
                "not write (not listed one by one)",
                f"{more} weitere Verweise von Zuständigkeiten nennen Objekte, die diese "
                "Nachricht nicht schreibt (nicht einzeln aufgeführt)",
                Location(file=self.name),
            )


# ----------------------------------------------------------------- one process


def _entries(
    checker: EntryChecker, source: IO[bytes] | str | Path, name: str, index0: int
) -> Iterator[tuple[etree._Element, list[Finding], Record | None]]:
    """Stream the entries (children of the root) of ``source``, checked."""
    index = index0
    events = xmlsafe.iterparse(
        source,
        events=("end",),
        # lxml accepts a sequence of tags; xmlsafe's signature says str
        tag=cast(str, ENTRY_TAGS),
        file=name,
    )
    for _, el in events:
        parent = el.getparent()
        if parent is None or parent.getparent() is not None:
            continue  # a schreibe/loesche nested deeper is not an entry
        found, rec = checker.check(el, index)
        yield parent, found, rec
        index += 1
        el.clear()
        while el.getprevious() is not None:
            del parent[0]


def stream_findings(runner: _Runner, source: str | Path | IO[bytes]) -> Iterator[Finding]:
    """Every finding of a transfer message, one process, entries in order."""
    checker = EntryChecker(runner)
    cross = CrossChecks(runner.name)
    root_seen = False
    for root, found, rec in _entries(checker, source, runner.name, 0):
        if not root_seen:
            root_seen = True
            yield from runner.check_root(root)
        yield from found
        if rec is not None:
            yield from cross.add(rec)
        runner.entries += 1
    if root_seen:
        yield from cross.finish()


# ----------------------------------------------------------------- one file, many processes

_CHUNK = 1 << 20  # bytes of whole entries per task
_SCAN_BLOCK = 4 << 20
_CARRY = 256  # bytes kept for the next block: a start tag cut by the block end
_SPECIAL = re.compile(
    rb"<(?:!--|!\[CDATA\[|\?|(?:[A-Za-z_][\w.\-]*:)?(?:schreibe|loesche)(?=[\s/>]))"
)
_ROOT_START = re.compile(
    rb"<([A-Za-z_][\w.\-:]*)(?:\s+[^\s=/>]+\s*=\s*(?:\"[^\"]*\"|'[^']*'))*\s*>"
)
_XMLNS = re.compile(rb"xmlns(?::[\w.\-]+)?\s*=\s*(?:\"[^\"]*\"|'[^']*')")
_TAIL = re.compile(rb"</([A-Za-z_][\w.\-:]*)\s*>(?:\s|<!--.*?-->|<\?.*?\?>)*\Z", re.S)
_ENCODING = re.compile(rb"^<\?xml[^>]*encoding\s*=\s*[\"']([A-Za-z0-9._\-]+)[\"']")
_UTF8 = (b"utf-8", b"utf8", b"us-ascii", b"ascii")

Chunk = list[tuple[list[Finding], Record | None]]


@dataclass(frozen=True, slots=True)
class _Task:
    path: str
    start: int
    end: int
    index0: int
    line0: int
    wrapper: bytes
    name: str
    options: Options


class _Fallback(Exception):
    """The file cannot be split safely; it is validated in one process."""


@dataclass(frozen=True, slots=True)
class _Frame:
    begin: int  # end of the root start tag
    close: int  # start of the root end tag
    root_tag: bytes
    wrapper: bytes  # a start tag declaring the root's namespaces


def _frame(path: Path) -> _Frame:
    size = path.stat().st_size
    with path.open("rb") as fh:
        head = fh.read(64 * 1024)
        fh.seek(max(0, size - 64 * 1024))
        tail = fh.read()
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _Fallback  # UTF-16: the byte scan assumes an ASCII-compatible encoding
    skip = 3 if head.startswith(b"\xef\xbb\xbf") else 0
    enc = _ENCODING.match(head, skip)
    if enc and enc.group(1).lower().replace(b"_", b"-") not in _UTF8:
        raise _Fallback  # the chunks are parsed without the declaration: UTF-8 only
    prolog = xmlsafe._PROLOG.match(head, skip)  # the parser's own pattern (no public name)
    root = _ROOT_START.match(head, prolog.end() if prolog else skip)
    end_tag = _TAIL.search(tail)
    if root is None or end_tag is None or end_tag.group(1) != root.group(1):
        raise _Fallback
    close = max(0, size - 64 * 1024) + end_tag.start()
    wrapper = b"<w " + b" ".join(_XMLNS.findall(root.group(0))) + b">"
    return _Frame(root.end(), close, root.group(1), wrapper)


def _starts(path: Path, begin: int, close: int) -> Iterator[tuple[int, int]]:
    """(offset, line) of each entry start tag between ``begin`` and ``close``,
    outside comments, CDATA sections and processing instructions."""
    with path.open("rb") as fh:
        lines = fh.read(begin).count(b"\n") + 1  # the line of offset ``begin``
        read_to = begin
        carry = b""
        while True:
            block = fh.read(min(_SCAN_BLOCK, close - read_to))
            base = read_to - len(carry)
            buf = carry + block
            read_to += len(block)
            final = read_to >= close
            limit = len(buf) if final else max(0, len(buf) - _CARRY)
            pos = counted = 0  # the newlines of buf[:counted] are in ``lines``
            while True:
                m = _SPECIAL.search(buf, pos, limit)
                if m is None:
                    pos = max(pos, limit)
                    break
                token = m.group(0)
                stop = (
                    b"-->"
                    if token == b"<!--"
                    else b"]]>"
                    if token.startswith(b"<![")
                    else b"?>"
                    if token == b"<?"
                    else None
                )
                if stop is None:
                    lines += buf.count(b"\n", counted, m.start())
                    counted = m.start()
                    yield base + m.start(), lines
                    pos = m.end()
                    continue
                end = buf.find(stop, m.end())
                if end < 0:
                    if final:
                        raise _Fallback
                    pos = m.start()  # read on: the comment ends in a later block
                    break
                pos = end + len(stop)
            lines += buf.count(b"\n", counted, pos)
            carry = buf[pos:]
            if final:
                return


def _tasks(path: Path, frame: _Frame, name: str, options: Options) -> Iterator[_Task]:
    index = count = 0
    start: tuple[int, int] | None = None
    for offset, line in _starts(path, frame.begin, frame.close):
        if start is None:
            start = (offset, line)
        elif offset - start[0] >= _CHUNK:
            yield _Task(str(path), start[0], offset, index, start[1], frame.wrapper, name, options)
            index += count
            count = 0
            start = (offset, line)
        count += 1
    if start is not None:
        yield _Task(str(path), start[0], frame.close, index, start[1], frame.wrapper, name, options)


def _shift(f: Finding, by: int) -> Finding:
    if f.location.line is None or not by:
        return f
    return replace(f, location=replace(f.location, line=f.location.line + by))


def _run_chunk(task: _Task) -> Chunk | None:
    """The checked entries of one chunk; ``None``: it is not well-formed on its own."""
    from xzufi_toolkit.validate.api import _Runner

    with open(task.path, "rb") as fh:  # noqa: PTH123  # one read per task
        fh.seek(task.start)
        data = fh.read(task.end - task.start)
    checker = EntryChecker(_Runner(task.name, task.options))
    by = task.line0 - 1  # the wrapper and the chunk's first byte share line 1
    out: Chunk = []
    source = io.BytesIO(task.wrapper + data + b"</w>")
    try:
        for _, found, rec in _entries(checker, source, task.name, task.index0):
            moved = rec._replace(line=rec.line + by) if rec and rec.line is not None else rec
            out.append(([_shift(f, by) for f in found], moved))
    except InputError:
        return None
    return out


def _frame_findings(runner: _Runner, path: Path, frame: _Frame, first: _Task) -> list[Finding]:
    """The root's findings, from the frame (root start tag up to the first entry)."""
    with path.open("rb") as fh:
        head = fh.read(first.start)
    try:
        tree = xmlsafe.parse_bytes(head + b"</" + frame.root_tag + b">", file=runner.name)
    except InputError:
        raise _Fallback from None
    return list(runner.check_root(tree.getroot()))


def parallel_findings(runner: _Runner, path: Path, jobs: int) -> Iterator[Finding]:
    """The findings of :func:`stream_findings` (same order), from ``jobs`` processes."""
    try:
        frame = _frame(path)
        tasks = _tasks(path, frame, runner.name, runner.options)
        first = next(tasks, None)
        if first is None:
            raise _Fallback
        root_findings = _frame_findings(runner, path, frame, first)
    except (_Fallback, OSError):
        yield from stream_findings(runner, path)
        return
    yield from root_findings
    cross = CrossChecks(runner.name)
    seen_missing: set[str] = set()
    done = 0
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        window: deque[Future[Chunk | None]] = deque([pool.submit(_run_chunk, first)])
        try:
            for task in tasks:
                window.append(pool.submit(_run_chunk, task))
                while len(window) > jobs * 3:  # a bounded number of chunks in flight
                    done = yield from _merge(window.popleft().result(), cross, seen_missing, done)
            while window:
                done = yield from _merge(window.popleft().result(), cross, seen_missing, done)
        except _Fallback:
            for fut in window:
                fut.cancel()
            runner.entries = done
            yield from _rest_in_one_process(runner, path, done)
            return
    runner.entries = done
    yield from cross.finish()


def _merge(
    chunk: Chunk | None, cross: CrossChecks, seen_missing: set[str], done: int
) -> Generator[Finding, None, int]:
    """Yield one chunk's findings as one process would have; returns the entries done."""
    if chunk is None:
        raise _Fallback
    for found, rec in chunk:
        for f in found:
            if f.code == doc.XSD_MISSING:  # each worker says it once; the file says it once
                if f.message in seen_missing:
                    continue
                seen_missing.add(f.message)
            yield f
        if rec is not None:
            yield from cross.add(rec)
        done += 1
    return done


def _rest_in_one_process(runner: _Runner, path: Path, done: int) -> Iterator[Finding]:
    """After a chunk that is not well-formed alone: on in one process from the start,
    quiet about the ``done`` entries already reported (the cross checks see all)."""
    checker = EntryChecker(runner)
    cross = CrossChecks(runner.name)
    for n, (_, found, rec) in enumerate(_entries(checker, path, runner.name, 0)):
        more = list(cross.add(rec)) if rec is not None else []
        if n >= done:
            yield from found
            yield from more
        runner.entries = n + 1
    yield from cross.finish()

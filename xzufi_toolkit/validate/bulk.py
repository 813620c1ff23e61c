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

import io
import re
from array import array
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, TYPE_CHECKING, NamedTuple, cast

from lxml import etree

from xzufi_toolkit.errors import InputError
from xzufi_toolkit.findings import Finding, Location
from xzufi_toolkit.io import xmlsafe
from xzufi_toolkit.validate import xsd
from xzufi_toolkit.validate.context import text_of, version_of
from xzufi_toolkit.validate.registry import RULES
from xzufi_toolkit.validate.rules import document as doc
from xzufi_toolkit.xzufi.transfer_checks import (
    KLASSE_OF,
    EntryShape,
    entry_shape,
    local_name,
)

if TYPE_CHECKING:
    from xzufi_toolkit.validate.api import Options, _Runner

__all__ = ["CrossChecks", "EntryChecker", "parallel_findings", "stream_findings"]

ENTRY_TAGS = ("{*}schreibe", "{*}loesche")
#: References listed one by one before they are only counted (XZ-BULK-010).
REFERENCE_FINDINGS = 1000
_PENDING_DETAIL = 50_000

# (klasse, schemeAgencyID, id): an object's identity in a message
Key = tuple[str, str, str]
# (what, a target, another possible target)
Ref = tuple[str, Key | None, Key | None]


class Record(NamedTuple):
    """What the cross-entry checks need of one entry (small, picklable)."""

    entry: int
    line: int | None
    op: str
    klasse: str
    key: Key | None  # None: no id
    object_id: str | None
    label: str
    refs: tuple[Ref, ...] = ()


def _finding(code: str, message: str, message_de: str, loc: Location) -> Finding:
    return Finding(code, RULES[code].severity, message, loc, message_de=message_de)


def _key(klasse: str, el: etree._Element | None) -> Key | None:
    """(klasse, schemeAgencyID, id) of an id element; ``None`` without an id."""
    value = (el.text or "").strip() if el is not None else ""
    if not value or el is None:
        return None
    return (klasse, (el.get("schemeAgencyID") or "").strip(), value)


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
            key = _key(klasse, shape.id_el) if klasse else None
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
        refs = self._refs(shape.parts) if shape.kind == "zustaendigkeitTransferObjekt" else ()
        key = _key(klasse, shape.id_el)
        return found, Record(
            index, line, "schreibe", klasse, key, shape.object_id, shape.label, refs
        )

    @staticmethod
    def _unusual_loesche(el: etree._Element) -> bool:
        """More than an ``id`` and ``klasse`` (a missing id is XZ-BULK-004 already)."""
        kids = [c for c in el if isinstance(c.tag, str)]
        return (
            len(kids) > 1
            or any(local_name(k) != "id" or len(k) > 0 for k in kids)
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
        kind = local_name(el)
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
    def _refs(parts: dict[str, etree._Element]) -> tuple[Ref, ...]:
        refs: list[Ref] = []
        target = _key("Leistung", parts.get("leistungID"))
        if target is not None:
            refs.append((f"Leistung {target[2]} (leistungID)", target, None))
        target = _key("Organisationseinheit", parts.get("uebergeordnetesObjektID"))
        if target is not None:
            refs.append(
                (
                    f"Organisationseinheit/Onlinedienst {target[2]} (uebergeordnetesObjektID)",
                    target,
                    ("Onlinedienst", *target[1:]),
                )
            )
        return tuple(refs)


# ----------------------------------------------------------------- across entries


def _h(key: Key | None) -> int:
    # hash() is stable within one process; only the parent (or the single process) hashes
    return hash(key) if key is not None else 0


class CrossChecks:
    """What spans entries, fed one :class:`Record` per entry in entry order.

    Keeps a 64-bit hash per written object (with its entry index and id) and per
    deletion (in arrays): the XML is never kept.
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self.written: dict[int, tuple[int, str | None]] = {}
        self.deleted_keys = array("q")
        self.deleted_at = array("q")  # entry index
        self.deleted_line = array("q")  # -1: unknown
        self.pending: list[tuple[int, int | None, str, str | None, str, int, int]] = []
        self.overflow: list[array[int]] = [array("q"), array("q")]

    def add(self, rec: Record) -> Iterator[Finding]:
        index, line, op, _, key, object_id, label, refs = rec
        if op == "loesche":
            if key is not None:
                self.deleted_keys.append(_h(key))
                self.deleted_at.append(index)
                self.deleted_line.append(line if line is not None else -1)
            return
        if key is not None:
            h = _h(key)
            first = self.written.get(h)
            if first is not None:
                yield _finding(
                    doc.BULK_DUPLICATE_ID,
                    f"{label}: object id already written by entry {first[0]}",
                    f"{label}: Objekt-ID schon von Eintrag {first[0]} geschrieben",
                    Location(file=self.name, line=line, entry=index, object_id=object_id),
                )
            else:
                self.written[h] = (index, object_id)
        for what, a, b in refs:
            ha, hb = _h(a), _h(b)
            if self._resolved(ha, hb):
                continue
            if len(self.pending) < _PENDING_DETAIL:
                self.pending.append((index, line, label, object_id, what, ha, hb))
            else:
                self.overflow[0].append(ha)
                self.overflow[1].append(hb)

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
        for index, line, label, object_id, what, a, b in self.pending:
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

_CHUNK = 1 << 20  # about this many bytes of whole entries per task
_PEEK = 64 * 1024
_ENTRY_START = re.compile(rb"<(?:[A-Za-z_][\w.\-]*:)?(?:schreibe|loesche)(?=[\s/>])")
_SPECIAL = re.compile(rb"<!--|<!\[CDATA\[|<\?")
_ROOT_START = re.compile(
    rb"<([A-Za-z_][\w.\-:]*)(?:\s+[^\s=/>]+\s*=\s*(?:\"[^\"]*\"|'[^']*'))*\s*>"
)
_XMLNS = re.compile(rb"xmlns(?::[\w.\-]+)?\s*=\s*(?:\"[^\"]*\"|'[^']*')")
# the root end tag, then only blanks, comments, processing instructions (none spanning tags)
_TAIL = re.compile(
    rb"</([A-Za-z_][\w.\-:]*)\s*>(?:\s|<!--(?:[^-]|-(?!-))*-->|<\?(?:[^?]|\?(?!>))*\?>)*\Z"
)
_ENCODING = re.compile(rb"^<\?xml[^>]*encoding\s*=\s*[\"']([A-Za-z0-9._\-]+)[\"']")
_UTF8 = (b"utf-8", b"utf8", b"us-ascii", b"ascii")

# per entry of a chunk: its findings and record, numbered from 0 and counted in
# lines from the chunk's first byte; and the chunk's newline count
# (findings or None, the Record as a plain tuple or None): plain tuples pickle at
# about twice the speed of the named ones, and most entries have no findings
Chunk = tuple[list[tuple[list[Finding] | None, tuple[object, ...] | None]], int]


@dataclass(frozen=True, slots=True)
class _Task:
    path: str
    start: int
    end: int
    wrapper: bytes
    name: str
    options: Options


class _Fallback(Exception):
    """The file cannot be split safely; it is validated in one process."""


@dataclass(frozen=True, slots=True)
class _Frame:
    first: int  # offset of the first entry's start tag
    close: int  # offset of the root end tag
    head: bytes  # the document up to the first entry
    root_tag: bytes
    wrapper: bytes  # a start tag declaring the root's namespaces


def _frame(path: Path) -> _Frame:
    """Where the entries are, for a UTF-8 message; :class:`_Fallback` for anything else."""
    size = path.stat().st_size
    with path.open("rb") as fh:
        fh.seek(max(0, size - _PEEK))
        tail = fh.read()
        fh.seek(0)
        head = fh.read(_PEEK)
        if head.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise _Fallback  # UTF-16: the byte search assumes an ASCII-compatible encoding
        skip = 3 if head.startswith(b"\xef\xbb\xbf") else 0
        enc = _ENCODING.match(head, skip)
        if enc and enc.group(1).lower().replace(b"_", b"-") not in _UTF8:
            raise _Fallback  # the ranges are parsed without the declaration: UTF-8 only
        prolog = xmlsafe._PROLOG.match(head, skip)  # the parser's own pattern (no public name)
        root = _ROOT_START.match(head, prolog.end() if prolog else skip)
        end_tag = _TAIL.search(tail)
        if root is None or end_tag is None or end_tag.group(1) != root.group(1):
            raise _Fallback
        close = max(0, size - _PEEK) + end_tag.start()
        first = _ENTRY_START.search(head, root.end())
        # the frame (nachrichtenkopf…) must hold no comment or CDATA a start tag could hide in
        if (
            first is None
            or first.start() >= close
            or _SPECIAL.search(head, root.end(), first.start())
        ):
            raise _Fallback
    wrapper = b"<w " + b" ".join(_XMLNS.findall(root.group(0))) + b">"
    return _Frame(first.start(), close, head[: first.start()], root.group(1), wrapper)


def _boundaries(path: Path, frame: _Frame) -> Iterator[int]:
    """Offsets of entry start tags about every :data:`_CHUNK` bytes, found by reading a
    little at each place; the last one is the root end tag. A start tag found inside a
    comment or CDATA section makes its range not well-formed: that falls back."""
    yield frame.first
    at = frame.first
    with path.open("rb") as fh:
        while True:
            probe = at + _CHUNK
            found = None
            while found is None and probe < frame.close:
                fh.seek(probe)
                block = fh.read(min(_PEEK, frame.close - probe))
                m = _ENTRY_START.search(block)
                if m is not None:
                    found = probe + m.start()
                else:  # keep a start tag cut by the block end
                    probe += max(1, len(block) - 64)
            if found is None:
                break
            yield found
            at = found
    yield frame.close


def _tasks(path: Path, frame: _Frame, name: str, options: Options) -> Iterator[_Task]:
    starts = _boundaries(path, frame)
    start = next(starts)
    for end in starts:
        yield _Task(str(path), start, end, frame.wrapper, name, options)
        start = end


def _run_chunk(task: _Task) -> Chunk | None:
    """The checked entries of one range; ``None``: it is not well-formed on its own."""
    from xzufi_toolkit.validate.api import _Runner

    with open(task.path, "rb") as fh:  # noqa: PTH123  # one read per task
        fh.seek(task.start)
        data = fh.read(task.end - task.start)
    checker = EntryChecker(_Runner(task.name, task.options))
    out: list[tuple[list[Finding] | None, tuple[object, ...] | None]] = []
    try:
        # the wrapper and the range's first byte share line 1
        source = io.BytesIO(task.wrapper + data + b"</w>")
        out.extend(
            (found or None, tuple(rec) if rec is not None else None)
            for _, found, rec in _entries(checker, source, task.name, 0)
        )
    except InputError:
        return None
    return out, data.count(b"\n")


def _moved(f: Finding, entry: int, lines: int) -> Finding:
    loc = f.location
    return replace(
        f,
        location=replace(
            loc,
            entry=loc.entry + entry if loc.entry is not None else None,
            line=loc.line + lines if loc.line is not None else None,
        ),
    )


def parallel_findings(runner: _Runner, path: Path, jobs: int) -> Iterator[Finding]:
    """The findings of :func:`stream_findings` (same order), from ``jobs`` processes."""
    try:
        frame = _frame(path)
        tree = xmlsafe.parse_bytes(frame.head + b"</" + frame.root_tag + b">", file=runner.name)
    except (_Fallback, InputError, OSError):
        yield from stream_findings(runner, path)
        return
    yield from runner.check_root(tree.getroot())
    if runner.options.engine == "lxml":
        # compiled before the pool forks, so no worker compiles it again
        for version in ("2.2.0", "2.3.1"):
            xsd.validate_element(
                etree.Element("probe"), version, schema_dir=runner.options.schema_dir
            )
    merge = _Merge(runner.name, frame.head.count(b"\n"))
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        window: deque[Future[Chunk | None]] = deque()
        try:
            for task in _tasks(path, frame, runner.name, runner.options):
                window.append(pool.submit(_run_chunk, task))
                while len(window) > jobs * 3:  # a bounded number of ranges in flight
                    yield from merge.chunk(window.popleft().result())
            while window:
                yield from merge.chunk(window.popleft().result())
        except _Fallback:
            for fut in window:
                fut.cancel()
            runner.entries = merge.done
            yield from _rest_in_one_process(runner, path, merge.done)
            return
    runner.entries = merge.done
    yield from merge.cross.finish()


class _Merge:
    """Puts the ranges' results in order: entry numbers and lines of the file."""

    def __init__(self, name: str, lines_before: int) -> None:
        self.cross = CrossChecks(name)
        self.done = 0  # entries merged
        self.lines = lines_before  # newlines before the next range
        self.seen_missing: set[str] = set()

    def chunk(self, result: Chunk | None) -> Iterator[Finding]:
        if result is None:
            raise _Fallback
        entries, newlines = result
        base = self.done
        for found, plain in entries:
            for f in found or ():
                if f.code == doc.XSD_MISSING:  # each worker says it once; the file says it once
                    if f.message in self.seen_missing:
                        continue
                    self.seen_missing.add(f.message)
                yield _moved(f, base, self.lines)
            if plain is not None:
                rec = Record._make(plain)
                line = rec.line + self.lines if rec.line is not None else None
                yield from self.cross.add(rec._replace(entry=rec.entry + base, line=line))
            self.done += 1
        self.lines += newlines


def _rest_in_one_process(runner: _Runner, path: Path, done: int) -> Iterator[Finding]:
    """After a range that is not well-formed alone: on in one process from the start,
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

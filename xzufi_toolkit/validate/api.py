"""Validate XZuFi documents and transfer messages: three entry points and a bulk runner.

- :func:`iter_findings` yields findings of one source as they are found;
- :func:`validate_file` / :func:`validate_bytes` return a :class:`Report`;
- :func:`is_valid` returns a boolean, :func:`check` raises
  :class:`~xzufi_toolkit.errors.ValidationFailedError` with the report;
- :func:`validate_paths` runs many files, in parallel processes with ``jobs``.

A single Leistung is parsed whole; a transfer message is streamed entry by
entry (each ``leistung`` validated in place against the schema's global
``leistung`` declaration, then the rules), so memory stays flat. Unreadable or
hostile input becomes a finding of its file; the run goes on.
"""

from __future__ import annotations

import datetime
import io
import os
import re
import stat
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import IO

from lxml import etree

from xzufi_toolkit.errors import (
    InputError,
    LimitExceededError,
    MalformedXmlError,
    UnsafeXmlError,
    ValidationFailedError,
    XzufiError,
)
from xzufi_toolkit.findings import Finding, Location, Report, Severity
from xzufi_toolkit.io import xmlsafe
from xzufi_toolkit.io.inputs import check_size, read_errors, read_file
from xzufi_toolkit.validate import rules as _rules  # noqa: F401  # importing fills the registry
from xzufi_toolkit.validate import xsd
from xzufi_toolkit.validate.config import RuleConfig
from xzufi_toolkit.validate.context import NAMESPACES, Ctx, Hit, local, version_of
from xzufi_toolkit.validate.registry import RULES, Rule
from xzufi_toolkit.validate.rules import document as doc

__all__ = [
    "Options",
    "check",
    "is_valid",
    "iter_findings",
    "validate_bytes",
    "validate_file",
    "validate_paths",
]

_HEAD = 64 * 1024
_WHOLE = 1024 * 1024
_ROOT = re.compile(rb"<(?![?!])(?:[A-Za-z_][\w.\-]*:)?([A-Za-z_][\w.\-]*)")
_ENTRY_TAGS = ("{*}schreibe", "{*}loesche")


@dataclass(frozen=True, slots=True)
class Options:
    """How to validate; picklable, so it travels to worker processes."""

    engine: str = "lxml"  # "lxml", "xmlschema", or "none" (rules only)
    schema_dir: str | None = None  # a folder with the official xzufi.xsd instead of the profile
    config: RuleConfig = field(default_factory=RuleConfig)
    show_values: bool = False
    today: datetime.date | None = None
    limits: xmlsafe.XmlLimits = xmlsafe.DEFAULT_LIMITS


def _active_rules(config: RuleConfig) -> list[Rule]:
    return _rules_without(config.disabled)


@cache
def _rules_without(disabled: frozenset[str]) -> list[Rule]:
    return [r for r in RULES.values() if r.fn is not None and r.code not in disabled]


def _finding(code: str, message: str, message_de: str, loc: Location) -> Finding:
    return Finding(code, RULES[code].severity, message, loc, message_de=message_de)


def _input_finding(exc: InputError, name: str) -> Finding:
    if isinstance(exc, UnsafeXmlError):
        code = doc.IO_UNSAFE
    elif isinstance(exc, LimitExceededError):
        code = doc.IO_LIMIT
    elif isinstance(exc, MalformedXmlError):
        code = doc.IO_MALFORMED
    else:
        code = doc.IO_UNREADABLE
    text = exc.message + (f" ({exc.hint})" if exc.hint else "")
    return _finding(code, text, text, Location(file=name, line=exc.line))


def _relpath(el: etree._Element, top: etree._Element) -> str:
    """An XPath from ``top`` to ``el`` that stays right in streamed (pruned) trees."""
    steps: list[str] = []
    cur: etree._Element | None = el
    while cur is not None:
        tag = cur.tag
        if isinstance(tag, str):
            ns, _, name = tag[1:].rpartition("}") if tag.startswith("{") else ("", "", tag)
            prefix = "xzufi:" if ns in NAMESPACES else ""
            if cur is top:
                steps.append(f"{prefix}{name}")
                break
            n = 1 + sum(1 for s in cur.itersiblings(tag, preceding=True))
            steps.append(f"{prefix}{name}[{n}]")
        cur = cur.getparent()
    return "/" + "/".join(reversed(steps))


class _Runner:
    """Validates one source; holds the per-source state of a transfer message."""

    def __init__(self, name: str, options: Options, jobs: int = 1) -> None:
        self.name = name
        self.options = options
        self.jobs = jobs  # processes for one transfer message on disk
        self.today = options.today or datetime.date.today()
        self.rules = _active_rules(options.config)
        self.xsd_missing_reported: set[str] = set()
        self.entries = 0
        # an element this many levels below an entry (depth 2) breaks the depth limit
        self.entry_depth = options.limits.max_depth - 1

    # -- one Leistung ----------------------------------------------------
    def leistung(
        self, el: etree._Element, *, entry: int | None = None, object_id: str | None = None
    ) -> Iterator[Finding]:
        version = version_of(el)
        if version is None:
            yield _finding(
                doc.IO_NOT_XZUFI,
                "leistung is not in an XZuFi 2.2.0 or 2.3.1 namespace",
                "leistung steht in keinem Namensraum von XZuFi 2.2.0 oder 2.3.1",
                Location(
                    file=self.name, line=xmlsafe.source_line(el), entry=entry, object_id=object_id
                ),
            )
            return
        if self.options.engine != "none":
            for issue in xsd.validate_element(
                el,
                version,
                schema_dir=self.options.schema_dir,
                engine=self.options.engine,
                show_values=self.options.show_values,
            ):
                yield _finding(
                    doc.XSD_INVALID,
                    issue.message,
                    issue.message,
                    Location(
                        file=self.name,
                        line=issue.line,
                        xpath=issue.path if entry is None else None,
                        entry=entry,
                        object_id=object_id,
                    ),
                )
        if not self.rules:  # every rule disabled: no index to build
            return
        ctx = Ctx(el, version, self.today, self.options.show_values)
        for r in self.rules:
            fn = r.fn
            assert fn is not None  # _active_rules keeps only rules with a function
            try:
                hits = list(fn(ctx))
            except Exception as exc:  # a rule bug must not stop the run: report it as a finding
                yield _finding(
                    doc.INTERNAL,
                    f"rule {r.code} failed: {type(exc).__name__}",
                    f"Regel {r.code} ist gescheitert: {type(exc).__name__}",
                    Location(
                        file=self.name,
                        line=xmlsafe.source_line(el),
                        entry=entry,
                        object_id=object_id,
                    ),
                )
                continue
            if hits:  # most rules find nothing: no generator per rule on this path
                yield from self._findings_of(r, hits, el, entry, object_id)

    def _findings_of(
        self,
        r: Rule,
        hits: list[Hit],
        top: etree._Element,
        entry: int | None,
        object_id: str | None,
    ) -> Iterator[Finding]:
        for h in hits:
            at = h.el if h.el is not None else top
            yield Finding(
                r.code,
                h.severity or r.severity,
                h.message,
                Location(
                    file=self.name,
                    line=xmlsafe.source_line(at),
                    xpath=_relpath(at, top),
                    entry=entry,
                    object_id=object_id,
                ),
                message_de=h.message_de,
            )

    # -- a whole document --------------------------------------------------
    def document(self, data: bytes) -> Iterator[Finding]:
        yield from self.tree(xmlsafe.parse_bytes(data, file=self.name, limits=self.options.limits))

    def tree(self, tree: etree._ElementTree) -> Iterator[Finding]:
        root = tree.getroot()
        if local(root) == "leistung":
            yield from self.leistung(root)
            return
        yield _finding(
            doc.IO_NOT_XZUFI,
            f"root element {local(root)!r} is neither a leistung nor a transfer message",
            f"Wurzelelement {local(root)!r} ist weder leistung noch Transfernachricht",
            Location(file=self.name, line=xmlsafe.source_line(root)),
        )

    # -- a transfer message, streamed --------------------------------------
    def transfer(self, source: str | Path | IO[bytes]) -> Iterator[Finding]:
        """Entry by entry (:mod:`xzufi_toolkit.validate.bulk`); one file on disk with
        ``jobs > 1`` is split across processes, reported in entry order."""
        from xzufi_toolkit.validate import bulk

        if self.jobs > 1 and isinstance(source, str | Path):
            yield from bulk.parallel_findings(self, Path(source), self.jobs)
        else:
            yield from bulk.stream_findings(self, source)

    def check_root(self, root: etree._Element) -> Iterator[Finding]:
        declared = root.get("xzufiVersion")
        version = version_of(root)
        if declared is not None and version is not None and declared.strip() != version:
            yield _finding(
                doc.BULK_VERSION,
                f"xzufiVersion {declared!r} differs from the namespace version {version}",
                f"xzufiVersion {declared!r} weicht von der Namensraum-Version {version} ab",
                Location(file=self.name, line=xmlsafe.source_line(root)),
            )


def _root_name(head: bytes) -> bytes | None:
    """Local name of the root element from the head of a document (after the prolog)."""
    m = xmlsafe._PROLOG.match(head)  # the parser's own prolog pattern (no public name yet)
    m2 = _ROOT.match(head, m.end() if m else 0)
    return m2.group(1) if m2 else None


def _head_root(head: bytes) -> bytes:
    # the same prolog decoding as the parser (xmlsafe has no public name for it yet)
    return _root_name(xmlsafe._decode_head(head)) or b""


def _is_transfer(head: bytes) -> bool:
    name = _head_root(head)
    return bool(name) and name != b"leistung"


def _stream(runner: _Runner, source: str | Path | IO[bytes], head: bytes) -> Iterator[Finding]:
    """A transfer message; a root with no entries that is not a transfer root is no XZuFi."""
    yield from runner.transfer(source)
    name = _head_root(head).decode("utf-8", "replace")
    if runner.entries == 0 and not name.lower().endswith("transfer"):
        yield _finding(
            doc.IO_NOT_XZUFI,
            f"root element {name!r} is neither a leistung nor a transfer message",
            f"Wurzelelement {name!r} ist weder leistung noch Transfernachricht",
            Location(file=runner.name, line=1),
        )


def _guard(name: str, gen: Iterator[Finding]) -> Iterator[Finding]:
    """Turn input errors raised while reading into findings of the file.

    A bug of ours on one file (anything but a toolkit error or lack of memory)
    becomes an XZ-INT-001 finding of that file, so a bulk run goes on; missing
    schemas and bad configuration (SchemaError, ConfigError) still stop the run.
    """
    try:
        yield from gen
    except InputError as exc:
        yield _input_finding(exc, name)
    except (XzufiError, MemoryError):
        raise
    except Exception as exc:  # one broken file must not end a bulk run
        yield _finding(
            doc.INTERNAL,
            f"validation failed: {type(exc).__name__} (a bug; please report it)",
            f"Prüfung gescheitert: {type(exc).__name__} (ein Fehler im Werkzeug; bitte melden)",
            Location(file=name),
        )


def iter_findings(
    source: str | Path | bytes,
    *,
    name: str | None = None,
    options: Options | None = None,
    jobs: int = 1,
) -> Iterator[Finding]:
    """Findings of one file path or byte string, with config applied; ``jobs > 1``
    splits a transfer message on disk across processes (same findings, same order)."""
    yield from _checked(source, name, options, jobs)[1]


def _checked(
    source: str | Path | bytes, name: str | None, options: Options | None, jobs: int = 1
) -> tuple[_Runner, Iterable[Finding]]:
    """The runner (it counts a transfer message's entries) and the findings it yields."""
    opts = options or Options()
    display = name or ("<bytes>" if isinstance(source, bytes) else str(source))
    runner = _Runner(display, opts, jobs)
    return runner, opts.config.apply(_guard(display, _findings(source, display, runner)))


def _report_of(
    report: Report,
    source: str | Path | bytes,
    name: str | None = None,
    options: Options | None = None,
    jobs: int = 1,
) -> Report:
    """``report`` with the findings and the transfer objects of one more source."""
    runner, found = _checked(source, name, options, jobs)
    report.extend(found)
    report.objects += runner.entries
    return report


def _read_head(path: str | Path) -> tuple[bool, bytes]:
    """Whether the file is small enough to read whole, and its bytes (or its head)."""
    with open(path, "rb") as fh:  # noqa: PTH123  # the bulk path reads 10,000s of files
        info = os.fstat(fh.fileno())
        if not stat.S_ISREG(info.st_mode):  # pipe or device: size 0 says nothing, read bounded
            return True, fh.read(xmlsafe.DEFAULT_LIMITS.max_bytes + 1)
        whole = info.st_size <= _WHOLE
        return whole, fh.read() if whole else fh.read(_HEAD)  # small files are read once


def _findings(source: str | Path | bytes, display: str, runner: _Runner) -> Iterator[Finding]:
    # xmlsafe checks the prolog (DOCTYPE, not XML) when it parses or streams
    limit = runner.options.limits.max_bytes
    if isinstance(source, bytes):
        # stdin is read with one byte to spare: over the limit is XZ-IO-004, as for a
        # file, not a transfer cut short and reported as malformed
        check_size(source, file=display, limit=limit)
        if _is_transfer(source[:_HEAD]):
            yield from _stream(runner, io.BufferedReader(io.BytesIO(source)), source[:_HEAD])
        else:
            yield from runner.document(source)
        return
    try:
        whole, head = _read_head(source)  # builtin open: no Path per file on the bulk path
    except OSError:
        # "x.xml/", "": Path normalises the name as it always did, then reports the error
        with read_errors(display):
            whole, head = _read_head(Path(source))
    if _is_transfer(head[:_HEAD]):
        if whole:  # read already (a pipe cannot be read twice)
            check_size(head, file=display, limit=limit)
            yield from _stream(runner, io.BufferedReader(io.BytesIO(head)), head[:_HEAD])
        else:
            yield from _stream(runner, Path(source), head[:_HEAD])
        return
    data = head
    if not whole:  # bounded: a 10 GB file that is no transfer is refused by its size
        data = read_file(source, file=display, limit=runner.options.limits.max_bytes)
    yield from runner.document(data)


def validate_file(
    path: str | Path, *, options: Options | None = None, name: str | None = None
) -> Report:
    """Report of one file (a Leistung or a transfer message)."""
    return _report_of(Report(documents=1), path, name, options)


def validate_bytes(data: bytes, *, name: str = "<stdin>", options: Options | None = None) -> Report:
    return _report_of(Report(documents=1), data, name, options)


def validate_tree(tree: etree._ElementTree, *, name: str, options: Options | None = None) -> Report:
    """Report of a single-Leistung document the caller parsed (with
    :mod:`xzufi_toolkit.io.xmlsafe`) and also reads into the model: one parse serves both."""
    opts = options or Options()
    report = Report(documents=1)
    report.extend(opts.config.apply(_guard(name, _Runner(name, opts).tree(tree))))
    return report


def is_valid(path: str | Path, *, options: Options | None = None) -> bool:
    """True when the file has no finding of severity error."""
    return not any(f.severity is Severity.ERROR for f in iter_findings(path, options=options))


def check(path: str | Path, *, options: Options | None = None) -> Report:
    """The report if the file is valid; raises ValidationFailedError otherwise."""
    report = validate_file(path, options=options)
    if not report.valid:
        first = next(f for f in report.findings if f.severity is Severity.ERROR)
        raise ValidationFailedError(
            f"{report.counts['error']} error(s), first [{first.code}] {first.message}",
            report,
            file=str(path),
            line=first.location.line,
            hint="run 'xzufi validate' for the full report",
        )
    return report


def _validate_one(args: tuple[str, Options]) -> tuple[list[Finding], int]:
    path, options = args
    runner, found = _checked(path, None, options)
    return list(found), runner.entries


def validate_paths(
    paths: Sequence[str],
    *,
    options: Options | None = None,
    jobs: int = 1,
    progress: Callable[[int, int], None] | None = None,
) -> Report:
    """Report over many files; ``jobs > 1`` validates files in worker processes."""
    opts = options or Options()
    report = Report(documents=len(paths))
    results: Iterable[tuple[list[Finding], int]]
    if jobs > 1 and len(paths) == 1:  # one file: a transfer message is split across processes
        _report_of(report, paths[0], options=opts, jobs=jobs)
        if progress:
            progress(1, 1)
        return report
    if jobs > 1 and len(paths) > 1:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(max_workers=jobs) as pool:
            chunk = max(1, min(64, len(paths) // (jobs * 8) or 1))
            results = pool.map(_validate_one, [(p, opts) for p in paths], chunksize=chunk)
            for i, (found, objects) in enumerate(results, 1):
                report.extend(found)
                report.objects += objects
                if progress:
                    progress(i, len(paths))
        return report
    for i, p in enumerate(paths, 1):
        _report_of(report, p, options=opts)
        if progress:
            progress(i, len(paths))
    return report

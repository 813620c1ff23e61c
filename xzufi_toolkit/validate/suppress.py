"""Findings a project has accepted: per-file ignores, inline comments, a baseline.

As ruff users know them:

- ``per-file-ignores`` in the configuration: glob → codes, the globs relative
  to the configuration file's folder (a glob without ``/`` also matches the
  file name in any folder; ``**`` spans folders).
- Inline comments in the XML. The parser drops comments (``io/xmlsafe``), so
  the raw bytes are scanned, with their line numbers, and only in files that
  have findings and hold the directive at all:

  - ``<!-- xzufi: ignore-file XZ-REQ-006 XZ-LINK-003 -->`` anywhere: the
    codes are ignored in the whole file;
  - ``<!-- xzufi: ignore XZ-LINK-003 -->``: ignored in the element that
    follows the comment (with everything in it; before the root element: the
    whole document), and in the findings of the element the comment stands
    in, at that element's start tag (e.g. a missing child).

  Findings are matched by their line, so an ignore in a transfer message of
  several MB is honoured only for elements of their own line span.
- A baseline (``--baseline FILE``, ``--write-baseline FILE``): code, file
  (relative to the baseline's folder) and a fingerprint of the code, XPath,
  object id and English message, never the line, so edits elsewhere in a
  file keep the baseline valid.

An unknown code in any of them is a :class:`ConfigError` (exit 2) naming the
file and line.
"""

from __future__ import annotations

import hashlib
import json
import mmap
import os
import re
import stat
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from xzufi_toolkit.errors import ConfigError, InputError
from xzufi_toolkit.findings import Finding

__all__ = [
    "Baseline",
    "Directives",
    "apply_inline",
    "fingerprint",
    "ignored_codes",
    "load_baseline",
    "scan_directives",
    "write_baseline",
]

BASELINE_VERSION = 1
_INPUT_CODES = ("XZ-IO-",)
MAX_BASELINE_BYTES = 64 * 1024 * 1024
_CODE_SHAPE = re.compile(r"[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+,?\Z")


# -- per-file-ignores ---------------------------------------------------------------
@lru_cache(maxsize=256)
def _glob_regex(pattern: str) -> re.Pattern[str]:
    """A glob as ruff reads it: ``*`` and ``?`` within a folder, ``**`` across folders."""
    out = []
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
            continue
        if pattern.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        if c == "*":
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        elif c == "[" and "]" in pattern[i + 1 :]:
            end = pattern.index("]", i + 1)
            body = pattern[i + 1 : end].replace("\\", "\\\\")
            out.append("[" + ("^" + body[1:] if body.startswith("!") else body) + "]")
            i = end
        else:
            out.append(re.escape(c))
        i += 1
    return re.compile("".join(out) + r"\Z")


@lru_cache(maxsize=4096)
def ignored_codes(
    rules: tuple[tuple[str, frozenset[str]], ...], root: str | None, file: str | None
) -> frozenset[str]:
    """The codes ``per-file-ignores`` (``rules``, globs relative to ``root``) ignore in ``file``."""
    if not rules or not file or file.startswith("<"):  # <stdin>, <bytes>
        return frozenset()
    rel = os.path.relpath(file, root or ".").replace(os.sep, "/")
    name = rel.rsplit("/", 1)[-1]
    codes: set[str] = set()
    for pattern, those in rules:
        rx = _glob_regex(pattern.removeprefix("./"))
        if rx.match(rel) or ("/" not in pattern and rx.match(name)):
            codes |= those
    return frozenset(codes)


# -- inline comments ------------------------------------------------------------------
_DIRECTIVE = re.compile(rb"<!--\s*xzufi:\s*ignore(-file)?\b((?:(?!-->).)*)-->", re.S)
_ANY_DIRECTIVE = re.compile(rb"<!--\s*xzufi:\s*ignore")
# what moves the element stack: comments, CDATA, PIs and declarations are passed over
_TOKEN = re.compile(
    rb"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<\?.*?\?>|<!.*?>"
    rb"|<(/?)([A-Za-z_][\w.\-:]*)(?:[^>\"']|\"[^\"]*\"|'[^']*')*?(/?)>",
    re.S,
)


@dataclass(slots=True)
class Directives:
    """The ignore comments of one file: codes for the whole file, and codes per line span."""

    whole: set[str] = field(default_factory=set)
    spans: list[tuple[int, int, frozenset[str]]] = field(default_factory=list)
    # (line of the comment, code) for error messages about unknown codes
    named: list[tuple[int, str]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.whole or self.spans)

    def ignores(self, f: Finding) -> bool:
        if f.code in self.whole:
            return True
        line = f.location.line
        if line is None:
            return False
        return any(f.code in c and a <= line <= b for a, b, c in self.spans)


class _Scan:
    """The element stack while scanning: which element each directive applies to."""

    def __init__(self) -> None:
        self.found = Directives()
        self.stack: list[tuple[int, int]] = []  # the lines of the open elements' start tags
        self.pending: list[tuple[int, frozenset[str]]] = []  # (depth, codes) before an element
        self.targets: list[tuple[int, int, frozenset[str]]] = []  # (depth, start, codes), open

    def comment(self, token: bytes, line: int) -> None:
        d = _DIRECTIVE.match(token)
        if not d:
            return
        words = [w.decode("utf-8", "replace") for w in d.group(2).split()]
        n = next((i for i, w in enumerate(words) if not _CODE_SHAPE.match(w)), len(words))
        codes = frozenset(w.rstrip(",") for w in words[:n])  # codes first; the rest: a reason
        if not codes:
            self.found.named.append((line, words[0] if words else ""))
            return
        self.found.named.extend((line, c) for c in sorted(codes))
        if d.group(1):
            self.found.whole |= codes
            return
        self.pending.append((len(self.stack), codes))
        if self.stack:  # the element it stands in: that element's own findings (its start tag)
            self.found.spans.append((*self.stack[-1], codes))

    def end_tag(self, end: int) -> None:
        while self.targets and self.targets[-1][0] == len(self.stack):
            _, start, codes = self.targets.pop()
            self.found.spans.append((start, end, codes))
        if self.stack:
            self.stack.pop()
        self.pending = [(d, c) for d, c in self.pending if d <= len(self.stack)]

    def start_tag(self, line: int, end: int, self_closing: bool) -> None:
        depth = len(self.stack)
        mine = frozenset().union(*(c for d, c in self.pending if d == depth))
        self.pending = [(d, c) for d, c in self.pending if d != depth]
        if self_closing:
            if mine:
                self.found.spans.append((line, end, mine))
            return
        self.stack.append((line, end))
        if mine:
            self.targets.append((len(self.stack), line, mine))


def scan_directives(data: bytes | mmap.mmap) -> Directives:
    """The ``xzufi: ignore`` comments of a UTF-8 (or ASCII-compatible) document."""
    if not _ANY_DIRECTIVE.search(data):
        return Directives()
    scan = _Scan()
    line, pos = 1, 0
    for m in _TOKEN.finditer(data):
        line += data[pos : m.start()].count(b"\n")
        token = m.group(0)
        end = line + token.count(b"\n")
        if token.startswith(b"<!--"):
            scan.comment(token, line)
        elif m.group(2) is not None:
            if m.group(1):
                scan.end_tag(end)
            else:
                scan.start_tag(line, end, bool(m.group(3)))
        line, pos = end, m.end()
    last = line + data[pos:].count(b"\n")  # a truncated document: open targets to its end
    scan.found.spans.extend((start, last, codes) for _, start, codes in scan.targets)
    return scan.found


def _check_codes(codes: Iterable[tuple[int, str]], file: str, known: set[str]) -> None:
    for line, code in codes:
        if code not in known:
            raise ConfigError(
                f"unknown rule code {code!r} in an 'xzufi: ignore' comment",
                file=file,
                line=line,
                hint="rule codes are listed in docs/rules.md and by 'xzufi validate --list-rules'",
            )


def _read_for_scan(path: str) -> Directives:
    """Scan a file without loading it whole (a transfer message can be large)."""
    from xzufi_toolkit.io import xmlsafe

    try:
        info = os.stat(path)  # noqa: PTH116  # before opening: a pipe was read already
        if not stat.S_ISREG(info.st_mode) or info.st_size == 0:
            return Directives()
        with open(path, "rb") as fh:  # noqa: PTH123
            head = fh.read(4)
            if xmlsafe.wide_encoding(head) is not None:  # UTF-16/32: transcode first
                fh.seek(0)
                data = fh.read(xmlsafe.DEFAULT_LIMITS.max_bytes + 1)
                try:
                    return scan_directives(xmlsafe.to_utf8(data))
                except InputError:
                    return Directives()
            with mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as mm:
                return scan_directives(mm)
    except (OSError, ValueError):  # unreadable: its XZ-IO finding stays
        return Directives()


def apply_inline(findings: list[Finding], known: set[str]) -> list[Finding]:
    """``findings`` without those an ``xzufi: ignore`` comment of their file covers.

    Only files with findings are read. An unknown code in a comment is a
    :class:`ConfigError` naming the file and line."""
    files = {f.location.file for f in findings if f.location.file}
    # an unreadable, malformed or unsafe file is not scanned: its tags are not known to
    # close, and the scanner's patterns would then be quadratic on hostile input
    unread = {f.location.file for f in findings if f.code.startswith(_INPUT_CODES)}
    scans: dict[str, Directives] = {}
    for name in files - unread:
        if name.startswith("<"):
            continue
        d = _read_for_scan(name)
        _check_codes(d.named, name, known)
        if d:
            scans[name] = d
    if not scans:
        return findings
    return [
        f for f in findings if not (f.location.file in scans and scans[f.location.file].ignores(f))
    ]


# -- baseline -------------------------------------------------------------------------
def fingerprint(f: Finding) -> str:
    """Stable across edits elsewhere in the file: no line, no column."""
    loc = f.location
    key = "\x1f".join([f.code, loc.xpath or "", loc.object_id or "", f.message])
    return hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()[:20]


def _rel(file: str | None, base: Path) -> str:
    if not file or file.startswith("<"):
        return file or ""
    return os.path.relpath(file, base).replace(os.sep, "/")


@dataclass(slots=True)
class Baseline:
    """Accepted findings: (code, file, fingerprint) with how often each occurs."""

    folder: Path
    entries: Counter[tuple[str, str, str]] = field(default_factory=Counter)

    def key(self, f: Finding) -> tuple[str, str, str]:
        return f.code, _rel(f.location.file, self.folder), fingerprint(f)

    def split(self, findings: Iterable[Finding]) -> tuple[list[Finding], int]:
        """(findings not in the baseline, how many were in it)."""
        left = Counter(self.entries)
        new: list[Finding] = []
        known = 0
        for f in findings:
            k = self.key(f)
            if left[k] > 0:
                left[k] -= 1
                known += 1
            else:
                new.append(f)
        return new, known


def _entries(findings: Iterable[Finding], folder: Path) -> Iterator[dict[str, str]]:
    b = Baseline(folder)
    for f in findings:
        code, file, fp = b.key(f)
        yield {"code": code, "file": file, "fingerprint": fp}


def write_baseline(path: str | Path, findings: Iterable[Finding]) -> int:
    """Write ``findings`` as a baseline (one entry per line, sorted); returns the count."""
    from xzufi_toolkit import __version__
    from xzufi_toolkit.io.atomicio import write_text_atomic

    folder = Path(path).absolute().parent
    rows = sorted(
        _entries(findings, folder), key=lambda e: (e["file"], e["code"], e["fingerprint"])
    )
    body = ",\n".join("  " + json.dumps(e, ensure_ascii=False, sort_keys=True) for e in rows)
    text = (
        f'{{"tool": "xzufi-toolkit {__version__}", "version": {BASELINE_VERSION}, '
        f'"findings": [\n{body}\n]}}\n'
        if rows
        else f'{{"tool": "xzufi-toolkit {__version__}", "version": {BASELINE_VERSION}, '
        '"findings": []}\n'
    )
    write_text_atomic(path, text)
    return len(rows)


def load_baseline(path: str | Path, known: set[str]) -> Baseline:
    """A baseline file; broken JSON, a bad entry or an unknown code is a ConfigError."""
    from xzufi_toolkit.io.inputs import read_file

    name = str(path)
    if not Path(path).is_file():
        raise ConfigError("baseline file not found", file=name, hint="write one: --write-baseline")
    try:
        text = read_file(path, file=name, limit=MAX_BASELINE_BYTES).decode("utf-8")
        doc = json.loads(text)
    except InputError as exc:
        raise ConfigError(f"cannot read the baseline: {exc.message}", file=name) from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"baseline is not UTF-8 (byte {exc.start})", file=name) from None
    except json.JSONDecodeError as exc:
        raise ConfigError(f"baseline is not JSON: {exc.msg}", file=name, line=exc.lineno) from None
    except RecursionError:
        raise ConfigError("baseline is not JSON: nested too deeply", file=name) from None
    lines = text.splitlines()

    def line_of(needle: str) -> int | None:
        return next((i for i, s in enumerate(lines, 1) if needle in s), None)

    rows = doc.get("findings") if isinstance(doc, dict) else None
    if doc.get("version") != BASELINE_VERSION if isinstance(doc, dict) else True:
        raise ConfigError(f"not an xzufi baseline of version {BASELINE_VERSION}", file=name, line=1)
    if not isinstance(rows, list):
        raise ConfigError("baseline has no 'findings' list", file=name, line=1)
    baseline = Baseline(Path(path).absolute().parent)
    for i, e in enumerate(rows):
        if not (
            isinstance(e, dict)
            and all(isinstance(e.get(k), str) for k in ("code", "file", "fingerprint"))
        ):
            raise ConfigError(
                f"baseline entry {i + 1} needs 'code', 'file' and 'fingerprint' strings",
                file=name,
                line=i + 2 if len(lines) > i + 2 else None,
            )
        if e["code"] not in known:
            raise ConfigError(
                f"unknown rule code {e['code']!r} in the baseline",
                file=name,
                line=line_of(f'"{e["code"]}"'),
                hint="rule codes are listed in docs/rules.md and by 'xzufi validate --list-rules'",
            )
        baseline.entries[(e["code"], e["file"], e["fingerprint"])] += 1
    return baseline

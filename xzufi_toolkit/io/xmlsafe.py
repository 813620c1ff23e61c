"""The one hardened XML parser every reader of the toolkit uses.

Hostile input is normal: no entity expansion, no DTD loading, no network, no
``xsi:schemaLocation`` following (lxml never follows it on parse), and a
DOCTYPE is refused outright before libxml2 sees it, so neither XXE nor
billion-laughs can work. libxml2's own limits stay on (``huge_tree=False``:
depth 256, text nodes 10 MB); on top of that the toolkit caps document size
and nesting depth.
"""

from __future__ import annotations

import codecs
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import IO, Any

from lxml import etree

from xzufi_toolkit.errors import InputError, LimitExceededError, MalformedXmlError, UnsafeXmlError

__all__ = [
    "XmlLimits",
    "check_prolog",
    "iterparse",
    "make_parser",
    "parse_bytes",
    "parse_file",
    "source_line",
    "to_utf8",
    "too_deep",
    "wide_encoding",
]


@dataclass(frozen=True, slots=True)
class XmlLimits:
    """Size and depth limits for one document (streamed files: per entry)."""

    max_bytes: int = 64 * 1024 * 1024
    max_depth: int = 100
    # distinct (prefix, URI) declarations in a streamed document: libxml2 collects
    # the ones in scope of each entry it validates with a nested loop (quadratic)
    max_namespaces: int = 1000


DEFAULT_LIMITS = XmlLimits()

_PROLOG_SCAN = 64 * 1024
# Prolog items that may stand before the root element.
# The whole prolog in one match: whitespace, processing instructions, comments.
_PROLOG = re.compile(rb"(?:\s+|<\?.*?\?>|<!--.*?-->)*", re.S)


# The safe settings, shared by every parser and iterparse the toolkit makes:
# no entity expansion, no network, no DTD, libxml2's size limits on.
_SAFE_SETTINGS: dict[str, Any] = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "dtd_validation": False,
    "huge_tree": False,
    # Comments and processing instructions are no content of any document the
    # toolkit reads (its readers drop them). Dropped while parsing, the text
    # around them is one text node: an id "9901<!-- -->0022" reads the same to
    # every reader and rule instead of as "9901" to some and nothing to others.
    "remove_comments": True,
    "remove_pis": True,
}


def make_parser(**extra: Any) -> etree.XMLParser:
    """A fresh parser with the toolkit's safe settings (parsers are not thread-safe)."""
    return etree.XMLParser(**_SAFE_SETTINGS, collect_ids=False, **extra)


_local = threading.local()


def _thread_parser() -> etree.XMLParser:
    """This thread's parser for :func:`parse_bytes`: reusing one saves libxml2 a
    parser context per document (a parser must not be shared between threads)."""
    parser: etree.XMLParser | None = getattr(_local, "parser", None)
    if parser is None:
        parser = _local.parser = make_parser()
    return parser


# UTF-16 and UTF-32 by their byte order mark, or without one by "<?" of the
# XML declaration (XML 1.0, appendix F). The toolkit transcodes them to UTF-8
# before libxml2 parses, so every reader (whole or streamed) takes the same
# decision; libxml2 alone took UTF-32 whole but not streamed, and UTF-16
# without a BOM in one reader but not in another.
_WIDE: tuple[tuple[bytes, str, int], ...] = (
    (b"\xff\xfe\x00\x00", "utf-32-le", 4),
    (b"\x00\x00\xfe\xff", "utf-32-be", 4),
    (b"\xff\xfe", "utf-16-le", 2),
    (b"\xfe\xff", "utf-16-be", 2),
    (b"<\x00\x00\x00", "utf-32-le", 0),
    (b"\x00\x00\x00<", "utf-32-be", 0),
    (b"<\x00?\x00", "utf-16-le", 0),
    (b"\x00<\x00?", "utf-16-be", 0),
)
_DECL_ENCODING = re.compile(rb"""\A(<\?xml[^>]*?\sencoding\s*=\s*)(["'])[^"']*\2""")


def wide_encoding(head: bytes) -> tuple[str, int] | None:
    """The codec and BOM length of a UTF-16/32 document, from its first 4 bytes."""
    for mark, codec, skip in _WIDE:
        if head.startswith(mark):
            return codec, skip
    return None


def _as_utf8(head: bytes) -> bytes:
    """UTF-8 bytes with the declaration saying so (its encoding was decided here)."""
    return _DECL_ENCODING.sub(rb"\1\2UTF-8\2", head.removeprefix(b"\xef\xbb\xbf"), count=1)


def to_utf8(data: bytes, *, file: str | None = None) -> bytes:
    """A UTF-16/32 document as UTF-8 (declaration adjusted); other bytes unchanged."""
    wide = wide_encoding(data[:4])
    if wide is None:
        return data
    codec, skip = wide
    try:
        text = data[skip:].decode(codec)
    except UnicodeDecodeError as exc:
        line = data[skip : exc.start].decode(codec, "replace").count("\n") + 1
        raise MalformedXmlError(
            f"not valid {codec.upper()}: bad bytes at offset {exc.start + skip}",
            file=file,
            line=line,
        ) from None
    return _as_utf8(text.encode("utf-8", "surrogatepass"))


def _decode_head(head: bytes) -> bytes:
    """Bring a UTF-16/32 prolog into an ASCII-compatible form for the DOCTYPE scan."""
    wide = wide_encoding(head[:4])
    if wide is not None:
        codec, skip = wide
        unit = 4 if "32" in codec else 2
        usable = len(head) - (len(head) - skip) % unit
        return head[skip:usable].decode(codec, "replace").encode("utf-8", "replace")
    return head.removeprefix(b"\xef\xbb\xbf")


def check_prolog(head: bytes, *, file: str | None = None) -> None:
    """Refuse a DOCTYPE (and with it every entity declaration) and obvious non-XML.

    ``head`` is the beginning of the document; only the prolog is looked at.
    """
    data = _decode_head(head[:_PROLOG_SCAN])
    m = _PROLOG.match(data)
    pos = m.end() if m else 0  # a * pattern always matches
    rest = data[pos : pos + 9]  # no copy of the rest of the document
    if rest.upper() == b"<!DOCTYPE":
        line = data.count(b"\n", 0, pos) + 1
        raise UnsafeXmlError(
            "document has a DOCTYPE declaration; DTDs and entities are refused",
            file=file,
            line=line,
            hint="remove the DOCTYPE; XZuFi documents never need one",
        )
    if not rest:
        if not data.strip():
            raise InputError("file is empty", file=file, line=1, hint="expected an XML document")
        return  # prolog longer than the scan window: libxml2 decides
    if not rest.startswith(b"<"):
        raise MalformedXmlError(
            "not an XML document",
            file=file,
            line=data.count(b"\n", 0, pos) + 1,
            hint="expected '<' at the start of the document",
        )


def _syntax_error(exc: etree.XMLSyntaxError, file: str | None) -> InputError:
    line = exc.lineno if exc.lineno else None
    msg = str(exc.msg if getattr(exc, "msg", None) else exc)
    msg = re.sub(r",? line \d+, column \d+.*$", "", msg).strip() or "malformed XML"
    low = msg.lower()
    if "entity" in low:
        return UnsafeXmlError(f"entity reference refused: {msg}", file=file, line=line)
    if "depth" in low or "huge" in low or "too large" in low:
        return LimitExceededError(f"limit exceeded: {msg}", file=file, line=line)
    hint = "the file looks truncated" if "end of data" in low or "premature" in low else None
    return MalformedXmlError(f"malformed XML: {msg}", file=file, line=line, hint=hint)


#: libxml2 keeps an element's line in 16 bits (``xmlNode.line``, at most 65,535).
_LINE_CAP = 65_535


def source_line(el: etree._Element) -> int | None:
    """The element's line number (lxml-stubs mistype ``sourceline``).

    Past line 65,535 libxml2 cannot store an element's line; lxml parses with
    ``XML_PARSE_BIG_LINES``, under which only text nodes keep a large line, and
    ``xmlGetLineNo`` answers for an element with its first child's line, else its
    next sibling's. A text node's line is where the parser stood after reading it,
    the end of the text: the whitespace after ``<schreibe>`` ends a line below it.
    Corrected here from the same nodes, so a streamed parse and a parse of a short
    range give the same number."""
    line = getattr(el, "sourceline", None)
    if not isinstance(line, int):
        return None
    return line if line < _LINE_CAP else _big_line(el, line)


def _big_line(el: etree._Element, line: int) -> int:
    """The start tag's line from what libxml2 answered past 65,535 (see above)."""
    if el.text is not None:  # the first child is a text node: its end line
        return line - el.text.count("\n")
    if len(el):  # the first child starts right after the start tag
        first = el[0]
        nested = getattr(first, "sourceline", None)
        if isinstance(first.tag, str) and isinstance(nested, int) and nested >= _LINE_CAP:
            return _big_line(first, nested)
        return line
    if el.tail is not None:  # empty element: the text after it, to its end
        return line - el.tail.count("\n")
    return line


@cache
def depth_probe(levels: int) -> etree.XPath:
    """XPath giving the first element ``levels`` levels below the context node.

    One walk in C: a Python walk over every leaf cost a quarter of the parse time.
    """
    return etree.XPath("(" + "/".join(["*"] * max(1, levels)) + ")[1]")


def too_deep(el: etree._Element, max_depth: int) -> etree._Element | None:
    """The first element nested deeper than ``max_depth`` levels (``el`` is level 1)."""
    hit = depth_probe(max_depth)(el)
    if isinstance(hit, list) and hit and isinstance(hit[0], etree._Element):
        return hit[0]
    return None


def _check_depth(root: etree._Element, limits: XmlLimits, file: str | None) -> None:
    deep = too_deep(root, limits.max_depth)
    if deep is not None:
        raise LimitExceededError(
            f"nesting deeper than {limits.max_depth} levels", file=file, line=source_line(deep)
        )


def parse_bytes(
    data: bytes,
    *,
    file: str | None = None,
    limits: XmlLimits = DEFAULT_LIMITS,
    base_url: str | None = None,
) -> etree._ElementTree:
    """Parse one whole document from bytes with the safe settings.

    ``base_url`` is the document's own location (relative ``xs:include`` and
    ``xs:import`` of a schema resolve against it); nothing is loaded during parsing.
    """
    if len(data) > limits.max_bytes:
        raise LimitExceededError(
            f"document is {len(data)} bytes, more than the limit of {limits.max_bytes}",
            file=file,
            hint="stream transfer messages instead of parsing them whole",
        )
    check_prolog(data, file=file)
    data = to_utf8(data, file=file)
    try:
        parser = _thread_parser()
        if base_url is None:
            root = etree.fromstring(data, parser)
        else:
            root = etree.fromstring(data, parser, base_url=base_url)
    except etree.XMLSyntaxError as exc:
        raise _syntax_error(exc, file) from None
    if root is None:
        raise MalformedXmlError("no root element", file=file, line=1)
    tree: etree._ElementTree = root.getroottree()
    if getattr(tree.docinfo, "doctype", ""):
        raise UnsafeXmlError("document has a DOCTYPE declaration", file=file, line=1)
    if limits.max_depth < 256:
        _check_depth(root, limits, file)
    return tree


def parse_file(
    path: str | Path, *, limits: XmlLimits = DEFAULT_LIMITS, display: str | None = None
) -> etree._ElementTree:
    """Parse a file (read whole; use :func:`iterparse` for big transfer messages)."""
    from xzufi_toolkit.io.inputs import read_file

    name = display or str(path)
    p = Path(path)
    data = read_file(p, file=name, limit=limits.max_bytes)  # bounded also for pipes, devices
    return parse_bytes(data, file=name, limits=limits, base_url=_base_url(p))


def _utf8(name: object) -> bool:
    """Whether libxml2 can take ``name`` as a URL (a file name that is not UTF-8
    reaches Python as lone surrogates, which lxml cannot encode)."""
    try:
        str(name).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _base_url(p: Path) -> str:
    full = p.resolve()
    return str(full) if _utf8(full) else full.as_uri()  # as_uri percent-encodes the bytes


class _Prefixed:
    """A stream without ``peek``: its head is read once for the prolog scan and
    handed out again before the rest."""

    def __init__(self, stream: IO[bytes]) -> None:
        self._stream = stream
        self.head = stream.read(_PROLOG_SCAN)
        self._pos = 0

    def read(self, size: int = -1) -> bytes:
        if self._pos < len(self.head):
            end = len(self.head) if size < 0 else min(len(self.head), self._pos + size)
            chunk = self.head[self._pos : end]
            self._pos = end
            return chunk
        return self._stream.read(size)


class _Utf8:
    """A UTF-16/32 stream read as UTF-8 (for iterparse), the declaration adjusted."""

    def __init__(
        self, stream: IO[bytes] | _Prefixed, codec: str, skip: int, name: str | None
    ) -> None:
        self._stream = stream
        self._name = name
        self._decoder = codecs.getincrementaldecoder(codec)()
        stream.read(skip)  # the byte order mark
        self._buffer = b""
        self._first = True
        self._done = False

    def _fill(self, size: int) -> None:
        while not self._done and len(self._buffer) < size:
            raw = self._stream.read(max(size, _PROLOG_SCAN))
            try:
                text = self._decoder.decode(raw, final=not raw)
            except UnicodeDecodeError as exc:
                raise MalformedXmlError(
                    f"not valid {exc.encoding.upper()}: bad bytes", file=self._name
                ) from None
            chunk = text.encode("utf-8", "surrogatepass")
            if self._first:
                chunk, self._first = _as_utf8(chunk), False
            self._buffer += chunk
            self._done = not raw

    @property
    def head(self) -> bytes:
        self._fill(_PROLOG_SCAN)
        return self._buffer[:_PROLOG_SCAN]

    def read(self, size: int = -1) -> bytes:
        self._fill(size if size >= 0 else 1 << 62)
        if size < 0:
            size = len(self._buffer)
        out, self._buffer = self._buffer[:size], self._buffer[size:]
        return out


def iterparse(
    source: str | Path | IO[bytes],
    *,
    events: tuple[str, ...] = ("end",),
    tag: str | None = None,
    file: str | None = None,
    limits: XmlLimits = DEFAULT_LIMITS,
) -> Iterator[tuple[str, etree._Element]]:
    """Stream a document with the same safe settings as :func:`parse_bytes`.

    The caller clears elements it is done with to keep memory flat. Syntax
    errors surface as :class:`InputError` with the line. A file given by path
    is opened here and closed however the iteration ends (exhausted, error,
    ``close()``); a stream stays the caller's.
    """
    name = file or (str(source) if isinstance(source, str | Path) else None)
    if isinstance(source, str | Path):
        try:
            # the buffer lets peek() see the whole prolog scan window; opened outside
            # the with-block so that only open() errors become "cannot read file"
            fh = Path(source).open("rb", buffering=_PROLOG_SCAN)  # noqa: SIM115
        except OSError as exc:
            raise InputError(f"cannot read file: {exc.strerror}", file=name) from None
        with fh:
            yield from _iterparse_stream(fh, events, tag, name, limits)
        return
    yield from _iterparse_stream(source, events, tag, name, limits)


def _iterparse_stream(
    stream: IO[bytes],
    events: tuple[str, ...],
    tag: str | None,
    name: str | None,
    limits: XmlLimits,
) -> Iterator[tuple[str, etree._Element]]:
    readable: IO[bytes] | _Prefixed | _Utf8
    if hasattr(stream, "peek") and _utf8(getattr(stream, "name", "")):  # lxml reads .name
        head = stream.peek(_PROLOG_SCAN)[:_PROLOG_SCAN]
        readable = stream
    else:
        readable = _Prefixed(stream)
        head = readable.head
    check_prolog(head, file=name)
    wide = wide_encoding(head[:4])
    if wide is not None:
        readable = _Utf8(readable, *wide, name)
        head = readable.head
    context = etree.iterparse(
        readable,  # lxml reads any object with read()
        events=(*events, "start-ns") if "start-ns" not in events else events,
        tag=tag,
        **_SAFE_SETTINGS,
    )
    events_iter = _counting_namespaces(iter(context), "start-ns" in events, limits, name)
    try:
        first = next(events_iter, None)
        if first is None:
            return
        # a DOCTYPE behind a prolog longer than the scan window reaches libxml2
        # (its entities stay unexpanded); refuse it as parse_bytes does
        if first[1].getroottree().docinfo.doctype:
            raise UnsafeXmlError("document has a DOCTYPE declaration", file=name, line=1)
        yield first
        yield from events_iter
    except etree.XMLSyntaxError as exc:
        raise _syntax_error(exc, name) from None


def _counting_namespaces(
    events: Iterator[tuple[str, Any]], wanted: bool, limits: XmlLimits, name: str | None
) -> Iterator[tuple[str, Any]]:
    """The events, refused beyond ``limits.max_namespaces`` distinct declarations
    (a writer that redeclares its prefix on every entry counts once) and at the
    first element whose prefix is not declared."""
    seen: set[tuple[str, str]] = set()
    for event in events:
        if event[0] in ("start", "end"):
            tag = event[1].tag
            # libxml2 reports an undeclared prefix only at the end of a stream (a
            # whole parse refuses it at once); readers must not see "p:name" tags
            if isinstance(tag, str) and tag[:1] != "{" and ":" in tag:
                prefix, _, local = tag.partition(":")
                raise MalformedXmlError(
                    f"malformed XML: Namespace prefix {prefix} on {local} is not defined",
                    file=name,
                    line=source_line(event[1]),
                )
        elif event[0] == "start-ns":
            seen.add(event[1])
            if len(seen) > limits.max_namespaces:
                raise LimitExceededError(
                    f"more than {limits.max_namespaces} distinct namespace declarations",
                    file=name,
                    hint="an XZuFi document declares a few namespaces",
                )
            if not wanted:
                continue
        yield event

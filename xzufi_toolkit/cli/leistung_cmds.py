"""``xzufi show`` and ``xzufi convert``: print or convert a Leistung or transfer message.

Thin layer: the library reads and writes (``xzufi_toolkit.xzufi``); this module
parses options, picks the input, prints, and writes atomically. Transfer
messages are streamed in both commands.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, TYPE_CHECKING, cast

from xzufi_toolkit.cli.common import read_input, write_output
from xzufi_toolkit.findings import Finding

if TYPE_CHECKING:
    from lxml import etree

__all__ = ["register"]

VERSIONS = ("2.2.0", "2.3.1")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    show = sub.add_parser(
        "show",
        help="print a Leistung or a transfer message (default: the bundled 99010022001012)",
        description="Print a Leistung (or one line per object of a transfer message) as a "
        "readable summary or as the model in JSON. Without FILE: the bundled Leistung.",
    )
    show.add_argument("file", nargs="?", metavar="FILE", help="XZuFi XML; '-' reads stdin")
    show.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    show.add_argument(
        "--lang",
        choices=("de", "en"),
        default="de",
        help="language of the summary's values: descriptions, units in words (default: de)",
    )
    show.add_argument(
        "--summary",
        action="store_true",
        help="also validate a single Leistung against the XZuFi schema (exit 1 if invalid)",
    )
    show.add_argument(
        "--schema-dir",
        metavar="DIR",
        help="folder with the official XZuFi XSDs (xzufi.xsd) instead of the packaged profile",
    )
    show.set_defaults(handler=_show)

    conv = sub.add_parser(
        "convert",
        help="write a Leistung or transfer message as XZuFi 2.2.0 or 2.3.1",
        description="Convert between XZuFi 2.2.0 and 2.3.1. What the target version cannot "
        "hold is reported on stderr as warnings (codes XZ-C0xx).",
    )
    conv.add_argument("file", metavar="FILE", help="XZuFi XML; '-' reads stdin")
    conv.add_argument("--to", required=True, choices=VERSIONS, help="target version")
    conv.add_argument("-o", "--output", default="-", metavar="OUT", help="'-' (default): stdout")
    conv.set_defaults(handler=_convert)


# -- helpers ---------------------------------------------------------------


def _report(findings: Iterable[Finding]) -> None:
    from xzufi_toolkit.reporters import capped_lines

    # capped: 200,000 unknown attributes must not become 200,000 lines
    lines = (f"xzufi: {f.severity.value}: {f.code} {f.location}: {f.message}" for f in findings)
    for line in capped_lines(lines):
        sys.stderr.write(line + "\n")


def _source(path: str | None) -> tuple[Path | bytes, str]:
    """A regular file's path (streamed from disk) or, for stdin, pipes and devices,
    the bytes read; and the display name."""
    if path is None:
        from xzufi_toolkit.xzufi import default_path

        p = default_path()
        return p, str(p)
    if path != "-" and Path(path).is_file():
        return Path(path), path
    return read_input(path)  # stdin, a pipe (<(…)) or a device: read whole, up to the limit


def _kind(src: Path | bytes, name: str) -> str:
    from xzufi_toolkit.xzufi import detect
    from xzufi_toolkit.xzufi.reader import bytes_stream

    return detect(src if isinstance(src, Path) else bytes_stream(src), file=name).kind


@contextmanager
def _atomic_output(out: str, inputs: list[str]) -> Iterator[IO[bytes]]:
    """A binary stream that becomes ``out`` only when the block succeeds.

    A file is written as every other writer writes it (:func:`.atomicio.open_atomic`);
    standard output is spooled to a temporary file copied at the end, so an
    error half-way leaves no partial output there either.
    """
    from xzufi_toolkit.io.atomicio import check_output, open_atomic

    if out == "-":
        import shutil
        import tempfile

        with tempfile.TemporaryFile() as tmp:
            yield tmp
            tmp.seek(0)
            shutil.copyfileobj(tmp, sys.stdout.buffer)
            sys.stdout.buffer.flush()
        return
    check_output(out, *inputs)  # the same usage errors as every other writer
    with open_atomic(out) as fh:
        yield fh


# -- show --------------------------------------------------------------------


def _show(args: argparse.Namespace) -> int:
    src, name = _source(args.file)
    if _kind(src, name) == "transfer":
        if args.summary:
            sys.stderr.write("xzufi: note: to validate transfer messages use xzufi validate\n")
        return _show_transfer(src, name, args.format)
    return _show_leistung(src, name, args)


def _show_leistung(src: Path | bytes, name: str, args: argparse.Namespace) -> int:
    from xzufi_toolkit.io import xmlsafe
    from xzufi_toolkit.xzufi import leistung_from_tree
    from xzufi_toolkit.xzufi.summary import summary_lines

    # one parse serves the model and --summary's XSD check
    if isinstance(src, Path):
        tree = xmlsafe.parse_file(src, display=name)
    else:
        tree = xmlsafe.parse_bytes(src, file=name)
    result = leistung_from_tree(tree, file=name)
    schema = None
    if args.summary:
        from xzufi_toolkit.xzufi import load_schema

        # compiled before any output, so a bad --schema-dir fails with nothing printed
        schema = load_schema(result.version, args.schema_dir)
    _report(result.findings)
    if args.format == "json":
        doc = {"version": result.version, "leistung": result.leistung.to_dict()}
        sys.stdout.write(json.dumps(doc, ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(
            "\n".join(summary_lines(result.leistung, result.version, args.lang)) + "\n"
        )
    if schema is not None:
        what = "official XSD" if args.schema_dir else "profile XSD"
        return _validate(tree, schema, name, f"{what} {result.version}")
    return 0


def _validate(tree: etree._ElementTree, schema: etree.XMLSchema, name: str, against: str) -> int:
    if schema.validate(tree):
        sys.stderr.write(f"xzufi: {name}: valid against the {against}\n")
        return 0
    from xzufi_toolkit.reporters import capped_lines

    # lxml-stubs lack _ErrorLog.__iter__; at run time the log is iterable
    log = cast("Iterable[etree._LogEntry]", schema.error_log)
    for line in capped_lines(f"xzufi: error: {name}:{err.line}: {err.message}" for err in log):
        sys.stderr.write(line + "\n")
    return 1


def _show_transfer(src: Path | bytes, name: str, fmt: str) -> int:
    from xzufi_toolkit.model import to_jsonable
    from xzufi_toolkit.xzufi import open_transfer
    from xzufi_toolkit.xzufi.transfer_summary import entry_json, entry_line, message_lines

    reader = open_transfer(src, file=name)
    message = reader.frame()
    _report(reader.findings)
    reported = len(reader.findings)
    out = sys.stdout
    if fmt == "json":
        frame = to_jsonable(message)
        frame.pop("entries", None)
        out.write('{"message": ' + json.dumps(frame, ensure_ascii=False) + ', "entries": [')
        for n, item in enumerate(reader):
            _report(item.findings)
            out.write(("," if n else "") + "\n  " + entry_json(item.entry))
        out.write("\n]}\n")
    else:
        out.write("\n".join(message_lines(message)) + "\n")
        for item in reader:
            _report(item.findings)
            out.write(entry_line(item.entry) + "\n")
    _report(reader.findings[reported:])
    return 0


# -- convert -----------------------------------------------------------------


def _convert(args: argparse.Namespace) -> int:
    from xzufi_toolkit.io.atomicio import check_output

    check_output(args.output, args.file)  # before the conversion's warnings are printed
    src, name = _source(args.file)
    if _kind(src, name) == "transfer":
        return _convert_transfer(src, name, args)
    return _convert_leistung(src, name, args)


def _convert_leistung(src: Path | bytes, name: str, args: argparse.Namespace) -> int:
    from xzufi_toolkit.xzufi import read_leistung, write_leistung

    result = read_leistung(src, file=name)
    _report(result.findings)
    written = write_leistung(result.leistung, args.to)
    _report(f.at(file=name) for f in written.findings)
    write_output(args.output, written.data, args.file)
    return 0


def _convert_transfer(src: Path | bytes, name: str, args: argparse.Namespace) -> int:
    from xzufi_toolkit.xzufi import TransferWriter, open_transfer

    reader = open_transfer(src, file=name)
    message = reader.frame()
    _report(reader.findings)
    reported = len(reader.findings)
    with (
        _atomic_output(args.output, [args.file]) as out,
        TransferWriter(out, message, args.to) as writer,
    ):
        for item in reader:
            _report(item.findings)
            writer.write(item.entry)
            _report(f.at(file=name) for f in writer.findings)
            writer.findings.clear()
    _report(reader.findings[reported:])
    return 0

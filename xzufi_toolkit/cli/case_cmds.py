"""``xzufi case check``, ``xzufi message build``, ``xzufi message read``.

The commands parse arguments and call :mod:`xzufi_toolkit.case` and
:mod:`xzufi_toolkit.message`; reports use the shared formats and exit codes of
``xzufi validate`` (:mod:`xzufi_toolkit.cli.report_options`). Unreadable input
becomes a ``CASE-INPUT``/``MSG-INPUT`` finding (exit 1), so CI reports see it.
Outputs are written atomically and only when there is no error: an invalid
case never becomes a message, an invalid message never becomes a case.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from typing import TYPE_CHECKING

from xzufi_toolkit.cli.common import iso_date, leistung_from_args, leistung_options, print_help
from xzufi_toolkit.cli.report_options import (
    add_report_options,
    check_report_file,
    emit_report,
    input_finding,
)
from xzufi_toolkit.errors import InputError, UsageError, ValidationFailedError
from xzufi_toolkit.findings import Report

if TYPE_CHECKING:
    from xzufi_toolkit.case.model import Case
    from xzufi_toolkit.message import Participant, SummaryDocument

__all__ = ["register"]


def _datetime(text: str) -> dt.datetime:
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a time stamp (ISO 8601): {text!r}") from None
    if value.tzinfo is None:
        raise argparse.ArgumentTypeError("the time stamp needs a time zone, e.g. 2026-11-02T10:00Z")
    return value


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--today",
        type=iso_date,
        metavar="YYYY-MM-DD",
        help="reference date for 'in the future', expiry and age (default: today)",
    )
    p.add_argument(
        "--show-values",
        action="store_true",
        help="put case values into messages (personal data: keep such reports private)",
    )


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    case = sub.add_parser(
        "case",
        help="check application case data (JSON) for 99010022001012",
        description="Case data of applications for Leistung 99010022001012 (docs/applications.md).",
    )
    case_sub = case.add_subparsers(dest="case_command", metavar="COMMAND")
    check = case_sub.add_parser(
        "check",
        help="check CASE.json: schema, DIN 91379, dates, and against the Leistung",
        description=(
            "Check case JSON against the published JSON Schema, the business rules and the "
            "Leistung (prerequisites, documents, fee, duration). Exit 0: nothing at or above "
            "--fail-on; 1: findings or unreadable input; 2: usage error."
        ),
    )
    check.add_argument("case", metavar="CASE.json", help="case file, or '-' for standard input")
    leistung_options(check)
    _common(check)
    add_report_options(check)
    check.set_defaults(handler=run_check)
    case.set_defaults(handler=lambda _a: print_help(case))

    msg = sub.add_parser(
        "message",
        help="build and read aufenthalt.antrag.0100 messages",
        description="The XÖV-like application message aufenthalt.antrag.0100 "
        "(docs/applications.md).",
    )
    msg_sub = msg.add_subparsers(dest="message_command", metavar="COMMAND")
    build = msg_sub.add_parser(
        "build",
        help="case JSON → message XML (checked, XSD-validated)",
        description=(
            "Check CASE.json (as 'xzufi case check') and, when it has no error, write the "
            "XSD-validated message. Without --reader/--author the header names placeholders."
        ),
    )
    build.add_argument("case", metavar="CASE.json", help="case file, or '-' for standard input")
    build.add_argument(
        "-o", "--output", required=True, metavar="MSG.xml", help="message file, or '-'"
    )
    build.add_argument("--reader", nargs=2, metavar=("KENNUNG", "NAME"), help="receiving authority")
    build.add_argument(
        "--author", nargs=2, metavar=("KENNUNG", "NAME"), help="sending online service"
    )
    build.add_argument(
        "--directory",
        default="DVDV",
        help="verzeichnisdienst code of reader and author (default: DVDV)",
    )
    build.add_argument(
        "--summary",
        metavar="PDF",
        help="the filled application PDF; referenced with a new UUID and its SHA-512",
    )
    build.add_argument("--message-id", metavar="UUID", help="nachrichtenUUID (default: random)")
    build.add_argument(
        "--created", type=_datetime, metavar="TIMESTAMP", help="erstellungszeitpunkt (default: now)"
    )
    build.add_argument("--test", action="store_true", help="mark the message as a test message")
    leistung_options(build)
    _common(build)
    add_report_options(build, report_flag="--report")
    build.set_defaults(handler=run_build)

    read = msg_sub.add_parser(
        "read",
        help="message XML → case JSON (XSD-validated, then checked)",
        description=(
            "Read an aufenthalt.antrag.0100 message: namespace, XSD, mapping, then the case "
            "rules. The case JSON is written only when there is no error (see --keep-invalid)."
        ),
    )
    read.add_argument("message", metavar="MSG.xml", help="message file, or '-'")
    read.add_argument(
        "-o", "--output", required=True, metavar="CASE.json", help="case file, or '-'"
    )
    read.add_argument(
        "--keep-invalid",
        action="store_true",
        help="write the case JSON even when the case rules find errors, so a received "
        "application can be processed (an unreadable or schema-invalid message still "
        "writes nothing; the exit code stays 1)",
    )
    _common(read)
    add_report_options(read, report_flag="--report")
    read.set_defaults(handler=run_read)
    msg.set_defaults(handler=lambda _a: print_help(msg))


def _check(args: argparse.Namespace, path: str) -> tuple[Case | None, Report]:
    """Read and check a case file; unreadable input is a CASE-INPUT finding."""
    from xzufi_toolkit.case.validate import validate_case
    from xzufi_toolkit.cli.common import read_input

    leistung = leistung_from_args(args)  # an unreadable --leistung file stops the run (InputError)
    try:
        data, name = read_input(path)
        return validate_case(
            data,
            today=args.today or dt.date.today(),
            file=name,
            leistung=leistung,
            show_values=args.show_values,
        )
    except InputError as exc:
        return None, Report(findings=[input_finding("CASE-INPUT", exc)], documents=1)


def _inputs(args: argparse.Namespace) -> list[str]:
    names = ("case", "message", "leistung", "summary")
    return [v for v in (getattr(args, n, None) for n in names) if isinstance(v, str)]


def _check_outputs(args: argparse.Namespace) -> None:
    """Refuse bad -o/--report paths before anything is written (no half-written results)."""
    from xzufi_toolkit.io.atomicio import check_output

    check_output(args.output, *_inputs(args))
    check_report_file(args, _inputs(args), [args.output])


def _emit(report: Report, args: argparse.Namespace) -> int:
    """Emit with the shared options; on stderr when the message or case goes to stdout."""
    from xzufi_toolkit.case.rules import RULES

    to_stdout = getattr(args, "output", None) == "-"  # the -o of message build/read
    return emit_report(
        report,
        args,
        rules=RULES,
        inputs=_inputs(args),
        stream=sys.stderr if to_stdout else None,
    )


def run_check(args: argparse.Namespace) -> int:
    _, report = _check(args, args.case)
    return _emit(report, args)


def _participant(value: list[str] | None, directory: str, default: Participant) -> Participant:
    from xzufi_toolkit.message import Participant
    from xzufi_toolkit.reference import din91379

    if value is None:
        return Participant(default.kennung, default.name, directory)
    kennung, name = value
    if not kennung.strip() or any(ch.isspace() for ch in kennung.strip()):
        raise UsageError("the KENNUNG of --reader/--author must be one word, e.g. psw:01003110")
    invalid = din91379.check(name, "B")
    if invalid is not None:
        raise UsageError(
            f"the NAME of --reader/--author is not DIN 91379 type B: {invalid.describe()}"
        )
    return Participant(
        kennung=kennung.strip(), name=din91379.normalize(name), verzeichnisdienst=directory
    )


def _require_readable_pdf(data: bytes, path: str) -> None:
    """Refuse a summary that pypdf cannot read or that is encrypted.

    The message references the PDF by hash as the filled application; one the
    authority cannot open (truncated, a text file starting ``%PDF-``, password
    protected) must not be sent.
    """
    import io
    import logging

    from pypdf import PdfReader
    from pypdf.errors import DependencyError

    from xzufi_toolkit.form.inspect import structure_errors

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # repairs are logged; we say it once
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        encrypted = reader.is_encrypted
        if not encrypted:
            len(reader.pages)  # forces the page tree to be read
    except DependencyError:  # AES needs the optional crypto package: encrypted either way
        encrypted = True
    except structure_errors() as exc:
        raise InputError(
            f"not a readable PDF: {type(exc).__name__}",
            file=path,
            hint="--summary takes the filled form PDF; fill it again with 'xzufi form fill'",
        ) from None
    if encrypted:
        raise InputError(
            "the PDF is encrypted",
            file=path,
            hint="the authority must be able to open the summary: pass the filled form "
            "without a password (qpdf --decrypt)",
        )


def _summary(path: str) -> SummaryDocument:
    import hashlib
    import uuid
    from pathlib import Path

    from xzufi_toolkit.cli.common import read_input
    from xzufi_toolkit.message import SummaryDocument

    data, _ = read_input(path)
    if not data.startswith(b"%PDF-"):
        raise InputError("not a PDF file", file=path, hint="--summary takes the filled form PDF")
    _require_readable_pdf(data, path)
    name = Path(path).name
    if not name.isascii():
        try:
            name.encode("utf-8")  # the name goes into the message
        except UnicodeEncodeError:
            raise UsageError(
                "the file name is not UTF-8", file=path, hint="rename the PDF"
            ) from None
    return SummaryDocument(
        dokument_id=str(uuid.uuid4()),
        dateiname=name,
        sha512=hashlib.sha512(data).hexdigest(),
    )


def run_build(args: argparse.Namespace) -> int:
    import uuid

    from xzufi_toolkit.cli.common import write_output
    from xzufi_toolkit.message import Message, MessageHeader, build_message
    from xzufi_toolkit.message.header import DEFAULT_AUTHOR, DEFAULT_READER
    from xzufi_toolkit.reference import codelists

    if args.directory not in codelists.get("verzeichnisdienst"):
        raise UsageError(
            f"unknown directory service {args.directory!r}",
            hint="one of " + ", ".join(codelists.get("verzeichnisdienst").codes),
        )
    if args.message_id is not None:
        try:
            uuid.UUID(args.message_id)
        except ValueError:
            raise UsageError("--message-id is not a UUID") from None
    _check_outputs(args)
    case, report = _check(args, args.case)
    if case is None or not report.valid:
        _emit(report, args)
        return 1
    header = MessageHeader.new(now=args.created, test=True if args.test else None)
    reader = _participant(args.reader, args.directory, DEFAULT_READER)
    author = _participant(args.author, args.directory, DEFAULT_AUTHOR)
    from dataclasses import replace

    header = replace(
        header,
        leser=reader,
        autor=author,
        nachrichten_uuid=args.message_id.lower() if args.message_id else header.nachrichten_uuid,
    )
    summary = _summary(args.summary) if args.summary else None
    try:
        data = build_message(Message(case=case, header=header, zusammenfassung=summary))
    except ValidationFailedError as exc:
        report.extend(exc.report)
        _emit(report, args)
        return 1
    write_output(args.output, data, args.case)
    return _emit(report, args)


def run_read(args: argparse.Namespace) -> int:
    from xzufi_toolkit.case import case_to_dict, dump_case
    from xzufi_toolkit.case.validate import validate_case
    from xzufi_toolkit.cli.common import read_input, write_output
    from xzufi_toolkit.message import read_message

    _check_outputs(args)
    try:
        data, name = read_input(args.message)
        message = read_message(data, file=name, show_values=args.show_values)
    except ValidationFailedError as exc:
        _emit(exc.report, args)
        return 1
    except InputError as exc:
        _emit(
            Report(findings=[input_finding("MSG-INPUT", exc)], documents=1),
            args,
        )
        return 1
    _, report = validate_case(
        case_to_dict(message.case),
        today=args.today or dt.date.today(),
        file=name,
        show_values=args.show_values,
    )
    if report.valid or args.keep_invalid:
        write_output(args.output, dump_case(message.case), args.message)
    code = _emit(report, args)
    return code if report.valid else 1

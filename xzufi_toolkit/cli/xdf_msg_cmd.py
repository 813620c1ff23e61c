"""``xzufi xdf xsd``, ``xzufi data build | read``, ``xzufi form generate`` and
``xzufi form fill --schema``: the message and the form of a Stammdatenschema.

The subcommands join the groups other modules made: ``xdf`` and ``data`` through
:func:`xzufi_toolkit.cli.xdf_cmd.command_group`, ``form`` by adding ``generate``
to its subcommands and ``--schema``/``--codelist`` to ``form fill`` (whose
handler stays in charge without ``--schema``). So this module is listed after
``form_cmds`` in ``COMMAND_MODULES``.

``data build`` and ``form fill --schema`` check the data as ``xzufi data check``
does and write nothing when it has errors; ``data read`` checks what it read.
"""

from __future__ import annotations

import argparse
import json
import sys
import uuid
from typing import TYPE_CHECKING, Any

from xzufi_toolkit.cli.common import read_input, write_output
from xzufi_toolkit.cli.report_options import (
    add_report_options,
    check_report_file,
    emit_report,
    input_finding,
)
from xzufi_toolkit.cli.xdf_cmd import command_group, read_schema
from xzufi_toolkit.errors import InputError, UsageError, ValidationFailedError
from xzufi_toolkit.findings import Report

if TYPE_CHECKING:
    Sub = argparse._SubParsersAction[argparse.ArgumentParser]
    from xzufi_toolkit.reporters import RuleMeta
    from xzufi_toolkit.xdf.data import DataSchema
    from xzufi_toolkit.xdf.xsd import GivenLists

__all__ = ["register"]


def _schema_options(p: argparse.ArgumentParser, *, schema: bool = True) -> None:
    if schema:
        p.add_argument(
            "--schema", required=True, metavar="SCHEMA", help="XDatenfelder 2 or 3 Stammdatenschema"
        )
    p.add_argument(
        "--codelist",
        action="append",
        default=[],
        metavar="FILE",
        help="genericode 1.0 file of a code list the schema references (repeatable)",
    )


def _subcommands(parser: argparse.ArgumentParser) -> Sub:
    """The subcommands action of a command group another module registered."""
    for action in parser._actions:  # argparse offers no accessor for it
        if isinstance(action, argparse._SubParsersAction):
            return action
    raise RuntimeError(f"{parser.prog} has no subcommands")  # pragma: no cover


def register(sub: Sub) -> None:
    xsd = command_group(sub, "xdf").add_parser(
        "xsd",
        help="XML Schema (XSD 1.0) of the application data message",
        description="Write the XSD of the message 'xdf.antrag.0100' that 'xzufi data build' "
        "writes for SCHEMA: element names are the element ids.",
    )
    xsd.add_argument("schema", metavar="SCHEMA", help="XDatenfelder 2 or 3 schema file")
    xsd.add_argument("-o", "--output", required=True, metavar="OUT.xsd", help="XSD file or '-'")
    _schema_options(xsd, schema=False)
    xsd.set_defaults(handler=run_xsd)

    data = command_group(sub, "data")
    build = data.add_parser(
        "build",
        help="application data → XÖV-style message (checked, XSD-validated)",
        description="Check DATA.json as 'xzufi data check' does and, when it has no error, "
        "write the message xdf.antrag.0100, validated against 'xzufi xdf xsd'. Without "
        "--reader/--author the header names placeholders.",
    )
    build.add_argument("data", metavar="DATA.json", help="application data, or '-'")
    build.add_argument("-o", "--output", required=True, metavar="MSG.xml", help="message or '-'")
    _schema_options(build)
    build.add_argument("--reader", nargs=2, metavar=("KENNUNG", "NAME"), help="receiving authority")
    build.add_argument(
        "--author", nargs=2, metavar=("KENNUNG", "NAME"), help="sending online service"
    )
    build.add_argument("--directory", default="DVDV", help="verzeichnisdienst code (default DVDV)")
    build.add_argument("--message-id", metavar="UUID", help="nachrichtenUUID (default: random)")
    build.add_argument("--test", action="store_true", help="mark the message as a test message")
    build.add_argument("--show-values", action="store_true", help="put values into messages")
    add_report_options(build, report_flag="--report")
    build.set_defaults(handler=run_build)

    read = data.add_parser(
        "read",
        help="XÖV-style message → application data (JSON)",
        description="Read a message written by 'xzufi data build' (XSD-validated), write its "
        "data as JSON and check it as 'xzufi data check' does.",
    )
    read.add_argument("message", metavar="MSG.xml", help="message, or '-'")
    read.add_argument("-o", "--output", required=True, metavar="DATA.json", help="JSON or '-'")
    _schema_options(read)
    read.add_argument("--show-values", action="store_true", help="put values into messages")
    add_report_options(read, report_flag="--report")
    read.set_defaults(handler=run_read)

    form_parser = sub.choices.get("form")
    if form_parser is None:  # pragma: no cover - form_cmds is always registered first
        return
    forms = _subcommands(form_parser)
    gen = forms.add_parser(
        "generate",
        help="a tagged AcroForm generated from a Stammdatenschema",
        description="One field per Datenfeld, labels from bezeichnungEingabe, help texts as "
        "tooltips, checkboxes for bool, radio groups or combo boxes for select.",
    )
    gen.add_argument("schema", metavar="SCHEMA", help="XDatenfelder 2 or 3 schema file")
    gen.add_argument("-o", "--output", required=True, metavar="FORM.pdf", help="PDF or '-'")
    gen.add_argument("--title", help="document title (default: the schema's label)")
    _schema_options(gen, schema=False)
    gen.set_defaults(handler=run_generate)

    fill = forms.choices["fill"]
    fill.add_argument(
        "--schema",
        metavar="SCHEMA",
        help="XDatenfelder Stammdatenschema: generate its form and fill it with the data "
        "(checked as 'xzufi data check' does)",
    )
    fill.add_argument(
        "--codelist",
        action="append",
        default=[],
        metavar="FILE",
        help="with --schema: genericode file of a referenced code list (repeatable)",
    )
    case_fill = fill.get_default("handler")
    fill.set_defaults(handler=lambda a: run_fill(a) if a.schema else case_fill(a))


# -- helpers ---------------------------------------------------------------------
def _rules() -> dict[str, RuleMeta]:
    from xzufi_toolkit.findings import Severity
    from xzufi_toolkit.reporters import RuleMeta
    from xzufi_toolkit.xdf import data, jsonschema

    extra = RuleMeta(
        "XDF-MSG-XSD",
        "the message does not validate against the XSD of its schema",
        "die Nachricht ist gegen das XSD ihres Schemas nicht gültig",
        Severity.ERROR,
    )
    return {**jsonschema.RULES, **data.RULES, extra.code: extra}


def _load(args: argparse.Namespace) -> tuple[DataSchema, GivenLists]:
    """The compiled data schema and the given code lists (unreadable: one error line)."""
    from xzufi_toolkit.xdf.data import load_data_schema
    from xzufi_toolkit.xdf.genericode import read_genericode

    ds = load_data_schema(args.schema, args.codelist)
    return ds, tuple((p, read_genericode(p)) for p in args.codelist)


def _check(args: argparse.Namespace, ds: DataSchema, path: str) -> tuple[Any, Report]:
    """The parsed data and its report; ``None`` data when it cannot be read."""
    from xzufi_toolkit.case.io import parse_case_json
    from xzufi_toolkit.xdf.data import iter_data_findings

    try:
        raw, name = read_input(path)
        value = parse_case_json(raw, file=name)
    except InputError as exc:
        return None, Report(findings=[input_finding("DATA-INPUT", exc)], documents=1)
    findings = iter_data_findings(value, ds, file=name, show_values=args.show_values)
    return value, Report(findings=list(findings), documents=1)


def _emit(report: Report, args: argparse.Namespace, inputs: list[str]) -> int:
    return emit_report(report, args, rules=_rules(), inputs=inputs, stream=sys.stderr)


# -- handlers --------------------------------------------------------------------
def run_xsd(args: argparse.Namespace) -> int:
    from xzufi_toolkit.xdf.genericode import read_genericode
    from xzufi_toolkit.xdf.xsd import build_xsd, xsd_notes

    doc, name = read_schema(args.schema)
    lists = tuple((p, read_genericode(p)) for p in args.codelist)
    schema = doc.content
    xsd = build_xsd(schema, codelists=lists, file=name)
    write_output(args.output, xsd, args.schema, *args.codelist)
    for note in xsd_notes(schema, codelists=lists):
        sys.stderr.write(f"xzufi: note: {note}\n")
    return 0


def _header(args: argparse.Namespace) -> Any:
    from dataclasses import replace

    from xzufi_toolkit.cli.case_cmds import _participant  # the one check of --reader/--author
    from xzufi_toolkit.message.header import DEFAULT_AUTHOR, DEFAULT_READER, MessageHeader
    from xzufi_toolkit.reference import codelists

    if args.directory not in codelists.get("verzeichnisdienst"):
        raise UsageError(
            f"unknown directory service {args.directory!r}",
            hint="one of " + ", ".join(codelists.get("verzeichnisdienst").codes),
        )
    header = MessageHeader.new(test=True if args.test else None)
    if args.message_id is not None:
        try:
            uuid.UUID(args.message_id)
        except ValueError:
            raise UsageError("--message-id is not a UUID") from None
        header = replace(header, nachrichten_uuid=args.message_id.lower())
    return replace(
        header,
        leser=_participant(args.reader, args.directory, DEFAULT_READER),
        autor=_participant(args.author, args.directory, DEFAULT_AUTHOR),
    )


def run_build(args: argparse.Namespace) -> int:
    from xzufi_toolkit.xdf.message import build_data_message

    inputs = [args.data, args.schema, *args.codelist]
    if args.output != "-":
        from xzufi_toolkit.io.atomicio import check_output

        check_output(args.output, *inputs)
    check_report_file(args, inputs, [args.output])
    header = _header(args)
    ds, lists = _load(args)
    value, report = _check(args, ds, args.data)
    if value is None or not report.valid:
        _emit(report, args, inputs)
        return 1
    try:
        msg = build_data_message(
            ds.doc.content, value, header=header, codelists=lists, file=args.data
        )
    except ValidationFailedError as exc:
        report.extend(exc.report)
        _emit(report, args, inputs)
        return 1
    write_output(args.output, msg, *inputs)
    return _emit(report, args, inputs)


def run_read(args: argparse.Namespace) -> int:
    from xzufi_toolkit.xdf.data import iter_data_findings
    from xzufi_toolkit.xdf.message import read_data_message

    inputs = [args.message, args.schema, *args.codelist]
    if args.output != "-":
        from xzufi_toolkit.io.atomicio import check_output

        check_output(args.output, *inputs)
    check_report_file(args, inputs, [args.output])
    ds, lists = _load(args)
    try:
        raw, name = read_input(args.message)
        value, _header_read = read_data_message(
            ds.doc.content, raw, codelists=lists, file=name, show_values=args.show_values
        )
    except ValidationFailedError as exc:
        _emit(exc.report, args, inputs)
        return 1
    except InputError as exc:
        _emit(Report(findings=[input_finding("DATA-INPUT", exc)], documents=1), args, inputs)
        return 1
    findings = iter_data_findings(value, ds, file=name, show_values=args.show_values)
    report = Report(findings=list(findings), documents=1)
    if not report.valid:
        _emit(report, args, inputs)
        return 1
    text = json.dumps(value, ensure_ascii=False, indent=2) + "\n"
    write_output(args.output, text.encode("utf-8"), *inputs)
    return _emit(report, args, inputs)


def run_generate(args: argparse.Namespace) -> int:
    from xzufi_toolkit.xdf.form import generate_form
    from xzufi_toolkit.xdf.genericode import read_genericode

    doc, _name = read_schema(args.schema)
    lists = tuple((p, read_genericode(p)) for p in args.codelist)
    schema = doc.content
    form = generate_form(schema, codelists=lists, title=args.title)
    write_output(args.output, form.pdf, args.schema, *args.codelist)
    fields = len({s.name for s in form.slots})
    sys.stderr.write(f"{args.output}: {fields} field(s) on {form.pages} page(s)\n")
    return 0


def run_fill(args: argparse.Namespace) -> int:
    from xzufi_toolkit.xdf.form import fill_schema_form

    if args.form or args.mapping or args.data_schema:
        raise UsageError(
            "--schema makes its own form: it takes no --form, --mapping or --data-schema"
        )
    if len(args.cases) != 1:
        raise UsageError("--schema fills one data file at a time")
    inputs = [args.cases[0], args.schema, *args.codelist]
    if args.output != "-":
        from xzufi_toolkit.io.atomicio import check_output

        check_output(args.output, *inputs)
    check_report_file(args, inputs, [args.output])
    ds, lists = _load(args)
    value, report = _check(args, ds, args.cases[0])
    if value is None or not report.valid:
        _emit(report, args, inputs)
        return 1
    try:
        pdf, notes = fill_schema_form(
            ds.doc.content,
            value,
            codelists=lists,
            flatten=bool(args.flatten),
            file=args.cases[0],
            show_values=bool(args.show_values),
        )
    except ValidationFailedError as exc:
        report.extend(exc.report)
        _emit(report, args, inputs)
        return 1
    write_output(args.output, pdf, *inputs)
    report.extend(notes)
    return _emit(report, args, inputs)

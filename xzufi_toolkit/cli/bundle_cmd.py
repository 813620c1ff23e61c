"""``xzufi bundle CASE.json [--attach FILE…] -o DIR|ZIP`` and ``xzufi bundle verify DIR|ZIP``."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Iterable

from xzufi_toolkit.cli.common import Parser, iso_date, read_input, require_mapping
from xzufi_toolkit.cli.report_options import (
    add_report_options,
    check_report_file,
    emit_report,
    input_finding,
)
from xzufi_toolkit.findings import Finding, Report

_DESCRIPTION = (
    "Write the message XML, the filled PDF (purpose form), the attachments "
    "(purpose attachment) and metadata.json with sha512 hashes; or re-check a "
    "written bundle with 'xzufi bundle verify'."
)
USAGE = """\
xzufi bundle CASE.json [--attach FILE ...] -o DIR|ZIP [options]
xzufi bundle verify DIR|ZIP [--show-values] [report options]"""


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "bundle",
        help="write or verify a FIT-Connect submission bundle",
        usage=USAGE,
        description=(
            "Write the message XML, the filled PDF (purpose form), the attachments "
            "(purpose attachment) and metadata.json with sha512 hashes; or re-check a "
            "written bundle. Run 'xzufi bundle CASE.json --help' or "
            "'xzufi bundle verify --help' for the options of each."
        ),
        add_help=False,
    )
    # The case path or "verify" comes first; everything after it is parsed by
    # the parser of that form (argparse has no positional-or-subcommand).
    p.add_argument(
        "-h", "--help", action="store_true", dest="bundle_help", help="show this help and exit"
    )
    p.add_argument(
        "rest", nargs=argparse.REMAINDER, help="CASE.json and its options, or verify DIR|ZIP"
    )
    p.set_defaults(handler=_dispatch)


def _create_parser() -> argparse.ArgumentParser:
    p = Parser(prog="xzufi bundle", usage=USAGE, description=_DESCRIPTION)
    p.add_argument("case", help="case JSON (- for standard input)")
    p.add_argument(
        "--attach",
        nargs="+",
        default=[],
        metavar="FILE",
        help="evidence files, named as in the case's unterlagen",
    )
    p.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="DIR|ZIP",
        help="a new folder, or a file ending in .zip",
    )
    p.add_argument("--form", help="PDF form template (default: the bundled form)")
    p.add_argument("--mapping", help="mapping file for --form")
    p.add_argument(
        "--today",
        type=iso_date,
        metavar="YYYY-MM-DD",
        help="reference date for the checks (default: today)",
    )
    p.add_argument(
        "--show-values", action="store_true", help="put case values into messages (personal data)"
    )
    add_report_options(p, report_flag="--report")
    p.set_defaults(verbose=True)  # the JSON path of each finding, as in form fill
    return p


def _verify_parser() -> argparse.ArgumentParser:
    p = Parser(
        prog="xzufi bundle verify",
        description="Re-check hashes, ids, the message and the metadata of a bundle.",
    )
    p.add_argument("bundle", help="bundle folder or .zip")
    p.add_argument(
        "--show-values",
        action="store_true",
        help="name evidence files and message values in messages (personal data)",
    )
    add_report_options(p)
    return p


def _dispatch(args: argparse.Namespace) -> int:
    rest: list[str] = list(args.rest)
    if args.bundle_help:  # the options of writing a bundle, and where verify's are
        sys.stdout.write(_create_parser().format_help())
        sys.stdout.write("\nThe options of verify: xzufi bundle verify --help\n")
        return 0
    if not rest:
        sys.stderr.write("usage: " + USAGE + "\n")
        return 2
    if rest[0] == "verify":
        return _verify(_verify_parser().parse_args(rest[1:]))
    return _create(_create_parser().parse_args(rest))


def _verify(args: argparse.Namespace) -> int:
    from xzufi_toolkit.bundle import verify_bundle

    report = verify_bundle(args.bundle, show_values=args.show_values)
    return emit_report(report, args, inputs=[args.bundle])


def _create(args: argparse.Namespace) -> int:
    """Check, fill and bundle one case; one report of the case check and the form.

    The report holds the case check's findings (warnings and infos too), the
    form's notes, and a ``CASE-INPUT`` error for a case that cannot be read.
    An unreadable attachment, form or mapping stays an ``xzufi: error:`` line.
    """
    from xzufi_toolkit.bundle import build_bundle, read_attachments, write_bundle
    from xzufi_toolkit.case.leistung import load_leistung
    from xzufi_toolkit.case.rules import RULES
    from xzufi_toolkit.errors import InputError, ValidationFailedError
    from xzufi_toolkit.io.atomicio import ensure_not_input
    from xzufi_toolkit.pipeline import check_case_bytes, fill_case, form_setup

    require_mapping(args.form, args.mapping)
    read = [p for p in (args.case, *args.attach, args.form, args.mapping) if p]
    ensure_not_input(args.output, *read)  # e.g. -o evidence.zip
    check_report_file(args, read, [args.output])

    def emit(findings: Iterable[Finding]) -> int:
        report = Report(findings=list(findings), documents=1)
        return emit_report(report, args, rules=RULES, inputs=read, stream=sys.stderr)

    def refuse(findings: Iterable[Finding]) -> int:
        emit(findings)
        if not args.quiet:
            from xzufi_toolkit.io.textsafe import escape_controls

            name = escape_controls(args.case)
            sys.stderr.write(f"xzufi: {name}: not bundled, nothing written\n")
        return 1  # nothing written: exit 1 even with --exit-zero

    try:
        data, name = read_input(args.case)
    except InputError as exc:
        return refuse([input_finding("CASE-INPUT", exc)])
    attachments = read_attachments(args.attach)
    leistung = load_leistung()
    try:
        checked = check_case_bytes(
            data,
            today=args.today or dt.date.today(),
            file=name,
            leistung=leistung,
            show_values=args.show_values,
        )
    except ValidationFailedError as exc:
        return refuse(exc.report)
    except InputError as exc:  # not JSON
        return refuse([input_finding("CASE-INPUT", exc)])
    try:
        pdf, notes = fill_case(
            checked.document,
            setup=form_setup(args.form, args.mapping),
            file=name,
            show_values=args.show_values,
        )
    except ValidationFailedError as exc:
        return refuse([*checked.report, *exc.report])
    bundle = build_bundle(
        checked.case,
        form_pdf=pdf,
        attachments=attachments,
        service_name=leistung.name("de") or None,
        show_values=args.show_values,
    )
    out = write_bundle(bundle, args.output)
    code = emit([*checked.report, *notes])
    if not args.quiet:
        sys.stderr.write(f"wrote {out}: metadata.json and {len(bundle.files)} file(s)\n")
    return code

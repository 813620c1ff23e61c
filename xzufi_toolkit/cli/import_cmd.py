"""``xzufi import-portal FILE -o LEISTUNG.xml``: a Leistung from the FIM Portal's export.

Parses arguments, calls :func:`xzufi_toolkit.portal_import.import_portal`,
writes the XML atomically and reports the ``IMP-…`` findings on standard error
(or to ``--report FILE``). Exit 0: written, nothing at or above ``--fail-on``;
1: not an export, key or name missing, or findings at ``--fail-on``; 2: usage.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from xzufi_toolkit.cli.common import read_input, write_output
from xzufi_toolkit.cli.report_options import exit_code, resolve_format, resolve_lang
from xzufi_toolkit.errors import UsageError

__all__ = ["register"]


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from xzufi_toolkit.reporters import FORMATS

    p = sub.add_parser(
        "import-portal",
        help="import a Leistung from the FIM Portal's PDF export (or its text)",
        description=(
            "Read the FIM Portal's export of a Leistung (PDF, or its text) and write it as "
            "XZuFi XML. Values are taken from the labelled sections, the two-column layout's "
            "displaced values are given back to their labels, extraction damage is repaired, "
            "and costs, durations and deadlines are structured where the text states them "
            "plainly. Everything not placed is reported (IMP-* codes, docs/import.md)."
        ),
    )
    p.add_argument("file", metavar="FILE", help="the export: .pdf or .txt ('-' reads stdin)")
    p.add_argument(
        "-o", "--output", metavar="LEISTUNG.xml", default="-", help="XML output (default: stdout)"
    )
    p.add_argument(
        "--version",
        dest="xzufi_version",
        choices=["2.2.0", "2.3.1"],
        default="2.3.1",
        help="XZuFi version to write (default: 2.3.1)",
    )
    p.add_argument(
        "-f", "--format", choices=sorted(FORMATS), default=None, help="report format (text)"
    )
    p.add_argument("--report", metavar="FILE", help="write the report to FILE, not stderr")
    p.add_argument(
        "--fail-on",
        choices=["error", "warning", "info"],
        default="error",
        help="lowest severity that makes the exit code 1 (default: error)",
    )
    p.add_argument("--lang", choices=["de", "en"], default=None, help="language of messages")
    p.add_argument("-q", "--quiet", action="store_true", help="report warnings and errors only")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from xzufi_toolkit.atomicio import check_output, write_text_atomic
    from xzufi_toolkit.findings import Report, Severity
    from xzufi_toolkit.portal_import import RULES, import_portal
    from xzufi_toolkit.reporters import render

    check_output(args.output, args.file)  # both outputs are checked before either is written
    if args.report:
        check_output(args.report, args.file, args.output)
        if args.output != "-" and Path(args.report).resolve() == Path(args.output).resolve():
            raise UsageError("--report and -o name the same file", file=args.report)
    data, name = read_input(args.file)
    result = import_portal(data, name=name, version=args.xzufi_version)
    if result.xml is not None:
        write_output(args.output, result.xml, args.file)
    report = result.report
    if args.quiet:
        report = Report(
            [f for f in report if f.severity >= Severity.WARNING], documents=report.documents
        )
    text = render(report, resolve_format(args), resolve_lang(args), rules=RULES)
    if args.report:
        write_text_atomic(args.report, text)
    else:
        sys.stderr.write(text)
    if result.xml is None:
        return 1
    return exit_code(result.report, args)

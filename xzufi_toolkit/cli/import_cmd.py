"""``xzufi import-portal FILE -o LEISTUNG.xml``: a Leistung from the FIM Portal's export.

Parses arguments, calls :func:`xzufi_toolkit.portal_import.import_portal`,
writes the XML atomically and reports the ``IMP-…`` findings on standard error
(or to ``--report FILE``). Exit 0: written, nothing at or above ``--fail-on``;
1: not an export, key or name missing, or findings at ``--fail-on``; 2: usage.
"""

from __future__ import annotations

import argparse
import sys

from xzufi_toolkit.cli.common import read_input, write_output
from xzufi_toolkit.cli.report_options import add_report_options, check_report_file, emit_report

__all__ = ["register"]


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
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
    add_report_options(p, report_flag="--report")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from xzufi_toolkit.io.atomicio import check_output
    from xzufi_toolkit.portal_import import RULES, import_portal

    check_output(args.output, args.file)  # both outputs are checked before either is written
    check_report_file(args, [args.file], [args.output])
    data, name = read_input(args.file)
    result = import_portal(data, name=name, version=args.xzufi_version)
    if result.xml is not None:
        write_output(args.output, result.xml, args.file)
    # the XML may go to stdout: the report goes to --report or standard error
    code = emit_report(result.report, args, rules=RULES, inputs=[args.file], stream=sys.stderr)
    return 1 if result.xml is None else code

"""``xzufi import-portal FILE -o LEISTUNG.xml``: a Leistung from the FIM Portal's export.

Parses arguments, calls :func:`xzufi_toolkit.portal_import.import_portal`,
writes the XML atomically and reports the ``IMP-…`` findings on standard error
(or to ``--report FILE``). Exit 0: written, nothing at or above ``--fail-on``;
1: not an export, key or name missing, or findings at ``--fail-on``; 2: usage.
The summary judges the import; a second line says what ``xzufi validate``
finds in the written document (an import can be complete and its document
still invalid), without changing the exit code.
"""

from __future__ import annotations

import argparse
import sys

from xzufi_toolkit.cli.common import read_input, write_output
from xzufi_toolkit.cli.report_options import (
    add_report_options,
    check_report_file,
    emit_report,
    resolve_format,
    resolve_lang,
)

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
    result.report.judged = "import"  # its verdict is the import's, not the document's
    code = emit_report(result.report, args, rules=RULES, inputs=[args.file], stream=sys.stderr)
    # a second line, where it cannot corrupt a machine report on standard error
    text_on_stderr = resolve_format(args) == "text" or (args.report and args.report != "-")
    if result.xml is not None and not args.quiet and text_on_stderr:
        _judge_output(result.xml, args)
    return 1 if result.xml is None else code


def _judge_output(xml: bytes, args: argparse.Namespace) -> None:
    """One line on what ``xzufi validate`` says of the written document.

    An import can place every value and still write a Leistung that is invalid
    (an export has no German texts, for instance): the two verdicts are apart.
    """
    from xzufi_toolkit.validate.api import validate_bytes

    report = validate_bytes(xml, name=args.output)
    c, de = report.counts, resolve_lang(args).startswith("de")
    if de:
        verdict = "gültig" if report.valid else "ungültig"
        line = (
            f"die geschriebene Leistung, geprüft wie von xzufi validate: {c['error']} Fehler, "
            f"{c['warning']} Warnung(en), {c['info']} Hinweis(e) – {verdict}"
        )
    else:
        verdict = "valid" if report.valid else "invalid"
        line = (
            f"the written Leistung, checked as xzufi validate does: {c['error']} error(s), "
            f"{c['warning']} warning(s), {c['info']} info – {verdict}"
        )
    if c["error"] or c["warning"] or c["info"]:
        line += f" (xzufi validate {args.output})" if args.output != "-" else ""
    sys.stderr.write(line + "\n")

"""``xzufi xdf check``, ``xzufi xdf jsonschema`` and ``xzufi data check``.

FIM Datenfelder (XDatenfelder) schemas and the application data they describe
(:mod:`xzufi_toolkit.xdf`). Reports use the shared flags and exit codes
(:mod:`xzufi_toolkit.cli.report_options`).

The two command groups ``xdf`` and ``data`` are open to other command
modules: call :func:`command_group` with the top-level subparsers and the
group name (``"xdf"`` or ``"data"``) and add a subcommand to what it returns,
e.g. ``command_group(sub, "xdf").add_parser("xsd", …)``. It creates the group
on first use, so the order of ``COMMAND_MODULES`` does not matter.
"""

from __future__ import annotations

import argparse
import sys
import weakref
from typing import TYPE_CHECKING

from xzufi_toolkit.cli.common import print_help
from xzufi_toolkit.cli.report_options import (
    add_report_options,
    check_report_file,
    emit_report,
    input_finding,
)
from xzufi_toolkit.errors import InputError, UsageError
from xzufi_toolkit.findings import Report

if TYPE_CHECKING:
    from xzufi_toolkit.reporters import RuleMeta
    from xzufi_toolkit.xdf.genericode import GenericodeList
    from xzufi_toolkit.xdf.model import XdfDocument

__all__ = ["command_group", "register"]

_GROUPS: dict[str, tuple[str, str]] = {
    "xdf": (
        "FIM Datenfelder: check a Stammdatenschema, derive its JSON Schema",
        "XDatenfelder 2 and 3.0.0 Stammdatenschemata and Datenfeldgruppen (docs/xdf-rules.md).",
    ),
    "data": (
        "application data described by a Stammdatenschema",
        "Application data (JSON, keys = element ids) against an XDatenfelder schema.",
    ),
}
_ACTIONS: weakref.WeakKeyDictionary[
    argparse.ArgumentParser, argparse._SubParsersAction[argparse.ArgumentParser]
] = weakref.WeakKeyDictionary()


def command_group(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], name: str
) -> argparse._SubParsersAction[argparse.ArgumentParser]:
    """The subcommands of ``xzufi NAME`` (``xdf`` or ``data``), made on first use."""
    parser = sub.choices.get(name)
    if parser is None or parser not in _ACTIONS:
        help_text, description = _GROUPS[name]
        parser = sub.add_parser(name, help=help_text, description=description)
        _ACTIONS[parser] = parser.add_subparsers(dest=f"{name}_command", metavar="COMMAND")
        group = parser
        parser.set_defaults(handler=lambda _a: print_help(group))
    return _ACTIONS[parser]


def _codelist_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--codelist",
        action="append",
        default=[],
        metavar="FILE",
        help="genericode 1.0 file with a code list the schema references (repeatable); "
        "without it, bundled lists of matching URI and version are used",
    )


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    xdf = command_group(sub, "xdf")
    check = xdf.add_parser(
        "check",
        help="quality checks of a Stammdatenschema (XDF-… findings)",
        description=(
            "Check XDatenfelder schemas as a FIM editor does before publishing: ids and "
            "versions, labels, cardinalities, praezisierung, code lists, rules, empty groups. "
            "Exit 0: nothing at or above --fail-on; 1: findings or unreadable input; "
            "2: usage error."
        ),
    )
    check.add_argument("schema", nargs="*", metavar="SCHEMA", help="schema file(s), or '-'")
    check.add_argument(
        "--list-rules",
        action="store_true",
        help="list the XDF- codes with severity and title (--lang) and exit",
    )
    add_report_options(check)
    check.set_defaults(handler=run_check)

    js = xdf.add_parser(
        "jsonschema",
        help="JSON Schema (Draft 2020-12) of the application data",
        description=(
            "Derive the JSON Schema of the application data as FIT-Connect does: keys are "
            "element ids. Derivation notes (code lists not at hand …) go to standard error."
        ),
    )
    js.add_argument("schema", metavar="SCHEMA", help="schema file, or '-'")
    js.add_argument("-o", "--output", required=True, metavar="OUT.json", help="output, or '-'")
    _codelist_option(js)
    add_report_options(js, report_flag="--report")
    js.set_defaults(handler=run_jsonschema)

    data = command_group(sub, "data")
    dcheck = data.add_parser(
        "check",
        help="check application data against a Stammdatenschema",
        description=(
            "Check DATA.json against the schema: cardinalities, types, lengths, patterns, "
            "ranges, code lists, DIN 91379, and the rules that can be evaluated (scripts are "
            "never executed). Values appear in messages only with --show-values."
        ),
    )
    dcheck.add_argument(
        "data",
        nargs="+",
        metavar="DATA.json",
        help="data file(s), or '-'; the schema is compiled once",
    )
    dcheck.add_argument("--schema", required=True, metavar="SCHEMA", help="XDatenfelder schema")
    _codelist_option(dcheck)
    dcheck.add_argument(
        "--show-values",
        action="store_true",
        help="put data values into messages (personal data: keep such reports private)",
    )
    add_report_options(dcheck)
    dcheck.set_defaults(handler=run_data_check)


def _rules() -> dict[str, RuleMeta]:
    from xzufi_toolkit.xdf import check, data, jsonschema

    return {**check.RULES, **jsonschema.RULES, **data.RULES}


def read_schema(path: str) -> tuple[XdfDocument, str]:
    """The schema at ``path`` (``-``: standard input) and its display name; a
    large file is streamed (:func:`~xzufi_toolkit.xdf.reader.read_xdf`)."""
    from xzufi_toolkit.cli.common import read_input
    from xzufi_toolkit.xdf.reader import read_xdf, read_xdf_bytes

    if path == "-":
        raw, name = read_input(path)
        return read_xdf_bytes(raw, file=name), name
    return read_xdf(path), path


def _list_rules(args: argparse.Namespace) -> int:
    from xzufi_toolkit.cli.report_options import resolve_lang
    from xzufi_toolkit.xdf import check, jsonschema

    lang = resolve_lang(args)
    for title, rules in (
        (f"# {len(check.RULES)} rules: xdf check (quality of the schema)", check.RULES),
        (f"# {len(jsonschema.RULES)} notes: xdf jsonschema (deriving)", jsonschema.RULES),
    ):
        sys.stdout.write(title + "\n")
        for code, r in rules.items():
            sys.stdout.write(f"{code}\t{r.severity.value}\t{r.title(lang)}\n")
    return 0


def run_check(args: argparse.Namespace) -> int:
    from xzufi_toolkit.xdf.check import iter_findings

    if args.list_rules:
        return _list_rules(args)
    if not args.schema:
        raise UsageError("no SCHEMA given", hint="xzufi xdf check SCHEMA… or --list-rules")
    check_report_file(args, args.schema)
    report = Report()
    for path in args.schema:
        report.documents += 1
        try:
            doc, name = read_schema(path)
        except InputError as exc:
            report.add(input_finding("XDF-INPUT", exc))
            continue
        report.extend(iter_findings(doc, file=name))
    return emit_report(report, args, rules=_rules(), inputs=args.schema)


def _codelists(paths: list[str]) -> list[tuple[str, GenericodeList]]:
    from xzufi_toolkit.xdf.genericode import read_genericode

    return [(p, read_genericode(p)) for p in paths]


def run_jsonschema(args: argparse.Namespace) -> int:
    from xzufi_toolkit.cli.common import write_output
    from xzufi_toolkit.io.atomicio import check_output
    from xzufi_toolkit.xdf.jsonschema import derive, dump

    inputs = [args.schema, *args.codelist]
    if args.output != "-":
        check_output(args.output, *inputs)
    check_report_file(args, inputs, [args.output])
    doc, name = read_schema(args.schema)
    lists = _codelists(args.codelist)
    derived = derive(doc, codelists=lists, file=name)
    write_output(args.output, dump(derived.schema), *inputs)
    report = Report(findings=list(derived.findings), documents=1)
    return emit_report(report, args, rules=_rules(), inputs=inputs, stream=sys.stderr)


def run_data_check(args: argparse.Namespace) -> int:
    from xzufi_toolkit.cli.common import read_input
    from xzufi_toolkit.xdf.data import check_data, load_data_schema

    inputs = [*args.data, args.schema, *args.codelist]
    check_report_file(args, inputs)
    ds = load_data_schema(args.schema, args.codelist)  # unreadable schema: one error line
    report = Report()
    for path in args.data:
        try:
            raw, name = read_input(path)
        except InputError as exc:
            report.add(input_finding("DATA-INPUT", exc))
            report.documents += 1
            continue
        one = check_data(raw, ds, file=name, show_values=args.show_values)
        report.extend(one.findings)
        report.documents += one.documents
    return emit_report(report, args, rules=_rules(), inputs=inputs)

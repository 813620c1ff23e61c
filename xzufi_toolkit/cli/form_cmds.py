"""``xzufi form fill | inspect | preview``: the authority's PDF form from case data.

``fill`` checks each case first as ``case check`` does (schema, rules, and
the bundled Leistung unless ``--leistung``/``--no-leistung`` say otherwise)
and refuses invalid data; another authority's form (``--form`` with
``--mapping``) takes any JSON instead, checked against ``--data-schema`` when
given; values are then checked against the template;
nothing is written for a case with errors. Several cases fill in a batch into ``-o DIR`` with
``--jobs N`` worker processes, each building the font subset once.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from xzufi_toolkit.cli.common import (
    iso_date,
    leistung_from_args,
    leistung_options,
    print_help,
    read_input,
    require_mapping,
    write_output,
)
from xzufi_toolkit.cli.report_options import (
    add_report_options,
    check_report_file,
    emit_report,
    input_finding,
)
from xzufi_toolkit.errors import InputError, UsageError, ValidationFailedError, XzufiError
from xzufi_toolkit.findings import Finding, Report

if TYPE_CHECKING:
    from xzufi_toolkit.model import Leistung
    from xzufi_toolkit.pipeline import DataSchema, FormSetup

__all__ = ["register"]


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    form = sub.add_parser("form", help="fill, inspect and preview PDF application forms")
    fsub = form.add_subparsers(dest="form_command", metavar="SUBCOMMAND")
    form.set_defaults(handler=lambda _a: print_help(form))

    fill = fsub.add_parser("fill", help="fill the form from validated case JSON")
    fill.add_argument(
        "cases", nargs="+", metavar="CASE.json", help="case JSON file(s), or '-' for stdin"
    )
    fill.add_argument("-o", "--output", required=True, help="output PDF (a folder for several)")
    fill.add_argument("--form", help="template PDF (default: the bundled form)")
    fill.add_argument("--mapping", help="mapping JSON (default: the bundled mapping)")
    fill.add_argument("--flatten", action="store_true", help="merge fields into the pages (qpdf)")
    fill.add_argument(
        "--data-schema",
        metavar="SCHEMA.json",
        help="JSON Schema the data are checked against first (for any form; another "
        "authority's form gets no residence-permit case checks)",
    )
    fill.add_argument("--jobs", type=int, default=1, help="worker processes for several cases")
    fill.add_argument(
        "--today", type=iso_date, metavar="YYYY-MM-DD", help="date the rules check against"
    )
    fill.add_argument("--show-values", action="store_true", help="put values into messages")
    fill.add_argument(
        "--no-annex",
        action="store_true",
        help="refuse text that does not fit its box instead of continuing it on annex pages",
    )
    leistung_options(fill)
    add_report_options(fill, report_flag="--report")
    # A FORM-* message names the form field; the JSON path says which case
    # value it came from, so text lines carry it without --verbose (as before).
    fill.set_defaults(handler=_fill, verbose=True)

    insp = fsub.add_parser("inspect", help="list the fields of any AcroForm")
    insp.add_argument("pdf", metavar="PDF", help="any PDF with an AcroForm")
    insp.add_argument("--json", action="store_true", help="the same as --format json")
    insp.add_argument(
        "--skeleton",
        action="store_true",
        help="a mapping to complete, with each field's printed label, tooltip and options "
        "(--format text or markdown: the same for review)",
    )
    insp.add_argument(
        "--format",
        dest="output_format",
        choices=("json", "text", "markdown"),
        help="output format (default: text; json with --skeleton)",
    )
    insp.set_defaults(handler=_inspect)

    prev = fsub.add_parser("preview", help="render a page to PNG (pdfium or poppler)")
    prev.add_argument("pdf", metavar="PDF", help="the PDF to render")
    prev.add_argument("-o", "--output", required=True, metavar="PAGE.png", help="the PNG to write")
    prev.add_argument("--page", type=int, default=1, help="page number, from 1")
    prev.add_argument("--dpi", type=float, default=100.0, help="resolution")
    prev.add_argument("--engine", choices=("pdfium", "poppler"), default="pdfium", help="renderer")
    prev.set_defaults(handler=_preview)


def _quiet_pypdf() -> None:
    """pypdf logs repairs of damaged files ("EOF marker not found"); our errors say it once."""
    import logging

    logging.getLogger("pypdf").setLevel(logging.ERROR)


# -- fill ------------------------------------------------------------------
_WORKER: dict[str, Any] = {}


def _setup(form_path: str | None, mapping_path: str | None) -> FormSetup:
    """Template, filler and mapping, checked against each other (once per process)."""
    from xzufi_toolkit.pipeline import form_setup

    require_mapping(form_path, mapping_path)
    _quiet_pypdf()
    return form_setup(form_path, mapping_path)


def _init_worker(
    form_path: str | None,
    mapping_path: str | None,
    leistung: Leistung | None,
    schema_path: str | None = None,
) -> None:
    _WORKER["setup"] = _setup(form_path, mapping_path)
    _WORKER["leistung"] = leistung
    _WORKER["schema"] = _data_schema(schema_path)


def _data_schema(path: str | None) -> DataSchema | None:
    """The ``--data-schema`` file, loaded and checked (a bad one is a configuration error)."""
    from xzufi_toolkit.errors import ConfigError
    from xzufi_toolkit.pipeline import load_data_schema

    if path is None:
        return None
    try:
        data, name = read_input(path)
    except InputError as exc:
        raise ConfigError(exc.message, file=path, hint=exc.hint) from None
    return load_data_schema(data, file=name)


@dataclass(frozen=True, slots=True)
class FillTask:
    """One case to fill (picklable, for the worker processes)."""

    case: str
    output: str
    today: dt.date
    flatten: bool = False
    show_values: bool = False
    annex: bool = True


FillResult = tuple[str, int, list[Finding], str | None]


def fill_one(
    task: FillTask,
    setup: FormSetup | None = None,
    leistung: Leistung | None = None,
    schema: DataSchema | None = None,
) -> FillResult:
    """Fill one case; (case, exit code, findings, error message).

    The findings are the data schema's (``--data-schema``), the case check's
    (the bundled form only; warnings and infos too) and the form's notes; a
    case that cannot be read is a ``CASE-INPUT`` finding. The error message is
    for what is not a finding (e.g. the PDF cannot be written).
    """
    from xzufi_toolkit.pipeline import check_case_bytes, check_data_bytes, fill_case

    if setup is None:
        setup, leistung, schema = _WORKER["setup"], _WORKER["leistung"], _WORKER["schema"]
    show = task.show_values
    try:
        data, name = read_input(task.case)
        document, report = check_data_bytes(data, schema=schema, file=name, show_values=show)
        found = list(report)
        if setup.own_form:  # the residence-permit case: its schema, rules and Leistung
            checked = check_case_bytes(
                data, today=task.today, file=name, leistung=leistung, show_values=show
            )
            document = checked.document
            found += list(checked.report)
    except ValidationFailedError as exc:
        findings = list(exc.report)
        return task.case, 1, findings, None if findings else str(exc)
    except InputError as exc:
        return task.case, 1, [input_finding("CASE-INPUT", exc)], None
    try:
        pdf, notes = fill_case(
            document,
            setup=setup,
            flatten=task.flatten,
            annex=task.annex,
            file=name,
            show_values=show,
            leistung=leistung,  # the fee on the form from the same Leistung as the check
        )
        write_output(task.output, pdf, *[p for p in (task.case, setup.filler.file) if p])
    except ValidationFailedError as exc:
        return task.case, 1, [*found, *exc.report], None
    except XzufiError as exc:
        return task.case, exc.exit_code, found, str(exc)
    return task.case, 0, [*found, *notes], None


def _fill(args: argparse.Namespace) -> int:
    today = args.today or dt.date.today()
    if args.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    several = len(args.cases) > 1
    out = Path(args.output)
    if several and not out.is_dir():
        raise UsageError(
            "several cases need an existing output folder", file=args.output, hint="mkdir it"
        )
    tasks = [
        FillTask(
            case=case,
            output=str(out / (Path(case).stem + ".pdf"))
            if several or out.is_dir()
            else args.output,
            today=today,
            flatten=bool(args.flatten),
            show_values=bool(args.show_values),
            annex=not args.no_annex,
        )
        for case in args.cases
    ]
    inputs = [
        p for p in (*args.cases, args.form, args.mapping, args.leistung, args.data_schema) if p
    ]
    check_report_file(args, inputs, [t.output for t in tasks])
    setup = _setup(args.form, args.mapping)  # fail fast on a bad form or mapping
    schema = _data_schema(args.data_schema)
    # an unreadable --leistung stops the run; another authority's form needs none
    leistung = leistung_from_args(args) if setup.own_form else None
    results: list[FillResult]
    if args.jobs == 1 or not several:
        results = [fill_one(task, setup, leistung, schema) for task in tasks]
    else:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(
            max_workers=args.jobs,
            initializer=_init_worker,
            initargs=(args.form, args.mapping, leistung, args.data_schema),
        ) as pool:
            chunk = max(1, len(tasks) // (args.jobs * 4))
            results = list(pool.map(fill_one, tasks, chunksize=chunk))
    return _report(results, args, inputs)


def _report(results: list[FillResult], args: argparse.Namespace, inputs: list[str]) -> int:
    """One report over all cases in the shared formats, then what was not filled.

    The report goes to stderr (``-o -`` puts the PDF on stdout) or ``--report``.
    It holds every case's check findings (warnings and infos too), the form's
    notes, and a ``CASE-INPUT`` error for a case that cannot be read; the batch
    goes on with the other cases. A case not filled fails the run even with
    ``--exit-zero``, as ``message build`` does when it writes no message.
    """
    from xzufi_toolkit.case.rules import RULES

    report = Report(findings=[f for r in results for f in r[2]], documents=len(results))
    code = emit_report(report, args, rules=RULES, inputs=inputs, stream=sys.stderr)
    from xzufi_toolkit.io.textsafe import escape_controls

    for case, failed, _findings, error in results:
        if error:  # names from a folder listing: a newline must not forge a line
            sys.stderr.write(f"xzufi: error: {escape_controls(str(error))}\n")
        if failed and not args.quiet:
            sys.stderr.write(f"xzufi: {escape_controls(case)}: not filled, nothing written\n")
        code = max(code, failed)
    if len(results) > 1 and not args.quiet:
        done = sum(1 for r in results if r[1] == 0)
        sys.stderr.write(f"filled {done} of {len(results)} case(s)\n")
    return code


# -- inspect / preview -----------------------------------------------------
def _inspect(args: argparse.Namespace) -> int:
    from xzufi_toolkit.form.inspect import describe_form, inspect_form, mapping_skeleton
    from xzufi_toolkit.form.labels import with_labels

    _quiet_pypdf()
    data, name = read_input(args.pdf)
    info = inspect_form(data, file=name)
    fmt = args.output_format or ("json" if args.json or args.skeleton else "text")
    if args.skeleton or fmt != "json":
        info = with_labels(data, info, file=name)  # the printed labels, for people
    if fmt != "json":
        sys.stdout.write(describe_form(info, file=name, fmt=fmt))
        if fmt == "text" and not args.skeleton:
            sys.stdout.write(
                f"XFA: {'yes (hybrid; filling removes it)' if info.xfa else 'no'}; "
                f"NeedAppearances: {'yes' if info.need_appearances else 'no'}; "
                f"fonts in /DR: {', '.join(info.fonts) or '-'}\n"
            )
        return 0
    doc = mapping_skeleton(info, form_name=Path(name).name) if args.skeleton else info.as_dict()
    sys.stdout.write(json.dumps(doc, ensure_ascii=False, indent=2) + "\n")
    return 0


def _preview(args: argparse.Namespace) -> int:
    from xzufi_toolkit.form.inspect import open_form
    from xzufi_toolkit.form.render import png_bytes, render_pdfium, render_poppler

    data, name = read_input(args.pdf)
    if b"%PDF-" not in data[:1024]:
        open_form(data, file=name)  # raises the clear "not a PDF" error
    if not 10 <= args.dpi <= 600:
        raise UsageError("--dpi must be between 10 and 600")
    render = render_pdfium if args.engine == "pdfium" else render_poppler
    image = render(data, args.page, dpi=args.dpi, file=name)
    write_output(args.output, png_bytes(image), args.pdf)
    return 0

"""``xzufi validate PATH…``: XSD plus business rules over files, folders, globs or stdin.

The command only parses arguments, builds :class:`~xzufi_toolkit.validate.api.Options`
and hands over to the library; report formats and exit codes are shared with
the other checking commands (:mod:`xzufi_toolkit.cli.report_options`).
"""

from __future__ import annotations

import argparse
import glob
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from xzufi_toolkit.cli.common import glob_paths, iso_date, write_output
from xzufi_toolkit.cli.report_options import (
    add_report_options,
    emit_report,
    resolve_format,
    resolve_lang,
)
from xzufi_toolkit.errors import InputError, UsageError
from xzufi_toolkit.io.textsafe import escape_controls

if TYPE_CHECKING:
    from collections.abc import Mapping

    from xzufi_toolkit.findings import Report
    from xzufi_toolkit.reporters import RuleMeta
    from xzufi_toolkit.validate.api import Options
    from xzufi_toolkit.validate.config import RuleConfig
    from xzufi_toolkit.validate.suppress import Baseline

__all__ = ["register"]

_STDIN = "-"


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "validate",
        help="validate Leistungen and transfer messages (XSD + business rules)",
        description=(
            "Validate XZuFi 2.2.0/2.3.1 Leistung documents and transfer messages against "
            "the schema and the business rules (docs/rules.md). PATH may be a file, a folder "
            "(searched for *.xml), a glob, or '-' for standard input. Exit 0: nothing at or "
            "above --fail-on; 1: findings or unreadable documents; 2: usage or configuration error."
        ),
    )
    p.add_argument("paths", nargs="*", metavar="PATH", help="files, folders, globs, or '-'")
    p.add_argument(
        "--engine",
        choices=["lxml", "xmlschema", "none"],
        default="lxml",
        help="XSD engine: lxml (libxml2, default), xmlschema, or none (rules only)",
    )
    p.add_argument(
        "--schema-dir",
        metavar="DIR",
        help="folder holding the official xzufi.xsd to validate against instead of the profile",
    )
    p.add_argument(
        "--config",
        metavar="TOML",
        help="rule configuration (default: the first .xzufi-validate.toml, or pyproject.toml"
        " with [tool.xzufi.validate], from the current folder up to the repository root)",
    )
    p.add_argument(
        "--isolated",
        "--no-config",
        dest="isolated",
        action="store_true",
        help="search for no configuration file and use none (default: off)",
    )
    p.add_argument(
        "--disable",
        metavar="CODE",
        action="append",
        default=[],
        help="switch a rule off (repeatable, or comma-separated)",
    )
    p.add_argument(
        "-j",
        "--jobs",
        type=int,
        default=1,
        metavar="N",
        help="processes: files in parallel, or one large transfer message split by entries;"
        " the report is the same (0: all cores)",
    )
    p.add_argument(
        "--show-values",
        action="store_true",
        help="include document values (links, schema facet values) in messages",
    )
    p.add_argument(
        "--today",
        type=iso_date,
        metavar="YYYY-MM-DD",
        help="date that 'in the future' is measured against (default: today)",
    )
    p.add_argument(
        "--only-xzufi",
        action="store_true",
        help="skip, quietly, XML whose root is surely not XZuFi (a pom.xml); they are counted"
        " as skipped (default: off; the pre-commit hook sets it)",
    )
    p.add_argument(
        "--baseline",
        metavar="FILE",
        help="report only findings not in this baseline (written by --write-baseline)",
    )
    p.add_argument(
        "--write-baseline",
        metavar="FILE",
        help="write the current findings to FILE as the accepted baseline; exit 0",
    )
    p.add_argument("--list-rules", action="store_true", help="list the rule codes and exit")
    p.add_argument(
        "--export-schematron",
        metavar="FILE",
        help="write the rules XPath can state as ISO Schematron to FILE and exit",
    )
    p.add_argument(
        "--for-version",
        choices=["2.2.0", "2.3.1"],
        default="2.3.1",
        help="XZuFi version of the Schematron export (default: 2.3.1)",
    )
    add_report_options(p)
    p.set_defaults(handler=run)


def _expand(paths: list[str]) -> list[str]:
    """Files from PATH arguments: folders searched for *.xml, globs expanded, order kept."""
    out: list[str] = []
    for raw in paths:
        if raw == _STDIN:
            out.append(raw)
            continue
        p = Path(raw)
        if p.is_dir():
            found = sorted(str(f) for f in p.rglob("*.xml") if f.is_file())
            if not found:  # "valid" over nothing would hide a wrong path: missing input, exit 1
                raise InputError(f"{raw}: no *.xml file in the folder")
            out.extend(found)
        elif not p.exists() and glob.has_magic(raw):
            matches = glob_paths(raw)  # ** does not follow symlinked folders (loops)
            if not matches:  # like a missing file: an XZ-IO-001 finding, exit 1
                out.append(raw)
            for m in matches:
                out.extend(_expand([m]) if Path(m).is_dir() else [m])
        else:
            out.append(raw)  # a missing file becomes an XZ-IO-001 finding
    return list(dict.fromkeys(out))  # each file once, first position kept


def _foreign(head: bytes) -> bool:
    from xzufi_toolkit.validate.sniff import is_foreign  # only with --only-xzufi

    return is_foreign(head)


def _split_foreign(files: list[str]) -> tuple[list[str], list[str]]:
    """(files to validate, files skipped as surely not XZuFi) for --only-xzufi.
    A file that cannot be read is validated: its error is reported, not hidden."""
    from xzufi_toolkit.validate.sniff import HEAD_BYTES

    checked: list[str] = []
    skipped: list[str] = []
    for name in files:
        try:
            with open(name, "rb") as fh:  # noqa: PTH123  # many files: no Path each
                head = fh.read(HEAD_BYTES)
        except OSError:
            checked.append(name)
            continue
        (skipped if _foreign(head) else checked).append(name)
    return checked, skipped


def _list_rules() -> int:
    from xzufi_toolkit.validate import rules  # noqa: F401  # importing fills the registry
    from xzufi_toolkit.validate.registry import RULES

    # Rules judge one Leistung each; runner codes are what the runner itself
    # reports (input, schema, across the entries of a transfer message).
    checks = [code for code in sorted(RULES) if RULES[code].fn is not None]
    runner = [code for code in sorted(RULES) if RULES[code].fn is None]
    for title, codes in (
        (f"# {len(checks)} rules: checks of each Leistung", checks),
        (f"# {len(runner)} runner codes: input, XSD and transfer-message findings", runner),
    ):
        sys.stdout.write(title + "\n")
        for code in codes:
            r = RULES[code]
            sys.stdout.write(f"{code}\t{r.severity.value}\t{r.title_en}\n")
    return 0


class _Progress:
    """A one-line counter on a terminal's stderr; silent in CI logs and pipes."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.last = 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if not self.enabled or (now - self.last < 0.2 and done < total):
            return
        self.last = now
        sys.stderr.write(f"\rxzufi validate: {done}/{total} files")
        if done == total:
            sys.stderr.write("\r\033[K")
        sys.stderr.flush()


def run(args: argparse.Namespace) -> int:
    if args.list_rules:
        return _list_rules()
    if args.export_schematron:
        from xzufi_toolkit.validate.schematron import export_schematron

        write_output(args.export_schematron, export_schematron(args.for_version))
        return 0
    if not args.paths:
        raise UsageError("no PATH given", hint="xzufi validate FILE|FOLDER|GLOB|- …")
    if args.jobs < 0:
        raise UsageError("--jobs must be 0 (all cores) or more")

    from xzufi_toolkit.validate.api import Options

    config = _rule_config(args)
    options = Options(
        engine=args.engine,
        schema_dir=args.schema_dir,
        config=config,
        show_values=args.show_values,
        today=args.today,
    )
    if args.schema_dir and args.engine != "none":
        from xzufi_toolkit.errors import SchemaError
        from xzufi_toolkit.xzufi.schema import MAIN_FILE

        if not (Path(args.schema_dir) / MAIN_FILE).is_file():  # fail early with exit 2
            raise SchemaError(
                f"no {MAIN_FILE} in the schema folder",
                file=str(args.schema_dir),
                hint="point --schema-dir at the folder holding the official XZuFi XSDs "
                "of the documents' version (2.2.0 or 2.3.1)",
            )
    paths = _expand(args.paths)
    files = [p for p in paths if p != _STDIN]
    baseline = _baseline(args, files)  # a bad baseline fails before the run
    report = _validate(args, options, files, stdin=_STDIN in paths)
    _accepted(args, report, baseline)
    return _emit(args, report, config, files)


def _baseline(args: argparse.Namespace, files: list[str]) -> Baseline | None:
    if args.baseline and args.write_baseline:
        raise UsageError("--baseline and --write-baseline exclude each other")
    if args.write_baseline:
        from xzufi_toolkit.io.atomicio import check_output

        check_output(args.write_baseline, *files)
    if not args.baseline:
        return None
    from xzufi_toolkit.validate.registry import RULES
    from xzufi_toolkit.validate.suppress import load_baseline

    return load_baseline(args.baseline, set(RULES))


def _accepted(args: argparse.Namespace, report: Report, baseline: Baseline | None) -> None:
    """Drop what inline comments ignore and what the baseline holds (or write it)."""
    if not report.findings and not args.write_baseline:
        return  # nothing to drop: the clean run imports none of it
    from xzufi_toolkit.validate.registry import RULES
    from xzufi_toolkit.validate.suppress import apply_inline, write_baseline

    before = len(report.findings)
    report.findings = apply_inline(report.findings, set(RULES))
    if args.verbose and before > len(report.findings):
        sys.stderr.write(
            f"xzufi validate: {before - len(report.findings)} finding(s) ignored by"
            " 'xzufi: ignore' comments\n"
        )
    note = ""
    if args.write_baseline:
        n = write_baseline(args.write_baseline, report.findings)
        report.findings = []
        note = f"{n} finding(s) written to the baseline {args.write_baseline}"
    elif baseline is not None:
        report.findings, known = baseline.split(report.findings)
        note = f"{known} finding(s) in the baseline not reported" if known else ""
    if note and not args.quiet:
        sys.stderr.write(escape_controls(f"xzufi validate: {note}") + "\n")


def _rule_config(args: argparse.Namespace) -> RuleConfig:
    """The configuration as given, found (ruff's discovery) or none, plus --disable."""
    from xzufi_toolkit.validate.config import RuleConfig, disable_rules, find_config, load_config

    if args.config and args.isolated:
        raise UsageError("--config and --isolated exclude each other")
    config_path = args.config or (None if args.isolated else find_config())
    config = load_config(config_path) if config_path else RuleConfig()
    if args.verbose:  # which file ruled this run, as ruff -v says
        used = f"configuration {config_path}" if config_path else "no configuration file"
        sys.stderr.write(f"xzufi validate: {used}{' (--isolated)' if args.isolated else ''}\n")
    disable = [c.strip() for item in args.disable for c in item.split(",") if c.strip()]
    return disable_rules(config, disable)


def _validate(args: argparse.Namespace, options: Options, files: list[str], stdin: bool) -> Report:
    from xzufi_toolkit.findings import Report
    from xzufi_toolkit.validate.api import validate_bytes, validate_paths

    jobs = args.jobs or os.cpu_count() or 1
    interactive = (
        sys.stderr.isatty() and not args.quiet and not os.environ.get("CI") and len(files) > 1
    )
    report = Report()
    checked = files
    if args.only_xzufi:
        checked, skipped = _split_foreign(files)
        report.skipped = len(skipped)
        if args.verbose:
            for name in skipped:
                sys.stderr.write(
                    escape_controls(f"xzufi validate: skipped, not XZuFi: {name}") + "\n"
                )
    if stdin:
        # one byte over the limit is enough for validate_bytes to report XZ-IO-004
        data = sys.stdin.buffer.read(options.limits.max_bytes + 1)
        if args.only_xzufi and _foreign(data):
            report.skipped += 1
        else:
            _add(report, validate_bytes(data, name="<stdin>", options=options))
    _add(
        report, validate_paths(checked, options=options, jobs=jobs, progress=_Progress(interactive))
    )
    return report


def _add(report: Report, more: Report) -> None:
    report.extend(more.findings)
    report.documents += more.documents
    report.objects += more.objects


def _emit(args: argparse.Namespace, report: Report, config: RuleConfig, files: list[str]) -> int:
    """Write the report (and GitHub's step summary) and return the exit code."""
    from xzufi_toolkit.validate.registry import rule_meta

    fmt = resolve_format(args)
    rules = rule_meta()
    if fmt in {"sarif", "github"}:  # rule help and links; metadata is read only for these
        from xzufi_toolkit.validate.rulehelp import default_rules_url, rule_help

        rules = rule_help(config.rules_url or default_rules_url())
    code = emit_report(report, args, rules=rules, inputs=files)
    summary_file = os.environ.get("GITHUB_STEP_SUMMARY")
    if fmt == "github" and summary_file:
        _append_step_summary(summary_file, report, resolve_lang(args), rules)
    return code


def _append_step_summary(
    path: str, report: Report, lang: str, rules: Mapping[str, RuleMeta]
) -> None:
    """Append the Markdown summary to GitHub's step summary file. A summary that
    cannot be written is a warning: the check's verdict does not depend on it."""
    from xzufi_toolkit.reporters import github_step_summary

    text = github_step_summary(report, lang, rules=rules)
    try:
        with open(path, "a", encoding="utf-8") as fh:  # noqa: PTH123  # GitHub appends, so do we
            fh.write(text)
    except OSError as exc:
        sys.stderr.write(
            escape_controls(
                f"xzufi: warning: {path}: cannot append the step summary: "
                f"{exc.strerror or type(exc).__name__}"
            )
            + "\n"
        )

"""Report options shared by every command that prints findings.

``xzufi validate``, ``xzufi case check``, ``xzufi message build/read``,
``xzufi form fill`` and ``xzufi bundle`` (build and verify) use the same flags
and the same exit-code logic:

- ``--format`` text, json, junit, sarif, github, gitlab (default: ``github``
  when ``GITHUB_ACTIONS=true``, else ``text``);
- ``--fail-on`` error|warning|info (default error), ``--exit-zero``;
- ``--lang`` de|en (default from ``LC_ALL``/``LC_MESSAGES``/``LANG``);
- ``--quiet`` (findings only, no summary or progress), ``--verbose`` (the
  XPath or JSON path of each finding, text format);
- ``-o/--output FILE`` writes the report atomically instead of to the
  terminal; where ``-o`` is the command's product (message, PDF, bundle) the
  report file is ``--report FILE`` (``report_flag="--report"``).

Exit codes are 0 (nothing at or above ``--fail-on``) or 1 (findings or
unreadable documents); 2 comes from :class:`~xzufi_toolkit.errors.XzufiError`
raised for usage and configuration problems. Never a count.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterable, Mapping
from typing import Literal, TextIO

from xzufi_toolkit.errors import InputError
from xzufi_toolkit.findings import Finding, Location, Report, Severity
from xzufi_toolkit.reporters import FORMATS, RuleMeta, render, summary

__all__ = [
    "add_report_options",
    "check_report_file",
    "emit_report",
    "exit_code",
    "input_finding",
    "resolve_format",
    "resolve_lang",
]

EXIT_OK = 0
EXIT_FINDINGS = 1


def add_report_options(
    parser: argparse.ArgumentParser, *, report_flag: Literal["--output", "--report"] = "--output"
) -> None:
    """Add the shared report flags to a subcommand's parser.

    The report file is ``-o/--output FILE`` where the report is the command's
    only output, ``--report FILE`` (``report_flag="--report"``) where ``-o``
    names what the command makes. Either way it lands in ``args.report``.
    """
    group = parser.add_argument_group("report")
    group.add_argument(
        "-f",
        "--format",
        choices=sorted(FORMATS),
        default=None,
        help="report format (default: github under GitHub Actions, else text)",
    )
    group.add_argument(
        "--fail-on",
        choices=[s.value for s in Severity],
        default=Severity.ERROR.value,
        help="lowest severity that makes the exit code 1 (default: error)",
    )
    group.add_argument(
        "--exit-zero",
        action="store_true",
        help="exit 0 even when findings are reported (usage errors still exit 2)",
    )
    group.add_argument(
        "--lang",
        choices=["de", "en"],
        default=None,
        help="language of messages (default: from the locale, else en)",
    )
    group.add_argument(
        *(["-o", "--output"] if report_flag == "--output" else ["--report"]),
        dest="report",
        metavar="FILE",
        default=None,
        help="write the report to FILE (atomically) instead of the terminal",
    )
    noise = group.add_mutually_exclusive_group()
    noise.add_argument(
        "-q", "--quiet", action="store_true", help="print findings only: no summary, no progress"
    )
    noise.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="add the XPath or JSON path of each finding (text format)",
    )


def input_finding(code: str, exc: InputError) -> Finding:
    """An input that cannot be read, as an error finding ``code`` of that file.

    Commands that report findings put unreadable input into the report
    (``CASE-INPUT``, ``MSG-INPUT``) instead of an ``xzufi: error:`` line, so a
    CI job reading the report file sees the failure.
    """
    return Finding(
        code=code,
        severity=Severity.ERROR,
        message=exc.message + (f" ({exc.hint})" if exc.hint else ""),
        location=Location(file=exc.file, line=exc.line),
    )


def resolve_format(args: argparse.Namespace, environ: Mapping[str, str] | None = None) -> str:
    env = os.environ if environ is None else environ
    fmt = getattr(args, "format", None)
    if fmt:
        return str(fmt)
    return "github" if env.get("GITHUB_ACTIONS") == "true" else "text"


def resolve_lang(args: argparse.Namespace, environ: Mapping[str, str] | None = None) -> str:
    env = os.environ if environ is None else environ
    lang = getattr(args, "lang", None)
    if lang:
        return str(lang)
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(var)
        if value:
            return "de" if value.lower().startswith("de") else "en"
    return "en"


def exit_code(report: Report, args: argparse.Namespace) -> int:
    """0 or 1 from the report and ``--fail-on``/``--exit-zero``."""
    if getattr(args, "exit_zero", False):
        return EXIT_OK
    fail_on = Severity(getattr(args, "fail_on", Severity.ERROR.value))
    return EXIT_FINDINGS if report.fails(fail_on) else EXIT_OK


def check_report_file(
    args: argparse.Namespace, inputs: Iterable[str], products: Iterable[str] = ()
) -> None:
    """Refuse a bad report file before anything is written (no half-written results).

    It must not be one of the ``inputs`` nor one of the command's ``products``
    (the files ``-o`` names).
    """
    target = getattr(args, "report", None)
    if not target or target == "-":
        return
    from pathlib import Path

    from xzufi_toolkit.errors import UsageError
    from xzufi_toolkit.io.atomicio import check_output

    check_output(target, *inputs)
    where = Path(target).resolve()
    if any(p != "-" and Path(p).resolve() == where for p in products):
        raise UsageError("--report and -o name the same file", file=target)


def emit_report(
    report: Report,
    args: argparse.Namespace,
    *,
    rules: Mapping[str, RuleMeta] | Iterable[RuleMeta] | None = None,
    inputs: Iterable[str] = (),
    stream: TextIO | None = None,
) -> int:
    """Render the report as the flags say, write it, and return the exit code.

    The report goes to the report file (``-o``/``--report``), else to
    ``stream`` (default: standard output; standard error where standard
    output carries the command's product). ``inputs`` are the files the
    command read: the report file must not name one.
    """
    fmt = resolve_format(args)
    lang = resolve_lang(args)
    quiet = bool(getattr(args, "quiet", False))
    text = render(report, fmt, lang, rules=rules, verbose=bool(getattr(args, "verbose", False)))
    if quiet and fmt == "text":
        # the last line is the summary
        text = "".join(text.splitlines(keepends=True)[:-1])
    target = getattr(args, "report", None)
    if target and target != "-":
        from xzufi_toolkit.io.atomicio import check_output, write_text_atomic

        check_output(target, *inputs)
        write_text_atomic(target, text)
        if fmt != "text" and not quiet:
            # a machine report went to a file: keep a human summary on stderr
            sys.stderr.write(summary(report, lang) + "\n")
    else:
        out = sys.stdout if stream is None else stream
        out.write(text)
        out.flush()
    return exit_code(report, args)

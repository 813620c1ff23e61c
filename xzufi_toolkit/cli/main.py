"""``xzufi``: entry point and dispatch.

Each command lives in its own module of this package with a ``register``
function that adds a subparser and sets ``handler`` (``args -> exit code``).
Heavy libraries are imported inside the handlers, so ``xzufi --help`` and
``xzufi --version`` stay fast.
"""

from __future__ import annotations

import argparse
import importlib
import io
import os
import sys
from collections.abc import Sequence

from xzufi_toolkit import __version__
from xzufi_toolkit.cli.common import Parser
from xzufi_toolkit.errors import XzufiError

# Modules of xzufi_toolkit.cli that register commands, in help order.
COMMAND_MODULES: tuple[str, ...] = (
    "leistung_cmds",  # show, convert
    "validate_cmd",  # validate
    "form_cmds",  # form fill, form inspect, form preview
    "import_cmd",  # import-portal
    "render_cmd",  # render
    "case_cmds",  # case check, message build, message read
    "bundle_cmd",  # bundle, bundle verify
    "demo_cmd",  # demo
    "catalog_cmd",  # catalog apply, sync, responsible, stats, export
    "xdf_cmd",  # xdf check, xdf jsonschema, data check (groups open to others: command_group)
    "xdf_msg_cmd",  # xdf xsd, data build/read, form generate, form fill --schema (after form_cmds)
)

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="xzufi",
        description="XZuFi Leistungsbeschreibungen, XÖV-like applications and PDF forms.",
    )
    parser.add_argument("--version", action="version", version=f"xzufi-toolkit {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    for name in COMMAND_MODULES:
        module = importlib.import_module(f"xzufi_toolkit.cli.{name}")
        module.register(sub)
    return parser


def _pass_file_names_through() -> None:
    """A file name that is not UTF-8 reaches us as lone surrogates; print it back as
    the bytes it was (Python does so itself in the C locale) instead of failing."""
    out = sys.stdout
    if isinstance(out, io.TextIOWrapper) and out.errors == "strict":
        out.reconfigure(errors="surrogateescape")


def _os_error(exc: OSError) -> int:
    """One error line for an OSError no reader or writer translated: a file's, or
    standard output's (``-o -`` onto a full disk or ``/dev/full``)."""
    if isinstance(exc, BrokenPipeError):
        # stdout closed early (e.g. piped into head): not an error of ours.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
    if exc.filename is not None:
        from xzufi_toolkit.io.textsafe import escape_controls

        where = escape_controls(os.fsdecode(exc.filename))
        sys.stderr.write(f"xzufi: error: {where}: {exc.strerror}\n")
        return 1
    sys.stderr.write(f"xzufi: error: cannot write standard output: {exc.strerror}\n")
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())  # the buffered rest would fail again at exit
    return 1


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    _pass_file_names_through()
    try:
        code = handler(args)
    except XzufiError as exc:
        from xzufi_toolkit.io.textsafe import escape_controls

        # a file name with a newline must not forge a second error line
        sys.stderr.write(f"xzufi: error: {escape_controls(str(exc))}\n")
        return exc.exit_code
    except KeyboardInterrupt:
        sys.stderr.write("xzufi: interrupted\n")
        return EXIT_USAGE
    except OSError as exc:  # one not translated where it happened: standard output
        if getattr(args, "debug", False) and not isinstance(exc, BrokenPipeError):
            raise
        return _os_error(exc)
    except Exception as exc:  # last line of defence: one message, never a traceback
        if getattr(args, "debug", False):
            raise
        sys.stderr.write(
            f"xzufi: internal error: {type(exc).__name__}; rerun with --debug and report it\n"
        )
        return EXIT_USAGE
    return int(code)


if __name__ == "__main__":
    raise SystemExit(main())

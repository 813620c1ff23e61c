"""Helpers shared by the command modules: arguments, inputs, outputs.

Imported by ``xzufi --help``: the I/O modules (``tempfile`` and co.) load on use.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NoReturn

from xzufi_toolkit.errors import UsageError

if TYPE_CHECKING:
    from xzufi_toolkit.model import Leistung

__all__ = [
    "HelpFormatter",
    "Parser",
    "glob_paths",
    "iso_date",
    "leistung_from_args",
    "leistung_options",
    "print_help",
    "read_input",
    "require_mapping",
    "write_output",
]


class HelpFormatter(argparse.ArgumentDefaultsHelpFormatter):
    """Each option's default after its help, unless the help names it already.

    Flags (``store_true``) and options without a default get none: "(default:
    False)" or "(default: None)" would teach nothing.
    """

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        if "default" in text or action.default in (None, False, [], argparse.SUPPRESS):
            return text
        if action.option_strings or action.nargs in (argparse.OPTIONAL, argparse.ZERO_OR_MORE):
            return f"{text} (default: %(default)s)"
        return text


class Parser(argparse.ArgumentParser):
    """argparse with the toolkit's usage errors: usage, one line, exit code 2.

    Descriptions and examples missing where a command is registered come from
    :mod:`xzufi_toolkit.cli.helptext`; the examples print as written.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from xzufi_toolkit.cli.helptext import DESCRIPTIONS, EXAMPLES

        kwargs.setdefault("formatter_class", HelpFormatter)
        super().__init__(*args, **kwargs)
        if self.description is None:
            self.description = DESCRIPTIONS.get(self.prog)
        if self.epilog is None:
            self.epilog = EXAMPLES.get(self.prog)

    def format_help(self) -> str:
        epilog, self.epilog = self.epilog, None  # examples keep their lines, not re-wrapped
        try:
            text = super().format_help()
        finally:
            self.epilog = epilog
        return f"{text}\n{epilog.rstrip()}\n" if epilog else text

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        ns, extras = super().parse_known_args(args, namespace)
        # The innermost (sub)command parser returns first and records itself, so
        # that an unknown option is reported with that subcommand's usage.
        if not hasattr(ns, _PARSER_ATTR):
            setattr(ns, _PARSER_ATTR, self)
        return ns, extras

    def parse_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> argparse.Namespace:
        ns, extras = self.parse_known_args(args, namespace)
        owner: Parser = getattr(ns, _PARSER_ATTR, self)
        delattr(ns, _PARSER_ATTR)
        if extras:
            owner.error(f"unrecognized arguments: {' '.join(extras)}")
        return ns

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        sys.stderr.write(f"{self.prog}: error: {message}\n")
        raise SystemExit(2)


_PARSER_ATTR = "_xzufi_parser"


def iso_date(text: str) -> dt.date:
    """``type=`` for date options such as ``--today``."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def print_help(parser: argparse.ArgumentParser) -> int:
    """Handler of a bare command group: its help on stderr, usage exit code."""
    parser.print_help(sys.stderr)
    return 2


def require_mapping(form: str | None, mapping: str | None) -> None:
    """A template of one's own (``--form``) needs its own ``--mapping``."""
    if form and not mapping:
        raise UsageError("--form needs --mapping", hint="create one: xzufi form inspect --skeleton")


def read_input(path: str) -> tuple[bytes, str]:
    """Bytes and display name of ``path``; ``-`` reads standard input."""
    from xzufi_toolkit.io.inputs import read_file, read_stream

    if path == "-":
        return read_stream(sys.stdin.buffer, file="<stdin>"), "<stdin>"
    return read_file(path), path


def glob_paths(pattern: str) -> list[str]:
    """The sorted matches of a glob; ``**`` does not descend into symlinked folders.

    ``glob.glob`` follows them, so a link to a parent folder repeats the tree
    until the path is too long (and two such links multiply it). pathlib's
    glob does not follow them, but refuses absolute patterns: the part before
    the first wildcard is its anchor. Hidden files match only a pattern that
    names them (as with the shell and ``glob.glob``).
    """
    import glob
    from pathlib import Path

    parts = Path(pattern).parts
    cut = next((i for i, part in enumerate(parts) if glob.has_magic(part)), len(parts))
    anchor = Path(*parts[:cut]) if cut else Path()
    rest = parts[cut:]
    if not rest:
        return [pattern] if Path(pattern).exists() else []
    hidden_ok = any(part.startswith(".") for part in rest)
    found = []
    try:
        for match in anchor.glob(str(Path(*rest))):
            tail = match.parts[len(anchor.parts) :]
            if hidden_ok or not any(part.startswith(".") for part in tail):
                found.append(str(match))
    except OSError:  # an unreadable folder on the way: what was found so far
        pass
    return sorted(found)


def write_output(path: str, data: bytes, *inputs: str) -> None:
    """Write atomically to ``path``; ``-`` writes standard output."""
    from xzufi_toolkit.io.atomicio import ensure_not_input, write_bytes_atomic

    if path == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    ensure_not_input(path, *inputs)
    write_bytes_atomic(path, data)


def leistung_options(p: argparse.ArgumentParser) -> None:
    """``--leistung FILE | --no-leistung`` (case check, message build, form fill)."""
    group = p.add_mutually_exclusive_group()
    group.add_argument(
        "--leistung",
        metavar="FILE",
        help="XZuFi Leistung to check against (default: the bundled 99010022001012)",
    )
    group.add_argument(
        "--no-leistung", action="store_true", help="check the case alone, not against a Leistung"
    )


def leistung_from_args(args: argparse.Namespace) -> Leistung | None:
    """The Leistung ``leistung_options`` select: the bundled one, a file's, or none."""
    from xzufi_toolkit.case.leistung import load_leistung

    if getattr(args, "no_leistung", False):
        return None
    return load_leistung(args.leistung)

"""Help that teaches: every (sub)command has a description, examples and option help.

Also: an unknown option is reported with the subcommand's own usage, and a
missing input gives exit code 1 in every command (README, "Exit codes").
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from pathlib import Path

import pytest

from xzufi_toolkit.cli import bundle_cmd
from xzufi_toolkit.cli.main import build_parser, main

_SKIP = (argparse._HelpAction, argparse._VersionAction, argparse._SubParsersAction)


def _walk(parser: argparse.ArgumentParser) -> Iterator[argparse.ArgumentParser]:
    yield parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in dict.fromkeys(action.choices.values()):  # aliases once
                yield from _walk(sub)


def _parsers() -> list[argparse.ArgumentParser]:
    # bundle parses its two forms itself (a case path or "verify" comes first)
    return [*_walk(build_parser()), bundle_cmd._create_parser(), bundle_cmd._verify_parser()]


def _commands() -> list[tuple[str, ...]]:
    return list(dict.fromkeys(tuple(p.prog.split()[1:]) for p in _parsers()))


@pytest.mark.parametrize("parser", _parsers(), ids=lambda p: p.prog)
def test_description_examples_and_option_help(parser: argparse.ArgumentParser) -> None:
    assert parser.description and parser.description.strip()
    assert parser.epilog and "examples:" in parser.epilog and parser.prog in parser.epilog
    for action in parser._actions:
        if isinstance(action, _SKIP):
            continue
        name = action.option_strings[0] if action.option_strings else action.dest
        assert action.help and action.help != argparse.SUPPRESS, f"{parser.prog} {name}"
    text = parser.format_help()
    assert "examples:\n" in text
    for action in parser._actions:  # every default that teaches something is shown
        shown = action.default not in (None, False, [], argparse.SUPPRESS)
        if action.option_strings and shown and not isinstance(action, _SKIP):
            line = parser._get_formatter()._format_action(action)
            assert "default" in line, f"{parser.prog} {action.option_strings[0]}"


@pytest.mark.parametrize("command", _commands(), ids=" ".join)
def test_help_prints_options(command: tuple[str, ...], capsys: pytest.CaptureFixture[str]) -> None:
    try:
        code = main([*command, "--help"])
    except SystemExit as exc:
        code = exc.code  # type: ignore[assignment]
    out = capsys.readouterr().out
    assert code == 0
    assert out.startswith("usage: ") and "-h, --help" in out and "examples:" in out


def test_bundle_help_lists_the_options(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bundle", "--help"]) == 0
    out = capsys.readouterr().out
    assert "--attach FILE" in out and "--fail-on" in out and "dateiname" in out
    assert "xzufi bundle verify --help" in out


@pytest.mark.parametrize(
    "argv",
    [["form", "fill", "--bogus", "a.json", "-o", "a.pdf"], ["validate", "--bogus", "x.xml"]],
)
def test_unknown_option_names_the_subcommands_usage(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exc:
        main(argv)
    err = capsys.readouterr().err
    prog = "xzufi " + " ".join(argv[: 2 if argv[0] == "form" else 1])
    assert exc.value.code == 2
    assert err.startswith(f"usage: {prog} ") and f"{prog}: error: unrecognized arguments" in err


@pytest.mark.parametrize(
    "argv",
    [
        ["validate", "{d}/nope.xml"],
        ["validate", "{d}/nope/*.xml"],  # an unmatched glob is a missing file too
        ["validate", "{d}/empty"],
        ["show", "{d}/nope.xml"],
        ["case", "check", "{d}/nope.json"],
        ["form", "preview", "{d}/nope.pdf", "-o", "{d}/p.png"],
        ["bundle", "verify", "{d}/nope.zip"],
        ["xdf", "check", "{d}/nope.xml"],
    ],
    ids=" ".join,
)
def test_missing_input_is_exit_1_everywhere(
    argv: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "empty").mkdir()
    assert main([a.format(d=tmp_path) for a in argv]) == 1
    out, err = capsys.readouterr()
    assert "Traceback" not in err and ("nope" in out + err or "empty" in err)


def test_text_findings_sorted_by_file_and_line(capsys: pytest.CaptureFixture[str]) -> None:
    fixtures = Path(__file__).resolve().parent.parent / "fixtures" / "invalid"
    files = sorted(str(p) for p in fixtures.glob("XZ-CODE-00*.xml"))[:3]
    assert main(["validate", *files]) == 1
    lines = capsys.readouterr().out.splitlines()[:-1]
    where = [(files.index(line.split(":")[0]), int(line.split(":")[1])) for line in lines]
    assert where == sorted(where) and len({w[0] for w in where}) == len(files)


def test_transfer_summary_counts_objects(capsys: pytest.CaptureFixture[str]) -> None:
    from xzufi_toolkit.io.resources import fixture_file

    transfer = str(fixture_file("leistung", "transfer-2.3.1.xml"))
    main(["validate", transfer])
    summary = capsys.readouterr().out.splitlines()[-1]
    assert summary.startswith("1 document(s) checked, with 3 object(s) in transfer messages: ")


def test_import_judges_the_import_and_then_the_document(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export = Path(__file__).resolve().parent.parent / "fixtures" / "portal" / "seed.pdf"
    out = tmp_path / "leistung.xml"
    assert main(["import-portal", str(export), "-o", str(out)]) == 0  # the import's verdict
    err = capsys.readouterr().err.splitlines()
    assert err[-2].startswith("import: 0 error(s)") and err[-2].endswith("– ok")
    assert err[-1].startswith("the written Leistung, checked as xzufi validate does: ")
    assert err[-1].endswith(f"– invalid (xzufi validate {out})")


def _example_lines() -> list[str]:
    from xzufi_toolkit.cli.helptext import EXAMPLES

    lines = []
    for text in EXAMPLES.values():
        for line in text.splitlines():
            command = line.split("#")[0].strip()
            if command.startswith("cd ") and "&&" in command:
                command = command.split("&&", 1)[1].strip()
            command = command.split(">")[0].strip()
            if command.startswith("xzufi ") and "COMMAND" not in command:
                lines.append(command)
    return lines


@pytest.mark.parametrize("command", _example_lines())
def test_the_help_examples_parse(command: str) -> None:
    """Each example in an epilog names options the command has (no usage error)."""
    import shlex

    argv = shlex.split(command)[1:]
    if argv[0] == "bundle":
        parser = bundle_cmd._verify_parser() if argv[1] == "verify" else bundle_cmd._create_parser()
        parser.parse_args(argv[2:] if argv[1] == "verify" else argv[1:])
    else:
        build_parser().parse_args(argv)

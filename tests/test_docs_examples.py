"""Executable documentation: every ``console`` example of README.md and docs/*.md runs.

Sybil (a well-kept pytest-friendly documentation tester) finds the fenced
``console`` blocks and the ``<!-- skip: next "reason" -->`` comments in the
Markdown; the evaluator below runs each ``$ `` command with bash in a workspace
laid out from the bundled data (the files the examples name), one workspace per
document, the commands in the order the document shows them.

- Output lines under a command are compared with what it prints (standard
  output and error, in order). A line ``...`` stands for any number of lines;
  ``<TMP>`` for the workspace folder. A command shown without output is
  checked for its exit code and for no traceback only.
- ``[N]`` on its own line after the output: the exit code is N (cram's
  convention); otherwise it must be 0.
- A block that needs a server or a network (a Bereitstelldienst URL,
  PostgreSQL) carries a skip comment with the reason; the reasons allowed are
  listed in ``SKIP_REASONS``, so nothing is skipped silently.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from unittest import SkipTest

import pytest
from sybil import Example, Sybil
from sybil.example import SybilFailure
from sybil.parsers.markdown import CodeBlockParser, SkipParser

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
BIN = Path(sys.executable).parent
PKG = ROOT / "xzufi_toolkit" / "fixtures"
FIX = ROOT / "fixtures"

# Every reason a block may be skipped for; a new one must be added here.
SKIP_REASONS = {
    "needs a Bereitstelldienst (URL or saved pages) or PostgreSQL",
    "needs a mapping completed by hand for another authority's form",
    "runs the fuzzer for minutes",
    "needs the official XZuFi XSDs, which are not shipped",
}

# The files the examples name, from the bundled data and the test corpora.
LAYOUT = {
    "catalog/99010022001012.xml": PKG / "leistung" / "99010022001012-2.3.1.xml",
    "leistung.xml": PKG / "leistung" / "99010022001012-2.3.1.xml",
    "xzufi_toolkit/fixtures/leistung/99010022001012-2.3.1.xml": PKG
    / "leistung"
    / "99010022001012-2.3.1.xml",
    "pvog-stream.xml": PKG / "leistung" / "transfer-2.3.1.xml",
    "pvog-dump.xml": PKG / "leistung" / "transfer-2.3.1.xml",
    "export.pdf": FIX / "portal" / "seed.pdf",
    "export.txt": FIX / "portal" / "seed.txt",
    "cases/adult-employed.json": PKG / "cases" / "adult-employed.json",
    "cases/minor.json": PKG / "cases" / "minor.json",
    "other-authority.pdf": FIX / "forms" / "foreign" / "hundesteuer-anmeldung.pdf",
    "S00000121.xml": FIX / "xdf" / "S00000121-antrag-blaue-karte-eu.xdf2.xml",
    "antrag.xdf2.xml": FIX / "xdf" / "S00000121-antrag-blaue-karte-eu.xdf2.xml",
    "antrag.json": FIX / "xdf" / "data" / "valid" / "blaue-karte-application.json",
}

_PROMPT = "$ "


def _env(workspace: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("GITHUB_", "GITLAB_", "XZUFI_")) and k not in {"CI", "LANG"}
    }
    env.update(
        PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}",
        LC_ALL="C.UTF-8",
        LANGUAGE="en",
        PYTHONUNBUFFERED="1",  # stdout and stderr interleaved as on a terminal
        HOME=str(workspace),
        COLUMNS="80",
    )
    return env


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """What ``xzufi demo`` writes (sample case, evidence, form, message, bundle)."""
    out = tmp_path_factory.mktemp("demo") / "xzufi-demo"
    subprocess.run(
        [str(BIN / "xzufi"), "demo", "-o", str(out)],
        check=True,
        capture_output=True,
        env=_env(out.parent),
    )
    return out


def _workspace(base: Path, demo: Path) -> Path:
    ws = base / "ws"
    shutil.copytree(demo, ws / "xzufi-demo")
    for name in ("case.json", "antrag.pdf", "nachricht.xml", "bundle.zip"):
        shutil.copy(demo / name, ws / name)
    shutil.copytree(demo / "evidence", ws / "evidence")
    for name, source in LAYOUT.items():
        (ws / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(source, ws / name)
    # a repository, as where the examples run (git ls-files, config search stops at it)
    subprocess.run(["git", "init", "-q"], cwd=ws, check=True)
    subprocess.run(["git", "add", "."], cwd=ws, check=True)
    return ws


def _commands(block: str) -> Iterator[tuple[str, list[str]]]:
    """(command, expected output lines) per ``$ `` line; ``\\`` continues a command."""
    command: list[str] = []
    output: list[str] = []
    lines = iter(block.splitlines())
    for line in lines:
        if line.startswith(_PROMPT):
            if command:
                yield " ".join(command), output
            command, output = [line[len(_PROMPT) :]], []
            while command[-1].endswith("\\"):
                command[-1] = command[-1][:-1].rstrip()
                command.append(next(lines).strip())
        elif command:
            output.append(line)
    if command:
        yield " ".join(command), output


def _matches(expected: list[str], got: list[str]) -> bool:
    """Line by line; ``...`` matches any number of lines."""
    if not expected:
        return not got
    head, rest = expected[0], expected[1:]
    if head == "...":
        return any(_matches(rest, got[i:]) for i in range(len(got) + 1))
    return bool(got) and got[0] == head and _matches(rest, got[1:])


class Console:
    """Sybil evaluator of ``console`` blocks, run in one workspace per document."""

    def __init__(self, workspace: Path) -> None:
        self.workspace = workspace
        self.ran = 0

    def __call__(self, example: Example) -> str | None:
        problems = [
            self._run(example.line, command, shown)
            for command, shown in _commands(str(example.parsed))
        ]
        return "\n\n".join(p for p in problems if p) or None

    def _run(self, line: int, command: str, shown: list[str]) -> str | None:
        code = 0
        if shown and re.fullmatch(r"\[\d+\]", shown[-1]):
            code, shown = int(shown[-1][1:-1]), shown[:-1]
        run = subprocess.run(
            ["bash", "-c", command],  # a trailing "# comment" is bash's comment too
            cwd=self.workspace,
            env=_env(self.workspace),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=300,
            check=False,
        )
        self.ran += 1
        printed = run.stdout.replace(str(self.workspace), "<TMP>")
        got = [text.rstrip() for text in printed.splitlines()]
        where = f"line {line}: $ {command}"
        if "Traceback" in printed or "internal error" in printed:
            return f"{where}\n{printed}"
        if run.returncode != code:
            return f"{where}\nexit code {run.returncode}, the docs say {code}\n{printed}"
        if shown and not _matches([text.rstrip() for text in shown], got):
            return f"{where}\nthe docs show:\n" + "\n".join(shown) + "\nit printed:\n" + printed
        return None


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_console_examples(doc: Path, demo: Path, tmp_path: Path) -> None:
    console = Console(_workspace(tmp_path, demo))
    sybil = Sybil(parsers=[CodeBlockParser(language="console", evaluator=console), SkipParser()])
    failures: list[str] = []
    skipped: list[str] = []
    for example in sybil.parse(doc):
        try:
            example.evaluate()
        except SkipTest as skip:
            skipped.append(str(skip))
        except SybilFailure as failure:
            failures.append(failure.result)
    assert not set(skipped) - SKIP_REASONS, "a skip reason not in SKIP_REASONS"
    assert not failures, f"{doc.name}:\n\n" + "\n\n".join(failures)


def test_the_runner_compares_and_fails(tmp_path: Path) -> None:
    """A wrong output, a wrong exit code and `...` are told apart."""
    doc = tmp_path / "x.md"
    doc.write_text(
        "```console\n$ echo one; echo two\none\n...\n$ echo a\nb\n$ false\n```\n"
        '<!-- skip: next "runs the fuzzer for minutes" -->\n```console\n$ exit 3\n```\n',
        "utf-8",
    )
    console = Console(tmp_path)
    sybil = Sybil(parsers=[CodeBlockParser(language="console", evaluator=console), SkipParser()])
    results: list[str | None] = []
    for example in sybil.parse(doc):
        try:
            example.evaluate()
            results.append(None)
        except SkipTest as skip:
            results.append(f"skipped: {skip}")
        except SybilFailure as failure:
            results.append(failure.result)
    problem = next(r for r in results if r)
    assert "$ echo a" in problem and "the docs show:\nb" in problem
    assert results[-1] == "skipped: runs the fuzzer for minutes"
    assert _matches(["one", "..."], ["one", "two", "three"])
    assert not _matches(["one"], ["one", "two"])
    assert list(_commands("$ a \\\n    b\nout\n$ c\n")) == [("a b", ["out"]), ("c", [])]

"""The CI recipes of docs/ci.md, run offline against the test corpus."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import jsonschema
import pytest

from xzufi_toolkit.cli.main import main
from xzufi_toolkit.io import xmlsafe

ROOT = Path(__file__).resolve().parent.parent
DOC = (ROOT / "docs" / "ci.md").read_text(encoding="utf-8")
SARIF_SCHEMA = json.loads((ROOT / "tests" / "data" / "sarif-2.1.0-subset.schema.json").read_text())
COMMANDS = re.findall(r"(?:run:|- ) *(xzufi validate [^\n]+)", DOC)


def test_doc_has_recipes() -> None:
    assert len(COMMANDS) == 4


@pytest.mark.parametrize("command", COMMANDS)
def test_documented_command_runs(
    command: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    argv = shlex.split(command)[1:]
    argv = [str(ROOT / "fixtures" / "invalid") if a == "catalog/" else a for a in argv]
    github = "--format" not in argv
    if github:
        monkeypatch.setenv("GITHUB_ACTIONS", "true")
    rc = main(argv)
    out = capsys.readouterr().out
    assert rc == (0 if "--exit-zero" in argv else 1)
    if github:
        assert sum(line.startswith("::error ") for line in out.splitlines()) == 10
        assert "not annotated, listed below" in out
    if "sarif" in argv:
        jsonschema.validate(json.loads((tmp_path / "xzufi.sarif").read_text()), SARIF_SCHEMA)
    if "gitlab" in argv:
        issues = json.loads((tmp_path / "gl-code-quality-report.json").read_text())
        assert issues and all({"description", "fingerprint", "location"} <= set(i) for i in issues)
    if "junit" in argv:
        root = xmlsafe.parse_file(tmp_path / "xzufi-junit.xml").getroot()
        assert root.tag == "testsuites" and int(root.get("failures", "0")) > 0

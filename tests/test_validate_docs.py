"""Generated docs stay current; the pre-commit hook's entry runs."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

from xzufi_toolkit.validate.registry import RULES, rules_markdown

ROOT = Path(__file__).resolve().parent.parent


def test_rules_doc_is_up_to_date() -> None:
    doc = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert doc == rules_markdown(), "run: python scripts/gen_rules_doc.py"


def test_every_rule_is_documented() -> None:
    for r in RULES.values():
        assert r.title_en and r.title_de and r.reference and len(r.doc) > 20, r.code


def _hook() -> dict[str, str]:
    text = (ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    fields = dict(re.findall(r"^\s*-?\s*(\w+): (.+)$", text, re.M))
    return fields


def test_pre_commit_hook_entry_runs() -> None:
    hook = _hook()
    assert hook["id"] == "xzufi-validate" and hook["language"] == "python"
    assert re.search(hook["files"], "catalog/leistung.xml")
    env = {**os.environ, "PATH": str(Path(sys.executable).parent) + os.pathsep + os.environ["PATH"]}
    env.pop("GITHUB_ACTIONS", None)
    cmd = shlex.split(hook["entry"])
    ok = subprocess.run(
        [*cmd, str(ROOT / "fixtures" / "valid" / "leistung-99010022001012-2.2.0.xml")],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=120,
    )
    assert ok.returncode == 0, ok.stderr
    bad = subprocess.run(
        [*cmd, str(ROOT / "fixtures" / "invalid" / "XZ-KEY-001-key-13-digits.xml")],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=120,
    )
    assert bad.returncode == 1
    assert "[XZ-KEY-001]" in bad.stdout

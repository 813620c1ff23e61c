"""CI ergonomics of ``xzufi validate`` as ruff and check-jsonschema users expect them.

Data-folder tests over ``fixtures/ci/``: configuration discovery
(``discovery/<case>/``: a folder tree, and ``case.json`` naming the folder the
run starts in, the folders that are repository roots, and the file expected
to be found).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from xzufi_toolkit.cli.main import main
from xzufi_toolkit.errors import ConfigError
from xzufi_toolkit.validate.config import find_config, load_config

ROOT = Path(__file__).resolve().parent.parent
CI = ROOT / "fixtures" / "ci"
# one warning, XZ-REQ-006 at line 4: the discovery fixtures raise it to an error
REQ_006 = ROOT / "fixtures" / "invalid" / "XZ-REQ-006-no-zustaendige-stelle.xml"
DISCOVERY = sorted(p.name for p in (CI / "discovery").iterdir() if p.is_dir())


def _tree(case: str, tmp_path: Path) -> tuple[dict[str, Any], Path]:
    """The case's tree copied to ``tmp_path/t`` (git cannot hold ``.git`` markers:
    they are made here), and the folder the run starts in."""
    spec: dict[str, Any] = json.loads((CI / "discovery" / case / "case.json").read_text())
    top = tmp_path / "t"
    shutil.copytree(CI / "discovery" / case / "tree", top)
    for root in spec["repo_roots"]:
        (top / root / ".git").mkdir(parents=True, exist_ok=True)
    cwd = top / spec["cwd"]
    cwd.mkdir(parents=True, exist_ok=True)
    return spec, cwd


@pytest.mark.parametrize("case", DISCOVERY)
def test_discovery_finds_the_expected_file(case: str, tmp_path: Path) -> None:
    spec, cwd = _tree(case, tmp_path)
    expected = spec["found"]
    if "error_line" in spec:
        found = find_config(cwd)
        assert found is not None and found == tmp_path / "t" / expected
        with pytest.raises(ConfigError) as exc:
            load_config(found)
        assert exc.value.line == spec["error_line"] and exc.value.exit_code == 2
        return
    found = find_config(cwd)
    assert found == (tmp_path / "t" / expected if expected else None)


@pytest.mark.parametrize("case", DISCOVERY)
def test_discovered_config_rules_the_run(
    case: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Every found file raises XZ-REQ-006 to an error (exit 1); none: warning, exit 0.
    -v names the file used; --isolated ignores it."""
    spec, cwd = _tree(case, tmp_path)
    monkeypatch.chdir(cwd)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    rc = main(["validate", "-v", "-f", "text", str(REQ_006)])
    err = capsys.readouterr().err
    if "error_line" in spec:
        assert rc == 2
        assert f"pyproject.toml:{spec['error_line']}: " in err
    elif spec["found"]:
        found = tmp_path / "t" / spec["found"]
        assert f"xzufi validate: configuration {found}\n" in err
        # the fixture in nearest-wins' outer pyproject disables the rule: exit 0 would show it won
        assert rc == 1
    else:
        assert "xzufi validate: no configuration file\n" in err
        assert rc == 0
    assert main(["validate", "-v", "--isolated", "-f", "text", str(REQ_006)]) == 0
    assert "no configuration file (--isolated)" in capsys.readouterr().err


def test_config_and_isolated_exclude_each_other(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg = tmp_path / "c.toml"
    cfg.write_text("", encoding="utf-8")
    assert main(["validate", "--config", str(cfg), "--no-config", str(REQ_006)]) == 2
    assert "exclude each other" in capsys.readouterr().err


def test_explicit_config_overrides_discovery(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _, cwd = _tree("dotfile-upward", tmp_path)
    monkeypatch.chdir(cwd)
    other = tmp_path / "other.toml"
    other.write_text('disable = ["XZ-REQ-006"]\n', encoding="utf-8")
    rc = main(["validate", "-v", "-f", "json", "--config", str(other), str(REQ_006)])
    out, err = capsys.readouterr()
    assert rc == 0 and json.loads(out)["findings"] == []
    assert f"configuration {other}\n" in err

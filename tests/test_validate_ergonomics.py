"""CI ergonomics of ``xzufi validate`` as ruff and check-jsonschema users expect them.

Data-folder tests over ``fixtures/ci/``: configuration discovery
(``discovery/<case>/``: a folder tree, and ``case.json`` naming the folder the
run starts in, the folders that are repository roots, and the file expected
to be found); configuration errors (``config-errors/*.toml``, each naming
the line and message it must fail with); SARIF rule help against the anchors
of ``docs/rules.md``; the GitHub step summary; the pre-commit hook's entry run
on repositories holding XZuFi and other XML (``precommit/<case>/`` with
``expected.json``: exit code, files checked and skipped, codes reported).
"""

from __future__ import annotations

import io
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jsonschema
import pytest

from xzufi_toolkit.cli.main import main
from xzufi_toolkit.errors import ConfigError
from xzufi_toolkit.validate import rulehelp
from xzufi_toolkit.validate.config import find_config, load_config
from xzufi_toolkit.validate.rulehelp import heading_anchor

ROOT = Path(__file__).resolve().parent.parent
CI = ROOT / "fixtures" / "ci"
# one warning, XZ-REQ-006 at line 4: the discovery fixtures raise it to an error
REQ_006 = ROOT / "fixtures" / "invalid" / "XZ-REQ-006-no-zustaendige-stelle.xml"
SARIF_SCHEMA = json.loads((ROOT / "tests" / "data" / "sarif-2.1.0-subset.schema.json").read_text())
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


# -- configuration errors: fixtures/ci/config-errors/*.toml, "# expect: LINE: text" --------
CONFIG_ERRORS = sorted((CI / "config-errors").glob("*.toml"))


@pytest.mark.parametrize("path", CONFIG_ERRORS, ids=lambda p: p.stem)
def test_config_error_names_file_and_line(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    expect = re.match(r"# expect: (\d+): (.+)", path.read_text(encoding="utf-8"))
    assert expect, "first line: # expect: LINE: message fragment"
    assert main(["validate", "--config", str(path), str(REQ_006)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith(f"xzufi: error: {path}:{expect.group(1)}: ")
    assert expect.group(2) in err


# -- SARIF rule help -------------------------------------------------------------------------
INVALID = ROOT / "fixtures" / "invalid"
RULES_MD = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
ANCHORS = {heading_anchor(h) for h in re.findall(r"^## (.+)$", RULES_MD, re.M)}


def _sarif_rules(argv: list[str], capsys: pytest.CaptureFixture[str]) -> list[dict[str, Any]]:
    assert main(["validate", "-f", "sarif", "--exit-zero", *argv, str(INVALID)]) == 0
    doc = json.loads(capsys.readouterr().out)
    jsonschema.validate(doc, SARIF_SCHEMA)
    rules: list[dict[str, Any]] = doc["runs"][0]["tool"]["driver"]["rules"]
    assert len(rules) > 40  # the invalid corpus shows nearly every code
    return rules


def test_sarif_rule_help_names_the_rules_md_anchor(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """No base URL known: no helpUri (it must be absolute), the anchor in the markdown."""
    monkeypatch.setattr(rulehelp, "default_rules_url", lambda: None)
    for rule in _sarif_rules(["--isolated"], capsys):
        jsonschema.validate(rule["help"], SARIF_SCHEMA["definitions"]["multiformatMessageString"])
        assert "helpUri" not in rule
        anchor = re.search(r"\]\(docs/rules\.md#([\w-]+)\)", rule["help"]["markdown"])
        assert anchor and anchor.group(1) in ANCHORS, rule["id"]
        assert rule["id"] in rule["help"]["markdown"]
        assert rule["help"]["text"].startswith(rule["shortDescription"]["text"])


def test_sarif_help_uri_from_config(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    base = "https://example.org/xzufi-toolkit/docs/rules.md"
    cfg = tmp_path / "c.toml"
    cfg.write_text(f'rules-url = "{base}"\n', encoding="utf-8")
    for rule in _sarif_rules(["--config", str(cfg)], capsys):
        uri = urlsplit(rule["helpUri"])
        assert uri.scheme == "https" and uri.netloc == "example.org"
        assert rule["helpUri"].startswith(base + "#") and uri.fragment in ANCHORS


def test_default_rules_url_from_project_urls(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.metadata as md

    class Meta:
        def __init__(self, urls: list[str]) -> None:
            self.urls = urls

        def get_all(self, name: str) -> list[str]:
            return self.urls if name == "Project-URL" else []

    cases = [
        ([], None),
        (
            ["Repository, https://github.com/o/xzufi-toolkit/"],
            "https://github.com/o/xzufi-toolkit/blob/main/docs/rules.md",
        ),
        (["Source, https://gitlab.com/o/x"], "https://gitlab.com/o/x/-/blob/main/docs/rules.md"),
        (
            ["Rules, https://docs.example/rules.md", "Repository, https://github.com/o/x"],
            "https://docs.example/rules.md",
        ),
        (["Homepage, http://insecure.example/"], None),
    ]
    for urls, expected in cases:
        monkeypatch.setattr(md, "metadata", lambda name, u=urls: Meta(u))
        assert rulehelp.default_rules_url() == expected, urls


# -- GitHub step summary ---------------------------------------------------------------------
def test_github_step_summary_is_appended(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    summary = tmp_path / "step_summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    assert main(["validate", "--isolated", "--lang", "en", str(INVALID)]) == 1
    capsys.readouterr()
    monkeypatch.delenv("GITHUB_STEP_SUMMARY")
    main(["validate", "--isolated", "-f", "json", str(INVALID)])
    report = json.loads(capsys.readouterr().out)
    md = summary.read_text(encoding="utf-8")
    assert md.startswith("earlier step\n### xzufi validate: invalid\n")
    counts = dict(re.findall(r"^\| (documents checked|error|warning|info) \| (\d+) \|$", md, re.M))
    assert counts == {
        "documents checked": str(report["documents"]),
        **{k: str(v) for k, v in report["counts"].items()},
    }
    rows = re.findall(r"^\| `(XZ-[A-Z]+-\d+)` \| (\w+) \| (\d+) \|", md, re.M)
    assert len(rows) == 10  # the top ten codes, then one "… more" row
    by_code: dict[str, int] = {}
    for f in report["findings"]:
        by_code[f["code"]] = by_code.get(f["code"], 0) + 1
    assert [int(n) for _, _, n in rows] == sorted(by_code.values(), reverse=True)[:10]
    assert all(by_code[code] == int(n) for code, _, n in rows)
    assert "more code(s)" in md
    assert "fixtures" not in md and ".xml" not in md  # counts and codes, no file names


def test_step_summary_only_in_github_mode_and_unwritable_is_a_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    summary = tmp_path / "s.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    assert main(["validate", "--isolated", "-f", "text", str(REQ_006)]) == 0
    assert not summary.exists()  # an explicit other format writes no summary
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(tmp_path))  # a folder: cannot append
    capsys.readouterr()
    assert main(["validate", "--isolated", str(REQ_006)]) == 0
    err = capsys.readouterr().err
    assert err.startswith("xzufi: warning: ") and "step summary" in err


# -- the pre-commit hook: XZuFi files only (fixtures/ci/precommit/<case>/) -------------------
HOOKS = (ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
PRECOMMIT = sorted(p.name for p in (CI / "precommit").iterdir() if p.is_dir())
XZUFI = Path(sys.executable).with_name("xzufi")


def _hook() -> tuple[list[str], re.Pattern[str]]:
    entry = re.search(r"^\s*entry:\s*(.+)$", HOOKS, re.M)
    files = re.search(r"^\s*files:\s*(.+)$", HOOKS, re.M)
    assert entry and files
    return shlex.split(entry.group(1)), re.compile(files.group(1).strip())


@pytest.mark.parametrize("case", PRECOMMIT)
def test_precommit_hook_entry_checks_xzufi_files_only(case: str, tmp_path: Path) -> None:
    """Run the hook's entry as pre-commit does: from the repository root, with the
    matching files as relative arguments; a pom.xml must not fail it."""
    repo = tmp_path / "repo"
    shutil.copytree(CI / "precommit" / case, repo)
    (repo / ".git").mkdir()
    spec = json.loads((repo / "expected.json").read_text(encoding="utf-8"))
    entry, pattern = _hook()
    assert entry[:2] == ["xzufi", "validate"] and "--only-xzufi" in entry
    files = sorted(
        p.relative_to(repo).as_posix()
        for p in repo.rglob("*")
        if p.is_file() and ".git" not in p.parts and pattern.search(p.relative_to(repo).as_posix())
    )
    assert files == sorted(spec["checked"] + spec["skipped"])
    env = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}
    done = subprocess.run(
        [str(XZUFI), *entry[1:], "-v", *files],
        cwd=repo,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == spec["exit"], done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    skipped = re.findall(r"^xzufi validate: skipped, not XZuFi: (.+)$", done.stderr, re.M)
    assert sorted(skipped) == spec["skipped"]
    reported = sorted(set(re.findall(r"\[(XZ-[A-Z]+-\d+)\]", done.stdout)))
    assert reported == spec["codes"]
    assert all(not line.startswith(tuple(spec["skipped"])) for line in done.stdout.splitlines())
    summary = done.stdout.splitlines()[-1]
    assert summary.startswith(f"{len(spec['checked'])} document(s) checked")
    assert f", {len(spec['skipped'])} skipped (not XZuFi): " in summary


def test_only_xzufi_counts_skipped_in_json_and_stdin(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = CI / "precommit" / "pass"
    assert main(["validate", "--isolated", "--only-xzufi", "-f", "json", str(folder)]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert (doc["documents"], doc["skipped"]) == (2, 3)
    # without the flag the pom.xml is validated, and fails (the hook's old behaviour)
    assert main(["validate", "--isolated", "-f", "json", str(folder / "pom.xml")]) == 1
    assert json.loads(capsys.readouterr().out)["findings"][0]["code"] == "XZ-IO-005"
    monkeypatch.setattr(
        sys, "stdin", io.TextIOWrapper(io.BytesIO((folder / "pom.xml").read_bytes()))
    )
    assert main(["validate", "--isolated", "--only-xzufi", "-f", "text", "-"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("0 document(s) checked, 1 skipped (not XZuFi): 0 error(s), 0 warning")
    assert out.endswith(" – valid\n")


# -- accepted findings: fixtures/ci/suppress/<case>/ (expected.json: cwd, args, exit,
# the codes reported per file, or the configuration error) ---------------------------------
SUPPRESS = sorted(p.name for p in (CI / "suppress").iterdir() if p.is_dir())


@pytest.mark.parametrize("case", SUPPRESS)
def test_suppression_cases(
    case: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(CI / "suppress" / case, repo)
    (repo / ".git").mkdir()
    spec = json.loads((repo / "expected.json").read_text(encoding="utf-8"))
    cwd = repo / spec["cwd"]
    monkeypatch.chdir(cwd)
    target = os.path.relpath(repo, cwd)
    rc = main(["validate", "-f", "json", target, *spec["args"]])
    out, err = capsys.readouterr()
    assert rc == spec["exit"], err
    if "error" in spec:
        assert err.count("\n") == 1 and err.startswith("xzufi: error: ")
        assert spec["error"] in err
        return
    reported: dict[str, list[str]] = {name: [] for name in spec["reported"]}
    for f in json.loads(out)["findings"]:
        name = Path(os.path.relpath(cwd / f["location"]["file"], repo)).as_posix()
        reported.setdefault(name, []).append(f["code"])
    assert reported == spec["reported"]


def test_baseline_survives_edits_elsewhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A baseline names code, file and fingerprint, not the line: lines added above
    keep it valid; a new finding is still reported; other folders find the files."""
    cat = tmp_path / "catalog"
    cat.mkdir()
    key = (INVALID / "XZ-KEY-001-key-13-digits.xml").read_text(encoding="utf-8")
    (cat / "a.xml").write_text(key, encoding="utf-8")
    (cat / "b.xml").write_text(REQ_006.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    base = tmp_path / "ci" / "xzufi-baseline.json"
    base.parent.mkdir()
    assert main(["validate", "--isolated", "--write-baseline", str(base), "catalog"]) == 0
    out, err = capsys.readouterr()
    assert "2 finding(s) written to the baseline" in err and "0 error(s)" in out
    entries = json.loads(base.read_text(encoding="utf-8"))["findings"]
    assert [(e["code"], e["file"]) for e in entries] == [
        ("XZ-KEY-001", "../catalog/a.xml"),
        ("XZ-REQ-006", "../catalog/b.xml"),
    ]
    assert all("line" not in e for e in entries)
    # lines inserted above the finding, and a new finding in b.xml
    (cat / "a.xml").write_text(
        key.replace("?>\n", "?>\n<!-- moved\n\n\ndown -->\n", 1), encoding="utf-8"
    )
    (cat / "b.xml").write_text(
        REQ_006.read_text(encoding="utf-8").replace(
            "<code>99010022001012</code>", "<code>9901002200101</code>", 1
        ),
        encoding="utf-8",
    )
    monkeypatch.chdir(cat)  # another folder: files are relative to the baseline's folder
    rc = main(["validate", "--isolated", "-f", "json", "--baseline", str(base), "."])
    out, err = capsys.readouterr()
    codes = sorted((f["location"]["file"], f["code"]) for f in json.loads(out)["findings"])
    assert "2 finding(s) in the baseline not reported" in err
    assert codes == [("b.xml", "XZ-KEY-001")]  # the new one; XZ-REQ-006 of b.xml is known
    assert rc == 1


BASELINE_ERRORS = [
    ("not json", '{"version": 1,\n "findings": [\n', 3, "baseline is not JSON"),
    ("old version", '{"version": 0, "findings": []}\n', 1, "not an xzufi baseline"),
    (
        "unknown code",
        '{"version": 1, "findings": [\n'
        ' {"code": "XZ-KEY-001", "file": "a.xml", "fingerprint": "0"},\n'
        ' {"code": "XZ-KEY-999", "file": "a.xml", "fingerprint": "1"}\n]}\n',
        3,
        "unknown rule code 'XZ-KEY-999' in the baseline",
    ),
    ("bad entry", '{"version": 1, "findings": [\n ["XZ-KEY-001"]\n]}\n', 2, "needs 'code'"),
]


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [c[1:] for c in BASELINE_ERRORS],
    ids=[c[0] for c in BASELINE_ERRORS],
)
def test_bad_baseline_is_a_config_error(
    text: str, line: int, fragment: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = tmp_path / "b.json"
    base.write_text(text, encoding="utf-8")
    assert main(["validate", "--isolated", "--baseline", str(base), str(REQ_006)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"xzufi: error: {base}:{line}: ") and fragment in err
    assert main(["validate", "--baseline", str(base), "--write-baseline", "x.json", "a"]) == 2

"""One report interface for every command that reports findings.

``case check``, ``message build``, ``form fill``, ``bundle`` and ``bundle
verify`` take the shared report flags (cli/report_options.py): every format,
the report file written atomically, ``--quiet``/``--verbose``, exit codes
0/1 from ``--fail-on``/``--exit-zero``, and no case value without
``--show-values``. Each command runs on two inputs: one with an error about
a marker value (``zqxmark…``) and one that succeeds with info findings only.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from xzufi_toolkit.cli.main import main
from xzufi_toolkit.io import xmlsafe
from xzufi_toolkit.io.resources import fixture_file
from xzufi_toolkit.reporters import FORMATS

ROOT = Path(__file__).resolve().parent.parent
SARIF_SCHEMA = json.loads((ROOT / "tests" / "data" / "sarif-2.1.0-subset.schema.json").read_text())
TODAY = "2026-11-20"
DAY = ["--today", TODAY]
MARKER = re.compile(r"zqxmark\w*", re.IGNORECASE)
LONG = "Zqxmarkerpflege: meine Mutter ist seit 2019 bettlägerig. " * 120
TEXT_LINE = re.compile(r"^\S.*: (error|warning|info) \[[A-Z0-9-]+\] ", re.MULTILINE)


def _case(folder: Path, name: str, change: Callable[[dict[str, Any]], None]) -> Path:
    """The bundled adult case, its evidence files written next to it, then ``change``d."""
    doc = json.loads(fixture_file("cases", "adult-employed.json").read_text("utf-8"))
    doc["unterlagen"][0]["dateiname"] = "zqxmarkerpass.pdf"  # a file name is case data
    for u in doc["unterlagen"]:
        data = f"evidence {u['dateiname']}\n".encode()
        (folder / u["dateiname"]).write_bytes(data)
        u["sha512"] = hashlib.sha512(data).hexdigest()
    change(doc)
    path = folder / name
    path.write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    return path


def _bad_name(doc: dict[str, Any]) -> None:
    doc["antragsteller"]["name"]["familienname"] = "Zqxmarkername\u263a"  # not DIN 91379


def _long_text(doc: dict[str, Any]) -> None:
    doc["antrag"]["begruendungHaertefall"] = LONG  # goes to an annex page: FORM-TEXT-ANNEX


@dataclass(frozen=True)
class Inputs:
    folder: Path
    invalid: Path  # CASE-DIN91379 about a marker value
    valid: Path  # valid, info findings only (CASE-* for case check, FORM-TEXT-ANNEX when filled)
    evidence: list[str]
    tampered: Path  # bundle whose marker-named evidence file changed: BUNDLE-HASH
    good: Path  # an untouched bundle: valid, no finding


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> Inputs:
    folder = tmp_path_factory.mktemp("inputs")
    invalid = _case(folder, "invalid.json", _bad_name)
    valid = _case(folder, "valid.json", _long_text)
    doc = json.loads(valid.read_text("utf-8"))
    evidence = [str(folder / u["dateiname"]) for u in doc["unterlagen"]]
    bundles = {}
    for name in ("tampered", "good"):
        out = folder / name
        assert (
            main(["bundle", str(valid), "--attach", *evidence, "-o", str(out), "--today", TODAY])
            == 0
        )
        bundles[name] = out
    meta = json.loads((bundles["tampered"] / "metadata.json").read_text("utf-8"))
    first = next(a for a in meta["contentStructure"]["attachments"] if a["purpose"] == "attachment")
    assert first["filename"] == "zqxmarkerpass.pdf"
    (bundles["tampered"] / "attachments" / first["attachmentId"] / first["filename"]).write_bytes(
        b"changed"
    )
    return Inputs(folder, invalid, valid, evidence, bundles["tampered"], bundles["good"])


@dataclass(frozen=True)
class Command:
    """How to run a command: argv for an input and an output folder, its flags."""

    argv: Callable[[Inputs, Path, bool], list[str]]  # (inputs, out folder, failing?)
    report_flag: str  # "-o" or "--report"
    stream: str  # where the report goes without a report file: "out" or "err"
    failing_code: str  # the finding of the failing input
    writes_on_error: bool = False  # exit 1 even with --exit-zero when nothing is written


COMMANDS: dict[str, Command] = {
    "case check": Command(
        lambda i, o, bad: ["case", "check", str(i.invalid if bad else i.valid), *DAY],
        "-o",
        "out",
        "CASE-DIN91379",
    ),
    "message build": Command(
        lambda i, o, bad: [
            "message",
            "build",
            str(i.invalid if bad else i.valid),
            "-o",
            str(o / "m.xml"),
            *DAY,
        ],
        "--report",
        "out",
        "CASE-DIN91379",
    ),
    "form fill": Command(
        lambda i, o, bad: [
            "form",
            "fill",
            str(i.invalid if bad else i.valid),
            "-o",
            str(o / "f.pdf"),
            *DAY,
        ],
        "--report",
        "err",
        "CASE-DIN91379",
    ),
    "bundle": Command(
        lambda i, o, bad: [
            "bundle",
            str(i.invalid if bad else i.valid),
            "--attach",
            *i.evidence,
            "-o",
            str(o / "b.zip"),
            *DAY,
        ],
        "--report",
        "err",
        "CASE-DIN91379",
    ),
    "bundle verify": Command(
        lambda i, o, bad: ["bundle", "verify", str(i.tampered if bad else i.good)],
        "-o",
        "out",
        "BUNDLE-HASH",
    ),
}
# Commands that write a product: a failing input writes nothing and exits 1 whatever the flags.
MAKES_SOMETHING = {"message build", "form fill", "bundle"}


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> Run:
    capsys.readouterr()
    code = main(argv)
    captured = capsys.readouterr()
    return Run(code, captured.out, captured.err)


def _out_folder(tmp_path: Path) -> Path:
    out = tmp_path / "out"
    out.mkdir()
    return out


def _check_format(fmt: str, text: str, code: str) -> None:
    """The report in ``fmt`` is well-formed and names the finding ``code``."""
    if fmt == "json":
        doc = json.loads(text)
        assert code in [f["code"] for f in doc["findings"]]
    elif fmt == "junit":
        root = xmlsafe.parse_bytes(text.encode("utf-8")).getroot()
        assert root.tag == "testsuites" and int(root.get("failures", "0")) > 0
        assert any(c.get("classname") == code for c in root.iter("testcase"))
    elif fmt == "sarif":
        doc = json.loads(text)
        jsonschema.validate(doc, SARIF_SCHEMA)
        assert code in [r["ruleId"] for r in doc["runs"][0]["results"]]
    elif fmt == "gitlab":
        assert code in [i["check_name"] for i in json.loads(text)]
    elif fmt == "github":
        assert re.search(rf"^::error .*title={code}::", text, re.MULTILINE), text
    else:
        assert f"error [{code}]" in text


@pytest.mark.parametrize("fmt", sorted(FORMATS))
@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_format_into_the_report_file(
    name: str,
    fmt: str,
    inputs: Inputs,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    cmd = COMMANDS[name]
    out = _out_folder(tmp_path)
    report = tmp_path / "report.out"
    for lang in ("en", "de"):
        argv = [*cmd.argv(inputs, out, True), "-f", fmt, "--lang", lang]
        run = _run([*argv, cmd.report_flag, str(report)], capsys)
        assert run.code == 1, run.err
        text = report.read_text("utf-8")
        _check_format(fmt, text, cmd.failing_code)
        assert not MARKER.search(text + run.out + run.err), "case data without --show-values"
        assert list(out.iterdir()) == [], "nothing written for a failing input"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "report.out"], "no temp files"


@pytest.mark.parametrize("fmt", sorted(FORMATS))
@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_format_on_the_terminal(
    name: str,
    fmt: str,
    inputs: Inputs,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Without a report file the report goes to stdout, or stderr where -o may be stdout."""
    cmd = COMMANDS[name]
    run = _run([*cmd.argv(inputs, _out_folder(tmp_path), True), "-f", fmt, "-q"], capsys)
    assert run.code == 1
    report, other = (run.out, run.err) if cmd.stream == "out" else (run.err, run.out)
    assert "xzufi: error:" not in report, "a failed case check is the report, not an error line"
    _check_format(fmt, report, cmd.failing_code)
    assert other == ""
    assert not MARKER.search(run.out + run.err)


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_show_values_names_the_value(
    name: str, inputs: Inputs, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cmd = COMMANDS[name]
    argv = [*cmd.argv(inputs, _out_folder(tmp_path), True), "-f", "json"]
    run = _run([*argv, cmd.report_flag, str(tmp_path / "r.json"), "--show-values"], capsys)
    assert run.code == 1
    shown = {m.lower() for m in MARKER.findall((tmp_path / "r.json").read_text("utf-8"))}
    assert shown == ({"zqxmarkerpass"} if name == "bundle verify" else {"zqxmarkername"})


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_fail_on_and_exit_zero(
    name: str, inputs: Inputs, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cmd = COMMANDS[name]
    out = _out_folder(tmp_path)

    def code(bad: bool, *flags: str) -> int:
        for p in out.iterdir():  # each run writes anew
            p.unlink()
        return _run([*cmd.argv(inputs, out, bad), "-q", *flags], capsys).code

    assert code(True) == 1
    assert code(True, "--exit-zero") == (1 if name in MAKES_SOMETHING else 0)
    assert code(False) == 0
    assert code(False, "--fail-on", "warning") == 0
    has_info = name != "bundle verify"  # a good bundle has no finding at all
    assert code(False, "--fail-on", "info") == (1 if has_info else 0)
    assert code(False, "--fail-on", "info", "--exit-zero") == 0


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_quiet_and_verbose(
    name: str, inputs: Inputs, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """quiet: finding lines only (no summary, no progress); verbose: the JSON path."""
    cmd = COMMANDS[name]
    out = _out_folder(tmp_path)
    runs = {}
    for mode in ("-q", "", "-v"):
        for p in out.iterdir():
            p.unlink()
        argv = [*cmd.argv(inputs, out, True), "-f", "text", *([mode] if mode else [])]
        runs[mode] = _run(argv, capsys)
    text = {m: r.out if cmd.stream == "out" else r.err for m, r in runs.items()}
    quiet = [ln for ln in text["-q"].splitlines() if not ln.startswith("xzufi: error: ")]
    assert quiet and all(TEXT_LINE.match(ln) for ln in quiet), text["-q"]
    assert "checked:" not in text["-q"] and "checked:" in text[""]
    assert "not filled" not in text["-q"]
    # verbose: every finding line names its JSON path, once (case findings name it
    # in the message, others get " at $…")
    lines = [ln for ln in text["-v"].splitlines() if TEXT_LINE.match(ln)]
    assert lines and all(ln.count("$") == 1 for ln in lines), lines
    path_by_default = name in ("form fill", "bundle")  # FORM-* messages name no case path
    if path_by_default:
        assert text[""] == text["-v"]
    else:
        assert " at $" not in text[""]


def test_message_build_to_stdout_honours_quiet_and_verbose(
    inputs: Inputs, capsys: pytest.CaptureFixture[str]
) -> None:
    """With -o - the report goes to stderr, and -q/-v act there as everywhere (they did not)."""
    argv = ["message", "build", str(inputs.invalid), "-o", "-", "-f", "text", *DAY]
    quiet, verbose = _run([*argv, "-q"], capsys), _run([*argv, "-v"], capsys)
    assert quiet.code == verbose.code == 1
    assert quiet.out == verbose.out == ""
    assert "[CASE-DIN91379]" in quiet.err and "checked:" not in quiet.err
    assert "] $.antragsteller.name.familienname: " in verbose.err and "checked:" in verbose.err
    assert verbose.err.count("$.antragsteller.name.familienname") == 1  # named once


def test_report_file_is_refused_over_an_input_or_the_product(
    inputs: Inputs, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = _out_folder(tmp_path)
    pdf = str(out / "f.pdf")
    for report in (str(inputs.valid), pdf):
        argv = ["form", "fill", str(inputs.valid), "-o", pdf, "--report", report, *DAY]
        run = _run(argv, capsys)
        assert run.code == 2
        assert run.err.count("xzufi: error: ") == 1
    assert list(out.iterdir()) == []


def _findings_by_file(doc: dict[str, Any]) -> dict[str, list[tuple[str, str, str]]]:
    found: dict[str, list[tuple[str, str, str]]] = {}
    for f in doc["findings"]:
        name = Path(f["location"]["file"]).name
        found.setdefault(name, []).append((f["severity"], f["code"], f["message"]))
    return found


def test_batch_fill_reports_every_case_in_full(
    inputs: Inputs, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """One report over the batch: per case exactly what 'case check' says of it
    (warnings and infos too), the form's notes, and a CASE-INPUT error for a case
    that cannot be read (it said "valid": true with no finding); the batch goes on."""
    unreadable = tmp_path / "unreadable.json"
    unreadable.write_bytes(b"{bad\n")
    missing = tmp_path / "documents-missing.json"
    missing.write_bytes((ROOT / "fixtures/cases/invalid/documents-missing.json").read_bytes())
    cases = [inputs.invalid, inputs.valid, unreadable, missing]
    out = _out_folder(tmp_path)
    report = tmp_path / "r.json"
    argv = ["form", "fill", *map(str, cases), "-o", str(out), "-f", "json", *DAY]
    run = _run([*argv, "--report", str(report)], capsys)
    assert run.code == 1
    assert "xzufi: error:" not in run.err, "an unreadable case is a finding, not an error line"
    assert "unreadable.json: not filled" in run.err and "filled 2 of 4 case(s)" in run.err
    assert sorted(p.name for p in out.iterdir()) == ["documents-missing.pdf", "valid.pdf"]
    doc = json.loads(report.read_text("utf-8"))
    assert doc["valid"] is False and doc["documents"] == 4
    found = _findings_by_file(doc)
    assert found["unreadable.json"] == [("error", "CASE-INPUT", found["unreadable.json"][0][2])]
    assert "not valid JSON" in found["unreadable.json"][0][2]
    for case in (inputs.invalid, inputs.valid, missing):
        run = _run(["case", "check", str(case), "-f", "json", *DAY], capsys)
        checked = _findings_by_file(json.loads(run.out))[case.name]
        filled = [f for f in found[case.name] if not f[1].startswith("FORM-")]
        assert filled == checked, case.name
    assert ("warning", "CASE-DOC-MISSING") in {f[:2] for f in found["documents-missing.json"]}
    assert {f[1] for f in found["valid.json"] if f[1].startswith("FORM-")} == {"FORM-TEXT-ANNEX"}


def _without_lease(doc: dict[str, Any]) -> None:
    doc["unterlagen"] = [u for u in doc["unterlagen"] if u["art"] != "07"]  # the lease


@pytest.mark.parametrize("name", ["form fill", "bundle"])
def test_case_check_warnings_follow_fail_on(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """CASE-DOC-MISSING (a warning) is in the report; only --fail-on warning fails on it."""
    folder = tmp_path / "in"
    folder.mkdir()
    case = _case(folder, "no-lease.json", _without_lease)
    kept = json.loads(case.read_text("utf-8"))["unterlagen"]
    evidence = [str(folder / u["dateiname"]) for u in kept]
    for flags, code in (([], 0), (["--fail-on", "warning"], 1)):
        out = tmp_path / f"out{code}"
        target = str(out / "f.pdf") if name == "form fill" else str(out / "b.zip")
        out.mkdir()
        argv = (
            ["form", "fill", str(case), "-o", target]
            if name == "form fill"
            else ["bundle", str(case), "--attach", *evidence, "-o", target]
        )
        run = _run([*argv, "-f", "text", *DAY, *flags], capsys)
        assert run.code == code, run.err
        assert "warning [CASE-DOC-MISSING]" in run.err and "'Mietvertrag'" in run.err
        assert run.out == ""
        assert [p.name for p in out.iterdir()] == [Path(target).name], "written either way"


@pytest.mark.parametrize("fmt", ["json", "junit", "sarif"])
@pytest.mark.parametrize("name", ["form fill", "bundle"])
def test_unreadable_case_is_in_the_report_file(
    name: str, fmt: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Was an error line beside a report file saying valid: CI read success."""
    case = tmp_path / "bad.json"
    case.write_bytes(b"{bad\n")
    out = _out_folder(tmp_path)
    report = tmp_path / "report.out"
    target = str(out / ("f.pdf" if name == "form fill" else "b.zip"))
    argv = [*name.split(), str(case), "-o", target, "-f", fmt, *DAY, "--report", str(report)]
    run = _run(argv, capsys)
    assert run.code == 1
    assert "xzufi: error:" not in run.err
    _check_format(fmt, report.read_text("utf-8"), "CASE-INPUT")
    assert str(case) in report.read_text("utf-8") or fmt == "sarif"  # SARIF names a URI
    assert list(out.iterdir()) == []
    assert case.read_bytes() == b"{bad\n"


def test_batch_with_jobs_reports_as_one_process(
    inputs: Inputs, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Worker processes check against the same Leistung: the same report, case by case."""
    unreadable = tmp_path / "unreadable.json"
    unreadable.write_bytes(b"[")
    cases = [str(inputs.invalid), str(inputs.valid), str(unreadable)]
    reports = []
    for jobs in ("1", "2"):
        out = tmp_path / f"out{jobs}"
        out.mkdir()
        argv = ["form", "fill", *cases, "-o", str(out), "-f", "json", "--jobs", jobs, *DAY]
        run = _run([*argv, "--report", str(tmp_path / f"r{jobs}.json")], capsys)
        assert run.code == 1
        reports.append((tmp_path / f"r{jobs}.json").read_text("utf-8"))
    assert reports[0] == reports[1]
    assert '"CASE-INPUT"' in reports[0] and '"CASE-FEE"' in reports[0]

"""``xzufi xdf xsd``, ``data build``, ``data read``, ``form generate``: the command line,
with the hostile inputs of ``tests/test_cli_hostile.py`` and the privacy rule."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
import test_cli_hostile as hostile
from lxml import etree
from test_xdf_message import BLAUE_KARTE

from xzufi_toolkit.cli.main import main

ROOT = Path(__file__).resolve().parent.parent
APPLICATION = ROOT / "fixtures" / "xdf" / "data" / "valid" / "blaue-karte-application.json"
SCHEMA = str(BLAUE_KARTE)
REPORT_CODE = re.compile(r"\[(DATA-[A-Z-]+|XDF-MSG-XSD)\]")

Argv = Callable[[str, Path], list[str]]
XML_COMMANDS: dict[str, tuple[Argv, str]] = {
    "xdf xsd": (lambda f, o: ["xdf", "xsd", f, "-o", str(o / "x.xsd")], "error"),
    "form generate": (lambda f, o: ["form", "generate", f, "-o", str(o / "f.pdf")], "error"),
    "data build --schema": (
        lambda f, o: ["data", "build", str(APPLICATION), "--schema", f, "-o", str(o / "m.xml")],
        "error",
    ),
    "data read": (
        lambda f, o: ["data", "read", f, "--schema", SCHEMA, "-o", str(o / "d.json"), "-f", "text"],
        "report-stderr",
    ),
}
JSON_COMMANDS: dict[str, tuple[Argv, str]] = {
    "data build": (
        lambda f, o: ["data", "build", f, "--schema", SCHEMA, "-o", str(o / "m.xml"), "-f", "text"],
        "report-stderr",
    ),
    "form fill --schema": (
        lambda f, o: ["form", "fill", f, "--schema", SCHEMA, "-o", str(o / "f.pdf"), "-f", "text"],
        "report-stderr",
    ),
}
MATRIX = [
    pytest.param(cmd, argv, style, build, id=f"{cmd}|{name}")
    for commands, inputs in (
        (XML_COMMANDS, hostile.XML_INPUTS),
        (JSON_COMMANDS, hostile.JSON_INPUTS),
    )
    for cmd, (argv, style) in commands.items()
    for name, build in inputs.items()
]


@pytest.mark.parametrize(("command", "argv", "style", "build"), MATRIX)
def test_hostile_input(
    command: str,
    argv: Argv,
    style: str,
    build: hostile.Builder,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    secret = tmp_path / "secret" / "token.txt"
    secret.parent.mkdir()
    secret.write_text(hostile.SECRET + "\n", "utf-8")
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    out.mkdir()
    path = build(src, secret)
    before = hostile._snapshot(path)
    run = hostile.run_cli(argv(str(path), out), capsys)
    assert run.code == 1, (command, run.code, run.out[-500:], run.err[-500:])
    assert "Traceback" not in run.out + run.err
    assert "internal error" not in run.err
    assert hostile.SECRET not in run.out + run.err
    if style == "error":
        assert len(run.error_lines) == 1, run.err
        assert str(path) in run.error_lines[0], run.error_lines
    else:
        assert not run.error_lines, run.err
        assert run.out == ""
        assert REPORT_CODE.search(run.err), run.err
        assert str(path) in run.err
    assert list(out.iterdir()) == [], "no output (and no temporary file) may be left behind"
    assert hostile._snapshot(path) == before


def test_cli_round_trip(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    xsd, msg, back = tmp_path / "bk.xsd", tmp_path / "msg.xml", tmp_path / "back.json"
    assert main(["xdf", "xsd", SCHEMA, "-o", str(xsd)]) == 0
    reader = ["--reader", "psw:01003110", "Ausländerbehörde Wiesbaden"]
    assert (
        main(["data", "build", str(APPLICATION), "--schema", SCHEMA, "-o", str(msg), *reader]) == 0
    )
    assert etree.XMLSchema(etree.parse(str(xsd))).validate(etree.parse(str(msg)))
    assert main(["data", "read", str(msg), "--schema", SCHEMA, "-o", str(back)]) == 0
    assert json.loads(back.read_text("utf-8")) == json.loads(APPLICATION.read_text("utf-8"))
    root = etree.parse(str(msg)).getroot()
    assert root.findtext(".//leser/kennung") == "psw:01003110"


def test_invalid_data_writes_no_message_and_no_value(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = json.loads(APPLICATION.read_text("utf-8"))
    data["G00000630"]["F00000013"] = "Geheim\u0001"  # not DIN 91379, not XML
    data["G00000629"]["F00001016"] = "Geheim-Datum"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data), "utf-8")
    out = tmp_path / "m.xml"
    assert main(["data", "build", str(bad), "--schema", SCHEMA, "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert not out.exists()
    assert "Geheim" not in err
    assert "F00001016" in err


def test_message_of_another_schema_is_a_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    leistung = str(ROOT / "fixtures" / "xdf" / "aufenthalt-25-4-2.xdf3.xml")
    msg = tmp_path / "m.xml"
    assert main(["data", "build", str(APPLICATION), "--schema", SCHEMA, "-o", str(msg)]) == 0
    capsys.readouterr()
    code = main(["data", "read", str(msg), "--schema", leistung, "-o", str(tmp_path / "d.json")])
    assert code == 1
    assert "not a data message of Stammdatenschema S90000000001" in capsys.readouterr().err
    assert not (tmp_path / "d.json").exists()


def test_tampered_message_fails_the_xsd_without_values(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    msg = tmp_path / "m.xml"
    assert main(["data", "build", str(APPLICATION), "--schema", SCHEMA, "-o", str(msg)]) == 0
    text = msg.read_text("utf-8").replace("2026-09-01", "Geheim")
    msg.write_text(text, "utf-8")
    capsys.readouterr()
    assert main(["data", "read", str(msg), "--schema", SCHEMA, "-o", str(tmp_path / "d.json")]) == 1
    err = capsys.readouterr().err
    assert "XDF-MSG-XSD" in err
    assert "Geheim" not in err

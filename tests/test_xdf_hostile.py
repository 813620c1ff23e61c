"""Hostile input against the XDatenfelder commands.

Each of ``xdf check``, ``xdf jsonschema`` and ``data check`` (as schema and as
data) gets XXE, billion laughs, deep nesting, binary, UTF-16, truncated input,
a directory and an endless device. Every run gives exit code 1, one error line
or a report naming the file, no traceback, no output file, and never the
content of the secret file an XXE points at.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from xzufi_toolkit.cli.main import main

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = ROOT / "fixtures" / "hostile"
XDF = ROOT / "fixtures" / "xdf"
BLAUE_KARTE = XDF / "S00000121-antrag-blaue-karte-eu.xdf2.xml"
APPLICATION = XDF / "data" / "valid" / "blaue-karte-application.json"
SECRET = "XZUFI-XDF-SECRET-51a9"
V2 = "urn:xoev-de:fim:standard:xdatenfelder_2"


def _xxe(tmp: Path) -> Path:
    secret = tmp / "secret.txt"
    secret.write_text(SECRET)
    p = tmp / "xxe.xml"
    p.write_text(
        f'<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY s SYSTEM "{secret.as_uri()}">]>\n'
        f'<x:xdatenfelder.stammdatenschema.0102 xmlns:x="{V2}"><x:header>'
        "<x:nachrichtID>&s;</x:nachrichtID></x:header></x:xdatenfelder.stammdatenschema.0102>"
    )
    return p


def _copy(name: str) -> Callable[[Path], Path]:
    def make(tmp: Path) -> Path:
        p = tmp / name
        p.write_bytes((HOSTILE / name).read_bytes())
        return p

    return make


def _deep(tmp: Path) -> Path:
    p = tmp / "deep.xml"
    p.write_text(
        f'<x:xdatenfelder.stammdatenschema.0102 xmlns:x="{V2}">'
        + "<x:a>" * 5000
        + "</x:a>" * 5000
        + "</x:xdatenfelder.stammdatenschema.0102>"
    )
    return p


def _utf16(tmp: Path) -> Path:
    p = tmp / "utf16.xml"
    text = BLAUE_KARTE.read_text("utf-8").replace('encoding="UTF-8"', 'encoding="UTF-16"')
    p.write_bytes(text.encode("utf-16"))
    return p


def _truncated(tmp: Path) -> Path:
    p = tmp / "truncated.xml"
    p.write_bytes(BLAUE_KARTE.read_bytes()[:5000])
    return p


def _binary(tmp: Path) -> Path:
    p = tmp / "binary.xml"
    p.write_bytes(bytes(range(256)) * 4)
    return p


def _directory(tmp: Path) -> Path:
    d = tmp / "dir.xml"
    d.mkdir()
    return d


SCHEMAS: dict[str, Callable[[Path], Path]] = {
    "xxe": _xxe,
    "billion-laughs": _copy("billion-laughs.xml"),
    "wrong-namespace": _copy("wrong-namespace.xml"),
    "not-xml": _copy("not-xml.txt"),
    "deep": _deep,
    "truncated": _truncated,
    "binary": _binary,
    "directory": _directory,
}


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out + err


@pytest.mark.parametrize("kind", sorted(SCHEMAS))
@pytest.mark.parametrize("command", ["check", "jsonschema", "data"])
def test_hostile_schema(
    kind: str, command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = SCHEMAS[kind](tmp_path)
    out = tmp_path / "out.json"
    argv = {
        "check": ["xdf", "check", str(bad)],
        "jsonschema": ["xdf", "jsonschema", str(bad), "-o", str(out)],
        "data": ["data", "check", str(APPLICATION), "--schema", str(bad)],
    }[command]
    code, text = _run(argv, capsys)
    assert code == 1, text
    assert "Traceback" not in text and "internal error" not in text
    assert SECRET not in text
    assert str(bad) in text
    if command == "check":
        assert "[XDF-INPUT]" in text
    else:
        assert text.startswith("xzufi: error:") and len(text.splitlines()) == 1
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "secret.txt") == [bad.name]


def test_utf16_schema_reads_like_utf8(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, text = _run(["xdf", "check", "-q", str(_utf16(tmp_path))], capsys)
    assert code == 0 and text.count("XDF-LABEL-002") == 3


@pytest.mark.parametrize(
    "name",
    ["duplicate-key.json", "nan.json", "infinity.json", "not-json.txt", "billion-laughs.xml"],
)
def test_hostile_data(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, text = _run(["data", "check", str(HOSTILE / name), "--schema", str(BLAUE_KARTE)], capsys)
    assert code == 1
    assert "[DATA-INPUT]" in text and "Traceback" not in text


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero")
def test_endless_device(capsys: pytest.CaptureFixture[str]) -> None:
    code, text = _run(["xdf", "check", "/dev/zero"], capsys)
    assert code == 1 and "[XDF-INPUT]" in text
    code, text = _run(["data", "check", "/dev/zero", "--schema", str(BLAUE_KARTE)], capsys)
    assert code == 1 and "[DATA-INPUT]" in text

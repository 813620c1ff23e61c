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
from xzufi_toolkit.xdf.data import _bounded_pattern, load_data_schema
from xzufi_toolkit.xdf.patterns import RISK_DE, pattern_risk, search_bounded
from xzufi_toolkit.xdf.reader import read_xdf
from xzufi_toolkit.xdf.xsd import build_xsd, xsd_notes

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


# --- hostile praezisierung patterns -------------------------------------------------------
CATASTROPHIC = XDF / "invalid" / "XDF-PRAEZ-007-catastrophic-pattern.xdf2.xml"
CATASTROPHIC_DATA = XDF / "data" / "invalid" / "DATA-PATTERN-LIMIT-catastrophic-pattern.json"


@pytest.mark.parametrize(
    ("pattern", "risky"),
    [
        ("(a+)+$", True),
        ("(a|aa)+", True),
        ("([a-z]+ ?)*", True),
        ("((a+)b){2,}", True),
        ("(a{2}){11}", True),
        ("x" * 1001, True),
        ("[0-9]{5}", False),
        ("[A-Z0-9]{1,20}", False),
        (r"\+?[0-9][0-9 /()-]{2,29}", False),
        (r"[^@\s]+@[^@\s]+\.[^@\s]+", False),
        ("[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?", False),
        ("([0-9]{3}-){2}", False),
        (r"[(+]+\(a\)+", False),
    ],
)
def test_pattern_risk(pattern: str, risky: bool) -> None:
    risk = pattern_risk(pattern)
    assert (risk is not None) is risky
    assert risk is None or risk in RISK_DE  # findings say it in German too


def test_catastrophic_pattern_is_one_finding_per_field(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # (a+)+$ against "a"*40 + "b" never ends under Python's re; here each field
    # gets one finding, and the value stays out of the report
    argv = ["data", "check", str(CATASTROPHIC_DATA), "--schema", str(CATASTROPHIC)]
    code, text = _run(argv, capsys)
    assert code == 1
    assert text.count("[DATA-PATTERN]") == 1 and "(Feld 1)" in text
    assert text.count("[DATA-PATTERN-LIMIT]") == 1 and "(Feld 2)" in text
    assert "aaaa" not in text and "Traceback" not in text
    out = tmp_path / "msg.xml"
    code, text = _run(["data", "build", *argv[2:], "-o", str(out)], capsys)
    assert code == 1 and "aaaa" not in text and not out.exists()


def test_data_check_never_hands_patterns_to_re() -> None:
    ds = load_data_schema(CATASTROPHIC)
    assert ds.validator.VALIDATORS["pattern"] is _bounded_pattern
    # the schema's pattern itself is what search_bounded gives up on
    assert search_bounded("^(?:(a|a)+)$", "a" * 40 + "b") is None


def test_xsd_leaves_risky_patterns_out() -> None:
    schema = read_xdf(CATASTROPHIC).content
    xsd = build_xsd(schema)
    assert b"(a+)+" not in xsd and b"(a|a)+" not in xsd
    assert [n.split(":")[0] for n in xsd_notes(schema)] == ["F99000001", "F99000002"]

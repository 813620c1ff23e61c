"""Case data stays out of every message unless ``--show-values`` is given.

Invalid cases (and messages) carry distinctive marker strings in their
personal fields. Every command that handles case data is run in every report
format and both languages: without ``--show-values`` no marker may appear in
stdout, stderr or a report file; with it, exactly the markers of the values a
finding is about appear, and the markers of untouched fields still do not.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from xzufi_toolkit.cli.main import main
from xzufi_toolkit.io.resources import fixture_file
from xzufi_toolkit.reporters import FORMATS

TODAY = "2026-11-20"
MARKER = re.compile(r"zqxmark\w*", re.IGNORECASE)
# Valid values in fields no finding is about: never shown, not even with --show-values.
BYSTANDERS = {
    ("antragsteller", "name", "vornamen"): "Zqxmarkervorname",
    ("antragsteller", "anschrift", "wohnort"): "Zqxmarkerort",
    ("antragsteller", "geburt", "ort"): "Zqxmarkergeburtsort",
    ("lebensunterhalt", "arbeitgeber"): "Zqxmarkerarbeitgeber",
    ("antrag", "begruendungHaertefall"): "Zqxmarkerbegruendung",
}
# name -> (invalid values by field, the markers findings are about, lower case)
INVALID_CASES: dict[str, tuple[dict[tuple[str, ...], str], set[str]]] = {
    "schema": (
        {
            ("antragsteller", "email"): "zqxmarkermail",
            ("ausweisdokument", "nummer"): "ZQXMARK!",
        },
        {"zqxmarkermail", "zqxmark"},
    ),
    "din91379": (
        {("antragsteller", "name", "familienname"): "Zqxmarkername\u263a"},
        {"zqxmarkername"},
    ),
}
LANGS = ("en", "de")


def _set(doc: dict[str, Any], path: tuple[str, ...], value: str) -> None:
    for key in path[:-1]:
        doc = doc[key]
    doc[path[-1]] = value


def _case(values: dict[tuple[str, ...], str]) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(fixture_file("cases", "adult-employed.json").read_text())
    for path, value in {**BYSTANDERS, **values}.items():
        _set(doc, path, value)
    return doc


def _markers(*texts: str) -> set[str]:
    return {m.lower() for text in texts for m in MARKER.findall(text)}


def _check(found: set[str], concerned: set[str], show: bool) -> None:
    if show:
        assert found == concerned, f"shown {found}, expected {concerned}"
    else:
        assert not found, f"case data in the output: {found}"


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    capsys.readouterr()
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out + captured.err


@pytest.fixture(params=sorted(INVALID_CASES))
def invalid_case(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Path, set[str]]:
    values, concerned = INVALID_CASES[request.param]
    path = tmp_path / "case.json"
    path.write_text(json.dumps(_case(values), ensure_ascii=False), "utf-8")
    return path, concerned


@pytest.mark.parametrize("show", [False, True], ids=["hidden", "show-values"])
@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_case_check_and_message_build(
    fmt: str,
    show: bool,
    invalid_case: tuple[Path, set[str]],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    case, concerned = invalid_case
    extra = ["--show-values"] if show else []
    for lang in LANGS:
        common = ["-f", fmt, "--lang", lang, "--today", TODAY, *extra]
        code, text = _run(["case", "check", str(case), *common], capsys)
        assert code == 1
        _check(_markers(text), concerned, show)

        report = tmp_path / f"check-{lang}.out"
        code, text = _run(["case", "check", str(case), *common, "-o", str(report)], capsys)
        assert code == 1
        _check(_markers(text, report.read_text("utf-8")), concerned, show)

        message, report = tmp_path / "m.xml", tmp_path / f"build-{lang}.out"
        argv = ["message", "build", str(case), "-o", str(message), "--report", str(report)]
        code, text = _run([*argv, *common], capsys)
        assert code == 1
        assert not message.exists()
        _check(_markers(text, report.read_text("utf-8")), concerned, show)


@pytest.mark.parametrize("show", [False, True], ids=["hidden", "show-values"])
def test_form_fill_and_bundle(
    show: bool,
    invalid_case: tuple[Path, set[str]],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    case, concerned = invalid_case
    extra = ["--show-values"] if show else []
    for argv in (
        ["form", "fill", str(case), "-o", str(tmp_path / "f.pdf")],
        ["bundle", str(case), "-o", str(tmp_path / "b.zip")],
    ):
        code, text = _run([*argv, "--today", TODAY, *extra], capsys)
        assert code == 1
        _check(_markers(text), concerned, show)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["case.json"]


@pytest.mark.parametrize("show", [False, True], ids=["hidden", "show-values"])
def test_bundle_attachment_names(
    show: bool, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A declared evidence file that is not attached: its file name is case data."""
    doc = _case({})
    doc["unterlagen"][0]["dateiname"] = "zqxmarkerpass.pdf"
    case = tmp_path / "case.json"
    case.write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    extra = ["--show-values"] if show else []
    argv = ["bundle", str(case), "-o", str(tmp_path / "b.zip"), "--today", TODAY, *extra]
    code, text = _run(argv, capsys)
    assert code == 1
    assert "$.unterlagen[0]" in text
    _check(_markers(text), {"zqxmarkerpass"}, show)


# -- message read: a valid message with markers, then damaged --------------------


@pytest.fixture(scope="module")
def marker_message(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    folder = tmp_path_factory.mktemp("message")
    case = folder / "case.json"
    values = {
        ("antragsteller", "name", "familienname"): "Zqxmarkername",
        ("antragsteller", "email"): "zqxmarkermail@example.org",
        ("ausweisdokument", "nummer"): "ZQXMARK01",
    }
    case.write_text(json.dumps(_case(values), ensure_ascii=False), "utf-8")
    out = folder / "m.xml"
    argv = ["message", "build", str(case), "-o", str(out), "--today", TODAY, "-q"]
    assert main([*argv, "--report", str(folder / "r.txt")]) == 0
    return out.read_bytes()


def _swap(old: str, new: str) -> Callable[[bytes], bytes]:
    def change(data: bytes) -> bytes:
        assert old.encode() in data
        return data.replace(old.encode(), new.encode(), 1)

    return change


# name -> (damage, markers the findings are about); the rest must never show
DAMAGED_MESSAGES: dict[str, tuple[Callable[[bytes], bytes], set[str]]] = {
    "din91379": (
        _swap(">Zqxmarkername<", ">Zqxmarkername\u263a<"),
        {"zqxmarkername"},
    ),
    "email-pattern": (_swap("zqxmarkermail@example.org", "zqxmarkermail"), {"zqxmarkermail"}),
    "passport-xsd-pattern": (_swap(">ZQXMARK01<", ">ZQXMARK!<"), {"zqxmark"}),
    "date-not-a-date": (_swap(">1991-03-14<", ">Zqxmarkerdatum<"), {"zqxmarkerdatum"}),
    "name-too-long": (_swap(">Zqxmarkername<", ">Zqxmarkername" + "x" * 500 + "<"), set()),
}


@pytest.mark.parametrize("show", [False, True], ids=["hidden", "show-values"])
@pytest.mark.parametrize("damage", sorted(DAMAGED_MESSAGES))
def test_message_read(
    damage: str,
    show: bool,
    marker_message: bytes,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    change, concerned = DAMAGED_MESSAGES[damage]
    message = tmp_path / "message.xml"
    message.write_bytes(change(marker_message))
    out = tmp_path / "case.json"
    extra = ["--show-values"] if show else []
    for fmt in sorted(FORMATS):
        for lang in LANGS:
            argv = ["message", "read", str(message), "-o", str(out), "-f", fmt, "--lang", lang]
            code, text = _run([*argv, "--today", TODAY, *extra], capsys)
            assert code == 1, text
            assert not out.exists()
            _check(_markers(text), concerned, show)

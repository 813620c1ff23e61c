"""``xzufi demo``: the whole path on the bundled defaults, repeatable."""

from __future__ import annotations

from pathlib import Path

import pytest

from xzufi_toolkit.bundle import verify_bundle
from xzufi_toolkit.cli.main import main
from xzufi_toolkit.message.read import read_message_file
from xzufi_toolkit.xzufi import default_path

EXPECTED = {
    "case.json",
    "antrag.pdf",
    "antrag-seite1.png",
    "nachricht.xml",
    "bundle.zip",
    "leistung.html",
}


def test_demo_writes_every_result(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], parses: list[str | None]
) -> None:
    out = tmp_path / "demo"
    assert main(["demo", "-o", str(out)]) == 0
    # validation and the model are served by one parse of the bundled Leistung
    assert parses.count(str(default_path())) == 1
    printed = capsys.readouterr().out
    assert {p.name for p in out.iterdir()} >= EXPECTED
    for name in EXPECTED:
        assert name in printed
    assert "99010022001012" in printed
    assert (out / "antrag.pdf").read_bytes().startswith(b"%PDF-")
    assert (out / "antrag-seite1.png").read_bytes().startswith(b"\x89PNG")
    assert verify_bundle(out / "bundle.zip").valid
    message = read_message_file(str(out / "nachricht.xml"))
    assert message.case.leistungsschluessel == "99010022001012"
    html = (out / "leistung.html").read_text("utf-8")
    assert "Härtefälle" in html


def test_demo_reruns_into_its_own_folder(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    assert main(["demo", "-o", str(out)]) == 0
    assert main(["demo", "-o", str(out)]) == 0


def test_demo_refuses_a_foreign_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "mine.txt").write_text("keep", "utf-8")
    assert main(["demo", "-o", str(tmp_path)]) == 2
    assert "not empty" in capsys.readouterr().err
    assert (tmp_path / "mine.txt").read_text("utf-8") == "keep"

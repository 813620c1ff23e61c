"""``xzufi show`` and ``xzufi convert``: output, exit codes 0/1/2, stdin/stdout,
conversion warnings on stderr, no partial output, inputs untouched."""

from __future__ import annotations

import io
import json
import shutil
import sys
from pathlib import Path

import pytest

from xzufi_toolkit.cli.main import main
from xzufi_toolkit.io import xmlsafe
from xzufi_toolkit.xzufi import (
    default_path,
    default_transfer_path,
    load_default,
    load_schema,
    read_leistung,
)

ROOT = Path(__file__).resolve().parent.parent
BAD = ROOT / "fixtures" / "xzufi" / "bad"


class _Stdin:
    def __init__(self, data: bytes) -> None:
        self.buffer = io.BufferedReader(io.BytesIO(data))  # type: ignore[arg-type]  # BytesIO is a valid raw stream at run time


class _Stdout(io.StringIO):
    def __init__(self) -> None:
        super().__init__()
        self.buffer = io.BytesIO()


def run(
    argv: list[str], stdin: bytes = b"", monkeypatch: pytest.MonkeyPatch | None = None
) -> tuple[int, str, bytes, str]:
    """Run the CLI in-process: exit code, text stdout, binary stdout, stderr."""
    out, err = _Stdout(), io.StringIO()
    mp = monkeypatch or pytest.MonkeyPatch()
    mp.setattr(sys, "stdin", _Stdin(stdin))
    mp.setattr(sys, "stdout", out)
    mp.setattr(sys, "stderr", err)
    try:
        code = main(argv)
    except SystemExit as exc:
        code = int(exc.code or 0)
    finally:
        if monkeypatch is None:
            mp.undo()
    return code, out.getvalue(), out.buffer.getvalue(), err.getvalue()


def test_show_without_file_summarises_the_bundled_leistung() -> None:
    code, out, _, err = run(["show"])
    assert code == 0, err
    assert out.startswith("Leistung 99010022001012 (XZuFi 2.3.1)")
    for needle in (
        "Hessen",
        "2/3",
        "5 (fachlich freigegeben (silber))",
        "lov (Leistungsobjekt mit Verrichtung)",
        "010 (Aufenthaltstitel)",
        "07 Rechtsgrundlage(n) [de,en]",
        "100 EUR",
        "50 EUR",
        "kostenfrei",
        "6–8 Wochen",  # units in words, not the codes WOCHE/JAHR
        "3 Jahre",
        "2022-04-05",
    ):
        assert needle in out, needle
    assert err == ""


def test_show_lang_en_gives_units_and_descriptions_in_english() -> None:
    code, out, _, err = run(["show", "--lang", "en"])
    assert code == 0, err
    for needle in ("6–8 weeks", "3 years", "free of charge", "When issuing the residence permit"):
        assert needle in out, needle
    assert "WOCHE" not in out and "JAHR" not in out


def test_show_summary_validates() -> None:
    code, _, _, err = run(["show", "--summary"])
    assert code == 0
    assert "valid against the profile XSD 2.3.1" in err


def test_show_summary_fails_on_schema_errors() -> None:
    path = ROOT / "fixtures" / "xzufi" / "messy" / "unreadable-values.xml"
    code, _, _, err = run(["show", "--summary", str(path)])
    assert code == 1
    assert "error:" in err


@pytest.mark.parametrize("summary", [[], ["--summary"]])
def test_show_parses_the_leistung_once(request: pytest.FixtureRequest, summary: list[str]) -> None:
    """The model and --summary's XSD check are served by one parse of the document."""
    load_schema("2.3.1")  # compiled (and its files parsed) before counting
    calls: list[str | None] = request.getfixturevalue("parses")
    code, _, _, err = run(["show", *summary, str(default_path())])
    assert code == 0, err
    assert calls == [str(default_path())]


def test_show_json_is_the_model() -> None:
    code, out, _, _ = run(["show", "--format", "json", str(default_path("2.2.0"))])
    assert code == 0
    doc = json.loads(out)
    assert doc["version"] == "2.2.0"
    assert doc["leistung"] == read_leistung(default_path("2.2.0")).leistung.to_dict()


def test_show_transfer_lists_one_line_per_object() -> None:
    code, out, _, _ = run(["show", str(default_transfer_path())])
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "Transfernachricht <xzufi.transfer> (XZuFi 2.3.1)"
    entries = [line for line in lines if line.startswith("  #")]
    assert len(entries) == 3
    assert entries[0].startswith("  #0 Zeile 4: schreibe leistung 99010022001012 – ")
    assert "loesche Zustaendigkeit beispiel-zustaendigkeit-1" in entries[1]


def test_show_transfer_json_streams_valid_json() -> None:
    code, out, _, _ = run(["show", "--format", "json", str(default_transfer_path())])
    assert code == 0
    doc = json.loads(out)
    assert doc["message"]["version"] == "2.3.1"
    assert [e["index"] for e in doc["entries"]] == [0, 1, 2]
    assert doc["entries"][0]["leistung"] == load_default().to_dict()


def test_show_reads_stdin_and_reports_normalisation() -> None:
    data = (ROOT / "fixtures" / "xzufi" / "messy" / "de-DE-language.xml").read_bytes()
    code, out, _, err = run(["show", "-"], stdin=data)
    assert code == 0
    assert out.startswith("Leistung 99010022001012 (XZuFi 2.2.0)")
    assert "info: XZ-N001 <stdin>:9 /leistung/modulText[1]/inhalt[1]" in err


def test_convert_to_file_writes_valid_xml_and_warns(tmp_path: Path) -> None:
    src = tmp_path / "in.xml"
    shutil.copy(default_path("2.3.1"), src)
    before = src.read_bytes()
    target = tmp_path / "out.xml"
    code, out, _, err = run(["convert", str(src), "--to", "2.2.0", "-o", str(target)])
    assert code == 0, err
    assert out == ""
    assert "warning: XZ-C001" in err and "statusBibliothek" in err
    assert load_schema("2.2.0").validate(xmlsafe.parse_file(target))
    assert src.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.xml", "out.xml"]


def test_convert_stdin_to_stdout() -> None:
    data = default_path("2.2.0").read_bytes()
    code, _, raw, err = run(["convert", "-", "--to", "2.3.1"], stdin=data)
    assert code == 0
    expected = load_default("2.3.1")
    expected.status_library = None  # not in the 2.2.0 file
    expected.personal_attendance_required = None
    assert read_leistung(raw).leistung == expected
    assert "kennzeichenEA" in err  # the one thing 2.3.1 cannot carry
    assert load_schema("2.3.1").validate(xmlsafe.parse_bytes(raw))


def test_convert_same_version_reproduces_the_fixture() -> None:
    data = default_path("2.3.1").read_bytes()
    code, _, raw, err = run(["convert", "-", "--to", "2.3.1"], stdin=data)
    assert (code, err) == (0, "")
    assert raw == data


def test_convert_transfer_streams_to_file(tmp_path: Path) -> None:
    target = tmp_path / "bulk-220.xml"
    code, _, _, err = run(
        ["convert", str(default_transfer_path()), "--to", "2.2.0", "-o", str(target)]
    )
    assert code == 0, err
    assert "[entry 0 99010022001012]" in err
    assert load_schema("2.2.0").validate(xmlsafe.parse_file(target))


def test_streamed_output_has_the_mode_of_every_other_output(tmp_path: Path) -> None:
    """A converted transfer message is written as a converted Leistung is (umask mode,
    not the 0600 of a bare temporary file)."""
    single, bulk = tmp_path / "single.xml", tmp_path / "bulk.xml"
    assert run(["convert", str(default_path()), "--to", "2.2.0", "-o", str(single)])[0] == 0
    assert run(["convert", str(default_transfer_path()), "--to", "2.2.0", "-o", str(bulk)])[0] == 0
    assert bulk.stat().st_mode == single.stat().st_mode
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_truncated_transfer_leaves_no_partial_output(tmp_path: Path) -> None:
    target = tmp_path / "out.xml"
    code, _, raw, err = run(
        ["convert", str(BAD / "transfer-truncated.xml"), "--to", "2.2.0", "-o", str(target)]
    )
    assert code == 1
    assert "transfer-truncated.xml:9" in err and "truncated" in err
    assert list(tmp_path.iterdir()) == []
    code, _, raw, _ = run(["convert", str(BAD / "transfer-truncated.xml"), "--to", "2.2.0"])
    assert code == 1 and raw == b""


@pytest.mark.parametrize(
    "name", ["xxe-local-file.xml", "not-xml.xml", "empty.xml", "wrong-namespace.xml"]
)
def test_bad_input_exits_1_with_one_line(name: str, tmp_path: Path) -> None:
    target = tmp_path / "out.xml"
    for argv in (
        ["show", str(BAD / name)],
        ["convert", str(BAD / name), "--to", "2.3.1", "-o", str(target)],
    ):
        code, out, _, err = run(argv)
        assert code == 1
        assert out == ""
        assert err.count("\n") == 1 and err.startswith("xzufi: error: ")
        assert "Traceback" not in err and "root:" not in err
        assert not target.exists()


def test_missing_file_and_usage_errors(tmp_path: Path) -> None:
    assert run(["show", str(tmp_path / "nope.xml")])[0] == 1
    assert run(["show", str(tmp_path)])[0] == 1
    assert run(["convert", str(default_path()), "--to", "3.0"])[0] == 2
    assert run(["convert", str(default_path())])[0] == 2
    assert run(["show", "--format", "yaml"])[0] == 2


def test_convert_refuses_to_overwrite_its_input(tmp_path: Path) -> None:
    src = tmp_path / "in.xml"
    shutil.copy(default_path("2.3.1"), src)
    before = src.read_bytes()
    code, _, _, err = run(["convert", str(src), "--to", "2.2.0", "-o", str(src)])
    assert code == 2
    assert "overwrite the input" in err
    assert src.read_bytes() == before

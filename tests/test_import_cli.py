"""``xzufi import-portal``: output, versions, reports, exit codes, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from xzufi_toolkit.cli.main import main
from xzufi_toolkit.xzufi.reader import read_leistung

PORTAL = Path(__file__).resolve().parent.parent / "fixtures" / "portal"
SEED = PORTAL / "seed.txt"


@pytest.mark.parametrize("version", ["2.2.0", "2.3.1"])
def test_writes_a_leistung_that_reads_back(tmp_path: Path, version: str) -> None:
    out = tmp_path / "l.xml"
    assert main(["import-portal", str(SEED), "-o", str(out), "--version", version, "-q"]) == 0
    result = read_leistung(out)
    assert result.version == version
    assert result.leistung.key == "99010022001012"
    assert result.leistung.name("en") is not None


def test_pdf_and_text_give_the_same_xml(tmp_path: Path) -> None:
    a, b = tmp_path / "a.xml", tmp_path / "b.xml"
    assert main(["import-portal", str(SEED), "-o", str(a), "-q"]) == 0
    assert main(["import-portal", str(PORTAL / "seed.pdf"), "-o", str(b), "-q"]) == 0
    assert a.read_bytes() == b.read_bytes()


def test_json_report(tmp_path: Path) -> None:
    out, report = tmp_path / "l.xml", tmp_path / "r.json"
    args = ["import-portal", str(SEED), "-o", str(out), "-f", "json", "--report", str(report)]
    assert main(args) == 0
    data = json.loads(report.read_text("utf-8"))
    codes = json.dumps(data)
    assert "IMP-DISPLACED" in codes and "IMP-REPAIRED" in codes


def test_fail_on_warning_still_writes(tmp_path: Path) -> None:
    out = tmp_path / "l.xml"
    src = PORTAL / "damaged" / "missing_sections.txt"
    assert main(["import-portal", str(src), "-o", str(out), "--fail-on", "warning", "-q"]) == 1
    assert out.is_file()


def test_missing_key_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "l.xml"
    src = PORTAL / "damaged" / "missing_key.txt"
    assert main(["import-portal", str(src), "-o", str(out)]) == 1
    assert not out.exists()
    assert "IMP-REQUIRED" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "file is empty"),
        (b"Dear Sir or Madam,\n\nthank you.\n", "not a FIM Portal export"),
        (b"%PDF-1.4\n%broken", "PDF"),
    ],
)
def test_bad_input_one_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, message: str
) -> None:
    src = tmp_path / "in.pdf"
    src.write_bytes(content)
    out = tmp_path / "l.xml"
    assert main(["import-portal", str(src), "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert err.count("xzufi: error:") == 1 and message in err and "in.pdf" in err
    assert "Traceback" not in err
    assert not out.exists()


def test_refuses_to_overwrite_its_input(tmp_path: Path) -> None:
    src = tmp_path / "seed.txt"
    src.write_bytes(SEED.read_bytes())
    assert main(["import-portal", str(src), "-o", str(src), "-q"]) == 2
    assert src.read_bytes() == SEED.read_bytes()


def test_report_may_not_overwrite_input_or_output(tmp_path: Path) -> None:
    src = tmp_path / "seed.txt"
    src.write_bytes(SEED.read_bytes())
    out = tmp_path / "l.xml"
    assert main(["import-portal", str(src), "-o", str(out), "--report", str(src)]) == 2
    assert main(["import-portal", str(src), "-o", str(out), "--report", str(out)]) == 2
    assert src.read_bytes() == SEED.read_bytes()
    assert not out.exists()


def test_missing_file(tmp_path: Path) -> None:
    assert main(["import-portal", str(tmp_path / "nope.pdf"), "-o", str(tmp_path / "x")]) == 1


def test_finding_codes_are_registered_and_documented() -> None:
    """Every IMP- code the import emits has rule metadata and a row in docs/import.md."""
    import re

    from xzufi_toolkit.portal_import import RULES

    root = Path(__file__).resolve().parent.parent
    source = "".join(
        p.read_text("utf-8")
        for p in (root / "xzufi_toolkit" / "portal_import").glob("*.py")
        if p.name != "__init__.py"  # where RULES itself lists them
    )
    emitted = set(re.findall(r'"(IMP-[A-Z-]+)"', source))
    registered = {r.code for r in RULES}
    assert emitted == registered
    docs = (root / "docs" / "import.md").read_text("utf-8")
    documented = set(re.findall(r"^\| `(IMP-[A-Z-]+)` \|", docs, re.M))
    assert documented == registered


def test_shared_report_flags(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The report flags of every reporting command: -q drops the summary, -v adds
    locations, --exit-zero keeps exit 0 where --fail-on would give 1."""
    src = PORTAL / "damaged" / "missing_sections.txt"
    out = tmp_path / "l.xml"
    base = ["import-portal", str(src), "-o", str(out)]
    assert main(base) == 0
    full = capsys.readouterr().err
    assert main([*base, "-q"]) == 0
    quiet = capsys.readouterr().err
    assert quiet and full.startswith(quiet) and full != quiet  # the summary line is gone
    assert main([*base, "--fail-on", "warning"]) == 1
    assert main([*base, "--fail-on", "warning", "--exit-zero"]) == 0
    capsys.readouterr()
    assert main([*base, "-f", "github"]) == 0
    assert capsys.readouterr().err.startswith("::")  # workflow commands, on stderr

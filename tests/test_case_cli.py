"""``xzufi case check`` / ``message build`` / ``message read``: exit codes, reports, outputs."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from xzufi_toolkit.cli.main import main
from xzufi_toolkit.io.resources import fixture_file

INVALID = Path(__file__).resolve().parent.parent / "fixtures" / "cases" / "invalid"
TODAY = ["--today", "2026-11-20"]
ADULT = str(fixture_file("cases", "adult-employed.json"))


def _json_report(capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
    out: dict[str, object] = json.loads(capsys.readouterr().out)
    return out


def _codes(report: dict[str, object]) -> list[str]:
    findings = report["findings"]
    assert isinstance(findings, list)
    return [f["code"] for f in findings]


def test_case_check_valid_case_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["case", "check", ADULT, *TODAY]) == 0
    assert "CASE-FEE" in capsys.readouterr().out


def test_case_check_invalid_case_exits_1_with_json_report(
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = str(INVALID / "expired-permit.json")
    assert main(["case", "check", path, *TODAY, "-f", "json"]) == 1
    report = _json_report(capsys)
    assert report["valid"] is False
    assert "CASE-PERMIT-EXPIRED" in _codes(report)


@pytest.mark.parametrize("fmt", ["text", "json", "junit", "sarif", "github", "gitlab"])
def test_case_check_speaks_every_report_format(
    fmt: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["case", "check", str(INVALID / "name-cyrillic.json"), *TODAY, "-f", fmt]) == 1
    out = capsys.readouterr().out
    assert "CASE-DIN91379" in out
    assert "Иванов" not in out


def test_show_values_puts_the_value_in(capsys: pytest.CaptureFixture[str]) -> None:
    path = str(INVALID / "name-cyrillic.json")
    assert main(["case", "check", path, *TODAY, "--show-values", "--no-leistung"]) == 1
    assert "Иванов" in capsys.readouterr().out


def test_unreadable_case_is_a_finding_exit_1(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["case", "check", str(INVALID / "not-json.json"), "-f", "json", *TODAY]) == 1
    report = _json_report(capsys)
    assert _codes(report) == ["CASE-INPUT"]


def test_warnings_fail_with_fail_on_warning(capsys: pytest.CaptureFixture[str]) -> None:
    minor = str(fixture_file("cases", "minor.json"))
    assert main(["case", "check", minor, *TODAY]) == 0
    assert main(["case", "check", minor, *TODAY, "--fail-on", "warning"]) == 1
    capsys.readouterr()


def test_bad_today_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["case", "check", ADULT, "--today", "20.11.2026"])
    assert info.value.code == 2
    capsys.readouterr()


def test_build_then_read_gives_the_case_back(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    msg = tmp_path / "msg.xml"
    back = tmp_path / "back.json"
    pdf = tmp_path / "antrag.pdf"
    pdf.write_bytes(_pdf())
    args = ["message", "build", ADULT, "-o", str(msg), *TODAY, "--summary", str(pdf)]
    args += ["--reader", "psw:06412000", "Ausländerbehörde Frankfurt am Main", "--test"]
    assert main(args) == 0
    text = msg.read_text(encoding="utf-8")
    assert "<kennung>psw:06412000</kennung>" in text
    assert "<aa:zusammenfassung>" in text and 'test="true"' in text
    assert main(["message", "read", str(msg), "-o", str(back), *TODAY]) == 0
    assert back.read_bytes() == Path(ADULT).read_bytes()
    capsys.readouterr()


def test_build_refuses_an_invalid_case_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    msg = tmp_path / "msg.xml"
    path = str(INVALID / "entry-ban.json")
    assert main(["message", "build", path, "-o", str(msg), *TODAY, "-f", "json"]) == 1
    assert not msg.exists()
    assert "CASE-PREREQ-ENTRY-BAN" in _codes(_json_report(capsys))


def test_build_to_stdout_keeps_the_report_on_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["message", "build", ADULT, "-o", "-", *TODAY]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("<?xml")
    assert "valid" in err


def test_build_refuses_to_overwrite_its_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    case = tmp_path / "case.json"
    case.write_bytes(Path(ADULT).read_bytes())
    assert main(["message", "build", str(case), "-o", str(case), *TODAY]) == 2
    assert case.read_bytes() == Path(ADULT).read_bytes()
    capsys.readouterr()


def _pdf(password: str | None = None) -> bytes:
    """A one-page PDF written by pypdf, encrypted with ``password`` if given."""
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    if password is not None:
        writer.encrypt(password)
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


ONE_PAGE = _pdf()
BAD_SUMMARIES = {
    "text": (b"hello", "not a PDF file"),
    "pdf-header-text": (b"%PDF-1.7\nthis is a letter, not a PDF\n%%EOF\n", "not a readable PDF"),
    "truncated": (ONE_PAGE[: len(ONE_PAGE) // 2], "not a readable PDF"),
    "encrypted": (_pdf("geheim"), "the PDF is encrypted"),
}


@pytest.mark.parametrize("kind", sorted(BAD_SUMMARIES))
def test_build_refuses_a_summary_no_viewer_can_open(
    kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Any file starting with %PDF- passed; the message then referenced an unreadable PDF."""
    data, says = BAD_SUMMARIES[kind]
    pdf = tmp_path / "antrag.pdf"
    pdf.write_bytes(data)
    msg = tmp_path / "m.xml"
    argv = ["message", "build", ADULT, "-o", str(msg), *TODAY, "--summary", str(pdf)]
    assert main([*argv, "-q"]) == 1
    errors = [ln for ln in capsys.readouterr().err.splitlines() if ln.startswith("xzufi: error:")]
    assert len(errors) == 1 and str(pdf) in errors[0] and says in errors[0], errors
    assert sorted(p.name for p in tmp_path.iterdir()) == ["antrag.pdf"], "nothing written"
    assert pdf.read_bytes() == data


def test_build_takes_the_filled_form_as_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pdf = tmp_path / "antrag.pdf"
    assert main(["form", "fill", ADULT, "-o", str(pdf), *TODAY, "-q"]) == 0
    msg = tmp_path / "m.xml"
    argv = ["message", "build", ADULT, "-o", str(msg), *TODAY, "--summary", str(pdf), "-q"]
    assert main(argv) == 0
    assert hashlib.sha512(pdf.read_bytes()).hexdigest() in msg.read_text("utf-8")
    capsys.readouterr()


@pytest.mark.parametrize(
    ("xml", "code"),
    [
        (b"<a/>", "MSG-INPUT"),
        (b'<aufenthalt.antrag.0100 xmlns="urn:xoev-de:xauslaender:1"/>', "MSG-INPUT"),
        (b'<!DOCTYPE x [<!ENTITY e "x">]><x>&e;</x>', "MSG-INPUT"),
        (b"<x", "MSG-INPUT"),
        (b'<aufenthalt.antrag.0100 xmlns="urn:xzufi-toolkit:schemas:aufenthalt:1.0"/>', "MSG-XSD"),
    ],
)
def test_read_refuses_foreign_or_broken_messages(
    xml: bytes, code: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "in.xml"
    src.write_bytes(xml)
    out = tmp_path / "out.json"
    assert main(["message", "read", str(src), "-o", str(out), "-f", "json"]) == 1
    assert not out.exists()
    assert set(_codes(_json_report(capsys))) == {code}


def test_read_reports_rule_findings_of_the_carried_case(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    msg = tmp_path / "msg.xml"
    assert main(["message", "build", ADULT, "-o", str(msg), *TODAY]) == 0
    capsys.readouterr()
    out = tmp_path / "case.json"
    # read a day before the application date: the case's dates lie in the future then
    assert (
        main(["message", "read", str(msg), "-o", str(out), "--today", "2026-11-01", "-f", "json"])
        == 1
    )
    assert "CASE-DATE-FUTURE" in _codes(_json_report(capsys))
    assert not out.exists()


def test_read_keep_invalid_writes_the_case_of_a_received_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The receiving authority must be able to process what arrived: with
    --keep-invalid the case is written despite case-rule errors (exit stays 1);
    a message that is not schema-valid still gives nothing."""
    msg = tmp_path / "msg.xml"
    assert main(["message", "build", ADULT, "-o", str(msg), *TODAY]) == 0
    out = tmp_path / "case.json"
    argv = ["message", "read", str(msg), "-o", str(out), "--today", "2026-11-01", "-f", "json"]
    capsys.readouterr()
    assert main([*argv, "--keep-invalid"]) == 1
    assert "CASE-DATE-FUTURE" in _codes(_json_report(capsys))
    assert main(["message", "read", str(msg), "-o", str(tmp_path / "ok.json"), *TODAY]) == 0
    assert out.read_bytes() == (tmp_path / "ok.json").read_bytes()
    broken = tmp_path / "broken.xml"
    broken.write_bytes(
        b'<aufenthalt.antrag.0100 xmlns="urn:xzufi-toolkit:schemas:aufenthalt:1.0"/>'
    )
    capsys.readouterr()
    assert (
        main(["message", "read", str(broken), "-o", str(tmp_path / "b.json"), "--keep-invalid"])
        == 1
    )
    assert not (tmp_path / "b.json").exists()


def test_bare_group_commands_print_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["case"]) == 2
    assert main(["message"]) == 2
    assert "check" in capsys.readouterr().err


@pytest.mark.parametrize(
    "party",
    [["psw:1", "Behörde\tMitte"], ["psw 1", "Behörde"], ["", "Behörde"]],
)
def test_build_checks_reader_and_author(
    party: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    msg = tmp_path / "m.xml"
    assert main(["message", "build", ADULT, "-o", str(msg), *TODAY, "--reader", *party]) == 2
    assert not msg.exists()
    assert "--reader/--author" in capsys.readouterr().err


def test_directory_service_applies_to_both_parties(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    msg = tmp_path / "m.xml"
    args = ["message", "build", ADULT, "-o", str(msg), *TODAY, "--directory", "DVDV FIT-Connect"]
    assert main(args) == 0
    assert msg.read_text(encoding="utf-8").count("<code>DVDV FIT-Connect</code>") == 2
    assert main([*args[:-1], "NOPE"]) == 2
    capsys.readouterr()

"""Submission bundles: written as FIT-Connect expects, verified, tampering found."""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest

from xzufi_toolkit.bundle import verify_bundle
from xzufi_toolkit.bundle.layout import metadata_findings
from xzufi_toolkit.cli.main import main
from xzufi_toolkit.errors import InputError
from xzufi_toolkit.io.resources import fixture_file
from xzufi_toolkit.message.read import read_message

TODAY = "2026-11-02"


@pytest.fixture
def case_dir(tmp_path: Path) -> Path:
    """The bundled adult case with evidence files whose hashes the case declares."""
    doc = json.loads(fixture_file("cases", "adult-employed.json").read_text("utf-8"))
    for u in doc["unterlagen"]:
        data = f"sample evidence {u['dateiname']}\n".encode()
        (tmp_path / u["dateiname"]).write_bytes(data)
        u["sha512"] = hashlib.sha512(data).hexdigest()
    (tmp_path / "case.json").write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    return tmp_path


def _attachments(case_dir: Path) -> list[str]:
    doc = json.loads((case_dir / "case.json").read_text("utf-8"))
    return [str(case_dir / u["dateiname"]) for u in doc["unterlagen"]]


def _write(case_dir: Path, out: Path, attach: list[str] | None = None) -> int:
    files = _attachments(case_dir) if attach is None else attach
    argv = ["bundle", str(case_dir / "case.json"), "--today", TODAY, "-o", str(out)]
    return main([*argv, "--attach", *files] if files else argv)


@pytest.mark.parametrize("name", ["bundle", "bundle.zip"])
def test_written_bundle_verifies(case_dir: Path, name: str) -> None:
    out = case_dir / name
    assert _write(case_dir, out) == 0
    report = verify_bundle(out)
    assert report.valid, [f.message for f in report]
    assert main(["bundle", "verify", str(out)]) == 0


def test_metadata_links_message_and_attachments(case_dir: Path) -> None:
    out = case_dir / "b"
    assert _write(case_dir, out) == 0
    meta = json.loads((out / "metadata.json").read_text("utf-8"))
    assert metadata_findings(meta) == []
    assert meta["publicServiceType"]["identifier"] == "urn:de:fim:leika:leistung:99010022001012"
    data = (out / "data.xml").read_bytes()
    assert meta["contentStructure"]["data"]["hash"]["content"] == hashlib.sha512(data).hexdigest()
    message = read_message(data)
    atts = meta["contentStructure"]["attachments"]
    forms = [a for a in atts if a["purpose"] == "form"]
    assert len(forms) == 1
    assert message.zusammenfassung is not None
    assert forms[0]["attachmentId"] == message.zusammenfassung.dokument_id
    evidence = {a["attachmentId"] for a in atts if a["purpose"] == "attachment"}
    assert evidence == {u.dokumentId for u in message.case.unterlagen}
    for a in atts:
        blob = (out / "attachments" / a["attachmentId"] / a["filename"]).read_bytes()
        assert hashlib.sha512(blob).hexdigest() == a["hash"]["content"]
    pdf = (out / "attachments" / forms[0]["attachmentId"] / "antrag.pdf").read_bytes()
    assert pdf.startswith(b"%PDF-")


def test_tampering_is_named(case_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = case_dir / "b"
    assert _write(case_dir, out) == 0
    meta = json.loads((out / "metadata.json").read_text("utf-8"))
    first = next(a for a in meta["contentStructure"]["attachments"] if a["purpose"] == "attachment")
    (out / "attachments" / first["attachmentId"] / first["filename"]).write_bytes(b"changed")
    (out / "extra.txt").write_text("not listed", "utf-8")
    capsys.readouterr()
    assert main(["bundle", "verify", str(out), "--format", "json"]) == 1
    codes = sorted(f["code"] for f in json.loads(capsys.readouterr().out)["findings"])
    assert codes == ["BUNDLE-EXTRA", "BUNDLE-HASH"]


def test_altered_message_is_found(case_dir: Path) -> None:
    out = case_dir / "b"
    assert _write(case_dir, out) == 0
    data = (out / "data.xml").read_bytes()
    (out / "data.xml").write_bytes(data.replace(b"Frankfurt", b"Offenbach", 1))
    codes = {f.code for f in verify_bundle(out)}
    assert "BUNDLE-HASH" in codes


def test_missing_file_is_found(case_dir: Path) -> None:
    out = case_dir / "b"
    assert _write(case_dir, out) == 0
    (out / "data.xml").unlink()
    assert [f.code for f in verify_bundle(out)] == ["BUNDLE-MISSING"]


def test_attachment_differs_from_case(case_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    files = _attachments(case_dir)
    Path(files[0]).write_bytes(b"another file")
    out = case_dir / "b.zip"
    assert _write(case_dir, out, files) == 1
    assert not out.exists()
    err = capsys.readouterr().err
    assert "sha512 differs" in err
    assert "Traceback" not in err


def test_missing_and_undeclared_attachments(
    case_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = _attachments(case_dir)[1:]
    stray = case_dir / "stray.pdf"
    stray.write_bytes(b"%PDF-1.4")
    out = case_dir / "b"
    assert _write(case_dir, out, [*files, str(stray)]) == 1
    err = capsys.readouterr().err
    assert "declared but not attached" in err
    assert "stray.pdf is attached but not declared" in err
    assert not out.exists()


def test_invalid_case_writes_nothing(case_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = json.loads((case_dir / "case.json").read_text("utf-8"))
    doc["antragsteller"]["name"]["familienname"] = "Müller\u263a"
    (case_dir / "case.json").write_text(json.dumps(doc), "utf-8")
    out = case_dir / "b"
    assert _write(case_dir, out) == 1
    assert not out.exists()
    err = capsys.readouterr().err
    assert "familienname" in err
    assert "Müller" not in err  # personal data stays out of messages


def test_not_a_bundle(tmp_path: Path) -> None:
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"no zip at all")
    with pytest.raises(InputError, match="not a bundle"):
        verify_bundle(junk)
    assert main(["bundle", "verify", str(junk)]) == 1


def test_unreadable_file_in_bundle_folder(
    case_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = case_dir / "bundle"
    assert _write(case_dir, out) == 0
    real = Path.open

    def refuse(path: Path, *args: Any, **kwargs: Any) -> Any:
        if path.name == "metadata.json":
            raise PermissionError(13, "Permission denied")
        return real(path, *args, **kwargs)

    monkeypatch.setattr(Path, "open", refuse)  # as root, chmod does not refuse
    with pytest.raises(InputError, match="cannot read bundle: Permission denied"):
        verify_bundle(out)
    capsys.readouterr()
    assert main(["bundle", "verify", str(out)]) == 1
    assert "internal error" not in capsys.readouterr().err


def test_zip_with_unsafe_path_refused(tmp_path: Path) -> None:
    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(bad, "w") as zf:
        zf.writestr("metadata.json", "{}")
        zf.writestr("../evil.txt", "x")
    with pytest.raises(InputError, match="unsafe path"):
        verify_bundle(bad)


def test_output_folder_must_be_new(case_dir: Path) -> None:
    out = case_dir / "taken"
    out.mkdir()
    (out / "keep.txt").write_text("mine", "utf-8")
    assert _write(case_dir, out) == 2
    assert (out / "keep.txt").read_text("utf-8") == "mine"


def test_bundle_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bundle", "--help"]) == 0
    assert "bundle verify" in capsys.readouterr().out


@pytest.mark.parametrize("show", [False, True], ids=["hidden", "show-values"])
def test_evidence_file_names_only_with_show_values(case_dir: Path, show: bool) -> None:
    """An evidence file's name is case data: verify names its folder unless asked for values."""
    out = case_dir / "b"
    assert _write(case_dir, out) == 0
    meta = json.loads((out / "metadata.json").read_text("utf-8"))
    first = next(a for a in meta["contentStructure"]["attachments"] if a["purpose"] == "attachment")
    folder = out / "attachments" / first["attachmentId"]
    (folder / first["filename"]).write_bytes(b"changed")
    (folder / "zqxmarker-extra.pdf").write_bytes(b"%PDF-1.4")
    report = verify_bundle(out, show_values=show)
    assert sorted(f.code for f in report) == ["BUNDLE-EXTRA", "BUNDLE-HASH"]
    texts = [f.message for f in report] + [f.message_de or "" for f in report]
    texts += [f.location.file or "" for f in report]
    names = (first["filename"], "zqxmarker-extra.pdf")
    shown = {name for name in names if any(name in t for t in texts)}
    assert shown == (set(names) if show else set())
    assert all(str(folder) in (f.location.file or "") for f in report)
    if not show:
        assert all(f"attachments/{first['attachmentId']}/\u2026" in f.message for f in report)

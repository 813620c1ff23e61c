"""Hostile input against every command that reads a file.

A data-driven matrix: each command of a kind (XML, case JSON, PDF, bundle) is
fed each hostile input of that kind. Every run must give the right exit code
(1 bad input, 2 usage), one ``xzufi: error:`` line or a findings report naming
the file (as the command's design says), no traceback, no output file (not
even a temporary one), an unchanged input, and never the content of the
secret file an XXE or XInclude points at. Small inputs live in
``fixtures/hostile/``; large and derived ones are generated here.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import struct
import subprocess
import sys
import threading
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from xzufi_toolkit.cli.main import main
from xzufi_toolkit.io.resources import fixture_file, form_file
from xzufi_toolkit.xzufi import read_leistung

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = ROOT / "fixtures" / "hostile"
BAD_FORMS = ROOT / "fixtures" / "forms"
TODAY = "2026-11-20"
SECRET = "XZUFI-HOSTILE-SECRET-7c1e"
NS = b'xmlns="http://xoev.de/schemata/xzufi/2_3_1"'
LEISTUNG = fixture_file("leistung", "99010022001012-2.3.1.xml")
MESSAGE = fixture_file("cases", "messages", "adult-employed.xml")
CASE = fixture_file("cases", "adult-employed.json")
FORM = form_file("aufenthalt-25-4-2.pdf")
MAPPING = form_file("aufenthalt-25-4-2.mapping.json")
PORTAL_TEXT = ROOT / "fixtures" / "portal" / "seed.txt"
REPORT_CODE = re.compile(r"\[(XZ-IO-\d{3}|MSG-INPUT|CASE-INPUT|CASE-SCHEMA-[A-Z-]+)\]")


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str
    seconds: float

    @property
    def error_lines(self) -> list[str]:
        return [ln for ln in self.err.splitlines() if ln.startswith("xzufi: error:")]


def run_cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> Run:
    capsys.readouterr()
    start = time.perf_counter()
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse usage errors
        code = int(exc.code or 0)
    seconds = time.perf_counter() - start
    captured = capsys.readouterr()
    return Run(code, captured.out, captured.err, seconds)


# -- hostile inputs -----------------------------------------------------------
# A builder gets the temporary folder and the secret file and returns the
# input path (which may be missing or a folder on purpose).

Builder = Callable[[Path, Path], Path]


def _write(name: str, data: bytes) -> Builder:
    def build(tmp: Path, secret: Path) -> Path:
        p = tmp / name
        p.write_bytes(data)
        return p

    return build


def _copy(src: Path, name: str | None = None) -> Builder:
    def build(tmp: Path, secret: Path) -> Path:
        p = tmp / (name or src.name)
        shutil.copyfile(src, p)
        return p

    return build


def _template(name: str) -> Builder:
    def build(tmp: Path, secret: Path) -> Path:
        text = (HOSTILE / name).read_text("utf-8").replace("@SECRET@", secret.as_uri())
        p = tmp / name.removesuffix(".in")
        p.write_text(text, "utf-8")
        return p

    return build


def _missing(suffix: str) -> Builder:
    return lambda tmp, secret: tmp / f"does-not-exist{suffix}"


def _folder(suffix: str) -> Builder:
    def build(tmp: Path, secret: Path) -> Path:
        p = tmp / f"a-folder{suffix}"
        p.mkdir()
        return p

    return build


def _made(name: str, make: Callable[[], bytes]) -> Builder:
    """Generated when the test runs (large inputs are not held at import)."""

    def build(tmp: Path, secret: Path) -> Path:
        p = tmp / name
        p.write_bytes(make())
        return p

    return build


def _derived(src: Path, name: str, change: Callable[[bytes], bytes]) -> Builder:
    return _made(name, lambda: change(src.read_bytes()))


def _in_leistung(inner: bytes) -> bytes:
    return b"<leistung " + NS + b">" + inner + b"</leistung>"


TRANSFER = fixture_file("leistung", "transfer-2.3.1.xml")


def _transfer_with(prolog: bytes, doctype: bytes, change: Callable[[bytes], bytes]) -> bytes:
    head, rest = TRANSFER.read_bytes().split(b"\n", 1)
    return head + b"\n" + prolog + doctype + change(rest)


def _late_doctype(tmp: Path, secret: Path) -> Path:
    """XXE behind a prolog longer than xmlsafe's 64 KiB scan window, in a streamed transfer."""
    doctype = b'<!DOCTYPE x [<!ENTITY s SYSTEM "' + secret.as_uri().encode() + b'">]>\n'
    data = _transfer_with(
        b"<!--" + b"p" * 70_000 + b"-->\n",
        doctype,
        lambda rest: rest.replace(b"99010022001012</xzufi:id>", b"&s;</xzufi:id>", 1),
    )
    p = tmp / "late-doctype.xml"
    p.write_bytes(data)
    return p


def _utf16(data: bytes) -> bytes:
    return data.decode("utf-8").encode("utf-16")


BINARY = bytes(range(256)) * 16

XML_INPUTS: dict[str, Builder] = {
    "missing": _missing(".xml"),
    "folder": _folder(".xml"),
    "empty": _write("empty.xml", b""),
    "binary": _write("binary.xml", BINARY),
    "not-xml": _copy(HOSTILE / "not-xml.txt", "not-xml.xml"),
    "xxe": _template("xxe.xml.in"),
    "xxe-parameter": _template("xxe-parameter.xml.in"),
    "doctype-after-prolog": _copy(HOSTILE / "doctype-after-prolog.xml"),
    "billion-laughs": _copy(HOSTILE / "billion-laughs.xml"),
    "deep-5000": _made("deep.xml", lambda: _in_leistung(b"<a>" * 5000 + b"</a>" * 5000)),
    "deep-150": _made("deep150.xml", lambda: _in_leistung(b"<a>" * 150 + b"</a>" * 150)),
    "huge-text-node": _made("huge.xml", lambda: _in_leistung(b"<a>" + b"x" * 11_000_000 + b"</a>")),
    "truncated": _derived(LEISTUNG, "truncated.xml", lambda d: d[: len(d) // 2]),
    "wrong-namespace": _copy(HOSTILE / "wrong-namespace.xml"),
    "transfer-doctype-after-64k": _late_doctype,
    "transfer-deep-entry": _derived(
        TRANSFER,
        "deep-entry.xml",
        lambda d: d.replace(b"</xzufi:id>", b"</xzufi:id>" + b"<a>" * 150 + b"</a>" * 150, 1),
    ),
    "invalid-utf8": _derived(
        LEISTUNG, "bad-utf8.xml", lambda d: d.replace(b"Aufenthalt", b"Auf\xff\xfehalt", 1)
    ),
}

JSON_INPUTS: dict[str, Builder] = {
    "missing": _missing(".json"),
    "folder": _folder(".json"),
    "empty": _write("empty.json", b""),
    "binary": _write("binary.json", BINARY),
    "not-json": _copy(HOSTILE / "not-json.txt", "not-json.json"),
    "xml": _copy(MESSAGE, "message.json"),
    "duplicate-key": _copy(HOSTILE / "duplicate-key.json"),
    "nan": _copy(HOSTILE / "nan.json"),
    "infinity": _copy(HOSTILE / "infinity.json"),
    "deep-array": _made("deep-array.json", lambda: b"[" * 100_000 + b"]" * 100_000),
    "deep-object": _made("deep-object.json", lambda: b'{"a":' * 20_000 + b"1" + b"}" * 20_000),
    "huge-number": _made("huge-number.json", lambda: b'{"a": ' + b"9" * 50_000 + b"}"),
    "too-large": _made("too-large.json", lambda: b'{"a": "' + b"x" * 5_000_000 + b'"}'),
    "truncated": _derived(CASE, "truncated.json", lambda d: d[: len(d) // 2]),
    "invalid-utf8": _derived(CASE, "bad-utf8.json", lambda d: d.replace(b"Homs", b"Ho\xffs", 1)),
    "utf16": _derived(CASE, "utf16.json", _utf16),
}

PDF_INPUTS: dict[str, Builder] = {
    "missing": _missing(".pdf"),
    "folder": _folder(".pdf"),
    "empty": _write("empty.pdf", b""),
    "not-a-pdf": _copy(BAD_FORMS / "not-a-pdf.pdf"),
    "xml": _copy(LEISTUNG, "leistung.pdf"),
    "header-then-junk": _write("junk.pdf", b"%PDF-1.7\n" + BINARY),
    "truncated": _copy(BAD_FORMS / "truncated.pdf"),
    "encrypted": _copy(BAD_FORMS / "encrypted.pdf"),
}
# Renderable, but no fillable form: refused by the form readers only.
FORM_ONLY_INPUTS: dict[str, Builder] = {
    "no-acroform": _copy(BAD_FORMS / "no-acroform.pdf"),
    "xfa-only": _copy(BAD_FORMS / "xfa-only.pdf"),
}


# -- ZIP bundles --------------------------------------------------------------


def _zip(tmp: Path, name: str, entries: list[tuple[str, bytes]], method: int = 8) -> Path:
    p = tmp / name
    with zipfile.ZipFile(p, "w", compression=method) as zf:
        for entry, data in entries:
            zf.writestr(entry, data)
    return p


def _patch_headers(p: Path, offsets: tuple[int, int], fmt: str, value: int) -> Path:
    """Overwrite one field in every local (PK\\3\\4) and central (PK\\1\\2) header."""
    raw = bytearray(p.read_bytes())
    for sig, off in zip((b"PK\x03\x04", b"PK\x01\x02"), offsets, strict=True):
        i = raw.find(sig)
        while i >= 0:
            struct.pack_into(fmt, raw, i + off, value)
            i = raw.find(sig, i + 4)
    p.write_bytes(bytes(raw))
    return p


def _zip_builder(name: str, entries: list[tuple[str, bytes]], method: int = 8) -> Builder:
    return lambda tmp, secret: _zip(tmp, name, entries, method)


def _lying_size(size: int) -> Builder:
    """Declared uncompressed size patched: huge (bomb) or too small (CRC check)."""

    def build(tmp: Path, secret: Path) -> Path:
        p = _zip(tmp, f"size-{size}.zip", [("metadata.json", b"{}"), ("data.xml", b"\0" * 100_000)])
        return _patch_headers(p, (22, 24), "<I", size)

    return build


def _zip_flagged(name: str, offsets: tuple[int, int], value: int) -> Builder:
    def build(tmp: Path, secret: Path) -> Path:
        p = _zip(tmp, name, [("metadata.json", b"{}")], method=zipfile.ZIP_STORED)
        return _patch_headers(p, offsets, "<H", value)

    return build


def _duplicate_entry(tmp: Path, secret: Path) -> Path:
    # zipfile warns on writing a name twice: write another name, then rename it in the bytes
    p = _zip(tmp, "duplicate.zip", [("metadata.json", b"{}"), ("metadata.jsoX", b"{}")])
    p.write_bytes(p.read_bytes().replace(b"metadata.jsoX", b"metadata.json"))
    return p


def _many_entries(tmp: Path, secret: Path) -> Path:
    return _zip(tmp, "many.zip", [(f"f{i}", b"") for i in range(10_001)], zipfile.ZIP_STORED)


def _symlink_folder(tmp: Path, secret: Path) -> Path:
    folder = tmp / "linked-bundle"
    folder.mkdir()
    (folder / "metadata.json").symlink_to(secret)
    return folder


def _truncated_zip(tmp: Path, secret: Path) -> Path:
    p = _zip(tmp, "whole.zip", [("metadata.json", b"{}" * 1000)])
    out = tmp / "truncated.zip"
    out.write_bytes(p.read_bytes()[:-30])
    p.unlink()
    return out


ZIP_INPUTS: dict[str, Builder] = {
    "missing": _missing(".zip"),
    "empty-folder": _folder(""),
    "empty-file": _write("empty.zip", b""),
    "not-a-zip": _copy(HOSTILE / "not-xml.txt", "text.zip"),
    "truncated": _truncated_zip,
    "path-traversal": _zip_builder("traversal.zip", [("metadata.json", b"{}"), ("../evil", b"x")]),
    "absolute-path": _zip_builder("absolute.zip", [("metadata.json", b"{}"), ("/etc/evil", b"x")]),
    "backslash-path": _zip_builder(
        "backslash.zip", [("metadata.json", b"{}"), ("a\\..\\..\\e", b"x")]
    ),
    "bomb-declared-size": _lying_size(0xFFFF_FFF0),
    "size-lies-small": _lying_size(10),
    "too-many-entries": _many_entries,
    "duplicate-entry": _duplicate_entry,
    "encrypted-entry": _zip_flagged("encrypted.zip", (6, 8), 1),
    "unknown-compression": _zip_flagged("method99.zip", (8, 10), 99),
    "no-metadata": _zip_builder("nometa.zip", [("data.xml", b"<x/>")]),
    "metadata-deep": _zip_builder("deep.zip", [("metadata.json", b"[" * 100_000 + b"]" * 100_000)]),
    "metadata-huge-number": _zip_builder(
        "num.zip", [("metadata.json", b"[" + b"9" * 50_000 + b"]")]
    ),
    "metadata-binary": _zip_builder("bin.zip", [("metadata.json", BINARY)]),
    "symlink-in-folder": _symlink_folder,
}


# -- commands -----------------------------------------------------------------
# argv builder: (input, output folder) -> argv. Style "error": one
# "xzufi: error:" line naming the input; "report": a findings report on stdout
# with an input code and the file name, and no error line; "report-stderr": the
# same on stderr (form fill and bundle, whose -o may be stdout).

Argv = Callable[[str, Path], list[str]]

XML_COMMANDS: dict[str, tuple[Argv, str]] = {
    "show": (lambda f, o: ["show", f], "error"),
    "show --format json": (lambda f, o: ["show", "--format", "json", f], "error"),
    "convert": (lambda f, o: ["convert", "--to", "2.2.0", f, "-o", str(o / "c.xml")], "error"),
    "render": (lambda f, o: ["render", f, "-o", str(o / "page.html")], "error"),
    "validate": (lambda f, o: ["validate", "-f", "text", f], "report"),
    "validate --engine xmlschema": (
        lambda f, o: ["validate", "-f", "text", "--engine", "xmlschema", f],
        "report",
    ),
    "message read": (
        lambda f, o: [
            "message",
            "read",
            f,
            "-o",
            str(o / "c.json"),
            "-f",
            "text",
            "--today",
            TODAY,
        ],
        "report",
    ),
    "case check --leistung": (
        lambda f, o: ["case", "check", str(CASE), "--leistung", f, "--today", TODAY],
        "error",
    ),
    "form fill --leistung": (
        lambda f, o: ["form", "fill", str(CASE), "-o", str(o / "f.pdf"), "--leistung", f],
        "error",
    ),
}

JSON_COMMANDS: dict[str, tuple[Argv, str]] = {
    "case check": (lambda f, o: ["case", "check", f, "-f", "text", "--today", TODAY], "report"),
    "message build": (
        lambda f, o: [
            "message",
            "build",
            f,
            "-o",
            str(o / "m.xml"),
            "-f",
            "text",
            "--today",
            TODAY,
        ],
        "report",
    ),
    "form fill": (
        lambda f, o: ["form", "fill", f, "-o", str(o / "f.pdf"), "-f", "text", "--today", TODAY],
        "report-stderr",
    ),
    "bundle": (
        lambda f, o: ["bundle", f, "-o", str(o / "b.zip"), "-f", "text", "--today", TODAY],
        "report-stderr",
    ),
}

PDF_COMMANDS: dict[str, tuple[Argv, str]] = {
    "form inspect": (lambda f, o: ["form", "inspect", f], "error"),
    "form inspect --json": (lambda f, o: ["form", "inspect", "--json", f], "error"),
    "form preview": (lambda f, o: ["form", "preview", f, "-o", str(o / "p.png")], "error"),
    "form preview poppler": (
        lambda f, o: ["form", "preview", f, "-o", str(o / "p.png"), "--engine", "poppler"],
        "error",
    ),
    "form fill --form": (
        lambda f, o: [
            "form",
            "fill",
            str(CASE),
            "--form",
            f,
            "--mapping",
            str(MAPPING),
            "-o",
            str(o / "f.pdf"),
            "--today",
            TODAY,
        ],
        "error",
    ),
    "import-portal": (lambda f, o: ["import-portal", f, "-o", str(o / "l.xml")], "error"),
}
FORM_COMMANDS = {k: v for k, v in PDF_COMMANDS.items() if k in ("form inspect", "form fill --form")}

ZIP_COMMANDS: dict[str, tuple[Argv, str]] = {
    "bundle verify": (lambda f, o: ["bundle", "verify", f, "-o", str(o / "r.txt")], "error"),
}


# validate searches a folder for *.xml: a folder is a PATH there (see below).
NOT_HOSTILE_FOR = {("validate", "folder"), ("validate --engine xmlschema", "folder")}


def _matrix(commands: dict[str, tuple[Argv, str]], inputs: dict[str, Builder]) -> list[object]:
    return [
        pytest.param(cmd, argv, style, build, id=f"{cmd}|{name}")
        for cmd, (argv, style) in commands.items()
        for name, build in inputs.items()
        if (cmd, name) not in NOT_HOSTILE_FOR
    ]


MATRIX = [
    *_matrix(XML_COMMANDS, XML_INPUTS),
    *_matrix(JSON_COMMANDS, JSON_INPUTS),
    *_matrix(PDF_COMMANDS, PDF_INPUTS),
    *_matrix(FORM_COMMANDS, FORM_ONLY_INPUTS),
    *_matrix(ZIP_COMMANDS, ZIP_INPUTS),
]


def _snapshot(path: Path) -> dict[str, bytes] | None:
    if path.is_symlink() or path.is_file():
        return {"": path.read_bytes()}
    if path.is_dir():
        return {
            str(p.relative_to(path)): (b"->" + bytes(str(p.readlink()), "utf-8"))
            if p.is_symlink()
            else p.read_bytes()
            for p in sorted(path.rglob("*"))
            if p.is_file() or p.is_symlink()
        }
    return None


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    p = tmp_path / "secret" / "token.txt"
    p.parent.mkdir()
    p.write_text(SECRET + "\n", "utf-8")
    return p


@pytest.mark.parametrize(("command", "argv", "style", "build"), MATRIX)
def test_hostile_input(
    command: str,
    argv: Argv,
    style: str,
    build: Builder,
    tmp_path: Path,
    secret: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    src = tmp_path / "in"
    src.mkdir()
    out = tmp_path / "out"
    out.mkdir()
    path = build(src, secret)
    before = _snapshot(path)

    run = run_cli(argv(str(path), out), capsys)

    assert run.code == 1, (run.code, run.out[-500:], run.err[-500:])
    assert "Traceback" not in run.out + run.err
    assert "internal error" not in run.err
    assert SECRET not in run.out + run.err
    assert run.seconds < 10, f"{command} took {run.seconds:.1f} s"
    if style == "error":
        assert len(run.error_lines) == 1, run.err
        assert str(path) in run.error_lines[0], run.error_lines
    else:
        assert style in ("report", "report-stderr"), style
        assert not run.error_lines, run.err
        report = run.out if style == "report" else run.err
        if style == "report-stderr":
            assert run.out == "", "the report goes to stderr, stdout stays free for -o -"
        assert REPORT_CODE.search(report), report
        assert str(path) in report
    assert list(out.iterdir()) == [], "no output (and no temporary file) may be left behind"
    assert _snapshot(path) == before, "the input must not be modified"


def test_validate_folder_without_xml_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Was "0 document(s) checked – valid", exit 0: a wrong path passed CI silently."""
    (tmp_path / "notes.txt").write_text("no XML here", "utf-8")
    run = run_cli(["validate", "-f", "text", str(tmp_path)], capsys)
    assert run.code == 2
    assert len(run.error_lines) == 1 and str(tmp_path) in run.error_lines[0]


def test_billion_laughs_is_refused_at_once(capsys: pytest.CaptureFixture[str]) -> None:
    path = str(HOSTILE / "billion-laughs.xml")
    for argv in (["show", path], ["validate", "-f", "text", path], ["render", path]):
        run = run_cli(argv, capsys)
        assert run.code == 1
        assert run.seconds < 2
        assert "DOCTYPE" in run.out + run.err


def test_xinclude_is_never_followed(
    tmp_path: Path, secret: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = str(_template("xinclude.xml.in")(tmp_path, secret))
    out = tmp_path / "out"
    out.mkdir()
    for argv in (
        ["show", "--format", "json", path],
        ["validate", "-f", "json", path],
        ["render", path, "-o", str(out / "page.html")],
        ["convert", "--to", "2.2.0", path, "-o", str(out / "c.xml")],
        ["message", "read", path, "-o", str(out / "c.json"), "-f", "json"],
    ):
        run = run_cli(argv, capsys)
        assert run.code in (0, 1), (argv, run.err)
        assert "Traceback" not in run.out + run.err
        written = b"".join(p.read_bytes() for p in out.iterdir())
        assert SECRET not in run.out + run.err + written.decode("utf-8", "replace")


# -- valid but unusual encodings ---------------------------------------------


def test_utf16_leistung_reads_like_utf8(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = LEISTUNG.read_text("utf-8").replace("encoding='UTF-8'", "encoding='UTF-16'")
    assert "encoding='UTF-16'" in text
    wide = tmp_path / "utf16.xml"
    wide.write_bytes(text.encode("utf-16"))
    a = run_cli(["show", "--format", "json", str(LEISTUNG)], capsys)
    b = run_cli(["show", "--format", "json", str(wide)], capsys)
    assert a.code == b.code == 0
    assert a.out == b.out


def test_utf16_message_reads_like_utf8(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = MESSAGE.read_text("utf-8").replace("encoding='UTF-8'", "encoding='UTF-16'")
    assert "encoding='UTF-16'" in text
    wide = tmp_path / "utf16.xml"
    wide.write_bytes(text.encode("utf-16"))
    argv = ["message", "read", "-q", "-f", "json", "--today", TODAY, "-o"]
    assert run_cli([*argv, str(tmp_path / "a.json"), str(MESSAGE)], capsys).code == 0
    assert run_cli([*argv, str(tmp_path / "b.json"), str(wide)], capsys).code == 0
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()


def test_case_with_byte_order_mark_fills(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Was an internal JSONDecodeError: the checker allowed the BOM, the filler did not."""
    case = tmp_path / "bom.json"
    case.write_bytes(b"\xef\xbb\xbf" + CASE.read_bytes())
    run = run_cli(
        ["form", "fill", str(case), "-o", str(tmp_path / "f.pdf"), "--today", TODAY], capsys
    )
    assert run.code == 0, run.err
    assert (tmp_path / "f.pdf").read_bytes().startswith(b"%PDF-")


# -- output paths ---------------------------------------------------------------
# (argv builder over input and output, the input it reads, extra files that
# must not appear). The output is a missing folder, the input itself, or a folder.

OutArgv = Callable[[str, str, Path], list[str]]

OUTPUT_COMMANDS: dict[str, tuple[OutArgv, Path]] = {
    "convert": (lambda i, o, t: ["convert", "--to", "2.2.0", i, "-o", o], LEISTUNG),
    "convert transfer": (
        lambda i, o, t: ["convert", "--to", "2.2.0", i, "-o", o],
        fixture_file("leistung", "transfer-2.3.1.xml"),
    ),
    "render": (lambda i, o, t: ["render", i, "-o", o], LEISTUNG),
    "validate -o": (lambda i, o, t: ["validate", "-f", "text", i, "-o", o], LEISTUNG),
    "import-portal": (lambda i, o, t: ["import-portal", i, "-o", o], PORTAL_TEXT),
    "import-portal --report": (
        lambda i, o, t: ["import-portal", i, "-o", str(t / "l.xml"), "--report", o],
        PORTAL_TEXT,
    ),
    "case check -o": (lambda i, o, t: ["case", "check", i, "--today", TODAY, "-o", o], CASE),
    "message build": (lambda i, o, t: ["message", "build", i, "--today", TODAY, "-o", o], CASE),
    "message build --report": (
        lambda i, o, t: [
            "message",
            "build",
            i,
            "--today",
            TODAY,
            "-o",
            str(t / "m.xml"),
            "--report",
            o,
        ],
        CASE,
    ),
    "message read": (lambda i, o, t: ["message", "read", i, "--today", TODAY, "-o", o], MESSAGE),
    "message read --report": (
        lambda i, o, t: [
            "message",
            "read",
            i,
            "--today",
            TODAY,
            "-o",
            str(t / "c.json"),
            "--report",
            o,
        ],
        MESSAGE,
    ),
    "form preview": (lambda i, o, t: ["form", "preview", i, "--dpi", "20", "-o", o], FORM),
    "form fill": (lambda i, o, t: ["form", "fill", i, "--today", TODAY, "-o", o], CASE),
}
FOLDER_IS_VALID = {"form fill"}  # writes <case>.pdf into the folder


def _output_cases() -> list[object]:
    cases: list[object] = []
    for name, (argv, src) in OUTPUT_COMMANDS.items():
        for where in ("missing-folder", "same-as-input", "is-a-folder"):
            if where == "is-a-folder" and name in FOLDER_IS_VALID:
                continue
            cases.append(pytest.param(argv, src, where, id=f"{name}|{where}"))
    return cases


@pytest.mark.parametrize(("argv", "src", "where"), _output_cases())
def test_bad_output_path(
    argv: OutArgv, src: Path, where: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    given = work / src.name
    shutil.copyfile(src, given)
    before = given.read_bytes()
    target = {
        "missing-folder": str(tmp_path / "no" / "such" / "out.dat"),
        "same-as-input": str(given),
        "is-a-folder": str(work),
    }[where]

    run = run_cli(argv(str(given), target, work), capsys)

    assert run.code == 2, (run.code, run.err[-400:])
    assert len(run.error_lines) == 1, run.err
    assert "Traceback" not in run.err
    assert given.read_bytes() == before
    assert sorted(p.name for p in work.iterdir()) == [given.name], "nothing else written"
    assert not (tmp_path / "no").exists()


def test_report_over_the_input_through_a_symlink(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    given = tmp_path / "l.xml"
    shutil.copyfile(LEISTUNG, given)
    link = tmp_path / "link.txt"
    link.symlink_to(given)
    run = run_cli(["validate", "-f", "text", str(given), "-o", str(link)], capsys)
    assert run.code == 2
    assert given.read_bytes() == LEISTUNG.read_bytes()


def test_bundle_over_an_attachment(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = json.loads(CASE.read_text("utf-8"))
    evidence = tmp_path / "evidence.zip"
    evidence.write_bytes(b"PK\x05\x06" + b"\0" * 18)
    case = tmp_path / "case.json"
    case.write_text(json.dumps(doc), "utf-8")
    run = run_cli(
        ["bundle", str(case), "--attach", str(evidence), "-o", str(evidence), "--today", TODAY],
        capsys,
    )
    assert run.code == 2
    assert "overwrite the input" in run.err
    assert evidence.read_bytes() == b"PK\x05\x06" + b"\0" * 18


# -- configuration inputs: exit 2 ---------------------------------------------


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("deep", b"[" * 100_000 + b"]" * 100_000),
        ("huge-number", b'{"a": ' + b"9" * 50_000 + b"}"),
        ("binary", BINARY),
        ("empty", b""),
    ],
)
def test_hostile_mapping_is_a_config_error(
    name: str, data: bytes, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mapping = tmp_path / f"{name}.json"
    mapping.write_bytes(data)
    out = tmp_path / "out"
    out.mkdir()
    run = run_cli(
        [
            "form",
            "fill",
            str(CASE),
            "--form",
            str(FORM),
            "--mapping",
            str(mapping),
            "-o",
            str(out / "f.pdf"),
            "--today",
            TODAY,
        ],
        capsys,
    )
    assert run.code == 2
    assert len(run.error_lines) == 1 and str(mapping) in run.error_lines[0], run.err
    assert list(out.iterdir()) == []


@pytest.mark.parametrize(
    ("name", "data"),
    [("deep", b"a = " + b"[" * 100_000 + b"]" * 100_000), ("binary", BINARY), ("broken", b"a = [")],
)
def test_hostile_config_is_a_config_error(
    name: str, data: bytes, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / f"{name}.toml"
    config.write_bytes(data)
    run = run_cli(["validate", "--config", str(config), str(LEISTUNG)], capsys)
    assert run.code == 2
    assert len(run.error_lines) == 1 and str(config) in run.error_lines[0], run.err


def test_bad_schema_dir_fails_before_show_prints(
    tmp_path: Path, secret: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "xzufi.xsd").write_text(
        (HOSTILE / "xxe.xml.in").read_text("utf-8").replace("@SECRET@", secret.as_uri()), "utf-8"
    )
    run = run_cli(["show", "--summary", "--schema-dir", str(tmp_path), str(LEISTUNG)], capsys)
    assert run.code == 2
    assert run.out == ""
    assert len(run.error_lines) == 1
    assert SECRET not in run.err


# -- a few through the interpreter: nothing printed outside our handlers -------


@pytest.mark.parametrize(
    ("argv", "code"),
    [
        (["show", str(HOSTILE / "billion-laughs.xml")], 1),
        (["validate", "-f", "sarif", str(HOSTILE / "doctype-after-prolog.xml")], 1),
        (["case", "check", "-f", "json", str(HOSTILE / "nan.json")], 1),
        (["form", "inspect", str(BAD_FORMS / "encrypted.pdf")], 1),
        (["form", "preview", str(BAD_FORMS / "hybrid-xfa.pdf"), "-o", "{out}/p.png"], 0),
        (["import-portal", str(BAD_FORMS / "encrypted.pdf"), "-o", "{out}/l.xml"], 1),
        (["bundle", "verify", "{out}/../missing.zip"], 1),
        (["convert", "--to", "2.2.0", str(LEISTUNG), "-o", "{out}/missing/x.xml"], 2),
        (["form", "preview", "--dpi", "5", str(FORM), "-o", "{out}/p.png"], 2),
        (["message", "build", "--no-such-option"], 2),
    ],
)
def test_subprocess_prints_one_clean_message(argv: list[str], code: int, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    args = [a.replace("{out}", str(out)) for a in argv]
    env = {k: v for k, v in os.environ.items() if k != "GITHUB_ACTIONS"}
    res = subprocess.run(
        [sys.executable, "-m", "xzufi_toolkit", *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
        cwd=tmp_path,
        env=env,
    )
    assert res.returncode == code, res.stderr
    assert "Traceback" not in res.stdout + res.stderr
    if code == 0:
        assert res.stderr == "", "no library noise on stderr (e.g. pdfium's XFA advice)"
    else:
        assert "error" in res.stdout + res.stderr  # a report (stdout) or one message (stderr)
        if code == 2 and args[0] != "message":  # argparse adds its usage lines
            assert len(res.stderr.splitlines()) == 1, res.stderr


# -- file names that are not UTF-8 ------------------------------------------------


@pytest.fixture
def latin1_dir(tmp_path: Path) -> Path:
    """A folder whose name is Latin-1 bytes (as unpacked from an old ZIP)."""
    folder = tmp_path / os.fsdecode(b"Antr\xe4ge")
    try:
        folder.mkdir()
    except (OSError, UnicodeEncodeError):  # pragma: no cover - e.g. APFS refuses such names
        pytest.skip("this file system only takes UTF-8 file names")
    return folder


@pytest.mark.parametrize("fmt", ["text", "json", "junit", "sarif", "github", "gitlab"])
def test_non_utf8_file_name_in_reports(
    fmt: str, latin1_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Was an internal UnicodeEncodeError (SARIF URI, report file, lxml base URL)."""
    leistung = latin1_dir / "l.xml"
    shutil.copyfile(LEISTUNG, leistung)
    report = latin1_dir.parent / f"report.{fmt}"
    run = run_cli(["validate", "-f", fmt, str(leistung), "-o", str(report)], capsys)
    assert run.code == 0, run.err
    text = report.read_text("utf-8")
    assert "Antr\ufffdge" in text or "Antr%EF%BF%BDge" in text  # SARIF/GitLab give a URI
    run = run_cli(["case", "check", "-f", fmt, str(latin1_dir / "missing.json")], capsys)
    assert run.code == 1
    assert "internal error" not in run.err


def test_non_utf8_file_name_in_readers(latin1_dir: Path) -> None:
    """In a subprocess: pytest's captured stderr is strict UTF-8, the real one is not."""
    leistung = latin1_dir / "l.xml"
    shutil.copyfile(LEISTUNG, leistung)
    transfer = latin1_dir / "t.xml"
    shutil.copyfile(TRANSFER, transfer)
    out = latin1_dir / "out"
    out.mkdir()
    for argv in (
        ["show", str(leistung)],
        ["show", str(transfer)],
        ["convert", "--to", "2.2.0", str(leistung), "-o", str(out / "c.xml")],
        ["convert", "--to", "2.2.0", str(transfer), "-o", str(out / "t.xml")],
        ["render", str(leistung), "-o", str(out / "p.html")],
        ["case", "check", str(CASE), "--leistung", str(leistung), "--today", TODAY],
    ):
        res = subprocess.run(
            [sys.executable, "-m", "xzufi_toolkit", *argv],
            capture_output=True,
            check=False,
            timeout=60,
        )
        assert res.returncode == 0, (argv, res.stderr[-300:])
        assert b"Traceback" not in res.stderr


def test_non_utf8_summary_name_is_a_usage_error(latin1_dir: Path) -> None:
    """The --summary file name goes into the message; was an internal UnicodeEncodeError."""
    summary = latin1_dir.parent / os.fsdecode(b"Antr\xe4ge.pdf")
    shutil.copyfile(FORM, summary)
    out = latin1_dir.parent / "m.xml"
    argv = ["message", "build", str(CASE), "--summary", str(summary), "-o", str(out)]
    res = subprocess.run(
        [sys.executable, "-m", "xzufi_toolkit", *argv, "--today", TODAY, "-q"],
        capture_output=True,
        check=False,
        timeout=60,
    )
    assert res.returncode == 2, res.stderr[-300:]
    assert b"not UTF-8" in res.stderr
    assert not out.exists()


def test_non_utf8_file_name_on_a_strict_stdout(latin1_dir: Path) -> None:
    """Under a UTF-8 locale stdout is strict; 'form inspect' prints the file name."""
    form = latin1_dir / "form.pdf"
    shutil.copyfile(FORM, form)
    env = {**os.environ, "PYTHONIOENCODING": "utf-8:strict"}
    res = subprocess.run(
        [sys.executable, "-m", "xzufi_toolkit", "form", "inspect", str(form)],
        capture_output=True,
        check=False,
        timeout=60,
        env=env,
    )
    assert res.returncode == 0, res.stderr[-300:]
    assert os.fsencode(form) in res.stdout  # the name's own bytes, as the shell shows them


# -- devices and pipes: their size says nothing ------------------------------------

ZERO = "/dev/zero"


@pytest.mark.skipif(not Path(ZERO).exists(), reason="no /dev/zero on this system")
@pytest.mark.parametrize(
    "argv",
    [
        ["show", ZERO],
        ["render", ZERO, "-o", "{out}/p.html"],
        ["validate", "-f", "text", ZERO],
        ["case", "check", "-f", "text", ZERO],
        ["case", "check", str(CASE), "--leistung", ZERO],
        ["message", "read", "-f", "text", ZERO, "-o", "{out}/c.json"],
        ["form", "inspect", ZERO],
        ["import-portal", ZERO, "-o", "{out}/l.xml"],
        ["bundle", str(CASE), "--attach", ZERO, "-o", "{out}/b.zip"],
    ],
    ids=lambda argv: " ".join(a for a in argv[:2]),
)
def test_endless_device_is_refused_at_the_limit(
    argv: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Was an unbounded read until MemoryError (stat gives size 0 for a device)."""
    run = run_cli([a.replace("{out}", str(tmp_path)) for a in argv], capsys)
    assert run.code == 1, run.err
    assert "limit" in run.out + run.err
    assert "internal error" not in run.err
    assert list(tmp_path.iterdir()) == []


def test_leistung_from_a_pipe(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """'xzufi show <(…)' names a pipe, not a regular file; was 'no such file'."""
    fifo = tmp_path / "pipe.xml"
    os.mkfifo(fifo)

    def feed() -> None:
        with fifo.open("wb") as fh:
            fh.write(LEISTUNG.read_bytes())

    writer = threading.Thread(target=feed)
    writer.start()
    run = run_cli(["show", "--format", "json", str(fifo)], capsys)
    writer.join(timeout=10)
    assert run.code == 0, run.err
    assert json.loads(run.out)["leistung"]


# -- many unknown elements: linear, not quadratic ------------------------------------


def test_many_unknown_elements_take_linear_time(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """20,000 unknown siblings (200 KB) took minutes: each finding's XPath counted
    all siblings, and the writer searched all children for every kept element."""
    data = LEISTUNG.read_bytes()
    end = data.index(b"</xzufi:leistung>")
    wide = tmp_path / "wide.xml"
    wide.write_bytes(data[:end] + b"<xzufi:unbekannt/>" * 20_000 + data[end:])
    for argv in (
        ["show", "--format", "json", str(wide)],
        ["convert", "--to", "2.2.0", str(wide), "-o", str(tmp_path / "c.xml")],
        ["convert", "--to", "2.3.1", str(wide), "-o", str(tmp_path / "d.xml")],
    ):
        run = run_cli(argv, capsys)
        assert run.code == 0, run.err[-300:]
        assert run.seconds < 10, f"{argv[0]} took {run.seconds:.1f} s"
    # 20,000 warnings are listed up to the cap, then counted in one line
    assert "unbekannt[1000]" in run.err and "unbekannt[1001]" not in run.err
    assert "\u2026 and 19000 more line(s) not shown" in run.err
    assert (tmp_path / "d.xml").read_bytes().count(b"<xzufi:unbekannt/>") == 20_000
    last = read_leistung(wide.read_bytes(), file=str(wide)).findings[-1]
    assert "unbekannt[20000]" in str(last.location) + last.message  # the XPath counts right

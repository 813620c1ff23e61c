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

import codecs
import http.server
import itertools
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
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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


def _many_namespaces(data: bytes) -> bytes:
    """5,000 declarations on the transfer root (validation was quadratic in them)."""
    decls = b"".join(b' xmlns:p%d="urn:p%d"' % (i, i) for i in range(5000))
    start = data.index(b"<xzufi:xzufi.transfer")
    end = data.index(b">", start)
    return data[:end] + decls + data[end:]


def _utf16_no_bom_no_declaration(data: bytes) -> bytes:
    """Neither BOM nor declaration: XML 1.0 gives no way to tell the encoding."""
    return data.decode("utf-8").split("\n", 1)[1].encode("utf-16-le")


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
    "transfer-5000-namespaces": _derived(TRANSFER, "namespaces.xml", _many_namespaces),
    # found by fuzzing: a streamed root with an undeclared prefix was a ValueError
    "transfer-undeclared-prefix": _derived(
        TRANSFER, "prefix.xml", lambda d: d.replace(b"xmlns:xzufi=", b"xmlns:other=", 1)
    ),
    "utf16-no-bom-no-declaration": _derived(LEISTUNG, "u16.xml", _utf16_no_bom_no_declaration),
    "invalid-utf16": _write(
        "bad-utf16.xml", b"\xff\xfe" + "<leistung ".encode("utf-16-le") + b"\x00\xdc" * 8
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
    "page-unloadable": _copy(HOSTILE / "page-unloadable.pdf"),  # found by fuzzing
}


def _fields_but_no_pages(tmp: Path, secret: Path) -> Path:
    """Found by fuzzing: an AcroForm in a page tree without pages was an IndexError."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, NameObject, NumberObject

    writer = PdfWriter(clone_from=PdfReader(FORM))
    pages = writer._root_object["/Pages"].get_object()
    pages[NameObject("/Kids")] = ArrayObject()
    pages[NameObject("/Count")] = NumberObject(0)
    p = tmp / "no-pages.pdf"
    with p.open("wb") as fh:
        writer.write(fh)
    return p


# Renderable, but no fillable form: refused by the form readers only.
FORM_ONLY_INPUTS: dict[str, Builder] = {
    "no-acroform": _copy(BAD_FORMS / "no-acroform.pdf"),
    "xfa-only": _copy(BAD_FORMS / "xfa-only.pdf"),
    "fields-but-no-pages": _fields_but_no_pages,
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


def _junk_before_zip(tmp: Path, secret: Path) -> Path:
    """zipfile reads past bytes in front (self-extracting archives); a bundle has none."""
    p = _zip(tmp, "whole.zip", [("metadata.json", b"{}"), ("data.xml", b"<x/>")])
    out = tmp / "junk.zip"
    out.write_bytes(b"MZ junk in front\n" + p.read_bytes())
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
    "junk-before-zip": _junk_before_zip,
    "metadata-duplicate-key": _zip_builder(
        "dupkey.zip",
        [("metadata.json", (HOSTILE / "metadata-duplicate-key.json").read_bytes())],
    ),
    "dev-zero": lambda tmp, secret: Path("/dev/zero"),
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
NOT_HOSTILE_FOR = {
    ("validate", "folder"),
    ("validate --engine xmlschema", "folder"),
    ("form preview poppler", "page-unloadable"),  # poppler repairs and draws it
}


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


def test_validate_folder_without_xml_is_a_missing_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Was "0 document(s) checked – valid", exit 0: a wrong path passed CI silently."""
    (tmp_path / "notes.txt").write_text("no XML here", "utf-8")
    run = run_cli(["validate", "-f", "text", str(tmp_path)], capsys)
    assert run.code == 1  # as a missing file or an unmatched glob (README, exit codes)
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


@pytest.mark.parametrize("codec", ["utf-16", "utf-32"])
def test_wide_message_reads_like_utf8(
    codec: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """UTF-32 too (it was malformed for some readers; see test_every_command_decides_alike)."""
    text = MESSAGE.read_text("utf-8").replace("encoding='UTF-8'", f"encoding='{codec.upper()}'")
    assert f"encoding='{codec.upper()}'" in text
    wide = tmp_path / "wide.xml"
    wide.write_bytes(text.encode(codec))
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


# == issue 14: what the second round of attacks found ==============================
# Each test names the failure it reproduces; all were internal errors, hangs,
# unbounded memory or silent damage before.


def _xzufi(
    argv: list[str], *, cwd: Path | None = None, **kwargs: object
) -> subprocess.CompletedProcess[bytes]:
    """The CLI in its own interpreter (for stdout, rlimits and real pipes)."""
    env = {k: v for k, v in os.environ.items() if k != "GITHUB_ACTIONS"}
    return subprocess.run(  # type: ignore[call-overload, no-any-return]
        [sys.executable, "-m", "xzufi_toolkit", *argv],
        capture_output="stdout" not in kwargs,
        check=False,
        timeout=60,
        cwd=cwd,
        env=env,
        **kwargs,
    )


# -- one XML decision: every command reads these as their UTF-8 originals -----------


def _recoded(codec: str, bom: bool) -> Callable[[bytes], bytes]:
    def change(data: bytes) -> bytes:
        text = data.decode("utf-8").replace("encoding='UTF-8'", f"encoding='{codec[:6]}'")
        return (codecs.lookup(codec).encode(text)[0]) if not bom else text.encode(codec[:6])

    return change


def _id_split_by_comment(data: bytes) -> bytes:
    return data.replace(b"99010022001012</xzufi:id>", b"9901002200<!-- x -->1012</xzufi:id>", 1)


SAME_AS_UTF8 = {
    "utf-32": _recoded("utf-32", bom=True),
    "utf-32-le-no-bom": _recoded("utf-32-le", bom=False),
    "utf-16-le-no-bom": _recoded("utf-16-le", bom=False),
    "utf-16-be-no-bom": _recoded("utf-16-be", bom=False),
    "id-split-by-comment": _id_split_by_comment,
}


def _outcome(argv: list[str], capsys: pytest.CaptureFixture[str], name: str) -> tuple[int, str]:
    run = run_cli(argv, capsys)
    assert "internal error" not in run.err
    return run.code, (run.out + run.err).replace(name, "FILE")


@pytest.mark.parametrize("change", SAME_AS_UTF8.values(), ids=SAME_AS_UTF8.keys())
@pytest.mark.parametrize("original", [LEISTUNG, TRANSFER], ids=["leistung", "transfer"])
def test_every_command_decides_alike(
    original: Path,
    change: Callable[[bytes], bytes],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Was: UTF-32 valid for validate but malformed for show, a BOM-less UTF-16
    transfer no XZuFi for validate, an id split by a comment valid for validate
    and unreadable for show. Every reader now goes through one decision."""
    plain = tmp_path / "plain.xml"
    plain.write_bytes(original.read_bytes())
    other = tmp_path / "other.xml"
    other.write_bytes(change(original.read_bytes()))
    assert other.read_bytes() != plain.read_bytes()
    commands = [
        ["show", "--format", "json"],
        ["validate", "-f", "json"],
        ["validate", "-f", "json", "--jobs", "2"],
        ["convert", "--to", "2.2.0", "-o", "-"],
        ["render", "-o", "-"],
    ]
    if original == LEISTUNG:
        commands.append(["case", "check", str(CASE), "--today", TODAY, "-f", "json", "--leistung"])
    for argv in commands:
        a = _outcome([*argv, str(plain)], capsys, str(plain))
        b = _outcome([*argv, str(other)], capsys, str(other))
        if argv[0] == "render" and original == TRANSFER:
            assert a[0] == b[0] == 1, (argv, a, b)  # render takes one Leistung: both refused
            continue
        assert a == b, (argv, a[1][-300:], b[1][-300:])


# -- many namespace declarations: linear ---------------------------------------------


def test_many_namespace_declarations_are_refused_at_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Was: 100,000 declarations (2.6 MB) validated in 30-47 s (libxml2 collects
    the declarations in scope of each entry quadratically); show took 0.3 s."""
    data = TRANSFER.read_bytes()
    end = data.index(b">", data.index(b"<xzufi:xzufi.transfer"))
    decls = b"".join(b' xmlns:q%d="urn:q%d"' % (i, i) for i in range(100_000))
    many = tmp_path / "ns.xml"
    many.write_bytes(data[:end] + decls + data[end:])
    for argv in (["validate", "-f", "text", str(many)], ["show", str(many)]):
        run = run_cli(argv, capsys)
        assert run.code == 1
        assert "namespace declarations" in run.out + run.err
        assert run.seconds < 5, f"{argv[0]} took {run.seconds:.1f} s"
    few = tmp_path / "few.xml"  # a writer that declares its prefix on every entry passes
    entry = b'<xzufi:schreibe xmlns:xzufi="http://xoev.de/schemata/xzufi/2_3_1"'
    assert entry in data
    few.write_bytes(data.replace(entry, entry + b' xmlns:x="urn:x"'))
    assert run_cli(["validate", "-q", "-f", "text", str(few)], capsys).code == 0


# -- unbounded reads ------------------------------------------------------------------


@pytest.mark.skipif(not Path(ZERO).exists(), reason="no /dev/zero on this system")
def test_config_from_a_device_is_refused_at_the_limit(capsys: pytest.CaptureFixture[str]) -> None:
    """Was: 'validate --config /dev/zero' read with read_text until the kernel killed it."""
    run = run_cli(["validate", "--config", ZERO, str(LEISTUNG)], capsys)
    assert run.code == 2
    assert len(run.error_lines) == 1 and "limit" in run.error_lines[0], run.err


@pytest.mark.parametrize("command", ["validate", "show"])
def test_large_stdin_is_a_size_limit_like_a_file(command: str, tmp_path: Path) -> None:
    """Was: stdin cut at 64 MiB and reported as malformed XML at a line number."""
    big = TRANSFER.read_bytes() + b" " * (64 * 1024 * 1024)
    argv = ["validate", "-f", "text", "-"] if command == "validate" else ["show", "-"]
    res = _xzufi(argv, input=big)
    out = (res.stdout + res.stderr).decode("utf-8", "replace")
    assert res.returncode == 1, out[-400:]
    assert "limit" in out and "malformed" not in out, out[-400:]
    assert "Traceback" not in out


def test_transfer_from_a_pipe_path_validates(tmp_path: Path) -> None:
    """A pipe path (<(cat transfer.xml)) was read for its head and then opened again."""
    fifo = tmp_path / "pipe.xml"
    os.mkfifo(fifo)

    def feed() -> None:
        with fifo.open("wb") as fh:
            fh.write(TRANSFER.read_bytes())

    writer = threading.Thread(target=feed)
    writer.start()
    res = _xzufi(["validate", "-q", "-f", "text", str(fifo)])
    writer.join(timeout=10)
    assert res.returncode == 0, res.stdout + res.stderr


# -- outputs that are not regular files -------------------------------------------------


def _special_targets(tmp_path: Path) -> dict[str, tuple[str, int]]:
    fifo = tmp_path / "a-pipe"
    os.mkfifo(fifo)
    link = tmp_path / "link-to-pipe"
    link.symlink_to(fifo)
    return {
        "character-device": ("/dev/full", 2),
        "fifo": (str(fifo), 2),
        "symlink-to-fifo": (str(link), 2),
        "folder-without-temp-files": ("/proc/xzufi-out.dat", 1),
    }


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full on this system")
@pytest.mark.parametrize(
    "where", ["character-device", "fifo", "symlink-to-fifo", "folder-without-temp-files"]
)
@pytest.mark.parametrize("command", list(OUTPUT_COMMANDS))
def test_output_that_is_not_a_regular_file(
    command: str, where: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Was: as root, -o /dev/full (any device, or a link to /proc/self/fd/1) was
    replaced by a regular file with exit 0; a folder where mkstemp fails gave
    'internal error: OSError'."""
    argv, src = OUTPUT_COMMANDS[command]
    work = tmp_path / "work"
    work.mkdir()
    given = work / src.name
    shutil.copyfile(src, given)
    target, code = _special_targets(tmp_path)[where]
    before = os.stat(target).st_mode if Path(target).exists() else None

    run = run_cli(argv(str(given), target, work), capsys)

    assert run.code == code, (run.code, run.err[-400:])
    assert len(run.error_lines) == 1, run.err
    assert "internal error" not in run.err
    if before is not None:
        assert os.stat(target).st_mode == before, "the device or pipe is still there"
    assert sorted(p.name for p in work.iterdir()) == [given.name], "nothing else written"


def test_link_to_standard_output_is_not_replaced(tmp_path: Path) -> None:
    """/proc/self/fd/1 is a pipe here (it is the terminal in a shell)."""
    link = tmp_path / "out.html"
    link.symlink_to("/proc/self/fd/1")
    res = _xzufi(["render", str(LEISTUNG), "-o", str(link)])
    assert res.returncode == 2, res.stderr
    assert link.is_symlink()
    assert b"not a regular file" in res.stderr and len(res.stderr.splitlines()) == 1


def test_full_standard_output_is_one_error_line(tmp_path: Path) -> None:
    with open("/dev/full", "wb") as full:
        res = _xzufi(["show", str(LEISTUNG)], stdout=full, stderr=subprocess.PIPE)
    assert res.returncode == 1
    assert res.stderr.decode().splitlines() == [
        "xzufi: error: cannot write standard output: No space left on device"
    ]


@pytest.mark.parametrize("rounds", [4])
def test_concurrent_writers_leave_one_whole_file(rounds: int, tmp_path: Path) -> None:
    """Two processes writing the same output: the file is always one of the two
    complete results, never a mix, and no temporary file stays behind."""
    out = tmp_path / "c.xml"
    expected = set()
    for version in ("2.2.0", "2.3.1"):
        one = tmp_path / f"{version}.xml"
        assert _xzufi(["convert", "--to", version, str(LEISTUNG), "-o", str(one)]).returncode == 0
        expected.add(one.read_bytes())
    for _ in range(rounds):
        procs = [
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "xzufi_toolkit",
                    "convert",
                    "--to",
                    v,
                    str(LEISTUNG),
                    "-o",
                    str(out),
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            for v in ("2.2.0", "2.3.1")
        ]
        assert [p.wait(timeout=60) for p in procs] == [0, 0]
        assert out.read_bytes() in expected
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2.2.0.xml", "2.3.1.xml", "c.xml"]


# -- the demo on a full disk -----------------------------------------------------------


def test_demo_on_a_full_disk_leaves_nothing(tmp_path: Path) -> None:
    """Was: 'demo -o' on a nearly full disk left partial output. A file size limit
    (RLIMIT_FSIZE) makes the kernel refuse the larger files as a full disk would."""
    resource = pytest.importorskip("resource")

    def small_disk() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (150_000, 150_000))

    res = _xzufi(["demo", "-o", "demo"], cwd=tmp_path, preexec_fn=small_disk)
    assert res.returncode == 1, res.stderr
    lines = res.stderr.decode().splitlines()
    assert len(lines) == 1 and lines[0].startswith("xzufi: error: demo/"), lines
    assert list(tmp_path.iterdir()) == [], "no partial demo and no staging folder"


# -- render cost ---------------------------------------------------------------------


def _pdf_with(tmp: Path, name: str, build: Callable[[Any], None], size: float = 612) -> Path:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=size, height=size)
    build(writer)
    p = tmp / name
    with p.open("wb") as fh:
        writer.write(fh)
    return p


def _flate_bomb(writer: Any) -> None:
    from pypdf.generic import NameObject, StreamObject

    stream = StreamObject()
    stream._data = zlib.compress(b" " * (160 * 1024 * 1024), 9)  # 160 KB on disk
    stream[NameObject("/Filter")] = NameObject("/FlateDecode")
    writer.pages[0][NameObject("/Contents")] = writer._add_object(stream)


def _fields(count: int, deep: bool) -> Callable[[Any], None]:
    def build(writer: Any) -> None:
        from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

        page = writer.pages[0]
        nodes = [
            writer._add_object(DictionaryObject({NameObject("/T"): TextStringObject(f"f{i}")}))
            for i in range(count)
        ]
        if deep:  # each node the only kid of the one before
            for parent, kid in itertools.pairwise(nodes):
                parent.get_object()[NameObject("/Kids")] = ArrayObject([kid])
                kid.get_object()[NameObject("/Parent")] = parent
            top = ArrayObject(nodes[:1])
        else:
            top = ArrayObject(nodes)
        for n in nodes if not deep else nodes[-1:]:
            n.get_object()[NameObject("/FT")] = NameObject("/Tx")
            n.get_object()[NameObject("/Subtype")] = NameObject("/Widget")
            n.get_object()[NameObject("/Rect")] = ArrayObject([])
        page[NameObject("/Annots")] = ArrayObject(nodes if not deep else nodes[-1:])
        acro = DictionaryObject({NameObject("/Fields"): top})
        writer._root_object[NameObject("/AcroForm")] = writer._add_object(acro)

    return build


RENDER_COST: dict[str, tuple[Callable[[Path], Path], str]] = {
    "page-14400pt": (lambda t: _pdf_with(t, "huge.pdf", lambda w: None, 14_400), "pixels"),
    "flate-bomb": (lambda t: _pdf_with(t, "bomb.pdf", _flate_bomb), "decodes to more"),
    "10001-fields": (lambda t: _pdf_with(t, "many.pdf", _fields(10_001, False)), "fields"),
    "field-tree-40-deep": (lambda t: _pdf_with(t, "deep.pdf", _fields(40, True)), "deeper"),
}


@pytest.mark.parametrize("engine", ["pdfium", "poppler"])
@pytest.mark.parametrize("case", RENDER_COST.values(), ids=RENDER_COST.keys())
def test_preview_refuses_what_costs_too_much(
    case: tuple[Callable[[Path], Path], str],
    engine: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Was: a 14,400 pt page took 1.5 GB then 'internal error: PdfiumError'; a 1 MB
    Flate bomb 2 GB; 100,000 fields 125 s; a deep field tree with poppler
    'internal error: TimeoutExpired'."""
    if engine == "poppler" and shutil.which("pdftoppm") is None:
        pytest.skip("poppler-utils not installed")
    build, words = case
    pdf = build(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    run = run_cli(
        ["form", "preview", str(pdf), "-o", str(out / "p.png"), "--engine", engine], capsys
    )
    assert run.code == 1, run.err
    assert len(run.error_lines) == 1 and str(pdf) in run.error_lines[0], run.err
    assert words in run.error_lines[0], run.error_lines
    assert run.seconds < 10, f"took {run.seconds:.1f} s"
    assert list(out.iterdir()) == []


def test_poppler_timeout_is_a_clear_error() -> None:
    if shutil.which("pdftoppm") is None:
        pytest.skip("poppler-utils not installed")
    from xzufi_toolkit.errors import LimitExceededError
    from xzufi_toolkit.form.render import RenderLimits, render_poppler

    with pytest.raises(LimitExceededError, match=r"within 0\.001 s"):
        render_poppler(FORM.read_bytes(), dpi=300, file="f.pdf", limits=RenderLimits(timeout=0.001))


# -- the fee of a case born on a day that does not exist ----------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        ["case", "check", "{case}", "-f", "text"],
        ["message", "build", "{case}", "-o", "{out}/m.xml", "-f", "text"],
        ["form", "fill", "{case}", "-o", "{out}/f.pdf", "-f", "text"],
        ["bundle", "{case}", "-o", "{out}/b.zip", "-f", "text"],
    ],
    ids=lambda a: " ".join(a[:2]),
)
def test_impossible_birth_date_is_a_finding(
    argv: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Was: 2024-02-30 crashed the fee check ('internal error: ValueError')
    whenever the case was checked against the Leistung."""
    doc = json.loads(CASE.read_text("utf-8"))
    doc["antragsteller"]["geburt"]["datum"] = "2024-02-30"
    case = tmp_path / "case.json"
    case.write_text(json.dumps(doc), "utf-8")
    out = tmp_path / "out"
    out.mkdir()
    args = [a.replace("{case}", str(case)).replace("{out}", str(out)) for a in argv]
    run = run_cli([*args, "--today", TODAY], capsys)
    assert run.code == 1, run.err
    assert "internal error" not in run.err
    report = run.out + run.err
    assert "[CASE-DATE-INVALID]" in report and "[CASE-FEE-UNDECIDED]" in report
    assert list(out.iterdir()) == []


# -- control characters -------------------------------------------------------------------

FORGED = "a\nxzufi: error: forged\x1b[31m\x07.xml"


@pytest.mark.parametrize("fmt", ["text", "github"])
def test_control_characters_in_file_names_are_escaped(
    fmt: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Was: a newline in a file name forged an 'xzufi: error:' line, escape
    sequences reached the terminal."""
    bad = tmp_path / FORGED
    bad.write_bytes(b"<x")
    run = run_cli(["validate", "-f", fmt, str(bad)], capsys)
    assert run.code == 1
    assert "\x1b" not in run.out and "\x07" not in run.out
    assert "forged" in run.out  # still there, but inside the one line
    assert not any(ln.startswith("xzufi: error: forged") for ln in run.out.splitlines())
    run = run_cli(["show", str(bad)], capsys)
    assert run.code == 1
    assert len(run.err.splitlines()) == 1 and "\\x0a" in run.err and "\x1b" not in run.err


def test_control_characters_in_zip_entry_names(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    p = _zip(tmp_path, "ctl.zip", [("metadata.json", b"{}"), ("../\x1b[2Jx\ny", b"x")])
    run = run_cli(["bundle", "verify", str(p)], capsys)
    assert run.code == 1
    assert len(run.err.splitlines()) == 1 and "\x1b" not in run.err, run.err


def test_control_characters_in_a_portal_export(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Was: ESC and BEL in an export's value gave 'internal error: ValueError' (lxml)."""
    text = PORTAL_TEXT.read_text("utf-8")
    assert "Aufenthaltserlaubnis" in text
    damaged = tmp_path / "export.txt"
    damaged.write_text(
        text.replace("Aufenthaltserlaubnis", "Aufenthalts\x1berlaubnis\x07", 1), "utf-8"
    )
    out = tmp_path / "l.xml"
    run = run_cli(["import-portal", str(damaged), "-o", str(out)], capsys)
    assert run.code == 0, run.err
    assert "control characters removed" in run.out + run.err
    assert b"Aufenthaltserlaubnis" in out.read_bytes()


@pytest.mark.parametrize(
    "who", [["--reader", "psw:\x1b1", "Amt"], ["--author", "psw:1", "Amt\x07"]]
)
def test_control_characters_in_reader_and_author(
    who: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "m.xml"
    run = run_cli(["message", "build", str(CASE), "-o", str(out), "--today", TODAY, *who], capsys)
    assert run.code == 2, run.err
    assert len(run.error_lines) == 1 and "internal error" not in run.err
    assert not out.exists()


# -- output amplification --------------------------------------------------------------------


def test_report_lists_a_capped_number_per_document(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Was: 200,000 attributes (2.3 MB) gave a 180 MB SARIF report at 1.8 GB RSS,
    and 200,000 lines from show --summary."""
    data = LEISTUNG.read_bytes()
    at = data.index(b"<xzufi:id ") + len(b"<xzufi:id ")
    attrs = b"".join(b'a%d="x" ' % i for i in range(200_000))
    wide = tmp_path / "attrs.xml"
    wide.write_bytes(data[:at] + attrs + data[at:])
    sarif = tmp_path / "r.sarif"
    run = run_cli(["validate", "-f", "sarif", str(wide), "-o", str(sarif)], capsys)
    assert run.code == 1
    assert sarif.stat().st_size < 2_000_000
    results = json.loads(sarif.read_text("utf-8"))["runs"][0]["results"]
    assert len(results) <= 1001
    assert any(r["ruleId"] == "REPORT-CAP" for r in results)
    run = run_cli(["show", "--summary", str(wide)], capsys)
    assert run.code == 1
    assert len(run.err.splitlines()) <= 1001
    assert "more line(s) not shown" in run.err.splitlines()[-1]


def test_capped_report_keeps_counts_and_verdict() -> None:
    from xzufi_toolkit.findings import Finding, Location, Report, Severity
    from xzufi_toolkit.reporters import render

    findings = [
        Finding("X-1", Severity.WARNING, f"w{i}", Location(file="a.xml")) for i in range(5)
    ] + [Finding("X-2", Severity.ERROR, "late", Location(file="a.xml"))]
    report = Report(findings=findings, documents=1)
    doc = json.loads(render(report, "json", limit=3))
    assert doc["counts"] == {"error": 1, "warning": 5, "info": 0}
    assert doc["valid"] is False
    codes = [f["code"] for f in doc["findings"]]
    assert codes == ["X-1", "X-1", "X-1", "REPORT-CAP"]
    assert "3 more" in doc["findings"][-1]["message"]


# -- globs, schemas and duplicate keys ------------------------------------------------------


def test_glob_does_not_follow_symlink_loops(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Was: '**' followed a link to a parent folder until the path was too long."""
    folder = tmp_path / "cat" / "a"
    folder.mkdir(parents=True)
    shutil.copyfile(LEISTUNG, folder / "l.xml")
    for n in range(3):  # each loop doubles what glob.glob walks
        (folder / f"loop{n}").symlink_to("..")
    for pattern in (f"{tmp_path}/cat/**/*.xml", "cat/**/*.xml"):
        cwd = os.getcwd()
        os.chdir(tmp_path)
        try:
            run = run_cli(["validate", "-f", "json", pattern], capsys)
        finally:
            os.chdir(cwd)
        assert run.code == 0, run.err
        assert json.loads(run.out)["documents"] == 1
        assert run.seconds < 10


class _CountingHandler(http.server.BaseHTTPRequestHandler):
    hits = 0

    def do_GET(self) -> None:  # the name http.server calls
        type(self).hits += 1
        self.send_error(404)

    def log_message(self, *args: object) -> None:
        pass


def test_xmlschema_engine_never_goes_online(
    tmp_path: Path, secret: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Was: --engine xmlschema --schema-dir followed xs:import over HTTP, and printed
    the contents of a local file named by xs:include."""
    server = http.server.HTTPServer(("127.0.0.1", 0), _CountingHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/remote.xsd"
        for name, fill in (
            ("schema-import-http.xsd.in", ("@URL@", url)),
            ("schema-include-secret.xsd.in", ("@SECRET@", str(secret))),
        ):
            folder = tmp_path / name
            folder.mkdir()
            text = (HOSTILE / name).read_text("utf-8").replace(*fill)
            (folder / "xzufi.xsd").write_text(text, "utf-8")
            argv = ["validate", "--engine", "xmlschema", "--schema-dir", str(folder), str(LEISTUNG)]
            run = run_cli(argv, capsys)
            assert run.code == 2, run.out + run.err
            assert len(run.error_lines) == 1, run.err
            assert SECRET not in run.out + run.err
    finally:
        server.shutdown()
        server.server_close()
    assert _CountingHandler.hits == 0


@pytest.mark.parametrize("command", [["bundle"], ["form", "fill"], ["case", "check"]])
def test_control_characters_in_case_file_names(
    command: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The lines after a report ('not bundled', 'not filled') name the case too."""
    case = tmp_path / FORGED.replace(".xml", ".json")
    case.write_bytes(b"{")
    run = run_cli([*command, str(case), "-o", str(tmp_path / "out.dat")], capsys)
    assert run.code == 1, run.err
    text = run.out + run.err
    assert "\x1b" not in text and "\x07" not in text
    assert not any(ln.startswith("xzufi: error: forged") for ln in text.splitlines())
    if command != ["case", "check"]:  # there -o is the report
        assert not (tmp_path / "out.dat").exists()

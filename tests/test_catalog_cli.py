"""``xzufi catalog`` and ``xzufi render --db`` from the command line (SQLite),
including two apply processes on one store file."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from catalog_support import CATALOG

from xzufi_toolkit.catalog import open_store
from xzufi_toolkit.cli.main import main

PAGE1, PAGE2, INVALID = (
    CATALOG / "page-1.xml",
    CATALOG / "page-2.xml",
    CATALOG / "invalid-objects.xml",
)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_apply_query_stats_export(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "c.sqlite")
    code, out, err = run(capsys, "catalog", "apply", str(PAGE1), str(PAGE2), "--db", db)
    assert code == 0, err
    assert "page-2.xml: 6 entries: 1 written, 1 deleted, 4 orphaned deletion(s)" in err
    code, out, _ = run(
        capsys, "catalog", "responsible", "99010022001012", "--region", "065310002002", "--db", db
    )
    assert code == 0
    assert "Ausländerbehörde des Musterkreises" in out and "Musterweg 3, 35390 Musterstadt" in out
    assert "https://onlinedienst.example/aufenthalt" in out
    code, out, _ = run(
        capsys, "catalog", "responsible", "test-1", "--region", "06", "--db", db, "--format", "json"
    )
    data = json.loads(out)
    assert [r["zustaendigkeit_id"] for r in data["responsibilities"]] == ["zst-land", "zst-online"]
    code, out, _ = run(capsys, "catalog", "stats", "--db", db, "--format", "json")
    assert json.loads(out)["counters"]["orphaned"] == 5
    target = tmp_path / "oe.xml"
    assert run(capsys, "catalog", "export", "oe-kreis", "-o", str(target), "--db", db)[0] == 0
    assert b"oe-kreis" in target.read_bytes()
    code, _, err = run(capsys, "catalog", "responsible", "x", "--region", "123", "--db", db)
    assert code == 2 and "Regionalschlüssel" in err


def test_invalid_objects_are_findings_with_report_flags(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "c.sqlite")
    code, out, _ = run(capsys, "catalog", "apply", str(INVALID), "--db", db, "-f", "json")
    assert code == 1
    codes = [f["code"] for f in json.loads(out)["findings"]]
    assert codes == ["CAT-INVALID", "CAT-KLASSE", "CAT-KLASSE"]
    code, _, err = run(
        capsys, "catalog", "apply", str(INVALID), "--db", db, "--on-invalid", "stop", "--exit-zero"
    )
    assert code == 0 and "nothing of it was applied" in err


def test_an_unreadable_message_is_a_finding_and_stops(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "c.sqlite")
    bad = tmp_path / "bad.xml"
    bad.write_bytes(PAGE1.read_bytes()[:3000])
    code, out, err = run(capsys, "catalog", "apply", str(bad), str(PAGE2), "--db", db)
    assert code == 1 and "[CAT-INPUT]" in out and "later files were not applied" in err
    assert "Traceback" not in err
    with open_store(db) as s:
        from xzufi_toolkit.catalog import stats

        assert stats(s)["counters"]["messages"] == 0


def test_store_errors_are_one_line_without_password(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "catalog", "stats", "--db", "postgresql://u:pw-xyz@127.0.0.1:1/c")
    assert code == 1 and err.startswith("xzufi: error: ") and "pw-xyz" not in err
    assert err.count("\n") == 1


def test_render_with_the_responsible_office(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "c.sqlite")
    assert run(capsys, "catalog", "apply", str(PAGE1), "--db", db)[0] == 0
    page = tmp_path / "page.html"
    code, _, err = run(
        capsys,
        "render",
        "--db",
        db,
        "--leistung",
        "99010022001012",
        "--region",
        "065310001001",
        "-o",
        str(page),
    )
    assert code == 0, err
    text = page.read_text(encoding="utf-8")
    office = text[
        text.index('id="s-office"') : text.index("</section>", text.index('id="s-office"'))
    ]
    for shown in (
        "Bürgerbüro Musterdorf",
        "Dorfplatz 2",
        "35394 Musterdorf",
        "Ausländerbehörde Musterkreis",
        "mailto:abh@musterkreis.example",
        "Mo–Fr 8:00–12:00",
        'href="https://onlinedienst.example/aufenthalt"',
    ):
        assert shown in office, shown
    assert office.index("Bürgerbüro Musterdorf") < office.index("Ausländerbehörde Musterkreis")
    code, _, err = run(
        capsys,
        "render",
        "--db",
        db,
        "--leistung",
        "99010022001012",
        "--region",
        "010010000000",
        "-o",
        str(page),
    )
    assert code == 0 and "keine zuständige Stelle" in page.read_text(encoding="utf-8")
    code, _, err = run(capsys, "render", "--db", db, "--leistung", "nicht-da", "--region", "06")
    assert code == 2 and "no Leistung" in err
    code, _, err = run(capsys, "render", "--db", db, "--region", "06")
    assert code == 2


def _holder(db: str) -> subprocess.Popen[str]:
    """A process holding the store's write lock until it reads a line."""
    code = (
        "import sys, sqlite3\n"
        f"c = sqlite3.connect({db!r}, isolation_level=None)\n"
        "c.execute('BEGIN IMMEDIATE')\n"
        "print('locked', flush=True)\n"
        "sys.stdin.readline()\n"
        "c.execute('COMMIT')\n"
    )
    p = subprocess.Popen(
        [sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert p.stdout is not None and p.stdout.readline().strip() == "locked"
    return p


def _apply(db: str, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "xzufi_toolkit", "catalog", "apply", str(PAGE1), "--db", db, *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_a_second_writer_fails_clearly_or_waits(tmp_path: Path) -> None:
    db = str(tmp_path / "c.sqlite")
    open_store(db).close()
    holder = _holder(db)
    try:
        second = _apply(db, "--lock-timeout", "0.3")
        _, err = second.communicate(timeout=120)
        assert second.returncode == 1, err
        assert "database is locked" in err and "another process is writing" in err
        assert "Traceback" not in err
        waiting = _apply(db, "--lock-timeout", "60")
        time.sleep(0.5)  # let it reach the lock; not a timing assertion
    finally:
        holder.communicate("go\n", timeout=60)
    _, err = waiting.communicate(timeout=120)
    assert waiting.returncode == 0, err
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert con.execute("SELECT value FROM catalog_counter WHERE name='messages'").fetchone()[0] == 1


HOSTILE = Path(__file__).resolve().parent.parent / "fixtures" / "hostile"


def _hostile(tmp: Path, name: str) -> Path:
    if name.endswith(".in"):
        secret = tmp / "secret.txt"
        secret.write_text("TOP-SECRET-VALUE")
        target = tmp / name[:-3]
        text = (HOSTILE / name).read_text(encoding="utf-8").replace("@SECRET@", secret.as_uri())
        target.write_text(text, encoding="utf-8")
        return target
    if name == "binary":
        target = tmp / "binary.xml"
        target.write_bytes(bytes(range(256)) * 10)
        return target
    if name == "deep":
        target = tmp / "deep.xml"
        inner = b"<a>" * 5000 + b"</a>" * 5000
        target.write_bytes(
            PAGE1.read_bytes().replace(
                b"<xzufi:nachrichtenkopf/>", b"<xzufi:nachrichtenkopf/>" + inner
            )
        )
        return target
    if name == "folder":
        return tmp
    if name == "missing":
        return tmp / "missing.xml"
    if name == "/dev/zero":
        return Path("/dev/zero")
    return HOSTILE / name


@pytest.mark.parametrize(
    "name",
    [
        "xxe.xml.in",
        "xxe-parameter.xml.in",
        "xinclude.xml.in",
        "billion-laughs.xml",
        "doctype-after-prolog.xml",
        "wrong-namespace.xml",
        "not-xml.txt",
        "binary",
        "deep",
        "folder",
        "missing",
        "/dev/zero",
    ],
)
def test_hostile_messages_are_one_finding_and_leave_the_store(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    db = str(tmp_path / "c.sqlite")
    assert run(capsys, "catalog", "apply", str(PAGE1), "--db", db)[0] == 0
    with open_store(db) as s:
        from xzufi_toolkit.catalog import stats

        before = stats(s)
    src = _hostile(tmp_path, name)
    code, out, err = run(capsys, "catalog", "apply", str(src), "--db", db)
    assert code == 1, (out, err)
    assert "Traceback" not in err and "internal error" not in err
    assert "TOP-SECRET" not in out + err
    if name != "xinclude.xml.in":  # XInclude is never processed: a readable message
        assert "[CAT-INPUT]" in out
    with open_store(db) as s:
        after = stats(s)
    if name != "xinclude.xml.in":
        assert after == before


def test_progress_bar_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from xzufi_toolkit.cli import catalog_cmd

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    err = Tty()
    monkeypatch.setattr(sys, "stderr", err)
    bar = catalog_cmd._Bar("xzufi catalog apply x.xml", 1000, enabled=True)
    bar.start -= 2.0  # two seconds ago: a rate to show
    bar.last -= 2.0
    bar(4000, 500)
    bar.end()
    shown = err.getvalue()
    assert "50%" in shown and "4,000 objects" in shown and "objects/s" in shown
    quiet = catalog_cmd._Bar("x", 1000, enabled=False)
    quiet(1, 1)
    assert err.getvalue() == shown

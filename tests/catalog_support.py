"""Catalog test support: a throw-away PostgreSQL cluster and a local page server.

The PostgreSQL cluster is real: ``initdb`` + ``pg_ctl`` from Debian's
``/usr/lib/postgresql/*/bin`` in a temporary folder, listening on a unix
socket only. initdb refuses to run as root, so as root the cluster runs as the
``postgres`` (else ``nobody``) user in a folder it owns. ``XZUFI_TEST_PG_URL``
points the tests at a server started elsewhere instead. Without PostgreSQL the
PostgreSQL half of the store tests is skipped, except under ``CI=true``, where
that is a failure.

The page server is ``http.server`` on 127.0.0.1 in a thread, serving what a
test scripts: pages, a 500, a stall (timeout), a truncated body.
"""

from __future__ import annotations

import contextlib
import glob
import http.server
import itertools
import os
import pwd
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CATALOG = ROOT / "fixtures" / "catalog"


def _pg_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _no_postgres(why: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"PostgreSQL is required in CI: {why}")
    pytest.skip(f"PostgreSQL not available: {why}")


@dataclass
class PgCluster:
    """A running throw-away cluster; ``database()`` makes a fresh database."""

    base_url: str  # ends with "/" + database name left open
    query: str
    _n: Iterator[int] = field(default_factory=itertools.count)

    def database(self) -> str:
        import psycopg

        name = f"xzufi_test_{os.getpid()}_{next(self._n)}"
        admin = f"{self.base_url}postgres{self.query}"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        return f"{self.base_url}{name}{self.query}"


@contextlib.contextmanager
def pg_cluster() -> Iterator[PgCluster]:
    given = os.environ.get("XZUFI_TEST_PG_URL")
    if given:
        base, _, rest = given.rpartition("/")
        _db, _, query = rest.partition("?")
        yield PgCluster(base_url=base + "/", query=("?" + query) if query else "")
        return
    bindir = _pg_bin()
    if bindir is None:
        _no_postgres("initdb not found (apt-get install postgresql)")
        return
    run_as: list[str] = []
    tmp = Path(tempfile.mkdtemp(prefix="xzufi-pg-"))
    if os.geteuid() == 0:
        user = "postgres"
        try:
            pw = pwd.getpwnam(user)
        except KeyError:
            user, pw = "nobody", pwd.getpwnam("nobody")
        os.chown(tmp, pw.pw_uid, pw.pw_gid)
        tmp.chmod(0o700)
        run_as = ["runuser", "-u", user, "--"]
    data, sock = tmp / "data", tmp
    try:
        subprocess.run(
            [
                *run_as,
                str(bindir / "initdb"),
                "-D",
                str(data),
                "-A",
                "trust",
                "-U",
                "xzufi",
                "-E",
                "UTF8",
                "--no-sync",
                "--no-instructions",
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
        subprocess.run(
            [
                *run_as,
                str(bindir / "pg_ctl"),
                "-D",
                str(data),
                "-w",
                "-t",
                "60",
                "-l",
                str(tmp / "log"),
                "-o",
                f"-k {sock} -c listen_addresses='' -p 5432 -F -c max_connections=40",
                "start",
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        log = (tmp / "log").read_text(errors="replace") if (tmp / "log").exists() else ""
        shutil.rmtree(tmp, ignore_errors=True)
        _no_postgres(f"cannot start a cluster: {exc} {getattr(exc, 'stderr', b'')!r} {log}")
        return
    try:
        yield PgCluster(base_url="postgresql://xzufi@/", query=f"?host={sock}&port=5432")
    finally:
        subprocess.run(
            [*run_as, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
            capture_output=True,
            timeout=60,
            check=False,
        )
        shutil.rmtree(tmp, ignore_errors=True)


# -- a scripted HTTP server -------------------------------------------------


@dataclass
class Reply:
    """One scripted answer: status and body, or a stall / a truncated body."""

    body: bytes = b""
    status: int = 200
    stall: float = 0.0  # seconds to wait before answering (timeouts)
    truncate: bool = False  # announce the full length, send half, close


@dataclass
class PageServer:
    """Serves ``routes[path]``: a list of replies used in turn (the last repeats)."""

    routes: dict[str, list[Reply]] = field(default_factory=dict)
    seen: list[tuple[str, str | None]] = field(default_factory=list)
    port: int = 0

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def reply(self, path: str) -> Reply | None:
        queue = self.routes.get(path)
        if not queue:
            return None
        return queue.pop(0) if len(queue) > 1 else queue[0]


@contextlib.contextmanager
def page_server() -> Iterator[PageServer]:
    state = PageServer()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            state.seen.append((self.path, self.headers.get("Authorization")))
            rep = state.reply(self.path)
            if rep is None:
                self.send_error(404)
                return
            if rep.stall:
                time.sleep(rep.stall)
            self.send_response(rep.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(rep.body)))
            self.end_headers()
            if rep.truncate:
                self.wfile.write(rep.body[: len(rep.body) // 2])
                self.wfile.flush()
                self.close_connection = True
                return
            self.wfile.write(rep.body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


def page_json(
    xml: bytes | str, *, complete: bool, next_index: int | None, next_url: str | None
) -> bytes:
    import json

    text = xml.decode("utf-8") if isinstance(xml, bytes) else xml
    doc = {
        "xzufiObjekte": text,
        "vollstaendig": complete,
        "naechsterIndex": next_index,
        "naechsteAnfrageUrl": next_url,
    }
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")


Dump = Callable[[str], dict[str, list[tuple[str, ...]]]]

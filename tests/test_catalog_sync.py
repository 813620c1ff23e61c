"""``catalog sync`` against a real HTTP server on 127.0.0.1 and a folder of pages,
on SQLite and PostgreSQL: pages in order, retries, timeouts, truncated and bad
pages, an interrupted run that resumes, and the token kept out of every message."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from catalog_support import (
    CATALOG,
    PageServer,
    PgCluster,
    Reply,
    page_json,
    page_server,
    pg_cluster,
)

from xzufi_toolkit.catalog import PageError, SyncError, open_store, stats, sync
from xzufi_toolkit.catalog.store import CatalogStore
from xzufi_toolkit.cli.main import main
from xzufi_toolkit.errors import UsageError

PAGES = [(CATALOG / n).read_bytes() for n in ("page-1.xml", "page-2.xml", "page-3-empty.xml")]
FAST = {"retries": 2, "backoff": 0.0, "timeout": 2.0}


@pytest.fixture(scope="module")
def pg() -> Iterator[PgCluster]:
    with pg_cluster() as cluster:
        yield cluster


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[CatalogStore]:
    if request.param == "sqlite":
        url = str(tmp_path / "c.sqlite")
    else:
        url = request.getfixturevalue("pg").database()
    with open_store(url) as s:
        yield s


@pytest.fixture
def server() -> Iterator[PageServer]:
    with page_server() as srv:
        yield srv


def serve_pages(srv: PageServer, pages: list[bytes] = PAGES) -> str:
    """/p/0 … /p/N-1, each naming the next by an absolute URL; the last is vollstaendig."""
    for i, xml in enumerate(pages):
        last = i == len(pages) - 1
        srv.routes[f"/p/{i}"] = [
            Reply(
                page_json(
                    xml,
                    complete=last,
                    next_index=i + 1,
                    next_url=None if last else srv.url(f"/p/{i + 1}"),
                )
            )
        ]
    return srv.url("/p/0")


def counts(store: CatalogStore) -> tuple[dict[str, int], dict[str, int], list[dict[str, Any]]]:
    s = stats(store)
    return s["objects"], s["counters"], s["sync"]


def test_sync_follows_pages_until_vollstaendig(store: CatalogStore, server: PageServer) -> None:
    start = serve_pages(server)
    r = sync(store, start, token="tok-123", **FAST)
    assert r.complete and r.pages == 3 and r.objects == 18
    assert [p for p, _ in server.seen] == ["/p/0", "/p/1", "/p/2"]
    assert {a for _, a in server.seen} == {"Bearer tok-123"}
    objects, counters, positions = counts(store)
    assert objects["Zustaendigkeit"] == 4 and counters["messages"] == 3
    assert positions == [
        {"source": start, "next_index": "3", "next_url": None, "pages": 3, "complete": True}
    ]


def test_relative_next_urls_are_resolved(store: CatalogStore, server: PageServer) -> None:
    server.routes["/a/start"] = [
        Reply(page_json(PAGES[0], complete=False, next_index=7, next_url="next?index=7"))
    ]
    server.routes["/a/next?index=7"] = [
        Reply(page_json(PAGES[1], complete=True, next_index=9, next_url=None))
    ]
    assert sync(store, server.url("/a/start"), **FAST).pages == 2


def test_5xx_is_retried(store: CatalogStore, server: PageServer) -> None:
    start = serve_pages(server)
    server.routes["/p/1"].insert(0, Reply(b"busy", status=503))
    server.routes["/p/1"].insert(0, Reply(b"oops", status=500))
    assert sync(store, start, **FAST).complete
    assert [p for p, _ in server.seen] == ["/p/0", "/p/1", "/p/1", "/p/1", "/p/2"]


def test_a_truncated_body_is_retried(store: CatalogStore, server: PageServer) -> None:
    start = serve_pages(server)
    good = server.routes["/p/1"][0]
    server.routes["/p/1"].insert(0, Reply(good.body, truncate=True))
    assert sync(store, start, **FAST).complete


def test_persistent_5xx_fails_after_retries_and_keeps_earlier_pages(
    store: CatalogStore, server: PageServer
) -> None:
    start = serve_pages(server)
    server.routes["/p/1"] = [Reply(b"down", status=500)]
    with pytest.raises(SyncError) as exc:
        sync(store, start, **FAST)
    text = str(exc.value)
    assert server.url("/p/1") in text and "after 3 attempts" in text and "HTTP 500" in text
    _, counters, positions = counts(store)
    assert counters["messages"] == 1  # page 0 is in, with its position
    assert positions[0]["next_url"] == server.url("/p/1") and not positions[0]["complete"]


def test_a_stalling_server_times_out(store: CatalogStore, server: PageServer) -> None:
    start = serve_pages(server)
    server.routes["/p/0"] = [Reply(b"{}", stall=1.5)]
    with pytest.raises(SyncError, match="Timeout"):
        sync(store, start, retries=1, backoff=0.0, timeout=0.3)


def test_unreachable_server(store: CatalogStore) -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}/p/0"
    with pytest.raises(SyncError) as exc:
        sync(store, url, **FAST)
    assert url in str(exc.value) and "ConnectError" in str(exc.value)


@pytest.mark.parametrize(
    ("body", "what"),
    [
        (b"<html>maintenance</html>", "is not JSON"),
        (b'{"vollstaendig": true}', "has no xzufiObjekte"),
        (b'{"xzufiObjekte": "<xzufi:xzufi.tr', "is not JSON"),  # truncated JSON
        (page_json(PAGES[1][:900], complete=True, next_index=3, next_url=None), "nothing of it"),
    ],
)
def test_a_bad_page_changes_nothing(
    store: CatalogStore, server: PageServer, body: bytes, what: str
) -> None:
    start = serve_pages(server)
    good = server.routes["/p/1"]
    server.routes["/p/1"] = [Reply(body)]
    with pytest.raises(PageError) as exc:
        sync(store, start, **FAST)
    assert what in str(exc.value) and server.url("/p/1") in str(exc.value)
    assert "index 1" in str(exc.value)
    before = counts(store)
    assert before[1]["messages"] == 1
    # the page is fixed: --resume applies it and the rest, page 0 is not fetched again
    server.routes["/p/1"] = good
    server.seen.clear()
    r = sync(store, start, resume=True, **FAST)
    assert r.complete and r.pages == 2
    assert [p for p, _ in server.seen] == ["/p/1", "/p/2"]
    assert counts(store)[1]["messages"] == 3


def test_an_interrupted_run_resumes_without_applying_a_page_twice(
    store: CatalogStore, server: PageServer
) -> None:
    start = serve_pages(server)
    server.routes["/p/2"] = [Reply(b"", status=502)]
    with pytest.raises(SyncError):
        sync(store, start, **FAST)
    with pytest.raises(UsageError, match="--resume"):
        sync(store, start, **FAST)
    serve_pages(server)
    server.seen.clear()
    r = sync(store, start, resume=True, **FAST)
    assert r.pages == 1 and [p for p, _ in server.seen] == ["/p/2"]
    _, counters, positions = counts(store)
    assert counters["messages"] == 3 and positions[0]["pages"] == 3
    # complete: resuming again has nothing to fetch; --restart starts over
    assert sync(store, start, resume=True, **FAST).pages == 0
    assert sync(store, start, restart=True, **FAST).pages == 3


def test_4xx_is_not_retried(store: CatalogStore, server: PageServer) -> None:
    start = serve_pages(server)
    server.routes["/p/0"] = [Reply(b"no", status=401)]
    with pytest.raises(SyncError, match="HTTP 401") as exc:
        sync(store, start, token="geheim-token", **FAST)
    assert "token" in str(exc.value) and "geheim-token" not in str(exc.value)
    assert len(server.seen) == 1


def test_a_folder_of_page_files_replays_offline(store: CatalogStore, tmp_path: Path) -> None:
    folder = tmp_path / "pages"
    folder.mkdir()
    for i, xml in enumerate(PAGES):
        last = i == len(PAGES) - 1
        (folder / f"page-{i:04d}.json").write_bytes(
            page_json(xml, complete=last, next_index=i + 1, next_url=None if last else "x")
        )
    r = sync(store, str(folder))
    assert r.complete and r.pages == 3
    positions = counts(store)[2]
    assert positions[0]["source"] == folder.resolve().as_uri()
    assert sync(store, folder.resolve().as_uri(), resume=True).pages == 0


def test_cli_sync_reads_the_token_from_env_and_never_prints_it(
    server: PageServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    start = serve_pages(server)
    monkeypatch.setenv("MY_PVOG_TOKEN", "sehr-geheim-42")
    db = str(tmp_path / "c.sqlite")
    code = main(
        [
            "catalog",
            "sync",
            start,
            "--db",
            db,
            "--token-env",
            "MY_PVOG_TOKEN",
            "--backoff",
            "0",
            "-f",
            "json",
        ]
    )
    out = capsys.readouterr()
    assert code == 0, out.err
    assert {a for _, a in server.seen} == {"Bearer sehr-geheim-42"}
    assert "CAT-" not in out.out and "3 page(s), complete" in out.err
    server.routes["/p/0"] = [Reply(b"no", status=403)]
    token_file = tmp_path / "token"
    token_file.write_text("sehr-geheim-43\n")
    code = main(
        [
            "catalog",
            "sync",
            start,
            "--db",
            db,
            "--restart",
            "--token-file",
            str(token_file),
            "--backoff",
            "0",
        ]
    )
    out = capsys.readouterr()
    assert code == 1 and "HTTP 403" in out.err
    assert "sehr-geheim" not in out.err + out.out
    assert server.seen[-1][1] == "Bearer sehr-geheim-43"


def test_on_invalid_stop_rolls_the_page_back_and_keeps_the_position(
    store: CatalogStore, server: PageServer
) -> None:
    from xzufi_toolkit.catalog import ApplyStopped

    invalid = (CATALOG / "invalid-objects.xml").read_bytes()
    start = serve_pages(server, [PAGES[0], invalid, PAGES[2]])
    with pytest.raises(ApplyStopped):
        sync(store, start, on_invalid="stop", **FAST)
    _, counters, positions = counts(store)
    assert counters["messages"] == 1 and positions[0]["next_url"] == server.url("/p/1")
    r = sync(store, start, resume=True, on_invalid="skip", **FAST)
    assert r.pages == 2 and [f.code for f in r.findings] == [
        "CAT-INVALID",
        "CAT-KLASSE",
        "CAT-KLASSE",
    ]

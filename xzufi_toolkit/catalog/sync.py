"""Following a Bereitstelldienst-shaped paged source into the store.

Each page is JSON: ``xzufiObjekte`` (the XML text of one transfer message),
``vollstaendig`` (true on the last page), ``naechsterIndex`` and
``naechsteAnfrageUrl``. A page is applied in one transaction together with
the new position (``sync_position``), so a sync that stops anywhere resumes
at the first page not applied (``resume=True``) and never applies a page twice.

Sources are ``http(s)://`` URLs (httpx: timeouts, retries with exponential
backoff on 5xx and connection errors, a clear error on 4xx, an optional
bearer token that is never logged) or a local directory of page files
(a path or ``file://``) for offline replays, read in file-name order.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

from sqlalchemy import Connection, insert, select, update
from sqlalchemy.exc import SQLAlchemyError

from xzufi_toolkit.catalog import tables
from xzufi_toolkit.catalog.apply import ApplyResult, OnInvalid, Totals, apply_to
from xzufi_toolkit.catalog.errors import PageError, SyncError
from xzufi_toolkit.catalog.store import CatalogStore, store_error
from xzufi_toolkit.errors import InputError, UsageError

__all__ = ["DEFAULT_MAX_PAGE_BYTES", "SyncResult", "source_key", "sync"]

DEFAULT_MAX_PAGE_BYTES = 512 * 1024 * 1024
#: Called after each applied page with (pages so far, objects so far).
PageProgress = Callable[[int, int], None]


@dataclass(kw_only=True)
class SyncResult(Totals):
    """What a sync did; ``complete`` when the last page said ``vollstaendig``."""

    source: str
    pages: int = 0
    complete: bool = False
    next_index: str | None = None
    next_url: str | None = None

    def add(self, page: ApplyResult) -> None:
        self.pages += 1
        self.objects += page.objects
        self.written.update(page.written)
        self.deleted.update(page.deleted)
        self.orphaned.update(page.orphaned)
        self.skipped += page.skipped
        self.findings.extend(page.findings)


# -- fetching pages ---------------------------------------------------------


class _Http:
    def __init__(
        self,
        *,
        token: str | None,
        timeout: float,
        retries: int,
        backoff: float,
        max_bytes: int,
    ) -> None:
        import httpx

        headers = {"Accept": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        self.client = httpx.Client(timeout=timeout, headers=headers, follow_redirects=True)
        self.retries = retries
        self.backoff = backoff
        self.max_bytes = max_bytes

    def close(self) -> None:
        self.client.close()

    def _once(self, url: str) -> bytes:
        import httpx

        with self.client.stream("GET", url) as resp:
            if 400 <= resp.status_code < 500:
                hint = (
                    "check the token (--token-env / --token-file)"
                    if resp.status_code in (401, 403)
                    else None
                )
                raise SyncError(
                    f"the server refused the page: HTTP {resp.status_code}"
                    f" {resp.reason_phrase}".rstrip(),
                    file=url,
                    hint=hint,
                )
            if resp.status_code >= 500:
                raise _Retry(f"HTTP {resp.status_code} {resp.reason_phrase}".rstrip())
            body = bytearray()
            for chunk in resp.iter_bytes():
                body += chunk
                if len(body) > self.max_bytes:
                    raise SyncError(f"page is larger than {self.max_bytes} bytes", file=url)
            if resp.status_code != httpx.codes.OK:
                raise SyncError(f"unexpected answer: HTTP {resp.status_code}", file=url)
            return bytes(body)

    def get(self, url: str) -> bytes:
        import httpx

        last = ""
        for attempt in range(self.retries + 1):
            if attempt:
                time.sleep(self.backoff * 2 ** (attempt - 1))
            try:
                return self._once(url)
            except _Retry as exc:
                last = str(exc)
            except httpx.TransportError as exc:
                last = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        raise SyncError(
            f"cannot fetch the page after {self.retries + 1} attempts; last error: {last}",
            file=url,
        )


class _Retry(Exception):
    """A 5xx answer: worth another attempt."""


class _Local:
    """A directory of page files, in file-name order."""

    def __init__(self, folder: Path, max_bytes: int) -> None:
        self.folder = folder
        self.max_bytes = max_bytes
        self.files = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix == ".json")
        if not self.files:
            raise SyncError("no page files (*.json) in this folder", file=str(folder))

    def first(self) -> str:
        return self.files[0].as_uri()

    def get(self, url: str) -> bytes:
        from xzufi_toolkit.io.inputs import read_file

        return read_file(_file_path(url), limit=self.max_bytes)

    def following(self, url: str) -> str | None:
        path = _file_path(url)
        later = [p for p in self.files if p.name > path.name]
        return later[0].as_uri() if later else None

    def close(self) -> None:
        pass


def _file_path(url: str) -> Path:
    return Path(unquote(urlsplit(url).path)) if url.startswith("file:") else Path(url)


# -- pages into the store ---------------------------------------------------


@dataclass(frozen=True)
class _Page:
    xml: bytes
    complete: bool
    next_index: str | None
    next_url: str | None


def _page(data: bytes, url: str, index: str) -> _Page:
    where = f"page at index {index}"
    try:
        doc: Any = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PageError(f"{where} is not JSON ({exc})", file=url) from None
    if not isinstance(doc, dict) or not isinstance(doc.get("xzufiObjekte"), str):
        raise PageError(f"{where} has no xzufiObjekte (the transfer message text)", file=url)
    nxt = doc.get("naechsteAnfrageUrl")
    complete = doc.get("vollstaendig") is True
    if not complete and not isinstance(nxt, str):
        raise PageError(f"{where} is not vollstaendig but names no naechsteAnfrageUrl", file=url)
    idx = doc.get("naechsterIndex")
    return _Page(
        xml=doc["xzufiObjekte"].encode("utf-8"),
        complete=complete,
        next_index=None if idx is None else str(idx),
        next_url=urljoin(url, nxt) if isinstance(nxt, str) and nxt else None,
    )


def _position(conn: Connection, source: str) -> Any:
    t = tables.sync_position
    return conn.execute(select(t).where(t.c.source == source)).first()


def _save_position(
    conn: Connection, source: str, next_index: str | None, next_url: str | None, complete: bool
) -> None:
    t = tables.sync_position
    values = {"next_index": next_index, "next_url": next_url, "complete": int(complete)}
    done = conn.execute(
        update(t).where(t.c.source == source).values(pages=t.c.pages + 1, **values)
    ).rowcount
    if not done:
        conn.execute(insert(t).values(source=source, pages=1, **values))


def source_key(source: str) -> tuple[str, bool]:
    """The position key of ``source`` and whether it is a local folder."""
    if source.startswith(("http://", "https://")):
        from xzufi_toolkit.catalog.store import redact_url

        return (redact_url(source) if "@" in urlsplit(source).netloc else source), False
    folder = _file_path(source).expanduser().resolve()
    if not folder.is_dir():
        raise SyncError("not a folder of page files, nor an http(s) URL", file=source)
    return folder.as_uri(), True


def _start(
    store: CatalogStore, key: str, first: str, *, resume: bool, restart: bool
) -> tuple[str | None, str]:
    """Where the sync starts: (URL or None when there is nothing to fetch, index)."""
    with store.read() as conn:
        pos = _position(conn, key)
    if pos is None:
        return first, "0"
    if resume:
        return pos.next_url, pos.next_index or "?"
    if restart:
        with store.write() as conn:
            conn.execute(tables.sync_position.delete().where(tables.sync_position.c.source == key))
        return first, "0"
    state = "completed" if pos.complete else f"stopped before index {pos.next_index}"
    raise UsageError(
        f"a sync of this source is stored ({state}, {pos.pages} page(s))",
        file=key,
        hint="continue with --resume, or start again from the first page with --restart",
    )


def _pages(
    fetch: _Http | _Local, start: str, index: str
) -> Iterator[tuple[str, str, _Page, str | None]]:
    """(URL, index, page, where the next page is: None after the last)."""
    url: str | None = start
    while url is not None:
        page = _page(fetch.get(url), url, index)
        if page.complete:
            nxt = page.next_url if isinstance(fetch, _Http) else None
            yield url, index, page, nxt
            return
        nxt = fetch.following(url) if isinstance(fetch, _Local) else page.next_url
        if nxt is None:
            raise PageError(
                f"page at index {index} is not vollstaendig and no page follows", file=url
            )
        yield url, index, page, nxt
        url, index = nxt, page.next_index or (str(int(index) + 1) if index.isdigit() else "?")


def sync(
    store: CatalogStore,
    source: str,
    *,
    resume: bool = False,
    restart: bool = False,
    token: str | None = None,
    timeout: float = 30.0,
    retries: int = 4,
    backoff: float = 1.0,
    on_invalid: OnInvalid = "skip",
    max_page_bytes: int = DEFAULT_MAX_PAGE_BYTES,
    progress: PageProgress | None = None,
) -> SyncResult:
    """Apply every page of ``source`` (an http(s) URL or a folder of page files)
    until one says ``vollstaendig``, one transaction per page.

    Raises :class:`~xzufi_toolkit.catalog.errors.SyncError` (unreachable,
    refused, a bad page: the store keeps every page before it and the
    position points at the failed page) or ``ApplyStopped``.
    """
    key, local = source_key(source)
    fetch: _Http | _Local
    if local:
        fetch = _Local(_file_path(key), max_page_bytes)
        first = fetch.first()
    else:
        fetch = _Http(
            token=token,
            timeout=timeout,
            retries=retries,
            backoff=backoff,
            max_bytes=max_page_bytes,
        )
        first = source
    result = SyncResult(source=key)
    try:
        start, index = _start(store, key, first, resume=resume, restart=restart)
        if start is None:
            result.complete = True
            return result
        for url, idx, page, nxt in _pages(fetch, start, index):
            name = f"{url} (page at index {idx})"
            try:
                with store.write() as conn:
                    applied = apply_to(conn, page.xml, file=name, on_invalid=on_invalid)
                    _save_position(conn, key, page.next_index, nxt, page.complete)
            except InputError as exc:
                if isinstance(exc, SyncError):
                    raise
                at = f" line {exc.line}:" if exc.line is not None else ""
                raise PageError(
                    f"page at index {idx}:{at} {exc.message}; nothing of it was applied",
                    file=url,
                    hint=exc.hint,
                ) from None
            except SQLAlchemyError as exc:
                raise store_error(exc, store.url, f"applying {name} failed") from None
            result.add(applied)
            result.complete = page.complete
            result.next_index, result.next_url = page.next_index, nxt
            if progress is not None:
                progress(result.pages, result.objects)
    finally:
        fetch.close()
    return result

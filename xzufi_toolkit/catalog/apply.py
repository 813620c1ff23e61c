"""Applying transfer messages to the store.

A message is applied in one transaction: ``schreibe`` creates or replaces
the object (by kind, id and ``schemeAgencyID``), ``loesche`` deletes it by
``klasse``, id and ``schemeAgencyID``. A deletion of an object the store never
received ("orphaned": the PVOG keeps retroactive deletions in its stream) is
counted, not reported. Objects the store cannot hold (no id, a Zuständigkeit
without Leistung or region, an unknown ``klasse``) are findings; with
``on_invalid="stop"`` the first of them rolls the message back.

Entries are streamed (:class:`~xzufi_toolkit.xzufi.transfer.TransferReader`)
and written in batches, so memory stays flat however long the message is.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import IO, Literal

from lxml import etree
from sqlalchemy import Connection, Insert, Table, bindparam, delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError

from xzufi_toolkit.catalog import tables
from xzufi_toolkit.catalog.columns import (
    ObjectKey,
    RowError,
    identifier_key,
    leistung_row,
    object_row,
)
from xzufi_toolkit.catalog.errors import StoreError
from xzufi_toolkit.catalog.store import CatalogStore, store_error
from xzufi_toolkit.errors import InputError
from xzufi_toolkit.findings import Finding, Location, Severity
from xzufi_toolkit.model import TransferEntry
from xzufi_toolkit.reporters import RuleMeta

__all__ = [
    "RULES",
    "ApplyResult",
    "ApplyStopped",
    "OnInvalid",
    "Progress",
    "Totals",
    "apply_message",
    "apply_to",
]

OnInvalid = Literal["skip", "stop"]
#: Called now and then with (objects so far, bytes read so far).
Progress = Callable[[int, int], None]

#: The finding codes of ``catalog apply`` (documented in docs/catalog.md).
RULES: tuple[RuleMeta, ...] = (
    RuleMeta(
        "CAT-INVALID",
        "An object the store cannot hold (no id, no Leistung or region); not applied",
        "Ein Objekt, das der Katalog nicht aufnehmen kann (ohne ID, Leistung oder Gebiet);"
        " nicht übernommen",
        Severity.ERROR,
    ),
    RuleMeta(
        "CAT-KLASSE",
        "A loesche without klasse or with an unknown klasse; not applied",
        "Ein loesche ohne oder mit unbekannter klasse; nicht übernommen",
        Severity.ERROR,
    ),
    RuleMeta(
        "CAT-INPUT",
        "A transfer message that cannot be read; nothing of it was applied",
        "Eine Transfernachricht, die nicht lesbar ist; nichts davon übernommen",
        Severity.ERROR,
    ),
)

_BATCH = 2000  # pending objects before a flush: bounds memory, keeps statements large


@dataclass(kw_only=True)
class Totals:
    """Counts of applied entries: objects read, written, deleted and orphaned
    deletions per kind, skipped invalid objects and their findings."""

    objects: int = 0
    written: Counter[str] = field(default_factory=Counter)
    deleted: Counter[str] = field(default_factory=Counter)
    orphaned: Counter[str] = field(default_factory=Counter)
    skipped: int = 0
    findings: list[Finding] = field(default_factory=list)


@dataclass(kw_only=True)
class ApplyResult(Totals):
    """What one message did. ``applied`` is False when it was rolled back."""

    file: str
    applied: bool = True


class ApplyStopped(Exception):
    """``on_invalid="stop"`` met an invalid object; the transaction is rolled back."""

    def __init__(self, result: ApplyResult) -> None:
        super().__init__(result.file)
        self.result = result


class _Batch:
    """Pending writes and deletes per kind; keys are unique within a batch, so the
    operations in it commute (a repeated key flushes first, keeping stream order)."""

    def __init__(self, conn: Connection, result: ApplyResult) -> None:
        self.conn = conn
        self.result = result
        self.writes: dict[str, dict[ObjectKey, dict[str, str | None]]] = {
            k: {} for k in tables.KINDS
        }
        self.deletes: dict[str, dict[ObjectKey, None]] = {k: {} for k in tables.KINDS}
        self.size = 0

    def write(self, kind: str, key: ObjectKey, row: dict[str, str | None]) -> None:
        if key in self.deletes[kind]:
            self.flush()
        self.writes[kind][key] = row  # a second write of one key in a batch: the last wins
        self.result.written[kind] += 1
        self._grow()

    def delete(self, kind: str, key: ObjectKey) -> None:
        if key in self.writes[kind] or key in self.deletes[kind]:
            self.flush()
        self.deletes[kind][key] = None
        self._grow()

    def _grow(self) -> None:
        self.size += 1
        if self.size >= _BATCH:
            self.flush()

    def flush(self) -> None:
        for kind, table in tables.KINDS.items():
            gone = self.deletes[kind]
            if gone:
                removed = self._delete(table, list(gone))
                self.result.deleted[kind] += removed
                self.result.orphaned[kind] += len(gone) - removed
                gone.clear()
            rows = self.writes[kind]
            if rows:
                self.conn.execute(_upsert(self.conn.dialect.name, table), list(rows.values()))
                rows.clear()
        self.size = 0

    def _delete(self, table: Table, keys: list[ObjectKey]) -> int:
        """Delete ``keys``; how many existed (the rest are orphaned deletions).

        One statement per key, sent as executemany: both drivers sum the
        rowcounts (checked by the tests on both back ends)."""
        stmt = delete(table).where(
            table.c.agency == bindparam("k_agency"), table.c.id == bindparam("k_id")
        )
        params = [{"k_agency": a, "k_id": i} for a, i in keys]
        return int(self.conn.execute(stmt, params).rowcount)


def _dialect_insert(dialect: str, table: Table) -> postgresql.Insert | sqlite.Insert:
    """The INSERT that knows ON CONFLICT: the two dialects spell it alike, and
    SQLAlchemy has one construct per dialect."""
    return postgresql.insert(table) if dialect == "postgresql" else sqlite.insert(table)


@cache
def _upsert(dialect: str, table: Table) -> Insert:
    """INSERT … ON CONFLICT (agency, id) DO UPDATE: create or replace in one statement."""
    stmt = _dialect_insert(dialect, table)
    keys = {"agency", "id"}
    return stmt.on_conflict_do_update(
        index_elements=[table.c.agency, table.c.id],
        set_={c.name: stmt.excluded[c.name] for c in table.columns if c.name not in keys},
    )


def _finding(code: str, en: str, de: str, entry: TransferEntry, file: str) -> Finding:
    return Finding(
        code=code,
        severity=Severity.ERROR,
        message=en,
        message_de=de,
        location=Location(file=file, line=entry.line, entry=entry.index, object_id=entry.object_id),
    )


def _leistung_xml(entry: TransferEntry, version: str) -> str:
    """A Leistung comes as the model only: written back by the toolkit's writer
    (same-version round trips keep every element)."""
    from xzufi_toolkit.xzufi.writer import leistung_element

    assert entry.leistung is not None
    obj, _ = leistung_element(entry.leistung, version)
    return etree.tostring(obj, encoding="unicode")


def _invalid(entry: TransferEntry, file: str, en: str, de: str) -> Finding:
    return _finding("CAT-INVALID", f"{en}; not applied", f"{de}; nicht übernommen", entry, file)


def _apply_entry(batch: _Batch, entry: TransferEntry, version: str, file: str) -> Finding | None:
    """Apply one entry to ``batch``; a finding if it cannot be applied."""
    if entry.op == "loesche":
        kind = entry.klasse
        if kind not in tables.KINDS:
            what = f"klasse {kind!r} is unknown" if kind else "has no klasse"
            was = f"klasse {kind!r} ist unbekannt" if kind else "hat keine klasse"
            return _finding(
                "CAT-KLASSE",
                f"loesche {what}; not applied",
                f"loesche {was}; nicht übernommen",
                entry,
                file,
            )
        try:
            ident = entry.deletion.id if entry.deletion is not None else None
            key = identifier_key(ident, f"loesche {kind}")
        except RowError as exc:
            return _invalid(entry, file, str(exc), exc.de)
        batch.delete(kind, key)
        return None
    kind = tables.SCHREIBE_KIND.get(entry.klasse, "")
    try:
        if kind == "Leistung" and entry.leistung is not None:
            key, row = leistung_row(entry.leistung)
            row["xml"] = _leistung_xml(entry, version)
        elif kind and kind != "Leistung" and entry.obj is not None and entry.xml is not None:
            key, row = object_row(kind, entry.obj)
            row["xml"] = entry.xml.decode("utf-8")  # the schreibe element as read
        else:
            name = entry.klasse or "(none)"
            return _invalid(
                entry,
                file,
                f"schreibe holds no object the store can read (object: {name})",
                f"schreibe enthält kein lesbares Objekt (Objekt: {name})",
            )
    except RowError as exc:
        return _invalid(entry, file, f"{entry.klasse}: {exc}", f"{entry.klasse}: {exc.de}")
    row["agency"], row["id"] = key
    row["version"] = version
    batch.write(kind, key, row)
    return None


def _bump(conn: Connection, counts: dict[str, int]) -> None:
    """Add ``counts`` to the counters in one upsert (safe with concurrent writers)."""
    t = tables.counter
    rows = [{"name": k, "value": n} for k, n in counts.items() if n]
    if not rows:
        return
    stmt = _dialect_insert(conn.dialect.name, t)
    conn.execute(
        stmt.on_conflict_do_update(
            index_elements=[t.c.name], set_={"value": t.c.value + stmt.excluded.value}
        ),
        rows,
    )


@contextmanager
def _opened(source: str | Path | bytes | IO[bytes], file: str) -> Iterator[tuple[IO[bytes], int]]:
    import io

    from xzufi_toolkit.io.inputs import read_errors

    if isinstance(source, bytes):
        yield io.BytesIO(source), len(source)
        return
    if isinstance(source, str | Path):
        with read_errors(file), Path(source).open("rb", buffering=64 * 1024) as fh:
            size = Path(source).stat().st_size
            yield fh, size
        return
    yield source, 0


def apply_to(
    conn: Connection,
    source: str | Path | bytes | IO[bytes],
    *,
    file: str | None = None,
    on_invalid: OnInvalid = "skip",
    progress: Progress | None = None,
) -> ApplyResult:
    """Apply one message inside the caller's transaction on ``conn``.

    Raises :class:`ApplyStopped` (``on_invalid="stop"``) or the reader's
    :class:`~xzufi_toolkit.errors.InputError`; the caller rolls back.
    """
    from xzufi_toolkit.xzufi.transfer import TransferReader

    name = file or (str(source) if isinstance(source, str | Path) else "<stream>")
    result = ApplyResult(file=name)
    with _opened(source, name) as (stream, _size):
        reader = TransferReader(stream, file=name)
        version = reader.frame().version
        batch = _Batch(conn, result)
        for item in reader:
            entry = item.entry
            result.objects += 1
            finding = _apply_entry(batch, entry, version, name)
            if finding is not None:
                result.findings.append(finding)
                result.skipped += 1
                if on_invalid == "stop":
                    result.applied = False
                    raise ApplyStopped(result)
            if progress is not None and result.objects % 1000 == 0:
                progress(result.objects, stream.tell() if stream.seekable() else 0)
        batch.flush()
    _bump(
        conn,
        {
            "messages": 1,
            "written": sum(result.written.values()),
            "deleted": sum(result.deleted.values()),
            "orphaned": sum(result.orphaned.values()),
            "skipped": result.skipped,
        },
    )
    if progress is not None:
        progress(result.objects, _size)
    return result


def apply_message(
    store: CatalogStore,
    source: str | Path | bytes | IO[bytes],
    *,
    file: str | None = None,
    on_invalid: OnInvalid = "skip",
    progress: Progress | None = None,
) -> ApplyResult:
    """Apply one transfer message in its own transaction.

    On an unreadable message (:class:`~xzufi_toolkit.errors.InputError`), a
    database failure (:class:`StoreError`) or ``on_invalid="stop"``
    (:class:`ApplyStopped`) the store is left as before the message.
    """
    name = file or (str(source) if isinstance(source, str | Path) else "<stream>")
    try:
        with store.write() as conn:
            return apply_to(conn, source, file=name, on_invalid=on_invalid, progress=progress)
    except InputError as exc:
        exc.message += "; nothing of this message was applied"
        raise
    except SQLAlchemyError as exc:
        raise store_error(
            exc, store.url, f"applying {name} failed, nothing of it was kept"
        ) from None
    except StoreError:
        raise

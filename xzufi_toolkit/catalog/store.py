"""Opening the catalog store: SQLite (default, one file) or PostgreSQL.

A ``--db`` value without ``://`` is a SQLite file path; ``postgresql://…``
URLs use psycopg 3. Opening migrates the schema to the newest revision with
Alembic (run in code; the revision is recorded in ``alembic_version``).

SQLite writers start with ``BEGIN IMMEDIATE`` and wait ``busy_timeout``
seconds for the lock, so two ``apply`` processes on one file serialise, and
the second fails with a clear message if the first holds the lock longer.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError, SQLAlchemyError

from xzufi_toolkit.catalog.errors import StoreError

if TYPE_CHECKING:
    from alembic.script import ScriptDirectory

__all__ = [
    "DEFAULT_DB",
    "CatalogStore",
    "open_store",
    "redact_url",
    "schema_head",
    "store_error",
]

DEFAULT_DB = "xzufi-catalog.sqlite"
DEFAULT_BUSY_TIMEOUT = 30.0
_MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def _normalise(db: str) -> str:
    if "://" not in db:
        return "sqlite:///" + str(Path(db).expanduser())
    if db.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + db.split("://", 1)[1]
    return db


def redact_url(db: str) -> str:
    """``db`` as it may be shown: the password replaced by ``***``."""
    try:
        shown = make_url(_normalise(db)).render_as_string(hide_password=True)
        if "://" in db and not db.startswith("postgresql+"):
            # as the user wrote it: postgresql://, not the driver we chose
            shown = db.split("://", 1)[0] + "://" + shown.split("://", 1)[1]
        return shown
    except ArgumentError:
        # not a URL we can parse: show only what stands before any credentials
        scheme, _, rest = db.partition("://")
        return f"{scheme}://***@{rest.rsplit('@', 1)[-1]}" if "@" in rest else db


def store_error(exc: BaseException, url: str, doing: str) -> StoreError:
    """One clear message for a database failure, without the password or SQL."""
    orig = getattr(exc, "orig", None) or exc
    text = str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__
    low = text.lower()
    hint: str | None = None
    if "database is locked" in low or "lock timeout" in low:
        hint = "another process is writing to this store; retry when it has finished"
    elif "disk is full" in low or "no space left" in low or "could not extend file" in low:
        hint = "free space on the store's disk; nothing of this operation was kept"
    elif "not a database" in low:
        hint = "the file is not a catalog store (SQLite)"
    return StoreError(f"{doing}: {text}", file=url, hint=hint)


def schema_head() -> str:
    """The newest schema revision this toolkit ships."""
    head = _script().get_current_head()
    assert head is not None
    return head


def _script() -> ScriptDirectory:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(_MIGRATIONS))
    return ScriptDirectory.from_config(cfg)


@dataclass
class CatalogStore:
    """An open store. ``url`` is the redacted URL for messages."""

    engine: Engine
    url: str

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """One write transaction: committed when the block ends, rolled back on error."""
        with self.engine.connect() as conn:
            conn.execution_options(xzufi_write=True)
            with conn.begin():
                yield conn

    @contextmanager
    def read(self) -> Iterator[Connection]:
        with self.engine.connect() as conn, conn.begin():
            yield conn

    def schema_version(self) -> str | None:
        from alembic.runtime.migration import MigrationContext

        with self.read() as conn:
            rev: str | None = MigrationContext.configure(conn).get_current_revision()
            return rev

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> CatalogStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _sqlite_events(engine: Engine, busy_timeout: float) -> None:
    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn: Any, _record: Any) -> None:
        # let SQLAlchemy's begin event below issue BEGIN itself
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        # writers take the lock up front: no deadlock between two deferred upgrades
        write = conn.get_execution_options().get("xzufi_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def _engine_args(url: URL, shown: str, *, create: bool, busy_timeout: float) -> dict[str, Any]:
    """Driver arguments for ``url``; refuses a SQLite path that cannot be a store."""
    backend = url.get_backend_name()
    if backend == "postgresql":
        return {"connect_args": {"connect_timeout": 10}}
    if backend != "sqlite":
        raise StoreError(
            f"database {backend!r} is not supported",
            file=shown,
            hint="use a SQLite file path or postgresql://…",
        )
    path = url.database or ""
    if path and path != ":memory:":
        p = Path(path)
        if not p.exists() and not create:
            raise StoreError("no catalog store here", file=shown, hint="run xzufi catalog apply")
        if p.is_dir():
            raise StoreError("is a directory, not a catalog store", file=shown)
        if not p.parent.is_dir():
            raise StoreError("its folder does not exist", file=shown)
    return {"connect_args": {"timeout": busy_timeout}}


def open_store(
    db: str = DEFAULT_DB,
    *,
    migrate: bool = True,
    create: bool = True,
    busy_timeout: float = DEFAULT_BUSY_TIMEOUT,
) -> CatalogStore:
    """Open (and by default create and migrate) the store at ``db``.

    ``create=False`` refuses a SQLite file that does not exist yet (queries
    on a store that was never filled are a mistake, not an empty answer).
    """
    shown = redact_url(db)
    try:
        url = make_url(_normalise(db))
    except ArgumentError as exc:
        raise StoreError(
            "not a database URL", file=shown, hint="a SQLite file path or postgresql://…"
        ) from exc
    kwargs = _engine_args(url, shown, create=create, busy_timeout=busy_timeout)
    try:
        engine = create_engine(url, **kwargs)
    except (ArgumentError, ImportError) as exc:
        raise StoreError(f"cannot use this database URL: {exc}", file=shown) from exc
    if url.get_backend_name() == "sqlite":
        _sqlite_events(engine, busy_timeout)
    store = CatalogStore(engine=engine, url=shown)
    try:
        if migrate:
            _migrate(store)
        else:
            with store.read():
                pass
    except StoreError:
        engine.dispose()
        raise
    except (OperationalError, DBAPIError, SQLAlchemyError) as exc:
        engine.dispose()
        raise store_error(exc, shown, "cannot open the catalog store") from None
    return store


def _migrate(store: CatalogStore) -> None:
    """Bring the schema to the newest revision (nothing to do is the common case)."""
    from alembic import command
    from alembic.config import Config
    from alembic.runtime.migration import MigrationContext

    script = _script()
    head = script.get_current_head()
    with store.write() as conn:
        current = MigrationContext.configure(conn).get_current_revision()
        if current == head:
            return
        if current is not None and not _known(script, current):
            raise StoreError(
                f"the store's schema revision {current!r} is newer than this toolkit knows",
                file=store.url,
                hint="upgrade xzufi-toolkit",
            )
    with store.write() as conn:
        cfg = Config()
        cfg.set_main_option("script_location", str(_MIGRATIONS))
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def _known(script: ScriptDirectory, revision: str) -> bool:
    from alembic.util import CommandError

    try:
        return script.get_revision(revision) is not None
    except CommandError:
        return False

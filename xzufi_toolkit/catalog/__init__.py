"""The catalog store: PVOG transfer streams applied to SQLite or PostgreSQL.

A portal pulls the Bereitstelldienst's stream into its own database and asks
which office is responsible for a Leistung in a municipality. The typed API::

    from xzufi_toolkit.catalog import open_store, apply_message, responsible

    with open_store("xzufi-catalog.sqlite") as store:     # or "postgresql://…"
        apply_message(store, "pvog-page.xml")
        answer = responsible(store, "99010022001012", region="065310001001")

``sync`` follows a paged source, ``export_object`` gives one object back as
XZuFi, ``stats`` counts what is stored. See docs/catalog.md.
"""

from __future__ import annotations

from xzufi_toolkit.catalog.apply import RULES, ApplyResult, ApplyStopped, apply_message
from xzufi_toolkit.catalog.errors import PageError, StoreError, SyncError
from xzufi_toolkit.catalog.query import (
    Answer,
    Office,
    OnlineService,
    Responsibility,
    export_object,
    find_objects,
    responsible,
    stats,
)
from xzufi_toolkit.catalog.store import DEFAULT_DB, CatalogStore, open_store
from xzufi_toolkit.catalog.sync import SyncResult, sync

__all__ = [
    "DEFAULT_DB",
    "RULES",
    "Answer",
    "ApplyResult",
    "ApplyStopped",
    "CatalogStore",
    "Office",
    "OnlineService",
    "PageError",
    "Responsibility",
    "StoreError",
    "SyncError",
    "SyncResult",
    "apply_message",
    "export_object",
    "find_objects",
    "open_store",
    "responsible",
    "stats",
    "sync",
]

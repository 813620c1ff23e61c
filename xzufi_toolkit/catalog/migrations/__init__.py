"""Alembic migrations of the catalog store, run programmatically by
:func:`xzufi_toolkit.catalog.store.open_store` (no ``alembic.ini`` needed)."""

"""Alembic environment: the caller hands over an open connection.

:func:`xzufi_toolkit.catalog.store.open_store` puts the connection into
``config.attributes["connection"]``; there is no URL and no ini file. Alembic
runs this file itself; imported as a module (tools that import every module),
it does nothing.
"""

from __future__ import annotations

from alembic import context

from xzufi_toolkit.catalog.tables import metadata


def run() -> None:
    connection = context.config.attributes["connection"]
    context.configure(connection=connection, target_metadata=metadata)
    with context.begin_transaction():
        context.run_migrations()


if __name__ != "xzufi_toolkit.catalog.migrations.env":
    run()

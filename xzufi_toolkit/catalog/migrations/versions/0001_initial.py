"""Initial catalog schema: one table per object kind, counters, sync position.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _object(name: str, *columns: sa.Column[str]) -> None:
    op.create_table(
        name,
        sa.Column("agency", sa.Text, primary_key=True),
        sa.Column("id", sa.Text, primary_key=True),
        *columns,
        sa.Column("version", sa.Text, nullable=False),
        sa.Column("xml", sa.Text, nullable=False),
    )


def upgrade() -> None:
    _object("leistung", sa.Column("leika_key", sa.Text), sa.Column("name", sa.Text))
    op.create_index("ix_leistung_leika_key", "leistung", ["leika_key"])
    op.create_index("ix_leistung_id", "leistung", ["id"])
    _object(
        "organisationseinheit",
        sa.Column("name", sa.Text),
        sa.Column("strasse", sa.Text),
        sa.Column("hausnummer", sa.Text),
        sa.Column("postleitzahl", sa.Text),
        sa.Column("ort", sa.Text),
        sa.Column("ars", sa.Text),
    )
    _object(
        "zustaendigkeit",
        sa.Column("parent_agency", sa.Text),
        sa.Column("parent_id", sa.Text),
        sa.Column("leistung_id", sa.Text),
        sa.Column("gebiet_id", sa.Text),
        sa.Column("rolle_code", sa.Text),
        sa.Column("rolle_name", sa.Text),
    )
    op.create_index(
        "ix_zustaendigkeit_leistung_gebiet", "zustaendigkeit", ["leistung_id", "gebiet_id"]
    )
    _object(
        "onlinedienst",
        sa.Column("name", sa.Text),
        sa.Column("link", sa.Text),
        sa.Column("vertrauensniveau", sa.Text),
    )
    _object("spezialisierung", sa.Column("leistung_id", sa.Text))
    op.create_table(
        "catalog_counter",
        sa.Column("name", sa.Text, primary_key=True),
        sa.Column("value", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "sync_position",
        sa.Column("source", sa.Text, primary_key=True),
        sa.Column("next_index", sa.Text),
        sa.Column("next_url", sa.Text),
        sa.Column("pages", sa.BigInteger, nullable=False),
        sa.Column("complete", sa.BigInteger, nullable=False),
    )


def downgrade() -> None:
    for name in (
        "sync_position",
        "catalog_counter",
        "spezialisierung",
        "onlinedienst",
        "zustaendigkeit",
        "organisationseinheit",
        "leistung",
    ):
        op.drop_table(name)

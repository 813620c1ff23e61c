"""Indexes on the ids of Organisationseinheiten and Onlinedienste.

A Zuständigkeit names its parent by id (``uebergeordnetesObjektID``), often
without ``schemeAgencyID``; ``responsible`` looks parents up by id alone, which
the (agency, id) primary key does not serve.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_organisationseinheit_id", "organisationseinheit", ["id"])
    op.create_index("ix_onlinedienst_id", "onlinedienst", ["id"])


def downgrade() -> None:
    op.drop_index("ix_onlinedienst_id", "onlinedienst")
    op.drop_index("ix_organisationseinheit_id", "organisationseinheit")

"""Version stamps for what processes keep in memory: one row per kind of data, with a random token.

``storage.cache`` keeps policy versions, holidays and people per process; every transaction that
changes one of those kinds writes its row a new token, and a process uses what it kept only
under the token it read it with. The table starts empty: a kind without a row is not kept, so a
database in use needs nothing filled in, and the first write through the repositories adds it.
Hand-written to match ``storage/tables.py`` exactly (a test compares the two). A new table only,
so both directions run in place on every database.

Revision ID: 0013
Revises: 0012
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.migration_types import MYSQL_TABLE_OPTIONS

revision: str = "0013"
down_revision: str | Sequence[str] | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "cache_versions",
        sa.Column("name", sa.String(32), nullable=False),
        sa.Column("token", sa.String(32), nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_cache_versions"),
        **MYSQL_TABLE_OPTIONS,
    )


def downgrade() -> None:
    op.drop_table("cache_versions")

"""Leave counted in hours: the time range of a request of a type counted in hours.

Two nullable columns of ``leave_requests``, ``HH:MM`` each: set, the request asks for those hours
of its one day, and its ``days`` and ``year_days`` hold hours; empty (every existing row), it
counts days. Calendar days need no column: a type's ``count`` is policy, and a request keeps the
days it counted. Hand-written to match ``storage/tables.py`` exactly (a test compares the two).
Columns only, so both directions run in place on every database.

Revision ID: 0019
Revises: 0018
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | Sequence[str] | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("leave_requests", recreate="never") as batch:
        batch.add_column(sa.Column("start_time", sa.String(5), nullable=True))
        batch.add_column(sa.Column("end_time", sa.String(5), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("leave_requests", recreate="never") as batch:
        batch.drop_column("end_time")
        batch.drop_column("start_time")

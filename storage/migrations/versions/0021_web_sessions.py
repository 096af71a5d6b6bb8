"""Web sessions: who is signed in to the dashboard (only the SHA-256 of each session id).

Hand-written to match ``storage/tables.py`` exactly (a test compares the two). A new table only,
so both directions run in place on every database.

Revision ID: 0021
Revises: 0020
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.migration_types import MYSQL_TABLE_OPTIONS
from storage.migration_types import utc_type as _utc

revision: str = "0021"
down_revision: str | Sequence[str] | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "web_sessions",
        sa.Column("session_hash", sa.String(64), nullable=False),
        sa.Column("employee_id", sa.String(64), nullable=False),
        sa.Column("created_at", _utc(), nullable=False),
        sa.Column("last_seen_at", _utc(), nullable=False),
        sa.PrimaryKeyConstraint("session_hash", name="pk_web_sessions"),
        sa.ForeignKeyConstraint(["employee_id"], ["employees.employee_id"],
                                name="fk_web_sessions_employee_id_employees"),
        **MYSQL_TABLE_OPTIONS,
    )
    op.create_index("ix_web_sessions_employee_id", "web_sessions", ["employee_id"])
    op.create_index("ix_web_sessions_last_seen_at", "web_sessions", ["last_seen_at"])


def downgrade() -> None:
    op.drop_table("web_sessions")

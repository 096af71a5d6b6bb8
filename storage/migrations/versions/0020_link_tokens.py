"""One-time links: dashboard sign-ins, decisions by e-mail, the switch back to chat.

Hand-written to match ``storage/tables.py`` exactly (a test compares the two). A new table only,
so both directions run in place on every database.

Revision ID: 0020
Revises: 0019
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.migration_types import MYSQL_TABLE_OPTIONS
from storage.migration_types import utc_type as _utc

revision: str = "0020"
down_revision: str | Sequence[str] | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "link_tokens",
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("purpose", sa.String(16), nullable=False),
        sa.Column("employee_id", sa.String(64), nullable=False),
        sa.Column("subject", sa.String(64), nullable=False),
        sa.Column("created_at", _utc(), nullable=False),
        sa.Column("expires_at", _utc(), nullable=False),
        sa.Column("used_at", _utc(), nullable=True),
        sa.PrimaryKeyConstraint("token_hash", name="pk_link_tokens"),
        sa.ForeignKeyConstraint(["employee_id"], ["employees.employee_id"],
                                name="fk_link_tokens_employee_id_employees"),
        **MYSQL_TABLE_OPTIONS,
    )
    op.create_index("ix_link_tokens_expires_at", "link_tokens", ["expires_at"])


def downgrade() -> None:
    op.drop_table("link_tokens")

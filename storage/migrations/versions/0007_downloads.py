"""Downloads: files handed out by a single-use, expiring link (HR's report in Teams).

Only the SHA-256 of a link's token is stored, with the file, until the file is taken or expires.
Hand-written to match ``storage/tables.py`` exactly (a test compares the two). A new table only,
so both directions run in place on every database.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.migration_types import MYSQL_TABLE_OPTIONS, long_text_type
from storage.migration_types import utc_type as _utc

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KEY_LENGTH = 191


def upgrade() -> None:
    op.create_table(
        "downloads",
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("filename", sa.String(KEY_LENGTH), nullable=False),
        sa.Column("media_type", sa.String(64), nullable=False),
        sa.Column("content", long_text_type(), nullable=False),
        sa.Column("created_at", _utc(), nullable=False),
        sa.Column("expires_at", _utc(), nullable=False),
        sa.PrimaryKeyConstraint("token_hash", name="pk_downloads"),
        **MYSQL_TABLE_OPTIONS,
    )
    op.create_index("ix_downloads_expires_at", "downloads", ["expires_at"])


def downgrade() -> None:
    op.drop_index("ix_downloads_expires_at", table_name="downloads")
    op.drop_table("downloads")

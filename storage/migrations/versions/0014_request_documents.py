"""Supporting documents handed in for requests (a medical certificate), kept with the request.

One row per document, its file in the row as base64 text (``MEDIUMTEXT`` on MySQL/MariaDB: the
largest taken, 10 MB, is 13.4 MB so, and fits MariaDB's default packet limit of 16 MB, which the
same file sent as bytes would not: the driver writes bytes as hex); ``ref`` is the platform's id
of the file, unique, so that a platform telling of one upload twice keeps it once. Hand-written
to match ``storage/tables.py`` exactly (a test compares the two). A new table only, so both
directions run in place on every database.

Revision ID: 0014
Revises: 0013
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.migration_types import MYSQL_TABLE_OPTIONS, long_text_type
from storage.migration_types import id_type as _id
from storage.migration_types import utc_type as _utc

revision: str = "0014"
down_revision: str | Sequence[str] | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KEY_LENGTH = 191


def upgrade() -> None:
    op.create_table(
        "request_documents",
        sa.Column("id", _id(), autoincrement=True, nullable=False),
        sa.Column("request_id", _id(), nullable=False),
        sa.Column("filename", sa.String(KEY_LENGTH), nullable=False),
        sa.Column("media_type", sa.String(64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("handed_in_at", _utc(), nullable=False),
        sa.Column("handed_in_by", sa.String(64), nullable=False),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("ref", sa.String(KEY_LENGTH), nullable=True),
        sa.Column("content", long_text_type(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_request_documents"),
        sa.ForeignKeyConstraint(["request_id"], ["leave_requests.id"],
                                name="fk_request_documents_request_id_leave_requests"),
        sa.ForeignKeyConstraint(["handed_in_by"], ["employees.employee_id"],
                                name="fk_request_documents_handed_in_by_employees"),
        sa.UniqueConstraint("ref", name="uq_request_documents_ref"),
        **MYSQL_TABLE_OPTIONS,
    )
    op.create_index("ix_request_documents_request_id", "request_documents", ["request_id"])


def downgrade() -> None:
    # Its indexes go with it (MySQL refuses to drop the request_id index alone: a foreign key needs it).
    op.drop_table("request_documents")

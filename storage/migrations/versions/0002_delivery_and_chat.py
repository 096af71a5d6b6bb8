"""Delivery bookkeeping and the doors' directory: outbox targets, chat addresses, chat cards.

``outbox_targets`` records each (door, notice) of an event once it is settled, so a retry after a
partial failure repeats nothing. ``chat_addresses`` and ``chat_cards`` keep where the doors reach
people and which messages they posted, in the database, so that any replica can send or update.

Hand-written to match ``storage/tables.py`` exactly (a test compares the two). Key columns are at
most 191 characters so that a utf8mb4 key fits the 767-byte index limit of older row formats.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.migration_types import MYSQL_TABLE_OPTIONS
from storage.migration_types import id_type as _id
from storage.migration_types import utc_type as _utc

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "outbox_targets",
        sa.Column("outbox_id", _id(), nullable=False),
        sa.Column("target", sa.String(191), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("settled_at", _utc(), nullable=False),
        sa.PrimaryKeyConstraint("outbox_id", "target", name="pk_outbox_targets"),
        sa.ForeignKeyConstraint(["outbox_id"], ["outbox.id"], name="fk_outbox_targets_outbox_id_outbox"),
        **MYSQL_TABLE_OPTIONS,
    )
    op.create_table(
        "chat_addresses",
        sa.Column("platform", sa.String(32), nullable=False),
        sa.Column("key", sa.String(191), nullable=False),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("updated_at", _utc(), nullable=False),
        sa.PrimaryKeyConstraint("platform", "key", name="pk_chat_addresses"),
        **MYSQL_TABLE_OPTIONS,
    )
    op.create_table(
        "chat_cards",
        sa.Column("id", _id(), autoincrement=True, nullable=False),
        sa.Column("platform", sa.String(32), nullable=False),
        sa.Column("request_id", _id(), nullable=False),
        sa.Column("employee_id", sa.String(64), nullable=False),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("message_id", sa.String(191), nullable=False),
        sa.Column("created_at", _utc(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_chat_cards"),
        sa.ForeignKeyConstraint(
            ["request_id"], ["leave_requests.id"], name="fk_chat_cards_request_id_leave_requests"
        ),
        sa.ForeignKeyConstraint(
            ["employee_id"], ["employees.employee_id"], name="fk_chat_cards_employee_id_employees"
        ),
        sa.UniqueConstraint(
            "platform", "request_id", "employee_id", "message_id",
            name="uq_chat_cards_platform_request_id_employee_id_message_id",
        ),
        **MYSQL_TABLE_OPTIONS,
    )
    op.create_index("ix_chat_cards_platform_request_id", "chat_cards", ["platform", "request_id"])


def downgrade() -> None:
    op.drop_table("chat_cards")
    op.drop_table("chat_addresses")
    op.drop_table("outbox_targets")

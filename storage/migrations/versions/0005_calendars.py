"""Calendars: the events put in Google and Outlook calendars, their permanent failures, feed tokens.

- ``calendar_events``: one row per (request, provider, segment) with the provider's event id, so a
  retry or a resync updates or removes the event rather than creating a second one;
- ``calendar_failures``: permanent refusals kept for HR (``leavebot calendar status``);
- ``feed_tokens``: the random, revocable tokens of ``/calendar/{token}.ics``.

Hand-written to match ``storage/tables.py`` exactly (a test compares the two). New tables only,
so both directions run in place on every database.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.migration_types import MYSQL_TABLE_OPTIONS
from storage.migration_types import id_type as _id
from storage.migration_types import utc_type as _utc

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KEY_LENGTH = 191


def upgrade() -> None:
    op.create_table(
        "calendar_events",
        sa.Column("request_id", _id(), nullable=False),
        sa.Column("provider", sa.String(16), nullable=False),
        sa.Column("segment", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("external_id", sa.Text(), nullable=False),
        sa.Column("calendar", sa.String(KEY_LENGTH), nullable=False),
        sa.Column("updated_at", _utc(), nullable=False),
        sa.PrimaryKeyConstraint("request_id", "provider", "segment", name="pk_calendar_events"),
        sa.ForeignKeyConstraint(["request_id"], ["leave_requests.id"],
                                name="fk_calendar_events_request_id_leave_requests"),
        **MYSQL_TABLE_OPTIONS,
    )
    op.create_table(
        "calendar_failures",
        sa.Column("request_id", _id(), nullable=False),
        sa.Column("provider", sa.String(16), nullable=False),
        sa.Column("calendar", sa.String(KEY_LENGTH), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("at", _utc(), nullable=False),
        sa.PrimaryKeyConstraint("request_id", "provider", name="pk_calendar_failures"),
        sa.ForeignKeyConstraint(["request_id"], ["leave_requests.id"],
                                name="fk_calendar_failures_request_id_leave_requests"),
        **MYSQL_TABLE_OPTIONS,
    )
    op.create_table(
        "feed_tokens",
        sa.Column("token", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("subject", sa.String(KEY_LENGTH), nullable=False),
        sa.Column("created_at", _utc(), nullable=False),
        sa.Column("revoked_at", _utc(), nullable=True),
        sa.PrimaryKeyConstraint("token", name="pk_feed_tokens"),
        **MYSQL_TABLE_OPTIONS,
    )
    op.create_index("ix_feed_tokens_kind_subject", "feed_tokens", ["kind", "subject"])


def downgrade() -> None:
    op.drop_index("ix_feed_tokens_kind_subject", table_name="feed_tokens")
    op.drop_table("feed_tokens")
    op.drop_table("calendar_failures")
    op.drop_table("calendar_events")

"""The scheduler: job-run records, planned posts and the leadership lease.

- ``job_runs``: one row per (job, period), UNIQUE, taken before anything is sent;
- ``job_posts``: each message a run planned, per target, settled once sent;
- ``scheduler_leases``: leadership on SQLite (MySQL/MariaDB use ``GET_LOCK`` instead).

Hand-written to match ``storage/tables.py`` exactly (a test compares the two).

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.migration_types import MYSQL_TABLE_OPTIONS
from storage.migration_types import id_type as _id
from storage.migration_types import utc_type as _utc

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "job_runs",
        sa.Column("id", _id(), autoincrement=True, nullable=False),
        sa.Column("job", sa.String(64), nullable=False),
        sa.Column("period", sa.String(191), nullable=False),
        sa.Column("started_at", _utc(), nullable=False),
        sa.Column("finished_at", _utc(), nullable=True),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_job_runs"),
        sa.UniqueConstraint("job", "period", name="uq_job_runs_job_period"),
        **MYSQL_TABLE_OPTIONS,
    )
    op.create_index("ix_job_runs_job_started_at", "job_runs", ["job", "started_at"])
    op.create_table(
        "job_posts",
        sa.Column("id", _id(), autoincrement=True, nullable=False),
        sa.Column("job", sa.String(64), nullable=False),
        sa.Column("period", sa.String(191), nullable=False),
        sa.Column("target", sa.String(191), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("created_at", _utc(), nullable=False),
        sa.Column("attempts", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("next_attempt_at", _utc(), nullable=True),
        sa.Column("settled_at", _utc(), nullable=True),
        sa.Column("outcome", sa.String(16), nullable=True),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_job_posts"),
        sa.UniqueConstraint("job", "period", "target", name="uq_job_posts_job_period_target"),
        **MYSQL_TABLE_OPTIONS,
    )
    op.create_index("ix_job_posts_settled_at_next_attempt_at", "job_posts", ["settled_at", "next_attempt_at"])
    op.create_table(
        "scheduler_leases",
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("holder", sa.String(191), nullable=False),
        sa.Column("until", _utc(), nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_scheduler_leases"),
        **MYSQL_TABLE_OPTIONS,
    )


def downgrade() -> None:
    op.drop_table("scheduler_leases")
    op.drop_index("ix_job_posts_settled_at_next_attempt_at", table_name="job_posts")
    op.drop_table("job_posts")
    op.drop_index("ix_job_runs_job_started_at", table_name="job_runs")
    op.drop_table("job_runs")

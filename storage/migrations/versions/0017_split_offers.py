"""Offers of unpaid leave waiting for their ``yes``: one row per person.

A person whose paid type is short is offered the days it covers plus the rest as unpaid leave;
the offer waits here (not in a process, so that the ``yes`` may reach any replica) until taken
or replaced. Hand-written to match ``storage/tables.py`` exactly (a test compares the two). A new
table only, so both directions run in place on every database.

Revision ID: 0017
Revises: 0016
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.migration_types import MYSQL_TABLE_OPTIONS
from storage.migration_types import utc_type as _utc

revision: str = "0017"
down_revision: str | Sequence[str] | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "split_offers",
        sa.Column("employee_id", sa.String(64), nullable=False),
        sa.Column("paid_type", sa.String(64), nullable=True),
        sa.Column("paid_start", sa.Date(), nullable=True),
        sa.Column("paid_end", sa.Date(), nullable=True),
        sa.Column("unpaid_type", sa.String(64), nullable=False),
        sa.Column("unpaid_start", sa.Date(), nullable=False),
        sa.Column("unpaid_end", sa.Date(), nullable=False),
        sa.Column("half", sa.String(8), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("made_at", _utc(), nullable=False),
        sa.PrimaryKeyConstraint("employee_id", name="pk_split_offers"),
        sa.ForeignKeyConstraint(["employee_id"], ["employees.employee_id"],
                                name="fk_split_offers_employee_id_employees"),
        **MYSQL_TABLE_OPTIONS,
    )


def downgrade() -> None:
    op.drop_table("split_offers")

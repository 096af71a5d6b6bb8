"""Comp-off claims: one row per day off worked and claimed back, decided like leave.

Hand-written to match ``storage/tables.py`` exactly (a test compares the two). A new table only,
so both directions run in place on every database.

Revision ID: 0018
Revises: 0017
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.migration_types import MYSQL_TABLE_OPTIONS
from storage.migration_types import id_type as _id
from storage.migration_types import utc_type as _utc

revision: str = "0018"
down_revision: str | Sequence[str] | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "compoff_claims",
        sa.Column("id", _id(), autoincrement=True, nullable=False),
        sa.Column("employee_id", sa.String(64), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("half", sa.String(16), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("approver_id", sa.String(64), nullable=True),
        sa.Column("levels", sa.String(64), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("created_at", _utc(), nullable=False),
        sa.Column("decided_by", sa.String(64), nullable=True),
        sa.Column("decided_at", _utc(), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_compoff_claims"),
        sa.ForeignKeyConstraint(["employee_id"], ["employees.employee_id"],
                                name="fk_compoff_claims_employee_id_employees"),
        sa.ForeignKeyConstraint(["approver_id"], ["employees.employee_id"],
                                name="fk_compoff_claims_approver_id_employees"),
        sa.ForeignKeyConstraint(["decided_by"], ["employees.employee_id"],
                                name="fk_compoff_claims_decided_by_employees"),
        **MYSQL_TABLE_OPTIONS,
    )
    op.create_index("ix_compoff_claims_employee_id_day", "compoff_claims", ["employee_id", "day"])
    op.create_index("ix_compoff_claims_status", "compoff_claims", ["status"])


def downgrade() -> None:
    op.drop_table("compoff_claims")

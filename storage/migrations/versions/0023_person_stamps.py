"""A version stamp per person: ``person_stamps`` (employee id, random token).

Every transaction that adds to a person's ledger or adds or changes one of their requests writes
their row a new token, so that each process can keep what a balance reads of them (the year's
ledger, the pending requests, the counts of requests by type) until it changes (``storage.cache``).
Hand-written to match ``storage/tables.py`` exactly (a test compares the two). No foreign key: a
stamp outlives nothing it covers, and a person's rows are never deleted.

Revision ID: 0023
Revises: 0022
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.migration_types import MYSQL_TABLE_OPTIONS

revision: str = "0023"
down_revision: str | Sequence[str] | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "person_stamps",
        sa.Column("employee_id", sa.String(64), nullable=False),
        sa.Column("token", sa.String(32), nullable=False),
        sa.PrimaryKeyConstraint("employee_id", name="pk_person_stamps"),
        **MYSQL_TABLE_OPTIONS,
    )


def downgrade() -> None:
    op.drop_table("person_stamps")

"""The policy engine: dated policy versions, approval chains, delegations, leavers, partial cancels.

- ``policy_versions.effective_from``: the first day a version is in force, read from each stored
  document's ``effective_from`` key (1970-01-01, "always", when it has none);
- ``leave_requests``: the approval chain (``levels``, comma-joined; existing requests get
  ``manager``, the only chain there was) and the step waiting (``level``), the approver's warnings
  (``flags``) and the days taken back by a partial cancel (``cancelled_dates``), both JSON lists;
- ``employees.leaving_date``;
- ``approval_decisions`` (one row per decided level) and ``delegations``.

Hand-written to match ``storage/tables.py`` exactly (a test compares the two). Columns are added
with plain-text server defaults, which SQLite can add in place (no table rebuild); they are dropped
in place too (SQLite 3.35+), so neither direction rebuilds a table that others refer to.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from typing import Any

import sqlalchemy as sa
from alembic import op

from storage.migration_types import MYSQL_TABLE_OPTIONS
from storage.migration_types import id_type as _id
from storage.migration_types import utc_type as _utc

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


#: What ``core.policy.rules.ALWAYS`` was when this revision was written.
ALWAYS = "1970-01-01"


def _batch(table: str) -> Any:
    """``batch_alter_table`` that alters in place on every database, never copying the table.

    A copy would drop and re-create a table that other tables' foreign keys point at, which
    SQLite refuses while they hold rows (foreign keys are on, and cannot be turned off inside the
    migration's transaction).
    """
    return op.batch_alter_table(table, recreate="never")


def upgrade() -> None:
    with _batch("employees") as batch:
        batch.add_column(sa.Column("leaving_date", sa.Date(), nullable=True))
    with _batch("policy_versions") as batch:
        batch.add_column(sa.Column("effective_from", sa.Date(), nullable=False, server_default=ALWAYS))
    with _batch("leave_requests") as batch:
        batch.add_column(sa.Column("levels", sa.String(64), nullable=False, server_default="manager"))
        batch.add_column(sa.Column("level", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("flags", sa.Text(), nullable=True))
        batch.add_column(sa.Column("cancelled_dates", sa.Text(), nullable=True))
    _read_effective_from()

    op.create_table(
        "approval_decisions",
        sa.Column("id", _id(), autoincrement=True, nullable=False),
        sa.Column("request_id", _id(), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("decided_by", sa.String(64), nullable=False),
        sa.Column("approved", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("at", _utc(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_approval_decisions"),
        sa.ForeignKeyConstraint(
            ["request_id"], ["leave_requests.id"], name="fk_approval_decisions_request_id_leave_requests"
        ),
        sa.ForeignKeyConstraint(
            ["decided_by"], ["employees.employee_id"], name="fk_approval_decisions_decided_by_employees"
        ),
        sa.UniqueConstraint("request_id", "level", name="uq_approval_decisions_request_id_level"),
        **MYSQL_TABLE_OPTIONS,
    )
    op.create_table(
        "delegations",
        sa.Column("id", _id(), autoincrement=True, nullable=False),
        sa.Column("delegator_id", sa.String(64), nullable=False),
        sa.Column("delegate_id", sa.String(64), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("created_at", _utc(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_delegations"),
        sa.ForeignKeyConstraint(
            ["delegator_id"], ["employees.employee_id"], name="fk_delegations_delegator_id_employees"
        ),
        sa.ForeignKeyConstraint(
            ["delegate_id"], ["employees.employee_id"], name="fk_delegations_delegate_id_employees"
        ),
        **MYSQL_TABLE_OPTIONS,
    )
    op.create_index("ix_delegations_delegator_id", "delegations", ["delegator_id"])
    op.create_index("ix_delegations_delegate_id", "delegations", ["delegate_id"])


def _read_effective_from() -> None:
    """Copy each stored document's ``effective_from`` into the new column.

    Documents are stored as JSON, their dates as ISO text. A value that is not a date is left at
    "always": every stored document was checked when it was loaded, when the key did not exist yet.
    Offline (``alembic upgrade --sql``) there are no rows to read, so the step is left out.
    """
    if op.get_context().as_sql:
        return
    versions = sa.table(
        "policy_versions",
        sa.column("id", _id()),
        sa.column("document", sa.Text()),
        sa.column("effective_from", sa.Date()),
    )
    connection = op.get_bind()
    for version_id, text in connection.execute(sa.select(versions.c.id, versions.c.document)).all():
        try:
            document = json.loads(text)
            value = document.get("effective_from") if isinstance(document, dict) else None
            effective_from = date.fromisoformat(str(value)) if value is not None else None
        except ValueError:
            effective_from = None
        if effective_from is not None:
            connection.execute(
                sa.update(versions).where(versions.c.id == version_id).values(effective_from=effective_from)
            )


def downgrade() -> None:
    op.drop_table("delegations")  # with its indexes
    op.drop_table("approval_decisions")
    with _batch("leave_requests") as batch:
        batch.drop_column("cancelled_dates")
        batch.drop_column("flags")
        batch.drop_column("level")
        batch.drop_column("levels")
    with _batch("policy_versions") as batch:
        batch.drop_column("effective_from")
    with _batch("employees") as batch:
        batch.drop_column("leaving_date")

"""The initial schema: directory, policy, holidays, requests, ledger, audit and outbox.

Hand-written to match ``storage/tables.py`` exactly (a test compares the two), with the types
spelled out here so that later changes to ``tables.py`` cannot rewrite history.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import sqlalchemy as sa
from alembic import op

from storage.migration_types import MYSQL_TABLE_OPTIONS
from storage.migration_types import id_type as _id
from storage.migration_types import utc_type as _utc

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _days() -> sa.Numeric[Decimal]:
    return sa.Numeric(7, 2)


def upgrade() -> None:
    op.create_table(
        "employees",
        sa.Column("employee_id", sa.String(64), nullable=False),
        sa.Column("email", sa.String(255), nullable=False),
        sa.Column("first_name", sa.String(100), nullable=False),
        sa.Column("last_name", sa.String(100), nullable=False),
        sa.Column("manager_id", sa.String(64), nullable=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("department", sa.String(100), nullable=False),
        sa.Column("location", sa.String(100), nullable=False),
        sa.Column("region", sa.String(64), nullable=False),
        sa.Column("joining_date", sa.Date(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("time_zone", sa.String(64), nullable=False),
        sa.Column("slack_user_id", sa.String(64), nullable=True),
        sa.Column("teams_aad_object_id", sa.String(64), nullable=True),
        sa.Column("updated_at", _utc(), nullable=False),
        sa.PrimaryKeyConstraint("employee_id", name="pk_employees"),
        sa.ForeignKeyConstraint(["manager_id"], ["employees.employee_id"], name="fk_employees_manager_id_employees"),
        sa.UniqueConstraint("email", name="uq_employees_email"),
        sa.UniqueConstraint("slack_user_id", name="uq_employees_slack_user_id"),
        sa.UniqueConstraint("teams_aad_object_id", name="uq_employees_teams_aad_object_id"),
        **MYSQL_TABLE_OPTIONS,
    )
    op.create_table(
        "policy_versions",
        sa.Column("id", _id(), autoincrement=True, nullable=False),
        sa.Column("loaded_at", _utc(), nullable=False),
        sa.Column("source", sa.String(255), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_policy_versions"),
        **MYSQL_TABLE_OPTIONS,
    )
    op.create_table(
        "holidays",
        sa.Column("id", _id(), autoincrement=True, nullable=False),
        sa.Column("region", sa.String(64), nullable=False),
        sa.Column("location", sa.String(100), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("source", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_holidays"),
        sa.UniqueConstraint("region", "location", "day", "source", name="uq_holidays_region_location_day_source"),
        **MYSQL_TABLE_OPTIONS,
    )
    op.create_table(
        "leave_requests",
        sa.Column("id", _id(), autoincrement=True, nullable=False),
        sa.Column("employee_id", sa.String(64), nullable=False),
        sa.Column("type_key", sa.String(64), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("half", sa.String(16), nullable=True),
        sa.Column("days", _days(), nullable=False),
        sa.Column("year_days", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("document_ref", sa.String(1000), nullable=True),
        sa.Column("document_due", sa.Boolean(), nullable=False),
        sa.Column("approver_id", sa.String(64), nullable=True),
        sa.Column("decided_by", sa.String(64), nullable=True),
        sa.Column("decided_at", _utc(), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=False),
        sa.Column("idempotency_key", sa.String(255), nullable=True),
        sa.Column("created_at", _utc(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_leave_requests"),
        sa.ForeignKeyConstraint(
            ["employee_id"], ["employees.employee_id"], name="fk_leave_requests_employee_id_employees"
        ),
        sa.ForeignKeyConstraint(
            ["approver_id"], ["employees.employee_id"], name="fk_leave_requests_approver_id_employees"
        ),
        sa.ForeignKeyConstraint(
            ["decided_by"], ["employees.employee_id"], name="fk_leave_requests_decided_by_employees"
        ),
        sa.UniqueConstraint("idempotency_key", name="uq_leave_requests_idempotency_key"),
        **MYSQL_TABLE_OPTIONS,
    )
    op.create_index("ix_leave_requests_employee_id_status", "leave_requests", ["employee_id", "status"])
    op.create_index("ix_leave_requests_approver_id_status", "leave_requests", ["approver_id", "status"])
    op.create_index("ix_leave_requests_start_date_end_date", "leave_requests", ["start_date", "end_date"])
    op.create_table(
        "ledger_entries",
        sa.Column("id", _id(), autoincrement=True, nullable=False),
        sa.Column("employee_id", sa.String(64), nullable=False),
        sa.Column("type_key", sa.String(64), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("days", _days(), nullable=False),
        sa.Column("period", sa.String(16), nullable=True),
        sa.Column("request_id", _id(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", _utc(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_ledger_entries"),
        sa.ForeignKeyConstraint(
            ["employee_id"], ["employees.employee_id"], name="fk_ledger_entries_employee_id_employees"
        ),
        sa.ForeignKeyConstraint(
            ["request_id"], ["leave_requests.id"], name="fk_ledger_entries_request_id_leave_requests"
        ),
        sa.UniqueConstraint(
            "employee_id", "type_key", "kind", "period", name="uq_ledger_entries_employee_id_type_key_kind_period"
        ),
        **MYSQL_TABLE_OPTIONS,
    )
    op.create_index("ix_ledger_entries_employee_id_year", "ledger_entries", ["employee_id", "year"])
    op.create_table(
        "audit_log",
        sa.Column("id", _id(), autoincrement=True, nullable=False),
        sa.Column("at", _utc(), nullable=False),
        sa.Column("actor", sa.String(255), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("request_id", _id(), nullable=True),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("source", sa.String(32), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_audit_log"),
        **MYSQL_TABLE_OPTIONS,
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])
    op.create_table(
        "outbox",
        sa.Column("id", _id(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("created_at", _utc(), nullable=False),
        sa.Column("delivered_at", _utc(), nullable=True),
        sa.Column("attempts", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("next_attempt_at", _utc(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_outbox"),
        **MYSQL_TABLE_OPTIONS,
    )
    op.create_index("ix_outbox_delivered_at_next_attempt_at", "outbox", ["delivered_at", "next_attempt_at"])


def downgrade() -> None:
    op.drop_table("outbox")
    op.drop_table("audit_log")
    op.drop_table("ledger_entries")
    op.drop_table("leave_requests")
    op.drop_table("holidays")
    op.drop_table("policy_versions")
    op.drop_table("employees")

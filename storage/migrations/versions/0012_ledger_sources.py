"""Ledger entries name their source generically (kind + id) and may carry a validity window.

``period`` and ``request_id`` give way to ``source_kind`` and ``source_id`` (what wrote the entry:
a request and its id, an allocation or accrual and its period, the year end and its year), to
``once_key`` (the source id for sources that write once: the periodic ones) and to ``valid_from``
and ``valid_until`` (empty for every existing row). The unique key (employee, type, kind, period)
becomes (employee, type, kind, source kind, once key), which refuses exactly what it refused
before: ``once_key`` takes each row's ``period``, NULL for leave taken and reversals, which may
repeat.

Each existing row's source follows from its kind: leave taken and reversals come from their
request (``source_id`` is the request id, or empty for the rare row that named none), grants from
their allocation, accruals from their accrual, and carry-forward and expiry from the year end (the
id is the period as written: ``2025``, or ``2025-carry`` for carried days that expired). The
update is one SQL statement that runs the same on SQLite and MySQL/MariaDB.

SQLite rebuilds the table to change its unique key and drop a column with a foreign key; nothing
refers to ledger entries, so the copy is safe. The downgrade puts ``period`` (from ``once_key``)
and ``request_id`` (from a request's source id) back, and refuses nothing that was written by the
older version; entries from sources that version did not know (adjustments, comp-off claims,
encashment) would not fit it and must be removed first.

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.migration_types import id_type as _id

revision: str = "0012"
down_revision: str | Sequence[str] | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_UNIQUE = "uq_ledger_entries_employee_id_type_key_kind_period"
NEW_UNIQUE = "uq_ledger_entries_employee_id_type_key_kind_source_kind_once_key"
REQUEST_FK = "fk_ledger_entries_request_id_leave_requests"

ledger = sa.table(
    "ledger_entries",
    sa.column("kind", sa.String(32)),
    sa.column("period", sa.String(16)),
    sa.column("request_id", _id()),
    sa.column("source_kind", sa.String(16)),
    sa.column("source_id", sa.String(64)),
    sa.column("once_key", sa.String(64)),
)


def upgrade() -> None:
    with op.batch_alter_table("ledger_entries", recreate="never") as batch:
        batch.add_column(sa.Column("source_kind", sa.String(16), nullable=True))
        batch.add_column(sa.Column("source_id", sa.String(64), nullable=True))
        batch.add_column(sa.Column("once_key", sa.String(64), nullable=True))
        batch.add_column(sa.Column("valid_from", sa.Date(), nullable=True))
        batch.add_column(sa.Column("valid_until", sa.Date(), nullable=True))
    kind = ledger.c.kind
    op.execute(sa.update(ledger).values(
        source_kind=sa.case(
            (kind.in_(("LEAVE_TAKEN", "REVERSAL")), "request"),
            (kind == "ALLOCATION", "allocation"),
            (kind == "ACCRUAL", "accrual"),
            else_="year_end",
        ),
        source_id=sa.func.coalesce(ledger.c.period, sa.cast(ledger.c.request_id, sa.String(20)), ""),
        once_key=ledger.c.period,
    ))
    with op.batch_alter_table("ledger_entries") as batch:
        batch.alter_column("source_kind", existing_type=sa.String(16), nullable=False)
        batch.alter_column("source_id", existing_type=sa.String(64), nullable=False)
        batch.create_unique_constraint(NEW_UNIQUE, ["employee_id", "type_key", "kind", "source_kind", "once_key"])
        batch.drop_constraint(OLD_UNIQUE, type_="unique")
        batch.drop_constraint(REQUEST_FK, type_="foreignkey")
        batch.drop_column("period")
        batch.drop_column("request_id")


def downgrade() -> None:
    with op.batch_alter_table("ledger_entries", recreate="never") as batch:
        batch.add_column(sa.Column("period", sa.String(16), nullable=True))
        batch.add_column(sa.Column("request_id", _id(), nullable=True))
    op.execute(sa.update(ledger).values(
        period=ledger.c.once_key,
        request_id=sa.case(
            ((ledger.c.source_kind == "request") & (ledger.c.source_id != ""), sa.cast(ledger.c.source_id, _id())),
            else_=sa.null(),
        ),
    ))
    with op.batch_alter_table("ledger_entries") as batch:
        batch.create_foreign_key(REQUEST_FK, "leave_requests", ["request_id"], ["id"])
        batch.create_unique_constraint(OLD_UNIQUE, ["employee_id", "type_key", "kind", "period"])
        batch.drop_constraint(NEW_UNIQUE, type_="unique")
        batch.drop_column("valid_until")
        batch.drop_column("valid_from")
        batch.drop_column("once_key")
        batch.drop_column("source_id")
        batch.drop_column("source_kind")

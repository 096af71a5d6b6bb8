"""An index on employees' role: applying for leave looks up the HR admins every time.

Without it, ``SELECT ... WHERE role = 'HR_ADMIN' ORDER BY employee_id`` read the whole directory
on each application (10,000 rows for 10,000 people). An index only, so both directions run in place.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_employees_role_employee_id", "employees", ["role", "employee_id"])


def downgrade() -> None:
    op.drop_index("ix_employees_role_employee_id", table_name="employees")

"""An index on employees' department: a team limit counts the department's people on each application.

Without it, finding one department's people read the whole directory (10,000 rows for 10,000
people) every time a policy's team limit covered the applicant. An index only, so both directions
run in place.

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_employees_department_employee_id", "employees", ["department", "employee_id"])


def downgrade() -> None:
    op.drop_index("ix_employees_department_employee_id", table_name="employees")

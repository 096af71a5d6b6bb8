"""What leave-type eligibility rules read about a person: gender, employment type, end of probation.

Three nullable columns of ``employees``: an existing row (and a directory file without these
columns) keeps them empty, and a rule on a value a person does not have does not exclude them.
Hand-written to match ``storage/tables.py`` exactly (a test compares the two). Columns only, so
both directions run in place on every database.

Revision ID: 0015
Revises: 0014
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | Sequence[str] | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("employees", recreate="never") as batch:
        batch.add_column(sa.Column("gender", sa.String(16), nullable=True))
        batch.add_column(sa.Column("employment_type", sa.String(40), nullable=True))
        batch.add_column(sa.Column("confirmation_date", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("employees", recreate="never") as batch:
        batch.drop_column("confirmation_date")
        batch.drop_column("employment_type")
        batch.drop_column("gender")

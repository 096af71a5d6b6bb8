"""How each person asked to hear of their notices: ``employees.notify_by`` (email, chat or both).

One nullable column: everyone starts without a choice (NULL), which means chat for people linked
to a Slack or Teams account and e-mail for the rest. Hand-written to match ``storage/tables.py``
exactly (a test compares the two); a column only, so both directions run in place everywhere.

Revision ID: 0022
Revises: 0021
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022"
down_revision: str | Sequence[str] | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("employees", recreate="never") as batch:
        batch.add_column(sa.Column("notify_by", sa.String(8), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("employees", recreate="never") as batch:
        batch.drop_column("notify_by")

"""Holidays of one subdivision (a state): ``holidays.subdivision``.

``leavebot holidays sync --subdiv KA`` stores Karnataka's holidays with ``KA`` here, and they apply
only to people whose location the policy maps to KA. Existing rows get '' (every subdivision of
the region), so every holiday stored before keeps applying to whom it applied. Hand-written to
match ``storage/tables.py`` exactly (a test compares the two). A column only, so both directions
run in place on every database.

Revision ID: 0016
Revises: 0015
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | Sequence[str] | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("holidays", recreate="never") as batch:
        batch.add_column(sa.Column("subdivision", sa.String(16), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("holidays", recreate="never") as batch:
        batch.drop_column("subdivision")

"""Downloads that serve many requests until they expire: the heat map a Teams card points at.

A report's file is still taken once; a picture is fetched by every viewer's Teams client (and by
Microsoft's image proxy), so its row stays until it expires. One column, false for every existing
row, so both directions run in place on every database.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("downloads", recreate="never") as batch:
        batch.add_column(sa.Column("reusable", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("downloads", recreate="never") as batch:
        batch.drop_column("reusable")

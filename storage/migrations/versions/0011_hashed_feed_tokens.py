"""Feed tokens are kept as their SHA-256, like download tokens: the table alone opens no feed.

Each stored token is replaced in place by its hash (lower-case hex, 64 characters, which is what
``core.domain.tokens.token_hash`` computes), then the column is renamed ``token_hash``. The links already
handed out keep working, since the server hashes the token of each request, and the plaintext is
gone. The hashing runs here in Python, row by row, so it is the same on SQLite and MySQL/MariaDB
(SQLite has no SHA-2 function); feeds are few. A plaintext token (43 characters) can never equal a
hash (64), so rows already updated and rows still waiting cannot collide.

The downgrade renames the column back but cannot bring the plaintext back: links made before it
answer 404 on the older version, and new ones must be made.

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

def upgrade() -> None:
    connection = op.get_bind()
    table = sa.table("feed_tokens", sa.column("token", sa.String(64)))
    for (token,) in connection.execute(sa.select(table.c.token)).all():
        digest = hashlib.sha256(token.encode("utf-8")).hexdigest()
        connection.execute(sa.update(table).where(table.c.token == token).values(token=digest))
    with op.batch_alter_table("feed_tokens") as batch:
        batch.alter_column("token", new_column_name="token_hash", existing_type=sa.String(64),
                           existing_nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("feed_tokens") as batch:
        batch.alter_column("token_hash", new_column_name="token", existing_type=sa.String(64),
                           existing_nullable=False)

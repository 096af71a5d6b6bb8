"""One-time links (:class:`core.ports.links.LinkTokens`): only each token's hash is kept."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from core.domain.links import LinkPurpose, LinkToken
from storage.tables import link_tokens


class SqlLinkTokens:
    def __init__(self, connection: Connection) -> None:
        self._conn = connection

    def add(self, token: LinkToken) -> None:
        self._conn.execute(insert(link_tokens).values(
            token_hash=token.token_hash, purpose=token.purpose.value, employee_id=token.employee_id,
            subject=token.subject, created_at=token.created_at, expires_at=token.expires_at, used_at=token.used_at))

    def get(self, token_hash: str) -> LinkToken | None:
        row = self._conn.execute(select(link_tokens).where(link_tokens.c.token_hash == token_hash)).first()
        return None if row is None else _token(row)

    def use(self, token_hash: str, at: datetime) -> bool:
        done = self._conn.execute(update(link_tokens)
                                  .where(link_tokens.c.token_hash == token_hash, link_tokens.c.used_at.is_(None))
                                  .values(used_at=at))
        return done.rowcount == 1

    def purge(self, before: datetime) -> int:
        return self._conn.execute(delete(link_tokens).where(link_tokens.c.expires_at < before)).rowcount


def _token(row: Any) -> LinkToken:
    return LinkToken(row.token_hash, LinkPurpose(row.purpose), row.employee_id, row.subject, row.created_at,
                     row.expires_at, row.used_at)

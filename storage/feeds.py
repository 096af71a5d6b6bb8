"""Feed tokens (:class:`core.ports.calendars.FeedTokens`): only each token's hash is kept, and revoked
ones stay, so a token is never reused."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update

from core.ports.calendars import FeedToken
from storage.tables import feed_tokens


class SqlFeedTokens:
    def __init__(self, connection: Connection) -> None:
        self._conn = connection

    def add(self, token: FeedToken) -> None:
        self._conn.execute(insert(feed_tokens).values(
            token_hash=token.token_hash, kind=token.kind, subject=token.subject, created_at=token.created_at,
            revoked_at=token.revoked_at))

    def get(self, token_hash: str) -> FeedToken | None:
        row = self._conn.execute(select(feed_tokens).where(feed_tokens.c.token_hash == token_hash)).first()
        return None if row is None else _token(row)

    def active_for(self, kind: str, subject: str) -> FeedToken | None:
        row = self._conn.execute(
            select(feed_tokens).where(feed_tokens.c.kind == kind, feed_tokens.c.subject == subject,
                                      feed_tokens.c.revoked_at.is_(None))
            .order_by(feed_tokens.c.created_at.desc())
        ).first()
        return None if row is None else _token(row)

    def revoke(self, token_hash: str, at: datetime) -> bool:
        found = self.get(token_hash)
        if found is None or found.revoked_at is not None:
            return False
        self._conn.execute(update(feed_tokens).where(feed_tokens.c.token_hash == token_hash).values(revoked_at=at))
        return True

    def all(self) -> list[FeedToken]:
        rows = self._conn.execute(select(feed_tokens).order_by(feed_tokens.c.created_at)).all()
        return [_token(r) for r in rows]


def _token(row: Any) -> FeedToken:
    return FeedToken(row.token_hash, row.kind, row.subject, row.created_at, row.revoked_at)

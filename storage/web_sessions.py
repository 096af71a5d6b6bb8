"""The web dashboard's sessions (:class:`core.ports.web.WebSessions`): each call a short transaction.

Only the door uses them, so they are no part of the core's unit of work, as for the chat store.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import delete, insert, or_, select, update

from core.ports.web import WebSession
from storage.tables import web_sessions
from storage.transactions import in_transaction

if TYPE_CHECKING:
    from sqlalchemy import Engine


class SqlWebSessions:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def start(self, session: WebSession) -> None:
        row = {"session_hash": session.session_hash, "employee_id": session.employee_id,
               "created_at": session.created_at, "last_seen_at": session.last_seen_at}
        in_transaction(self._engine, lambda conn: conn.execute(insert(web_sessions).values(**row)))

    def get(self, session_hash: str) -> WebSession | None:
        query = select(web_sessions).where(web_sessions.c.session_hash == session_hash)
        row = in_transaction(self._engine, lambda conn: conn.execute(query).first())
        if row is None:
            return None
        return WebSession(row.session_hash, row.employee_id, row.created_at, row.last_seen_at)

    def touch(self, session_hash: str, at: datetime) -> None:
        change = update(web_sessions).where(web_sessions.c.session_hash == session_hash).values(last_seen_at=at)
        in_transaction(self._engine, lambda conn: conn.execute(change))

    def end(self, session_hash: str) -> bool:
        gone = delete(web_sessions).where(web_sessions.c.session_hash == session_hash)
        return in_transaction(self._engine, lambda conn: conn.execute(gone).rowcount == 1)

    def purge(self, idle_since: datetime, started_before: datetime) -> int:
        stale = delete(web_sessions).where(or_(web_sessions.c.last_seen_at < idle_since,
                                               web_sessions.c.created_at < started_before))
        return in_transaction(self._engine, lambda conn: int(conn.execute(stale).rowcount))


if TYPE_CHECKING:  # lets mypy prove that the store implements its port
    from core.ports.web import WebSessions

    def _implements_port(engine: Engine) -> WebSessions:
        return SqlWebSessions(engine)

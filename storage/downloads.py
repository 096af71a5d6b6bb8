"""Files handed out by link (:class:`core.ports.downloads.Downloads`): kept until taken or expired.

Only the doors use them, so each call is a short transaction of its own, apart from the core's
unit of work.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, delete, insert, select

from core.ports.downloads import Download
from storage.tables import downloads
from storage.transactions import in_transaction


class SqlDownloads:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def add(self, *files: Download) -> None:
        if not files:
            return
        rows = [
            {"token_hash": d.token_hash, "filename": d.filename, "media_type": d.media_type, "content": d.content,
             "created_at": d.created_at, "expires_at": d.expires_at, "reusable": d.reusable}
            for d in files
        ]
        in_transaction(self._engine, lambda conn: conn.execute(insert(downloads), rows))

    def take(self, token_hash: str, at: datetime) -> Download | None:
        """Read, then delete a single-use file: only the transaction whose delete removed the row
        serves it, so two requests racing for one link cannot both get it (the second waits on the
        row lock). A reusable file is only read."""
        return in_transaction(self._engine, lambda conn: _take(conn, token_hash, at))

    def purge(self, at: datetime) -> int:
        return in_transaction(
            self._engine, lambda conn: int(conn.execute(delete(downloads).where(downloads.c.expires_at <= at)).rowcount)
        )


def _take(conn: Connection, token_hash: str, at: datetime) -> Download | None:
    row = conn.execute(select(downloads).where(downloads.c.token_hash == token_hash)).first()
    if row is None or row.token_hash != token_hash or row.expires_at <= at:
        return None
    found = Download(row.token_hash, row.filename, row.media_type, row.content, row.created_at, row.expires_at,
                     reusable=bool(row.reusable))
    if found.reusable:
        return found
    removed = conn.execute(delete(downloads).where(downloads.c.token_hash == token_hash))
    return found if removed.rowcount == 1 else None


if TYPE_CHECKING:  # lets mypy prove that the store implements its port
    from core.ports.downloads import Downloads

    def _implements_port(engine: Engine) -> Downloads:
        return SqlDownloads(engine)

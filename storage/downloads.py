"""Files handed out by link (:class:`core.ports.downloads.Downloads`): kept until taken or expired."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, delete, insert, select

from core.ports.downloads import Download
from storage.tables import downloads


class SqlDownloads:
    def __init__(self, connection: Connection) -> None:
        self._conn = connection

    def add(self, download: Download) -> None:
        self._conn.execute(insert(downloads).values(
            token_hash=download.token_hash, filename=download.filename, media_type=download.media_type,
            content=download.content, created_at=download.created_at, expires_at=download.expires_at,
            reusable=download.reusable))

    def take(self, token_hash: str, at: datetime) -> Download | None:
        """Read, then delete a single-use file: only the transaction whose delete removed the row
        serves it, so two requests racing for one link cannot both get it (the second waits on the
        row lock). A reusable file is only read."""
        row = self._conn.execute(select(downloads).where(downloads.c.token_hash == token_hash)).first()
        if row is None or row.token_hash != token_hash or row.expires_at <= at:
            return None
        found = Download(row.token_hash, row.filename, row.media_type, row.content, row.created_at, row.expires_at,
                         reusable=bool(row.reusable))
        if found.reusable:
            return found
        removed = self._conn.execute(delete(downloads).where(downloads.c.token_hash == token_hash))
        return found if removed.rowcount == 1 else None

    def purge(self, at: datetime) -> int:
        return int(self._conn.execute(delete(downloads).where(downloads.c.expires_at <= at)).rowcount)

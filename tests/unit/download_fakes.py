"""An in-memory :class:`core.ports.downloads.Downloads` for the unit-test unit of work."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from core.ports.downloads import Download


class FakeDownloads:
    def __init__(self, state: Any) -> None:
        self.s = state

    def add(self, download: Download) -> None:
        self.s.downloads[download.token_hash] = download

    def take(self, token_hash: str, at: datetime) -> Download | None:
        found: Download | None = self.s.downloads.get(token_hash)
        if found is None or found.expires_at <= at:
            return None
        if not found.reusable:
            del self.s.downloads[token_hash]
        return found

    def purge(self, at: datetime) -> int:
        expired = [key for key, d in self.s.downloads.items() if d.expires_at <= at]
        for key in expired:
            del self.s.downloads[key]
        return len(expired)

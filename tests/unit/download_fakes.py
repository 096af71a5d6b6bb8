"""An in-memory :class:`core.ports.downloads.Downloads`: a door's store, no part of the unit of work.

Each call stands for a short transaction of its own, so the files are kept here, apart from the
unit-of-work state (:mod:`tests.unit.fakes`), and nothing waits for a commit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from core.ports.downloads import Download


@dataclass
class FakeDownloads:
    files: dict[str, Download] = field(default_factory=dict)

    def add(self, *downloads: Download) -> None:
        """Like the SQL version: a token kept already refuses the lot (the primary key)."""
        tokens = [d.token_hash for d in downloads]
        if len(set(tokens)) < len(tokens) or any(token in self.files for token in tokens):
            raise ValueError("a file with this token is kept already")
        self.files.update((d.token_hash, d) for d in downloads)

    def take(self, token_hash: str, at: datetime) -> Download | None:
        found = self.files.get(token_hash)
        if found is None or found.expires_at <= at:
            return None
        if not found.reusable:
            del self.files[token_hash]
        return found

    def purge(self, at: datetime) -> int:
        expired = [key for key, d in self.files.items() if d.expires_at <= at]
        for key in expired:
            del self.files[key]
        return len(expired)


if TYPE_CHECKING:  # lets mypy prove that the fake implements the port
    from core.ports.downloads import Downloads

    def _implements_port() -> Downloads:
        return FakeDownloads()

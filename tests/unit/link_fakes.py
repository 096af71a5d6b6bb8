"""In-memory stand-in of the one-time links port, kept in :class:`tests.unit.fakes.State`."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from core.domain.links import LinkToken


class FakeLinkTokens:
    def __init__(self, state: Any) -> None:
        self.s = state

    def add(self, token: LinkToken) -> None:
        self.s.links[token.token_hash] = token

    def get(self, token_hash: str) -> LinkToken | None:
        found: LinkToken | None = self.s.links.get(token_hash)
        return found

    def use(self, token_hash: str, at: datetime) -> bool:
        found = self.get(token_hash)
        if found is None or found.used_at is not None:
            return False
        self.s.links[token_hash] = replace(found, used_at=at)
        return True

    def purge(self, before: datetime) -> int:
        expired = [key for key, token in self.s.links.items() if token.expires_at < before]
        for key in expired:
            del self.s.links[key]
        return len(expired)

"""Where one-time links are kept (:mod:`core.domain.links`), in the core's unit of work, so that using
a link and what it does (a decision, a sign-in's audit line) commit together or not at all."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from core.domain.links import LinkToken


class LinkTokens(Protocol):
    def add(self, token: LinkToken) -> None: ...

    def get(self, token_hash: str) -> LinkToken | None: ...

    def use(self, token_hash: str, at: datetime) -> bool:
        """Mark the link used at ``at`` if it is still unused; False when it was used meanwhile (by a
        concurrent request: the conditional update is what lets only one of two through)."""
        ...

    def purge(self, before: datetime) -> int:
        """Forget the links that expired before ``before``; how many."""
        ...

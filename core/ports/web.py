"""The web door's sessions: who is signed in to the dashboard, since when, last seen when.

Only the door uses them, so they are no part of the core's unit of work: each call is a short
transaction of its own, as for :mod:`core.ports.chat`. The session id lives only in the person's
cookie; the store keeps its SHA-256, so the table alone signs nobody in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True)
class WebSession:
    session_hash: str  # SHA-256 of the session id, lower-case hex
    employee_id: str
    created_at: datetime  # the absolute expiry counts from here
    last_seen_at: datetime  # the idle expiry counts from here


class WebSessions(Protocol):
    def start(self, session: WebSession) -> None: ...

    def get(self, session_hash: str) -> WebSession | None: ...

    def touch(self, session_hash: str, at: datetime) -> None:
        """Record that the session was used at ``at`` (its idle expiry starts again)."""
        ...

    def end(self, session_hash: str) -> bool:
        """Forget the session; False when there was none."""
        ...

    def purge(self, idle_since: datetime, started_before: datetime) -> int:
        """Forget the sessions last seen before ``idle_since`` or started before ``started_before``; how many."""
        ...

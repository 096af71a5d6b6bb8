"""In-memory stand-ins of the calendar ports, kept in :class:`tests.unit.fakes.State`."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from core.ports.calendars import CalendarFailure, CalendarLink, FeedToken


class FakeCalendarLinks:
    def __init__(self, state: Any) -> None:
        self.s = state

    def of(self, request_id: int, provider: str) -> list[CalendarLink]:
        return sorted((link for key, link in self.s.calendar_links.items() if key[:2] == (request_id, provider)),
                      key=lambda link: link.segment)

    def save(self, link: CalendarLink) -> None:
        self.s.calendar_links[(link.request_id, link.provider, link.segment)] = link

    def remove(self, request_id: int, provider: str, segment: int) -> None:
        self.s.calendar_links.pop((request_id, provider, segment), None)

    def fail(self, failure: CalendarFailure) -> None:
        self.s.calendar_failures[(failure.request_id, failure.provider)] = failure

    def clear_failure(self, request_id: int, provider: str) -> None:
        self.s.calendar_failures.pop((request_id, provider), None)

    def failures(self) -> list[CalendarFailure]:
        return sorted(self.s.calendar_failures.values(), key=lambda f: f.at, reverse=True)

    def counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for link in self.s.calendar_links.values():
            counts[link.provider] = counts.get(link.provider, 0) + 1
        return counts


class FakeFeedTokens:
    def __init__(self, state: Any) -> None:
        self.s = state

    def add(self, token: FeedToken) -> None:
        self.s.feed_tokens[token.token_hash] = token

    def get(self, token_hash: str) -> FeedToken | None:
        found: FeedToken | None = self.s.feed_tokens.get(token_hash)
        return found

    def active_for(self, kind: str, subject: str) -> FeedToken | None:
        return next((t for t in reversed(self.s.feed_tokens.values())
                     if t.kind == kind and t.subject == subject and t.revoked_at is None), None)

    def revoke(self, token_hash: str, at: datetime) -> bool:
        found = self.get(token_hash)
        if found is None or found.revoked_at is not None:
            return False
        self.s.feed_tokens[token_hash] = replace(found, revoked_at=at)
        return True

    def all(self) -> list[FeedToken]:
        return list(self.s.feed_tokens.values())

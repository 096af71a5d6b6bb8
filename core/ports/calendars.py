"""What calendar sync needs from the world: the providers' gateways, the record of events put
in calendars, and the iCalendar feeds' tokens. ``storage/`` implements them.

:data:`PROVIDERS` (the calendar providers there are) is named here too, for the doors, which see the
ports but not the policy that defines it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Protocol

from core.domain.model import HalfDay
from core.policy.calendar import PROVIDERS as PROVIDERS

HALF_SPLIT = time(13, 0)


@dataclass(frozen=True)
class CalendarEntry:
    """One event to keep in a person's calendar; ``first``/``last`` are inclusive local dates."""

    key: str  # stable, provider-safe (base32hex, lower case): the Google event id, the Graph transactionId
    segment: int
    title: str
    first: date
    last: date
    half: HalfDay | None
    time_zone: str
    decline_message: str

    def starts_at(self) -> datetime:
        """Local start, naive (the provider is told the zone separately)."""
        start = datetime.combine(self.first, time())
        return start.replace(hour=HALF_SPLIT.hour) if self.half is HalfDay.SECOND else start

    def ends_at(self) -> datetime:
        """Local end, naive: midnight after the last day, or 13:00 for a first half."""
        if self.half is HalfDay.FIRST:
            return datetime.combine(self.last, HALF_SPLIT)
        return datetime.combine(self.last + timedelta(days=1), time())


class CalendarGateway(Protocol):
    """A calendar provider. Raises :class:`core.ports.RetryLater` for throttling, outages and
    time-outs, :class:`core.ports.DeliveryFailed` for a permanent refusal (forbidden, no such user,
    bad credentials)."""

    name: str

    def upsert(self, calendar: str, entry: CalendarEntry, external_id: str | None) -> str:
        """Create the event (or bring ``external_id`` up to date) in ``calendar``'s calendar; its id.

        Creating twice with the same ``entry.key`` must leave one event.
        """
        ...

    def delete(self, calendar: str, external_id: str) -> None:
        """Remove the event; one already gone counts as removed."""
        ...


@dataclass(frozen=True)
class CalendarLink:
    """One event LeaveBot put in a calendar, so that it is updated or removed rather than duplicated."""

    request_id: int
    provider: str
    segment: int
    external_id: str
    calendar: str
    updated_at: datetime


@dataclass(frozen=True)
class CalendarFailure:
    """A permanent refusal, kept for HR until a later sync of the same request succeeds."""

    request_id: int
    provider: str
    calendar: str
    detail: str
    at: datetime


class CalendarLinks(Protocol):
    def of(self, request_id: int, provider: str) -> list[CalendarLink]: ...

    def save(self, link: CalendarLink) -> None:
        """Insert or replace the link of this (request, provider, segment)."""
        ...

    def remove(self, request_id: int, provider: str, segment: int) -> None: ...

    def fail(self, failure: CalendarFailure) -> None:
        """Insert or replace the failure of this (request, provider)."""
        ...

    def clear_failure(self, request_id: int, provider: str) -> None: ...

    def failures(self) -> list[CalendarFailure]:
        """Newest first."""
        ...

    def counts(self) -> dict[str, int]:
        """Events kept, per provider."""
        ...


@dataclass(frozen=True)
class FeedToken:
    """A feed as stored: the hash of its link's token (:func:`core.domain.tokens.token_hash`), never the token."""

    token_hash: str
    kind: str  # employee | department
    subject: str  # the employee id, or the department's name
    created_at: datetime
    revoked_at: datetime | None = None


class FeedTokens(Protocol):
    def add(self, token: FeedToken) -> None: ...

    def get(self, token_hash: str) -> FeedToken | None:
        """The feed, revoked or not; None when unknown."""
        ...

    def active_for(self, kind: str, subject: str) -> FeedToken | None: ...

    def revoke(self, token_hash: str, at: datetime) -> bool:
        """False when unknown or already revoked."""
        ...

    def all(self) -> list[FeedToken]: ...

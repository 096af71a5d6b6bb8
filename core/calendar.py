"""Calendars: what approved leave looks like in a person's calendar, and the ports that put it there.

The rules here are pure so that they are tested without a network: which provider a person's
calendar lives on, which events a request calls for (one per unbroken run of days, since a
partial cancel may cut a hole in the middle), their times, their titles after privacy, and the
stable keys that make a retried insert harmless.

Times. Providers refuse all-day out-of-office events, so a whole day is a timed event from local
midnight to the next local midnight in the employee's zone. A half day splits the day at 13:00
local time: the first half is 00:00-13:00, the second 13:00-24:00. Splitting at the usual lunch
break (rather than 12:00) keeps a 12:00-13:00 meeting with the morning, and leaving no gap means
that no meeting can be booked into an hour nobody covers.

Privacy. Colleagues see a person's calendar, so events and team feeds say "Out of office" and
never the reason; the leave type is shown only for the types the policy makes public
(:mod:`core.privacy`; none by default, so sick leave stays private unless HR decides otherwise).
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, Protocol

from core import policy_fields as f
from core.model import HalfDay, LeaveRequest, RequestStatus

PROVIDERS = ("google", "outlook")
NO_SYNC = "none"
HALF_SPLIT = time(13, 0)
PRIVATE_TITLE = "Out of office"


@dataclass(frozen=True)
class CalendarPolicy:
    """The policy's optional ``calendar`` section.

    Example::

        calendar:
          show_type: [casual, privilege]      # older spelling of privacy.public_types
          providers:                          # overrides of the organisation's default
            example.in: outlook               # an e-mail domain
            priya@example.com: none           # one person: no calendar sync
    """

    show_type: frozenset[str] = frozenset()
    providers: Mapping[str, str] = field(default_factory=dict)


def parse_calendar_policy(value: Any) -> CalendarPolicy:
    """Check the ``calendar`` section; raises :class:`core.policy_fields.PolicyError` naming the bad key."""
    root = f.mapping(value, "calendar", allowed=frozenset({"show_type", "providers"}))
    providers = f.mapping(root.get("providers", {}), "calendar.providers")
    return CalendarPolicy(
        show_type=frozenset(f.texts(root.get("show_type", []), "calendar.show_type")),
        providers={str(k).strip().casefold(): f.choice(v, f"calendar.providers.{k}", (*PROVIDERS, NO_SYNC))
                   for k, v in providers.items()},
    )


def provider_for(email: str, policy: CalendarPolicy, default: str | None) -> str | None:
    """The provider of this person's calendar: their own override, their domain's, else the default.

    None means no sync (nothing configured, or ``none`` chosen).
    """
    email = email.strip().casefold()
    domain = email.rpartition("@")[2]
    chosen = policy.providers.get(email) or policy.providers.get(domain) or default
    return None if chosen in (None, NO_SYNC) else chosen


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


def segments(start: date, end: date, cancelled: Iterable[date]) -> list[tuple[date, date]]:
    """The unbroken runs of days from ``start`` to ``end`` left after a partial cancel."""
    gone = set(cancelled)
    runs: list[tuple[date, date]] = []
    day, run_start = start, None
    while day <= end:
        if day in gone:
            if run_start is not None:
                runs.append((run_start, day - timedelta(days=1)))
                run_start = None
        elif run_start is None:
            run_start = day
        day += timedelta(days=1)
    if run_start is not None:
        runs.append((run_start, end))
    return runs


def event_key(request_id: int, created_at: datetime | None, segment: int) -> str:
    """A stable id for one event of a request, valid for Google (base32hex ``a-v0-9``, 5-1024 long).

    The request's creation time is mixed in so that two installations (a demo and production)
    sharing a calendar never claim each other's events.
    """
    seed = f"leavebot:{request_id}:{created_at.isoformat() if created_at else ''}".encode()
    digest = base64.b32hexencode(hashlib.sha256(seed).digest()[:20]).decode().lower().rstrip("=")
    return f"{digest}{segment}"


def visible_title(type_key: str, type_name: str, half: HalfDay | None, public_types: Collection[str],
                  private: bool = True) -> str:
    """What colleagues (``private``) or the person themselves see as the event's title.

    ``public_types`` are the policy's types everyone may see (:class:`core.privacy.PrivacyPolicy`).
    """
    title = type_name if not private or type_key in public_types else PRIVATE_TITLE
    if private and title != PRIVATE_TITLE:
        title = f"{PRIVATE_TITLE}: {title}"
    if half is not None:
        title += f" ({half.value.lower()} half)"
    return title


def desired_entries(request: LeaveRequest, time_zone: str, type_name: str, public_types: Collection[str],
                    private: bool = True) -> dict[int, CalendarEntry]:
    """The events an approved request calls for, by segment; none once it is not approved."""
    if request.status is not RequestStatus.APPROVED or request.id is None:
        return {}
    entries: dict[int, CalendarEntry] = {}
    half = request.half if request.start == request.end else None
    for index, (first, last) in enumerate(segments(request.start, request.end, request.cancelled_dates)):
        back = last + timedelta(days=1)
        entries[index] = CalendarEntry(
            key=event_key(request.id, request.created_at, index),
            segment=index,
            title=visible_title(request.type_key, type_name, half, public_types, private),
            first=first,
            last=last,
            half=half,
            time_zone=time_zone,
            decline_message=f"I am on leave and back on {back:%a %d %b %Y}; I will reply then.",
        )
    return entries


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
    """A feed as stored: the hash of its link's token (:func:`core.tokens.token_hash`), never the token."""

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

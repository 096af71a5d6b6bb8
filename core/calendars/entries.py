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
(:mod:`core.policy.privacy`; none by default, so sick leave stays private unless HR decides otherwise).
"""


from __future__ import annotations

import base64
import hashlib
from collections.abc import Collection, Iterable
from datetime import date, datetime, timedelta

from core.domain.model import HalfDay, LeaveRequest, RequestStatus
from core.ports.calendars import CalendarEntry

PRIVATE_TITLE = "Out of office"


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

    ``public_types`` are the policy's types everyone may see (:class:`core.policy.privacy.PrivacyPolicy`).
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

"""A time range within one day (``16:00-18:00``): what a leave type counted in hours asks for.

The grammar reads it after the date of ``/leave apply permission tomorrow 16:00-18:00``; the
request keeps it, and its hours are what the request counts (:class:`~core.domain.amount.Amount`
in hours). Times are the person's local wall-clock times, as leave dates are their local dates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time
from decimal import Decimal

from core.domain.amount import Amount

_RANGE = re.compile(r"(?P<start>\d{1,2}(?::\d{2})?)\s*(?:-|\u2013|to)\s*(?P<end>\d{1,2}(?::\d{2})?)")
_TIME = re.compile(r"(?P<hour>\d{1,2})(?::(?P<minute>\d{2}))?")


@dataclass(frozen=True)
class TimeRange:
    """From ``start`` to ``end`` on one day; ``end`` is after ``start``."""

    start: time
    end: time

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise ValueError(f"a time range ends after it starts, got {self}")

    @property
    def hours(self) -> Amount:
        """``2 hours``; a part of an hour counts as its minutes (``1.5 hours``)."""
        minutes = (datetime.combine(datetime.min, self.end) - datetime.combine(datetime.min, self.start)).seconds // 60
        return Amount.hours((Decimal(minutes) / 60).quantize(Decimal("0.01")).normalize())

    def __str__(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"


def read_time_range(text: str) -> TimeRange | None:
    """``16:00-18:00``, ``9:30 to 11:30``, ``16:00-18`` as a range; None for text that is not one
    (a time needs a colon somewhere, so that ``dec 28-31`` stays a span of dates).

    Raises:
        ValueError: for a range that reads as one but is impossible (``25:00-26:00``, ``18:00-16:00``),
            with a message that says what to write instead.
    """
    match = _RANGE.fullmatch(text.strip())
    if match is None or ":" not in text:
        return None
    start, end = _time(match["start"]), _time(match["end"])
    if end <= start:
        raise ValueError(f"The time range {text.strip()} ends before it starts; write the earlier time first, "
                         "e.g. 16:00-18:00.")
    return TimeRange(start, end)


def _time(text: str) -> time:
    found = _TIME.fullmatch(text)
    assert found is not None  # the range pattern has matched it
    hour, minute = int(found["hour"]), int(found["minute"] or 0)
    if hour > 23 or minute > 59:
        raise ValueError(f"{text} is not a time of day; write times as HH:MM, e.g. 16:00-18:00.")
    return time(hour, minute)


def time_range_of_fields(start: str, end: str) -> TimeRange | None:
    """The hours a form's two time fields give (``16:00`` and ``18:00``); None when both are empty.

    Raises:
        ValueError: one field without the other, or a range that is impossible, with what to do instead.
    """
    start, end = start.strip()[:5], end.strip()[:5]
    if not start and not end:
        return None
    if not start or not end:
        raise ValueError("Give both the first and the last hour (e.g. 16:00 and 18:00), or neither for leave "
                         "counted in days.")
    found = read_time_range(f"{start}-{end}")
    if found is None:
        raise ValueError(f"{start} to {end} is not a time range; pick the hours as HH:MM, e.g. 16:00 and 18:00.")
    return found

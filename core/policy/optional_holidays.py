"""Booking an optional (restricted) holiday: the check an application of such a type must pass.

A type marked ``optional_holidays: true`` (``optional``, RH, in the India default) takes only the
dates its region lists under ``optional_holidays`` (:mod:`core.policy.holiday_scopes`), one whole day
each, and no more of them in a year than the region's ``optional_holidays_allowed``. The year is the
region's leave year (``leave_year_start``: with ``04-01``, a January date counts in the year that
began the April before), as for every other allowance. Pending and approved bookings both count, so
that nobody holds three requests for two places.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from core.domain.leave_year import CALENDAR_YEAR, LeaveYear
from core.domain.model import HalfDay, LeaveRequest
from core.domain.text import format_day
from core.errors import NotAnOptionalHoliday, OptionalHolidaysUsed
from core.policy.holiday_scopes import OptionalHoliday
from core.policy.rules import LeaveType, Region

#: How many of the next listed dates a refusal names.
NEXT_SHOWN = 3


def bookings(requests: Iterable[LeaveRequest], leave_type: LeaveType, year: int,
             leave_year: LeaveYear = CALENDAR_YEAR) -> list[LeaveRequest]:
    """Those of ``requests`` (a person's pending and approved ones) that book ``leave_type`` in
    ``leave_year`` ``year``."""
    return sorted((r for r in requests if r.type_key == leave_type.key and leave_year.of(r.start) == year),
                  key=lambda r: r.start)


def upcoming(region: Region, today: date, taken: Iterable[date] = ()) -> list[OptionalHoliday]:
    """The region's listed dates from ``today`` on that are not ``taken`` already."""
    booked = set(taken)
    return [h for h in region.optional_holidays if h.day >= today and h.day not in booked]


def validate_optional_holiday(leave_type: LeaveType, region: Region, start: date, end: date, half: HalfDay | None,
                              today: date, active: Sequence[LeaveRequest]) -> None:
    """Refuse a date the region does not list, a span or half day, or one booking over the year's
    allowance; ``active``: the person's pending and approved requests."""
    if not leave_type.optional_holidays:
        return
    listed = {h.day: h for h in region.optional_holidays}
    mine = [r.start for r in active if r.type_key == leave_type.key]
    if start != end or half is not None:
        raise NotAnOptionalHoliday(
            f"{leave_type.name} is one whole listed day; apply for one date at a time "
            f"(/leave apply {leave_type.key} DATE). {_next(region, today, mine)}"
        )
    if start not in listed:
        raise NotAnOptionalHoliday(
            f"{format_day(start)} is not on the optional holiday list of {region.key}. "
            f"{_next(region, today, mine)} /leave optional lists the year's dates."
        )
    year = region.leave_year.of(start)
    taken = bookings(active, leave_type, year, region.leave_year)
    allowed = region.optional_holidays_allowed
    if len(taken) >= allowed:
        if not taken:
            raise OptionalHolidaysUsed(f"{region.key} allows no optional holidays in {region.leave_year.name(year)}.")
        held = "; ".join(f"{r.number} {listed[r.start].name if r.start in listed else format_day(r.start)} "
                         f"({r.status.value.lower()})" for r in taken)
        raise OptionalHolidaysUsed(
            f"You have booked {len(taken)} of the {allowed} optional holidays allowed in "
            f"{region.leave_year.name(year)}: {held}. "
            f"Cancel one (/leave cancel {taken[0].number}) to pick {listed[start].name} instead."
        )


def _next(region: Region, today: date, taken: Iterable[date]) -> str:
    found = upcoming(region, today, taken)[:NEXT_SHOWN]
    if not found:
        return f"No optional holiday of {region.key} is still to come."
    return "Next listed: " + ", ".join(f"{h.name} ({format_day(h.day)})" for h in found) + "."

"""The checks an application passes, one named step each, each with its own error.

Each step either returns quietly or raises a :class:`core.errors.LeaveError` subclass whose
message says what was wrong and what to do instead.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta

from core.domain.amount import NO_DAYS, Amount
from core.domain.dates import months_after
from core.domain.leave_year import CALENDAR_YEAR, LeaveYear
from core.domain.model import Employee, HalfDay, LeaveRequest
from core.domain.text import counted, format_day, half_name
from core.domain.workdays import total_days
from core.errors import (
    BlackoutPeriod,
    InactiveEmployee,
    InsufficientBalance,
    InvalidDates,
    NotEligible,
    NoticeTooShort,
    NoWorkingDays,
    OverlappingLeave,
    TeamLimitReached,
    UnknownEmployee,
)
from core.policy.rules import Blackout, LeaveType, TeamLimit
from core.views import BalanceRow

MAX_DAYS_IN_PAST = 60
MAX_MONTHS_AHEAD = 18
#: What a balance refusal advises; an offer of unpaid leave says what to do instead of it.
SHORT_ADVICE = "Shorten the request or choose another leave type."


def validate_employee(employee: Employee | None, email: str) -> Employee:
    if employee is None:
        raise UnknownEmployee(f"You are not in the LeaveBot directory; ask HR to add you (your e-mail: {email}).")
    if not employee.is_active:
        raise InactiveEmployee(f"{employee.name} is no longer active in the directory; ask HR if this is wrong.")
    return employee


def latest_allowed_date(today: date) -> date:
    """The last date one may apply for: 18 months ahead, clamped to the month's end."""
    return months_after(today, MAX_MONTHS_AHEAD)


def validate_dates(start: date, end: date, half: HalfDay | None, today: date, *, own_backdate: bool = False) -> None:
    """The span itself; ``own_backdate``: the type's ``backdate_days`` judges how far back it may
    begin (:func:`core.policy.application_limits.validate_backdate`) instead of the general limit."""
    if end < start:
        raise InvalidDates(
            f"The end date {format_day(end)} is before the start date {format_day(start)}; "
            "put the earlier date first."
        )
    if half and start != end:
        raise InvalidDates("A half day must be a single day; apply for the half day on its own.")
    earliest = today - timedelta(days=MAX_DAYS_IN_PAST)
    if start < earliest and not own_backdate:
        raise InvalidDates(
            f"{format_day(start)} is more than {MAX_DAYS_IN_PAST} days ago; "
            "ask HR to record leave that old."
        )
    latest = latest_allowed_date(today)
    if end > latest:
        raise InvalidDates(
            f"{format_day(end)} is more than {MAX_MONTHS_AHEAD} months ahead; "
            f"apply for dates up to {format_day(latest)}."
        )


def validate_working_days(year_days: Mapping[int, Amount], start: date, end: date) -> Amount:
    total = total_days(year_days)
    if total <= NO_DAYS:
        span = format_day(start) if start == end else f"{format_day(start)} to {format_day(end)}"
        raise NoWorkingDays(f"{span} has no working day (weekends and holidays); no leave is needed.")
    return total


def validate_eligibility(leave_type: LeaveType, employee: Employee, today: date, occurrences: int) -> None:
    """Refuse a type the person may not take (:mod:`core.policy.eligibility`), saying why; the
    same rule keeps it out of their forms, help and balance. ``occurrences``: their pending and
    approved requests of the type."""
    reason = leave_type.eligible.refusal(leave_type.name, employee, today, occurrences)
    if reason is not None:
        raise NotEligible(reason)


def validate_notice(leave_type: LeaveType, start: date, today: date) -> None:
    if leave_type.min_notice_days <= 0:
        return
    earliest = today + timedelta(days=leave_type.min_notice_days)
    if start < earliest:
        raise NoticeTooShort(
            f"{leave_type.name} must be applied for at least {counted(leave_type.min_notice_days)} ahead; "
            f"the earliest start now is {format_day(earliest)}. Consider casual leave instead."
        )


def validate_overlap(
    existing: Iterable[LeaveRequest], start: date, end: date, half: HalfDay | None
) -> None:
    for request in existing:
        if request.overlaps(start, end, half):
            if request.start == request.end:
                when = format_day(request.start, year=False)
                when += (f", {half_name(request.half)}" if request.half
                         else f", {request.time_range}" if request.time_range else ", the whole day")
            else:
                when = f"{format_day(request.start, year=False)} to {format_day(request.end, year=False)}"
            raise OverlappingLeave(
                f"This overlaps your {request.status.value.lower()} request {request.number} "
                f"({when}); cancel it first (/leave cancel {request.number}) or choose other dates."
            )


def validate_balance(leave_type: LeaveType, year_days: Mapping[int, Amount], rows: Mapping[int, BalanceRow],
                     accruing: Mapping[int, Amount] | None = None, end: date | None = None,
                     leave_year: LeaveYear = CALENDAR_YEAR) -> None:
    """Each year's share must fit that year's availability (pending requests counted), down to the
    type's negative limit.

    ``accruing`` is what each year will still accrue by the leave's last day (``end``): leave later
    in the year may count on it, and the refusal says so, since ``balance`` shows it apart.

    An unpaid type (``paid: false``) has no balance to fit: it is never refused here.
    """
    if not leave_type.paid:
        return
    limit = Amount(leave_type.negative_limit)
    for year, asked in sorted(year_days.items()):
        due = (accruing or {}).get(year, NO_DAYS)
        available = rows[year].available + due
        if asked > available + limit:
            below = f" (the balance may go {limit.figure} below zero)" if limit else ""
            by = (f" by {format_day(min(end, leave_year.last(year)))}, {due.text()} of it still to accrue"
                  if due and end else "")
            raise InsufficientBalance(
                f"Only {max(available, NO_DAYS).text(leave_type.name.lower())} "
                f"left for {leave_year.name(year)}{by}{below} (pending requests counted); "
                f"you asked for {asked.figure}. "
                f"{SHORT_ADVICE}"
            )


def validate_blackouts(blackouts: Iterable[Blackout], employee: Employee, start: date, end: date) -> tuple[str, ...]:
    """Refuse leave in a ``refuse`` blackout; return the flags of those that need HR approval too."""
    flags = []
    for blackout in blackouts:
        if not blackout.applies(employee.region, employee.department, start, end):
            continue
        span = f"{format_day(blackout.start)} to {format_day(blackout.end)}"
        if blackout.action == "refuse":
            raise BlackoutPeriod(
                f"Leave is closed from {span} ({blackout.reason}); choose dates outside it or talk to HR."
            )
        flags.append(f"Blackout {span} ({blackout.reason}): needs HR approval too")
    return tuple(flags)


def validate_team_limits(limits: Iterable[TeamLimit], employee: Employee, headcount: int,
                         out_by_day: Mapping[date, int]) -> tuple[str, ...]:
    """Refuse (or flag, as the policy says) a day when the department would be over its limit.

    ``out_by_day`` counts the others of the department already out (approved or pending) on each
    working day of the request; ``headcount`` is the department's active people.
    """
    flags = []
    for limit in limits:
        if not limit.covers(employee.department):
            continue
        allowed = limit.allowed_out(headcount)
        for day, out in sorted(out_by_day.items()):
            if out + 1 <= allowed:
                continue
            fact = (f"{out} of {headcount} people in {employee.department} are already out on {format_day(day)}; "
                    f"the limit is {allowed}")
            if limit.action == "refuse":
                raise TeamLimitReached(f"{fact}. Choose other dates or ask your manager.")
            flags.append(f"Team limit: {fact}")
            break
    return tuple(flags)

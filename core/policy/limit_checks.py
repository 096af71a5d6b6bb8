"""The checks of the per-type limits on one application (:mod:`core.policy.application_limits`),
one named step each, each refusal saying which rule, the numbers, and what to do instead."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta

from core.domain.amount import Amount
from core.domain.model import LeaveRequest
from core.domain.text import counted, format_day
from core.errors import AdjacentLeave, StretchTooLong, TooFewDays, TooLateToApply
from core.policy.rules import LeaveType


def validate_backdate(leave_type: LeaveType, start: date, today: date) -> None:
    """Leave that has begun may be applied for up to ``backdate_days`` after its first day."""
    allowed = leave_type.limits.backdate_days
    if allowed is None or start >= today - timedelta(days=allowed):
        return
    earliest = today - timedelta(days=allowed)
    if allowed == 0:
        rule = f"{leave_type.name} can't be applied for once it has begun"
    else:
        rule = f"{leave_type.name} may be applied for up to {counted(allowed)} after it begins"
    raise TooLateToApply(
        f"{rule}; {format_day(start)} was {counted((today - start).days)} ago. Apply from "
        f"{format_day(earliest)} on, or ask HR to record the leave for you."
    )


def validate_min_days(leave_type: LeaveType, days: Amount) -> None:
    least = leave_type.limits.min_days
    if least is None or not days < Amount.days(least):
        return
    raise TooFewDays(
        f"{leave_type.name} is taken at least {Amount.days(least).text()} at a time; this asks for "
        f"{days.text()}. Apply for at least {Amount.days(least).text()}, or choose another leave type."
    )


def validate_max_consecutive(leave_type: LeaveType, days: Amount, stretch: Sequence[LeaveRequest]) -> None:
    """The request and the requests of its type it touches (a stretch) stay within the type's most
    days in a row."""
    most = leave_type.limits.max_consecutive_days
    if most is None:
        return
    total = sum((r.days for r in stretch), days)
    if not Amount.days(most) < total:
        return
    rule = f"{leave_type.name} may run at most {Amount.days(most).text()} in a row"
    if not stretch:
        raise StretchTooLong(f"{rule}; this asks for {days.text()}. Shorten it to {Amount.days(most).text()} "
                             "or fewer, or take the rest as another leave type.")
    touched = ", ".join(f"{r.number} ({_span(r)})" for r in stretch)
    raise StretchTooLong(
        f"{rule}; with {touched}, which {'it touches' if len(stretch) == 1 else 'make one stretch with it'}, "
        f"this makes {total.text()}. Shorten it, or leave a working day between them."
    )


def validate_not_adjacent(leave_type: LeaveType, touching: Sequence[tuple[LeaveRequest, str]],
                          types: Mapping[str, LeaveType]) -> None:
    """Leave of this type may not touch leave of the types it names, nor of types that name it."""
    for request, side in touching:
        other = types.get(request.type_key)
        if other is None:
            continue
        if request.type_key not in leave_type.limits.not_adjacent_to and \
                leave_type.key not in other.limits.not_adjacent_to:
            continue
        where = "ends the working day before" if side == "before" else "starts the working day after"
        raise AdjacentLeave(
            f"{leave_type.name} may not touch {other.name.lower()}: your {request.status.value.lower()} request "
            f"{request.number} ({_span(request)}) {where} this one. Leave a working day between them, "
            f"or apply for {other.name.lower()} for these days too."
        )


def _span(request: LeaveRequest) -> str:
    if request.start == request.end:
        return format_day(request.start, year=False)
    return f"{format_day(request.start, year=False)} to {format_day(request.end, year=False)}"

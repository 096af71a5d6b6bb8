"""How a leave type counts its days: which dates of a span it charges, and against what.

``count`` says which dates of a request are leave days: ``working_days`` (the default: the region's
weekends and the person's holidays are left out) or ``calendar_days`` (every date counts, as the law
counts maternity leave). ``entitlement`` says what the days are charged against: ``yearly`` (the
default: the year's balance) or ``per_occurrence``, where each request may run to
``days_per_occurrence`` and there is no yearly balance at all (how many requests a person may have
is the ``eligible.max_occurrences`` rule). ``unit: hours`` makes a short leave ("permission"): one
day's time range (``16:00-18:00``) of at most ``max_hours_per_application``, with no yearly
balance either; ``max_applications_per_month`` caps how many requests of a type (any unit) may
start in one month. :func:`skipped` is the one place deciding which dates a type leaves out;
applying, cancelling days and every later count of a request go through it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from core.domain.amount import Amount, Unit
from core.domain.hours import TimeRange
from core.domain.model import LeaveRequest
from core.domain.text import counted
from core.errors import HoursNotAllowed, MonthlyLimitReached, PolicyError, TooLongForOccurrence
from core.policy import values as f

COUNTS = ("working_days", "calendar_days")
ENTITLEMENTS = ("yearly", "per_occurrence")
#: The keys of a leave type that this module reads.
COUNTING_FIELDS = frozenset({"count", "entitlement", "days_per_occurrence", "unit", "max_hours_per_application",
                             "max_applications_per_month"})
#: The longest a request in hours may be: one working day.
MAX_HOURS = Decimal(12)
NO_DATES: frozenset[date] = frozenset()
NO_WEEKEND: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Counting:
    """How one type counts; the defaults count working days against a yearly balance."""

    calendar_days: bool = False
    #: The most days one request may charge, for a type with no yearly balance; None: yearly.
    days_per_occurrence: Decimal | None = None
    #: ``hours``: a request is one day's time range, counted in hours.
    unit: Unit = Unit.DAYS
    max_hours: Decimal | None = None
    #: How many requests (pending or approved) may start in one calendar month; None: any number.
    per_month: int | None = None

    @property
    def in_hours(self) -> bool:
        return self.unit is Unit.HOURS

    @property
    def yearly(self) -> bool:
        """Counted against a yearly balance (not per occurrence, not in hours)."""
        return not self.per_occurrence and not self.in_hours

    @property
    def per_occurrence(self) -> bool:
        return self.days_per_occurrence is not None

    @property
    def occurrence(self) -> Amount:
        """``182 days``: what one occurrence may run to (nothing for a yearly type)."""
        return Amount.days(self.days_per_occurrence or 0)


def skipped(counting: Counting, weekend: frozenset[int],
            off: AbstractSet[date]) -> tuple[frozenset[int], AbstractSet[date]]:
    """The weekend days and holidays that a type's leave leaves out: none for calendar days."""
    if counting.calendar_days:
        return NO_WEEKEND, NO_DATES
    return weekend, off


def parse_counting(doc: Mapping[str, Any], where: str, *, has_yearly_days: bool) -> Counting:
    """Read the counting keys of the leave type at ``where`` (its other keys are read elsewhere).

    ``has_yearly_days``: the type names ``days_per_year``, which a per-occurrence type may not.
    """
    count = f.choice(doc.get("count", "working_days"), f"{where}.count", COUNTS)
    entitlement = f.choice(doc.get("entitlement", "yearly"), f"{where}.entitlement", ENTITLEMENTS)
    per = doc.get("days_per_occurrence")
    monthly = doc.get("max_applications_per_month")
    per_month = None if monthly is None else f.whole(monthly, f"{where}.max_applications_per_month", 1, 31)
    if f.choice(doc.get("unit", "days"), f"{where}.unit", tuple(Unit)) == Unit.HOURS:
        return _in_hours(doc, where, has_yearly_days=has_yearly_days, per_month=per_month,
                         calendar_days=count == "calendar_days", per_occurrence=entitlement == "per_occurrence")
    if "max_hours_per_application" in doc:
        raise PolicyError(f"{where}.max_hours_per_application: only a type with unit: hours has it")
    if entitlement == "yearly":
        if per is not None:
            raise PolicyError(f"{where}.days_per_occurrence: only a type with entitlement: per_occurrence has it")
        return Counting(calendar_days=count == "calendar_days", per_month=per_month)
    if per is None:
        raise PolicyError(f"{where}.days_per_occurrence: entitlement: per_occurrence needs the days one "
                          "occurrence may run to")
    if has_yearly_days:
        raise PolicyError(f"{where}.days_per_year: a per_occurrence type has no yearly balance; remove days_per_year")
    days = f.days(per, f"{where}.days_per_occurrence")
    if days <= 0:
        raise PolicyError(f"{where}.days_per_occurrence: expected more than 0 days, got {days}")
    return Counting(calendar_days=count == "calendar_days", days_per_occurrence=days, per_month=per_month)


def _in_hours(doc: Mapping[str, Any], where: str, *, has_yearly_days: bool, per_month: int | None,
              calendar_days: bool, per_occurrence: bool) -> Counting:
    """A type counted in hours: a cap per application, no yearly balance, no days of any kind."""
    for wrong, present in (("count", calendar_days), ("entitlement", per_occurrence),
                           ("days_per_year", has_yearly_days), ("days_per_occurrence", "days_per_occurrence" in doc)):
        if present:
            raise PolicyError(f"{where}.{wrong}: a type counted in hours (unit: hours) has no days; remove {wrong}")
    if "max_hours_per_application" not in doc:
        raise PolicyError(f"{where}.max_hours_per_application: unit: hours needs the most hours one request may ask")
    most = f.days(doc["max_hours_per_application"], f"{where}.max_hours_per_application")
    if not 0 < most <= MAX_HOURS:
        raise PolicyError(f"{where}.max_hours_per_application: expected more than 0 and at most {MAX_HOURS} hours, "
                          f"got {most}")
    return Counting(unit=Unit.HOURS, max_hours=most, per_month=per_month)


def validate_occurrence_length(counting: Counting, type_name: str, asked: Amount) -> None:
    """A per-occurrence type's request may charge at most one occurrence's days."""
    if counting.per_occurrence and asked > counting.occurrence:
        raise TooLongForOccurrence(
            f"{type_name} is {_days(counting, counting.occurrence)} per occurrence; you asked for {asked.figure}. "
            f"Shorten the request to {counting.occurrence.text()}, or apply for the rest as another leave type."
        )


def occurrence_note(counting: Counting, type_name: str, asked: Amount) -> tuple[str, ...]:
    """What the reply, the plan and the approver's card say of a per-occurrence request (in place
    of a yearly balance), or nothing for a yearly type."""
    if not counting.per_occurrence:
        return ()
    return (f"{type_name}: {_days(counting, counting.occurrence)} per occurrence, no yearly balance; "
            f"this request counts {_days(counting, asked)}",)


def _days(counting: Counting, amount: Amount) -> str:
    """``182 calendar days`` or ``5 working days``."""
    return amount.text("calendar" if counting.calendar_days else "working")


def validate_time_range(counting: Counting, type_name: str, type_key: str, asked: TimeRange | None) -> None:
    """A type counted in hours needs a time range of at most its cap; a type counted in days takes none."""
    if not counting.in_hours:
        if asked is not None:
            raise HoursNotAllowed(f"{type_name} is counted in days, not hours; leave out {asked}, or apply for "
                                  "a half day (half-day, first-half, second-half).")
        return
    most = Amount.hours(counting.max_hours or 0)
    if asked is None:
        raise HoursNotAllowed(f"{type_name} is counted in hours: say which, e.g. apply {type_key} tomorrow "
                              f"16:00-18:00 (at most {most.text()}).")
    if asked.hours > most:
        raise HoursNotAllowed(f"{type_name} is at most {most.text()} at a time; {asked} is {asked.hours.text()}. "
                              "Shorten it, or apply for a half day of another leave type.")


def validate_per_month(counting: Counting, type_name: str, start: date, requests: Iterable[LeaveRequest]) -> None:
    """At most ``max_applications_per_month`` requests of the type (pending or approved, ``requests``)
    may start in the month of ``start``."""
    if counting.per_month is None:
        return
    same = sorted((r for r in requests if (r.start.year, r.start.month) == (start.year, start.month)),
                  key=lambda r: (r.start, r.id or 0))
    if len(same) >= counting.per_month:
        listed = ", ".join(r.number for r in same)
        raise MonthlyLimitReached(
            f"{type_name} may be taken {counted(counting.per_month, 'time')} a month, and you already have "
            f"{counted(len(same), 'request')} in {start:%B %Y} ({listed}); choose a day in another month, "
            f"or cancel one of them first."
        )


def hours_hint(counting: Counting) -> str:
    """How help tells people to ask for a type counted in hours (nothing for one counted in days)."""
    if not counting.in_hours:
        return ""
    return f"in hours, at most {Amount.hours(counting.max_hours or 0).text()}: add a time such as 16:00-18:00"

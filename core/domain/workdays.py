"""The one working-day calculator: which dates of a span count as leave, and how much.

Days counted = calendar days - the region's weekend days - holidays that apply to the person's
region and location. A half day counts 0.5 and only on a one-day request. What a request is
charged comes out as an :class:`~core.domain.amount.Amount`; the figure of each single date stays a
plain ``Decimal`` (1 or 0.5), the weight that calendars and heat maps add up date by date.
A leave type with the sandwich rule is charged the weekends and holidays between its leave days
as well (:func:`charged_dates`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from collections.abc import Set as AbstractSet
from datetime import date, timedelta
from decimal import Decimal

from core.domain.amount import NO_DAYS, Amount
from core.domain.leave_year import CALENDAR_YEAR, LeaveYear
from core.domain.model import HalfDay, Holiday

HALF = Decimal("0.5")
ONE = Decimal(1)


def each_day(start: date, end: date) -> Iterator[date]:
    day = start
    while day <= end:
        yield day
        day += timedelta(days=1)


def working_dates(
    start: date, end: date, weekend: frozenset[int], holidays: Iterable[date]
) -> list[date]:
    """The dates between ``start`` and ``end`` (inclusive) that are neither weekend nor holiday."""
    off = set(holidays)
    return [d for d in each_day(start, end) if d.weekday() not in weekend and d not in off]


def days_by_year(
    start: date,
    end: date,
    half: HalfDay | None,
    weekend: frozenset[int],
    holidays: Iterable[date],
    leave_year: LeaveYear = CALENDAR_YEAR,
) -> dict[int, Amount]:
    """Leave days counted per leave year; years with no working day are left out.

    Each year's days are charged to that year's balance, so a request over the year's first day
    (1 January, or 1 April for an April leave year) is split.
    """
    return per_year(dated_days(start, end, half, weekend, holidays), leave_year)


def per_year(dated: Mapping[date, Decimal], leave_year: LeaveYear = CALENDAR_YEAR) -> dict[int, Amount]:
    """Figures per date (:func:`dated_days`, :func:`charged_dates`) summed per leave year."""
    years: dict[int, Decimal] = {}
    for day, weight in dated.items():
        year = leave_year.of(day)
        years[year] = years.get(year, Decimal(0)) + weight
    return {year: Amount.days(days) for year, days in years.items()}


def total_days(year_days: Mapping[int, Amount]) -> Amount:
    """A request's days in all: its years' shares added up (no days for none)."""
    return sum(year_days.values(), NO_DAYS)


def dated_days(
    start: date,
    end: date,
    half: HalfDay | None,
    weekend: frozenset[int],
    holidays: Iterable[date],
) -> dict[date, Decimal]:
    """Each working date of the span with what it counts (1, or 0.5 on a half day).

    :func:`days_by_year` is these amounts summed per year, so figures per day (reports over any
    period) always add up to what the ledger was charged per year.
    """
    amount = HALF if half else ONE
    return dict.fromkeys(working_dates(start, end, weekend, holidays), amount)


def holiday_dates(holidays: Iterable[Holiday], region: str, location: str, subdivision: str | None = None) -> set[date]:
    """The dates off for someone of ``region`` at ``location`` (mapped to ``subdivision``)."""
    return {h.day for h in holidays if h.applies_to(region, location, subdivision)}


def holidays_listed(holidays: Iterable[Holiday], region: str, location: str,
                    subdivision: str | None = None) -> list[Holiday]:
    """The holidays that apply, one per date in date order: a date in several lists (the company's,
    the national one, a state's, or a list synced twice) is one day off, so it is shown once, under
    the company's own name when it has one, else the widest list's."""
    chosen: dict[date, Holiday] = {}
    ranked = sorted(holidays, key=lambda h: (h.day, h.source != "policy", h.subdivision is not None,
                                             h.location is not None))
    for holiday in ranked:
        if holiday.applies_to(region, location, subdivision):
            chosen.setdefault(holiday.day, holiday)
    return list(chosen.values())


#: How far a run of weekend and holiday days is followed to find the leave day beyond it.
LONGEST_RUN = 31


def sandwiched_dates(leave: AbstractSet[date], is_off: Callable[[date], bool],
                     neighbours: AbstractSet[date] = frozenset()) -> set[date]:
    """The weekend and holiday dates that the sandwich rule charges: each run of them with a leave
    day on either side, one of which is in ``leave`` (whole leave days of the request) and the
    other in ``leave`` or ``neighbours`` (whole leave days of touching requests of the type).

    The one place that decides what a sandwich charges; applying, cancelling some days and every
    count of a request's dated days (reports, the ledger's figures) go through it.
    """
    around = leave | neighbours
    found: set[date] = set()
    for day in leave:
        for step in (timedelta(days=1), timedelta(days=-1)):
            run: list[date] = []
            next_day = day + step
            while next_day not in around and is_off(next_day) and len(run) < LONGEST_RUN:
                run.append(next_day)
                next_day += step
            # A run between two days of the request is found from both ends; once is enough.
            if run and (next_day in neighbours or (next_day in leave and step.days > 0)):
                found.update(run)
    return found


def charged_dates(
    start: date,
    end: date,
    half: HalfDay | None,
    weekend: frozenset[int],
    holidays: Iterable[date],
    *,
    sandwich: bool = False,
    cancelled: AbstractSet[date] = frozenset(),
    neighbours: AbstractSet[date] | None = None,
) -> dict[date, Decimal]:
    """Each date a request charges, with what it counts: its working dates (:func:`dated_days`),
    and with ``sandwich`` the weekends and holidays lying between them, each a whole day.

    ``cancelled`` are days a partial cancel gave back. ``neighbours`` are the whole leave days of
    touching requests of the type, when applying; None reads the request as stored, whose span
    already reaches over the days sandwiched against its neighbours (they lie at its edges).
    A half day never sandwiches.
    """
    off = set(holidays)
    charged = dated_days(start, end, half, weekend, off | cancelled)
    if not sandwich or half or not charged:
        return charged
    beyond = {start - timedelta(days=1), end + timedelta(days=1)} if neighbours is None else neighbours

    def is_off(day: date) -> bool:
        return (day.weekday() in weekend or day in off) and day not in cancelled

    return charged | dict.fromkeys(sandwiched_dates(set(charged), is_off, beyond), ONE)

"""The one working-day calculator: which dates of a span count as leave, and how much.

Days counted = calendar days - the region's weekend days - holidays that apply to the person's
region and location. A half day counts 0.5 and only on a one-day request. What a request is
charged comes out as an :class:`~core.domain.amount.Amount`; the figure of each single date stays a
plain ``Decimal`` (1 or 0.5), the weight that calendars and heat maps add up date by date.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import date, timedelta
from decimal import Decimal

from core.domain.amount import NO_DAYS, Amount
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
) -> dict[int, Amount]:
    """Leave days counted per leave (calendar) year; years with no working day are left out.

    Each year's days are charged to that year's balance, so a request over New Year is split.
    """
    per_year: dict[int, Decimal] = {}
    for day, weight in dated_days(start, end, half, weekend, holidays).items():
        per_year[day.year] = per_year.get(day.year, Decimal(0)) + weight
    return {year: Amount.days(days) for year, days in per_year.items()}


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


def holiday_dates(holidays: Iterable[Holiday], region: str, location: str) -> set[date]:
    return {h.day for h in holidays if h.applies_to(region, location)}

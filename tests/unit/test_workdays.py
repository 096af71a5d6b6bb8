"""Counting leave days across weekends, holidays, month and year ends, and half days."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from core.domain.amount import Amount
from core.domain.model import HalfDay, Holiday
from core.domain.workdays import days_by_year, holiday_dates, total_days, working_dates

WEEKEND = frozenset({5, 6})


def test_weekend_is_not_counted() -> None:
    # Fri 27 Nov to Mon 30 Nov 2026.
    assert days_by_year(date(2026, 11, 27), date(2026, 11, 30), None, WEEKEND, []) == {2026: Amount.days(2)}


def test_holidays_are_not_counted() -> None:
    christmas = [date(2026, 12, 25)]
    assert days_by_year(date(2026, 12, 21), date(2026, 12, 25), None, WEEKEND, christmas) == {2026: Amount.days(4)}


def test_month_and_year_boundaries_split_by_year() -> None:
    span = days_by_year(date(2026, 12, 28), date(2027, 1, 8), None, WEEKEND, [date(2027, 1, 1)])
    assert span == {2026: Amount.days(4), 2027: Amount.days(5)}
    assert days_by_year(date(2026, 1, 30), date(2026, 2, 2), None, WEEKEND, []) == {2026: Amount.days(2)}


def test_half_day_counts_half() -> None:
    assert days_by_year(date(2026, 12, 1), date(2026, 12, 1), HalfDay.SECOND, WEEKEND, []) == {2026: Amount.days("0.5")}


def test_a_day_off_only_span_counts_nothing() -> None:
    assert days_by_year(date(2026, 12, 26), date(2026, 12, 27), None, WEEKEND, []) == {}


def test_other_weekends() -> None:
    friday_saturday = frozenset({4, 5})
    assert days_by_year(date(2026, 11, 26), date(2026, 11, 29), None, friday_saturday, []) == {2026: Amount.days(2)}


def test_location_holidays_apply_only_there() -> None:
    holidays = [Holiday(date(2026, 9, 14), "Ganesh Chaturthi", "INDIA", "Mumbai"),
                Holiday(date(2026, 10, 2), "Gandhi Jayanti", "INDIA")]
    assert holiday_dates(holidays, "INDIA", "Mumbai") == {date(2026, 9, 14), date(2026, 10, 2)}
    assert holiday_dates(holidays, "INDIA", "Bengaluru") == {date(2026, 10, 2)}
    assert holiday_dates(holidays, "UK", "Mumbai") == set()


@given(
    start=st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)),
    length=st.integers(min_value=0, max_value=400),
    holidays=st.sets(st.dates(min_value=date(2020, 1, 1), max_value=date(2031, 12, 31)), max_size=30),
)
def test_counted_days_are_the_working_dates(start: date, length: int, holidays: set[date]) -> None:
    end = start + timedelta(days=length)
    counted = days_by_year(start, end, None, WEEKEND, holidays)
    dates = working_dates(start, end, WEEKEND, holidays)
    assert total_days(counted) == Amount.days(len(dates)) and len(dates) <= length + 1
    assert all(d.weekday() < 5 and d not in holidays for d in dates)
    assert set(counted) == {d.year for d in dates}

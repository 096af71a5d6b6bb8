"""The one date parser: every accepted form, the year rule, weekdays, and what it refuses."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from core.domain.dates import (
    MAX_YEAR,
    MIN_YEAR,
    parse_date,
    parse_period,
    parse_request_id,
    parse_year,
    read_date,
)
from core.domain.model import REQUEST_NUMBER_OFFSET
from core.errors import BadCommand, BadDate

WEDNESDAY = date(2026, 11, 25)
NEW_YEAR_EVE_EVE = date(2026, 12, 30)  # a Wednesday too


@pytest.mark.parametrize(
    "text",
    [
        "2026-12-24",
        "24 Dec",
        "Dec 24",
        "24 December",
        "December 24",
        "24-Dec",
        "24 Dec 2026",
        "Dec 24 2026",
        "Dec 24, 2026",
        "24-Dec-2026",
        "24th Dec",
        "Dec. 24",
        "  dec   24  ",
        "DEC 24",
        "24 DECEMBER 2026",
    ],
)
def test_every_written_form_of_christmas_eve(text: str) -> None:
    assert parse_date(text, WEDNESDAY) == date(2026, 12, 24)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 jan", date(2027, 1, 1)),
        ("5 Jan", date(2027, 1, 5)),
        ("20 Nov", date(2026, 11, 20)),
        ("27 Sep", date(2026, 9, 27)),  # 59 days back: still this year
        ("26 Sep", date(2026, 9, 26)),  # exactly 60 days back: still this year
        ("25 Sep", date(2027, 9, 25)),  # 61 days back: next year
        ("sept 30", date(2026, 9, 30)),
        ("1 Aug", date(2027, 8, 1)),
    ],
)
def test_a_date_without_a_year_is_this_year_unless_over_60_days_back(text: str, expected: date) -> None:
    assert parse_date(text, WEDNESDAY) == expected


def test_year_rule_across_new_year() -> None:
    assert parse_date("2 Jan", NEW_YEAR_EVE_EVE) == date(2027, 1, 2)
    assert parse_date("31 Dec", NEW_YEAR_EVE_EVE) == date(2026, 12, 31)
    assert parse_date("1 Nov", NEW_YEAR_EVE_EVE) == date(2026, 11, 1)
    assert parse_date("1 Oct", NEW_YEAR_EVE_EVE) == date(2027, 10, 1)
    # Early in January the 60-day window reaches back into last year.
    assert parse_date("31 Dec", date(2027, 1, 5)) == date(2026, 12, 31)
    assert parse_date("1 Dec", date(2027, 1, 5)) == date(2026, 12, 1)
    assert parse_date("1 Nov", date(2027, 1, 5)) == date(2027, 11, 1)
    assert parse_date("5 Jan", date(2027, 1, 5)) == date(2027, 1, 5)


def test_an_explicit_year_is_kept_even_far_in_the_past() -> None:
    assert parse_date("5 Jan 2026", WEDNESDAY) == date(2026, 1, 5)
    assert parse_date("2020-02-29", WEDNESDAY) == date(2020, 2, 29)


def test_29_february_without_a_year() -> None:
    assert parse_date("29 Feb", date(2027, 12, 1)) == date(2028, 2, 29)
    assert parse_date("Feb 29", date(2028, 1, 10)) == date(2028, 2, 29)
    with pytest.raises(BadDate, match="2027 has 28 days"):
        parse_date("29 Feb", WEDNESDAY)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("today", WEDNESDAY), ("TOMORROW", date(2026, 11, 26)), (" yesterday ", date(2026, 11, 24))],
)
def test_relative_words(text: str, expected: date) -> None:
    assert parse_date(text, WEDNESDAY) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("wednesday", date(2026, 11, 25)),  # today is a Wednesday: on or after today
        ("wed", date(2026, 11, 25)),
        ("thursday", date(2026, 11, 26)),
        ("thu", date(2026, 11, 26)),
        ("thurs", date(2026, 11, 26)),
        ("friday", date(2026, 11, 27)),
        ("Fri", date(2026, 11, 27)),
        ("saturday", date(2026, 11, 28)),
        ("sun", date(2026, 11, 29)),
        ("monday", date(2026, 11, 30)),
        ("mon", date(2026, 11, 30)),
        ("tues", date(2026, 12, 1)),
        ("tuesday", date(2026, 12, 1)),
        ("this friday", date(2026, 11, 27)),
        ("this wednesday", date(2026, 11, 25)),
        ("next friday", date(2026, 12, 4)),  # the Friday of next week; "this friday" is the 27th
        ("next wednesday", date(2026, 12, 2)),
        ("next tuesday", date(2026, 12, 1)),
        ("NEXT   Monday", date(2026, 11, 30)),
    ],
)
def test_weekdays_count_from_today(text: str, expected: date) -> None:
    assert parse_date(text, WEDNESDAY) == expected


def test_weekdays_cross_the_year() -> None:
    assert parse_date("friday", NEW_YEAR_EVE_EVE) == date(2027, 1, 1)
    assert parse_date("next wednesday", NEW_YEAR_EVE_EVE) == date(2027, 1, 6)


@given(today=st.dates(date(1950, 1, 1), date(2900, 12, 31)), word=st.sampled_from(["mon", "friday", "sun"]))
def test_weekday_rules_hold_every_day(today: date, word: str) -> None:
    plain = parse_date(word, today)
    following = parse_date(f"next {word}", today)
    assert 0 <= (plain - today).days <= 6
    assert 7 <= (following - today).days + today.weekday() <= 13  # a day of next week
    assert plain.weekday() == following.weekday()
    assert parse_date(f"this {word}", today) == plain


def test_an_end_reads_forwards_from_its_start() -> None:
    # Plainly "monday" is 30 Nov, before a span that starts on 1 Dec; as its end it is 7 Dec.
    assert parse_date("monday", WEDNESDAY, not_before=date(2026, 12, 1)) == date(2026, 12, 7)
    assert parse_date("next friday", WEDNESDAY, not_before=date(2026, 12, 5)) == date(2026, 12, 11)
    # In March, "20 Jan" is this January; as the end of a span from 30 Dec it is next January.
    assert parse_date("20 Jan", date(2026, 3, 15), not_before=date(2026, 12, 30)) == date(2027, 1, 20)
    # A plain reading on or after the start is never moved, and explicit dates never are.
    assert parse_date("friday", WEDNESDAY, not_before=WEDNESDAY) == date(2026, 11, 27)
    assert parse_date("2026-11-01", WEDNESDAY, not_before=WEDNESDAY) == date(2026, 11, 1)
    assert parse_date("today", WEDNESDAY, not_before=date(2026, 12, 1)) == WEDNESDAY


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("31 Feb", "February has at most 29 days"),
        ("Feb 30 2028", "February 2028 has 29 days"),
        ("2026-02-29", "not a leap year"),
        ("2026-13-01", "only 12 months"),
        ("2026-00-10", "only 12 months"),
        ("31 Apr", "April has at most 30 days"),
        ("0 Dec", "start at 1"),
        ("2026-04-31", "April 2026 has 30 days"),
    ],
)
def test_impossible_dates_say_they_do_not_exist(text: str, why: str) -> None:
    with pytest.raises(BadDate) as caught:
        parse_date(text, WEDNESDAY)
    assert "does not exist" in caught.value.message
    assert why in caught.value.message
    assert text in caught.value.message


@pytest.mark.parametrize(
    "text",
    ["tomorow", "", "   ", "next", "24", "Dec", "24 Dec 26", "12-24", "2026-12", "someday", "nextfriday", "24 Dex"],
)
def test_unreadable_text_shows_the_accepted_forms(text: str) -> None:
    with pytest.raises(BadDate) as caught:
        parse_date(text, WEDNESDAY)
    message = caught.value.message
    assert "2026-12-24" in message and "24 Dec" in message and "next friday" in message
    assert text.strip() in message


def test_a_typo_gets_a_suggestion() -> None:
    with pytest.raises(BadDate, match="Did you mean 'tomorrow'"):
        parse_date("tomorow", WEDNESDAY)
    with pytest.raises(BadDate, match="Did you mean 'december'"):
        parse_date("24 Decmber", WEDNESDAY)


def test_years_out_of_range_are_refused() -> None:
    with pytest.raises(BadDate, match="between"):
        parse_date("9999-12-31", WEDNESDAY)
    with pytest.raises(BadDate, match="between"):
        parse_date("0000-01-01", WEDNESDAY)
    with pytest.raises(BadDate, match="between"):
        parse_date("tomorrow", date.max)
    with pytest.raises(BadDate, match="between"):
        parse_date("24 dec", date(MAX_YEAR + 1, 6, 1))
    assert parse_date(f"{MIN_YEAR}-01-01", WEDNESDAY) == date(MIN_YEAR, 1, 1)


def test_read_date_tells_no_form_from_a_wrong_day() -> None:
    assert read_date("family trip", WEDNESDAY) is None
    assert read_date("24 dec family", WEDNESDAY) is None
    with pytest.raises(BadDate):
        read_date("31 feb", WEDNESDAY)


def test_a_long_paste_is_not_echoed_whole() -> None:
    with pytest.raises(BadDate) as caught:
        parse_date("x" * 5000, WEDNESDAY)
    assert len(caught.value.message) < 300


@given(text=st.text(), today=st.dates())
def test_parse_date_returns_a_date_or_raises_bad_date(text: str, today: date) -> None:
    try:
        found = parse_date(text, today)
    except BadDate as error:
        assert error.message
    else:
        assert MIN_YEAR <= found.year <= MAX_YEAR


@given(day=st.dates(date(1900, 1, 1), date(2999, 12, 31)), today=st.dates())
def test_iso_dates_round_trip(day: date, today: date) -> None:
    assert parse_date(day.isoformat(), today) == day


@given(offset=st.integers(-60, 300), today=st.dates(date(1901, 1, 1), date(2998, 1, 1)))
@example(offset=-5, today=date(2027, 1, 5))
@example(offset=-60, today=date(2027, 2, 28))
@example(offset=300, today=date(2027, 2, 28))
def test_day_month_without_year_round_trips_inside_the_window(offset: int, today: date) -> None:
    day = today + timedelta(days=offset)
    assert parse_date(f"{day.day} {day:%b}", today) == day
    assert parse_date(f"{day:%B} {day.day}", today) == day


# Periods


@pytest.mark.parametrize(
    ("text", "start", "end", "label"),
    [
        ("2026-11", date(2026, 11, 1), date(2026, 11, 30), "2026-11"),
        ("2026-1", date(2026, 1, 1), date(2026, 1, 31), "2026-01"),
        ("2026-12", date(2026, 12, 1), date(2026, 12, 31), "2026-12"),
        ("2028-02", date(2028, 2, 1), date(2028, 2, 29), "2028-02"),
        ("2026-02", date(2026, 2, 1), date(2026, 2, 28), "2026-02"),
        ("2026-Q1", date(2026, 1, 1), date(2026, 3, 31), "2026-Q1"),
        ("2026-q2", date(2026, 4, 1), date(2026, 6, 30), "2026-Q2"),
        ("2026-Q3", date(2026, 7, 1), date(2026, 9, 30), "2026-Q3"),
        (" 2026-Q4 ", date(2026, 10, 1), date(2026, 12, 31), "2026-Q4"),
        ("2026q4", date(2026, 10, 1), date(2026, 12, 31), "2026-Q4"),
        ("2026", date(2026, 1, 1), date(2026, 12, 31), "2026"),
    ],
)
def test_periods(text: str, start: date, end: date, label: str) -> None:
    assert parse_period(text) == (start, end, label)


@pytest.mark.parametrize("text", ["", "2026-13", "2026-0", "2026-Q5", "2026-Q0", "Q4", "26", "november", "9999"])
def test_bad_periods(text: str) -> None:
    with pytest.raises(BadCommand) as caught:
        parse_period(text)
    assert "2026-Q4" in caught.value.message


def test_parse_year() -> None:
    assert parse_year("2027") == 2027
    assert parse_year(" 2027 ") == 2027
    assert parse_year("27") is None
    assert parse_year("0000") is None
    assert parse_year("next") is None


# Request ids


@pytest.mark.parametrize("text", ["LV-1042", "lv-1042", "1042", "#1042", " LV-1042 ", "LV1042", "#LV-1042"])
def test_request_ids(text: str) -> None:
    assert parse_request_id(text) == 1042 - REQUEST_NUMBER_OFFSET


@pytest.mark.parametrize(
    "text", ["LV-1000", "1000", "42", "0", "LV-", "abc", "", "LV-10x", "-1042", "1" * 30, "LV-99999999999"]
)
def test_bad_request_ids(text: str) -> None:
    with pytest.raises(BadCommand) as caught:
        parse_request_id(text)
    assert caught.value.message == (f"'{text.strip()}' is not a request id; ids look like LV-1042 (see /leave list)")


@given(number=st.integers(REQUEST_NUMBER_OFFSET + 1, 2**31 - 1))
def test_request_numbers_round_trip(number: int) -> None:
    assert parse_request_id(f"LV-{number}") == number - REQUEST_NUMBER_OFFSET

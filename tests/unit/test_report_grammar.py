"""``/leave report``: a month, quarter or year, or the days between two dates, and a department."""

from __future__ import annotations

from datetime import date

import pytest

from core.commands import Report
from core.errors import BadCommand
from core.language.grammar import USAGE, parse_command

WEDNESDAY = date(2026, 11, 25)


def parse(text: str) -> Report:
    command = parse_command(text, WEDNESDAY)
    assert isinstance(command, Report)
    return command


def refusal(text: str) -> str:
    with pytest.raises(BadCommand) as raised:
        parse_command(text, WEDNESDAY)
    return raised.value.message


@pytest.mark.parametrize(("text", "expected"), [
    ("report 2026-Q4 Engineering", Report("2026-Q4", date(2026, 10, 1), date(2026, 12, 31), "Engineering")),
    ("report 2026-11 department Customer  Success",
     Report("2026-11", date(2026, 11, 1), date(2026, 11, 30), "Customer  Success")),
    ("report 2026 DEPT people", Report("2026", date(2026, 1, 1), date(2026, 12, 31), "people")),
])
def test_a_period_then_a_department(text: str, expected: Report) -> None:
    assert parse(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("report 1 Oct to 15 Nov", Report("2026-10-01 to 2026-11-15", date(2026, 10, 1), date(2026, 11, 15))),
    ("/leave report 2026-12-28 - 2027-01-03 department Engineering",
     Report("2026-12-28 to 2027-01-03", date(2026, 12, 28), date(2027, 1, 3), "Engineering")),
    ("report 1 Oct to 15 Nov Sales", Report("2026-10-01 to 2026-11-15", date(2026, 10, 1), date(2026, 11, 15),
                                            "Sales")),
    ("report 24 Dec 2026", Report("2026-12-24", date(2026, 12, 24), date(2026, 12, 24))),
])
def test_two_dates_then_a_department(text: str, expected: Report) -> None:
    assert parse(text) == expected


def test_a_span_that_ends_before_it_starts_is_refused() -> None:
    message = refusal("report 2026-11-15 to 2026-10-01")
    assert message.startswith("The period ends on 1 Oct 2026, before it starts on 15 Nov 2026; put the earlier")
    assert USAGE["report"] in message


@pytest.mark.parametrize(("text", "expected"), [
    ("report", "Say which period, as 2026-11, 2026-Q4, 2026 or 1 Oct 2026 to 15 Nov 2026."),
    ("report 2026-13", "There is no month 13. Or give two dates"),
    ("report Q4 2026", "'Q4' is not a period; use a month (2026-11), a quarter (2026-Q4) or a year (2026)."),
    ("report 2026-10 to 2026-11", "A report covers one month, quarter or year, or the days between two dates"),
    ("report 2026-Q4 department", "Say which department after 'department'."),
    ("report 1 Oct to", "Say the last day after 'to'."),
])
def test_bad_periods_say_what_is_wrong(text: str, expected: str) -> None:
    message = refusal(text)
    assert expected in message and USAGE["report"] in message

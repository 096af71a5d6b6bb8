"""Optional holidays counted per leave year: with ``leave_year_start: 04-01`` a January date counts
in the year that began the April before, in an application's check and in ``/leave optional YEAR``."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from core.domain.amount import Amount
from core.domain.leave_year import LeaveYear
from core.domain.model import LeaveRequest, RequestStatus
from core.policy.optional_holidays import bookings
from core.policy.rules import parse_policy
from core.service import LeaveService
from core.views import AppliedView, RefusalView
from tests.unit.conftest import ORG_CSV
from tests.unit.fakes import FakeStore, FixedClock
from tests.unit.test_optional_holidays import book, listing, optional_document

APRIL = LeaveYear(4)


def _service(store: FakeStore, clock: FixedClock, leave_year_start: str | None) -> LeaveService:
    """One optional holiday a leave year; the leave year running from ``leave_year_start``."""
    document = optional_document(allowed=1)
    if leave_year_start:
        document["regions"]["INDIA"]["leave_year_start"] = leave_year_start
    service = LeaveService(store, clock, default_time_zone="Asia/Kolkata")
    service.load_policy(document, "test")
    service.import_employees(ORG_CSV)
    return service


@pytest.fixture
def april(store: FakeStore, clock: FixedClock) -> LeaveService:
    return _service(store, clock, "04-01")


def test_bookings_are_those_of_the_leave_year() -> None:
    kind = parse_policy(optional_document()).leave_types["optional"]
    at = datetime(2026, 11, 25, tzinfo=UTC)
    made = [LeaveRequest("E3", "optional", day, day, Amount.days(1), RequestStatus.PENDING, at)
            for day in (date(2026, 12, 24), date(2027, 1, 15), date(2027, 4, 7))]
    assert [r.start for r in bookings(made, kind, 2026, APRIL)] == [date(2026, 12, 24), date(2027, 1, 15)]
    assert [r.start for r in bookings(made, kind, 2027)] == [date(2027, 1, 15), date(2027, 4, 7)]


def test_january_counts_in_the_leave_year_begun_the_april_before(april: LeaveService) -> None:
    assert isinstance(book(april, date(2026, 12, 24)), AppliedView)
    january = book(april, date(2027, 1, 15))
    assert isinstance(january, RefusalView)
    assert "You have booked 1 of the 1 optional holidays allowed in 2026 (1 Apr 2026 \u2013 31 Mar 2027)" in (
        january.message)
    assert isinstance(book(april, date(2027, 4, 7)), AppliedView)  # leave year 2027: its own allowance


def test_the_list_of_a_year_is_its_leave_years_dates(april: LeaveService) -> None:
    book(april, date(2026, 12, 24))
    shown = listing(april, 2026)
    assert [h.day for h in shown.holidays] == [date(2026, 12, 24), date(2027, 1, 15)]
    assert (shown.year_name, shown.left) == ("2026 (1 Apr 2026 \u2013 31 Mar 2027)", 0)
    later = listing(april, 2027)
    assert [h.day for h in later.holidays] == [date(2027, 4, 7), date(2027, 8, 17)]
    assert (later.year_name, later.left) == ("2027 (1 Apr 2027 \u2013 31 Mar 2028)", 1)


def test_a_calendar_year_region_counts_the_calendar_year(store: FakeStore, clock: FixedClock) -> None:
    calendar = _service(store, clock, None)
    assert isinstance(book(calendar, date(2026, 12, 24)), AppliedView)
    assert isinstance(book(calendar, date(2027, 1, 15)), AppliedView)
    shown = listing(calendar, 2027)
    assert shown.year_name == "2027"
    assert [h.day for h in shown.holidays] == [date(2027, 1, 15), date(2027, 4, 7), date(2027, 8, 17)]
    assert shown.left == 0  # 15 Jan took calendar 2027's one

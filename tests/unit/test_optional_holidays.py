"""Optional (restricted) holidays: only listed dates, one whole day each, so many a year."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from core.commands import ApplyLeave, CancelRequest, Decide, PlanLeave, ShowOptionalHolidays
from core.domain.model import HalfDay, RequestStatus
from core.errors import PolicyError
from core.language.grammar import parse_command
from core.policy.rules import parse_policy
from core.service import LeaveService
from core.views import AppliedView, DecidedView, OptionalHolidayRow, OptionalHolidaysView, PlanView, RefusalView
from tests.unit.conftest import ORG_CSV, policy_document
from tests.unit.fakes import FakeStore, FixedClock

TODAY = date(2026, 11, 25)
LISTED = {
    date(2026, 12, 24): "Christmas Eve",
    date(2027, 1, 15): "Pongal",
    date(2027, 4, 7): "Ugadi",
    date(2027, 8, 17): "Raksha Bandhan",
}


def optional_document(allowed: int = 2) -> dict[str, Any]:
    """The test organisation's policy with the built-in optional type and this test's own list."""
    document = policy_document(including=("optional",))
    india = document["regions"]["INDIA"]
    india["optional_holidays_allowed"] = allowed
    india["optional_holidays"] = [{"date": day.isoformat(), "name": name} for day, name in LISTED.items()]
    return document


@pytest.fixture
def optional_service(store: FakeStore, clock: FixedClock) -> LeaveService:
    service = LeaveService(store, clock, default_time_zone="Asia/Kolkata")
    service.load_policy(optional_document(), "test")
    service.import_employees(ORG_CSV)
    return service


def book(service: LeaveService, day: date, end: date | None = None, half: HalfDay | None = None,
         who: str = "ananya@x.test") -> AppliedView | RefusalView:
    view = service.execute(who, ApplyLeave("optional", day, end or day, half, ""), "test")
    assert isinstance(view, AppliedView | RefusalView)
    return view


def listing(service: LeaveService, year: int, who: str = "ananya@x.test") -> OptionalHolidaysView:
    view = service.execute(who, ShowOptionalHolidays(year), "test")
    assert isinstance(view, OptionalHolidaysView)
    return view


# -- the policy ----------------------------------------------------------------------------------

def test_the_default_policy_offers_two_restricted_holidays_a_year_from_its_list() -> None:
    policy = parse_policy(policy_document(including=("optional",)))
    kind = policy.find_type("INDIA", "RH")
    india = policy.regions["INDIA"]
    assert (kind.key, kind.optional_holidays, india.optional_holidays_allowed) == ("optional", True, 2)
    for year in (2026, 2027):
        days = [h.day for h in india.optional_holidays if h.day.year == year]
        assert len(days) >= 4 and all(day.weekday() < 5 for day in days)


@pytest.mark.parametrize(("change", "where"), [
    (lambda india: india.update(optional_holidays=[{"date": "2027-04-07", "name": "A"},
                                                   {"date": "2027-04-07", "name": "B"}]),
     r"regions.INDIA.optional_holidays\[1\].date: 2027-04-07 is already listed \(A\)"),
    (lambda india: india.update(optional_holidays=[{"date": "7 April", "name": "Ugadi"}]),
     r"regions.INDIA.optional_holidays\[0\].date"),
    (lambda india: india.update(optional_holidays=[{"date": "2027-04-07"}]), r"regions.INDIA.optional_holidays\[0\]"),
    (lambda india: india.update(optional_holidays_allowed="two"), "regions.INDIA.optional_holidays_allowed"),
])
def test_a_bad_optional_list_is_refused_naming_the_key(change: Any, where: str) -> None:
    document = optional_document()
    change(document["regions"]["INDIA"])
    with pytest.raises(PolicyError, match=where):
        parse_policy(document)


def test_the_type_flag_must_be_true_or_false() -> None:
    document = optional_document()
    document["leave_types"]["optional"]["optional_holidays"] = "yes"
    with pytest.raises(PolicyError, match=r"leave_types\.optional\.optional_holidays: expected true or false"):
        parse_policy(document)


# -- booking -------------------------------------------------------------------------------------

def test_a_listed_date_is_booked_as_one_day_and_approved_as_other_leave(optional_service: LeaveService) -> None:
    applied = book(optional_service, date(2026, 12, 24))
    assert isinstance(applied, AppliedView)
    assert (applied.request.days.figure, applied.request.status) == ("1", RequestStatus.PENDING)
    decided = optional_service.execute("boss@x.test", Decide(applied.request.id, approve=True), "test")
    assert isinstance(decided, DecidedView) and decided.request.status == RequestStatus.APPROVED


def test_a_date_not_listed_is_refused_naming_the_next_listed_dates(optional_service: LeaveService,
                                                                    store: FakeStore) -> None:
    refused = book(optional_service, date(2026, 12, 23))
    assert isinstance(refused, RefusalView)
    assert "Wed 23 Dec 2026 is not on the optional holiday list of INDIA" in refused.message
    assert ("Next listed: Christmas Eve (Thu 24 Dec 2026), Pongal (Fri 15 Jan 2027), Ugadi (Wed 7 Apr 2027)"
            in refused.message)
    assert not store.committed.requests


@pytest.mark.parametrize(("end", "half"), [(date(2027, 1, 16), None), (None, HalfDay.FIRST)])
def test_a_span_or_half_day_is_refused(optional_service: LeaveService, end: date | None,
                                       half: HalfDay | None) -> None:
    refused = book(optional_service, date(2027, 1, 15), end, half)
    assert isinstance(refused, RefusalView)
    assert "one whole listed day; apply for one date at a time" in refused.message


def test_no_more_than_the_allowance_a_year_pending_and_approved_counted(optional_service: LeaveService) -> None:
    first = book(optional_service, date(2027, 1, 15))
    second = book(optional_service, date(2027, 4, 7))
    assert isinstance(first, AppliedView) and isinstance(second, AppliedView)
    optional_service.execute("boss@x.test", Decide(first.request.id, approve=True), "test")
    third = book(optional_service, date(2027, 8, 17))
    assert isinstance(third, RefusalView)
    assert ("You have booked 2 of the 2 optional holidays allowed in 2027: "
            f"{first.request.number} Pongal (approved); {second.request.number} Ugadi (pending)") in third.message
    assert f"Cancel one (/leave cancel {first.request.number}) to pick Raksha Bandhan instead" in third.message
    assert isinstance(book(optional_service, date(2026, 12, 24)), AppliedView)  # another year: its own two
    optional_service.execute("ananya@x.test", CancelRequest(second.request.id), "test")
    assert isinstance(book(optional_service, date(2027, 8, 17)), AppliedView)


def test_a_plan_shows_the_optional_holiday_check(optional_service: LeaveService) -> None:
    plan = optional_service.execute("ananya@x.test", PlanLeave("optional", date(2027, 4, 8), date(2027, 4, 8)), "test")
    assert isinstance(plan, PlanView)
    check = next(c for c in plan.checks if c.name == "optional_holiday")
    assert not check.ok and "not on the optional holiday list" in check.message


def test_other_types_may_still_be_taken_on_any_date(optional_service: LeaveService) -> None:
    view = optional_service.execute("ananya@x.test", ApplyLeave("casual", date(2026, 12, 23), date(2026, 12, 23)),
                                    "test")
    assert isinstance(view, AppliedView)


# -- the list ------------------------------------------------------------------------------------

def test_the_list_shows_my_bookings_their_status_and_how_many_are_left(optional_service: LeaveService) -> None:
    booked = book(optional_service, date(2027, 4, 7))
    assert isinstance(booked, AppliedView)
    shown = listing(optional_service, 2027)
    assert (shown.year, shown.region, shown.allowed, shown.left, shown.type_key) == (2027, "INDIA", 2, 1, "optional")
    assert shown.holidays == (
        OptionalHolidayRow(date(2027, 1, 15), "Pongal"),
        OptionalHolidayRow(date(2027, 4, 7), "Ugadi", booked.request.number, RequestStatus.PENDING),
        OptionalHolidayRow(date(2027, 8, 17), "Raksha Bandhan"),
    )
    assert listing(optional_service, 2027, who="rahul@x.test").left == 2  # only one's own bookings count


def test_the_list_without_an_optional_type_shows_the_dates_and_nothing_to_book(service: LeaveService) -> None:
    shown = listing(service, 2026)
    assert (shown.type_key, shown.allowed, shown.left) == (None, 0, 0)


def test_optional_parses_with_a_year_or_none() -> None:
    assert parse_command("optional", TODAY) == ShowOptionalHolidays(2026)
    assert parse_command("optional 2027", TODAY) == ShowOptionalHolidays(2027)

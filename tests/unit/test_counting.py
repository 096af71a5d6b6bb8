"""How a type counts (core.policy.counting): calendar days, maternity per occurrence, and hours.

On the test organisation's calendar: today is Wed 25 Nov 2026 in India; Sat 28 and Sun 29 Nov are
a weekend, Fri 25 Dec is Christmas. ``permission`` is added to the built-in policy here: the India
default leaves it out (CONTRACT: "where the policy defines it").
"""

from __future__ import annotations

import copy
import csv
import io
import json
from datetime import UTC, date, datetime, time
from typing import Any

import pytest

from bot import render_text
from bot.slack import render as slack_render
from bot.teams import cards as teams_cards
from core.commands import ApplyLeave, CancelRequest, Decide, ShowBalance
from core.domain.amount import Amount
from core.domain.hours import TimeRange, read_time_range
from core.domain.model import EntryKind
from core.errors import PolicyError
from core.language.grammar import parse_command
from core.policy.counting import Counting, skipped
from core.policy.rules import parse_policy
from core.scheduling.digests import hr_digest
from core.service import LeaveService
from core.views import BalanceView, ReportView, View
from tests.unit.conftest import policy_document
from tests.unit.fakes import FakeStore
from tests.unit.test_policy_engine import applied, refused, row

ANANYA, BOSS, HR = "ananya@x.test", "boss@x.test", "hr@x.test"
PERMISSION = {"code": "PM", "name": "Permission", "unit": "hours", "max_hours_per_application": 2,
              "max_applications_per_month": 2}
AFTERNOON = TimeRange(time(16), time(18))


def document_with(**types: dict[str, Any]) -> dict[str, Any]:
    """The built-in policy with these types added (or replaced), offered in India."""
    document = copy.deepcopy(policy_document())
    for key, body in types.items():
        document["leave_types"][key] = body
        offered = document["regions"]["INDIA"]["leave_types"]
        if key not in offered:
            offered.append(key)
    return document


@pytest.fixture
def hours_service(service: LeaveService) -> LeaveService:
    service.load_policy(document_with(permission=PERMISSION), "test")
    return service


def permission(day: date, hours: TimeRange | None = AFTERNOON) -> ApplyLeave:
    return ApplyLeave("permission", day, day, time_range=hours)


def maternity(start: date, end: date) -> ApplyLeave:
    return ApplyLeave("maternity", start, end)


def approve(service: LeaveService, view: View) -> None:
    request_id = applied(view).request.id
    for who in (BOSS, HR):  # maternity: manager, then HR
        service.execute(who, Decide(request_id, True), "test")


def rendered(view: View) -> list[str]:
    return [render_text.render(view), json.dumps(slack_render.reply(view), ensure_ascii=False),
            json.dumps(teams_cards.render_view(view), ensure_ascii=False)]


# the policy keys --------------------------------------------------------------------------------


def test_the_default_maternity_counts_calendar_days_per_occurrence() -> None:
    maternity_type = parse_policy(policy_document()).leave_types["maternity"]
    assert maternity_type.counting == Counting(calendar_days=True, days_per_occurrence=maternity_type.counting
                                               .days_per_occurrence)
    assert maternity_type.counting.occurrence == Amount.days(182) and not maternity_type.counting.yearly


@pytest.mark.parametrize(("fields", "complaint"), [
    ({"count": "weekdays"}, r"leave_types.sick.count: 'weekdays' is not one of working_days, calendar_days"),
    ({"entitlement": "per_occurrence"}, r"sick.days_per_occurrence: entitlement: per_occurrence needs"),
    ({"entitlement": "per_occurrence", "days_per_occurrence": 10}, r"sick.days_per_year: a per_occurrence type"),
    ({"days_per_occurrence": 10}, r"sick.days_per_occurrence: only a type with entitlement: per_occurrence"),
    ({"unit": "minutes"}, r"sick.unit: 'minutes' is not one of days, hours"),
    ({"max_hours_per_application": 2}, r"sick.max_hours_per_application: only a type with unit: hours"),
    ({"max_applications_per_month": 0}, r"sick.max_applications_per_month"),
])
def test_a_bad_counting_key_is_refused_by_name(fields: dict[str, Any], complaint: str) -> None:
    document = copy.deepcopy(policy_document())
    document["leave_types"]["sick"].update(fields)
    with pytest.raises(PolicyError, match=complaint):
        parse_policy(document)


@pytest.mark.parametrize(("fields", "complaint"), [
    ({}, r"permission.max_hours_per_application: unit: hours needs"),
    ({"max_hours_per_application": 13}, r"at most 12 hours, got 13"),
    ({"max_hours_per_application": 2, "days_per_year": 12}, r"permission.days_per_year: a type counted in hours"),
    ({"max_hours_per_application": 2, "count": "calendar_days"}, r"permission.count: a type counted in hours"),
])
def test_a_type_in_hours_needs_a_cap_and_has_no_days(fields: dict[str, Any], complaint: str) -> None:
    with pytest.raises(PolicyError, match=complaint):
        parse_policy(document_with(permission={"code": "PM", "name": "Permission", "unit": "hours", **fields}))


# which dates count --------------------------------------------------------------------------------


def test_calendar_days_skip_no_weekend_and_no_holiday() -> None:
    christmas = {date(2026, 12, 25)}
    assert skipped(Counting(calendar_days=True), frozenset({5, 6}), christmas) == (frozenset(), frozenset())
    assert skipped(Counting(), frozenset({5, 6}), christmas) == (frozenset({5, 6}), christmas)


def test_a_calendar_day_type_counts_the_weekend_and_christmas(service: LeaveService) -> None:
    # Thu 24 Dec to Mon 28 Dec: five calendar days (Christmas and a weekend inside), two working days.
    service.load_policy(document_with(sick={**policy_document()["leave_types"]["sick"], "count": "calendar_days"}),
                        "test")
    assert applied(service.execute(ANANYA, ApplyLeave("sick", date(2026, 12, 24), date(2026, 12, 28)),
                                   "test")).request.days == Amount.days(5)
    assert applied(service.execute(ANANYA, ApplyLeave("casual", date(2026, 12, 31), date(2027, 1, 4)),
                                   "test")).request.days == Amount.days(2)  # New Year and a weekend left out


# maternity: 182 calendar days per occurrence, up to two -------------------------------------------


def test_maternity_of_182_calendar_days_is_charged_as_counted_split_by_year(service: LeaveService,
                                                                             store: FakeStore) -> None:
    view = applied(service.execute(ANANYA, maternity(date(2026, 12, 1), date(2027, 5, 31)), "test"))
    assert view.request.days == Amount.days(182)
    assert store.committed.requests[view.request.id].year_days == {2026: Amount.days(31), 2027: Amount.days(151)}
    assert view.balance_after == {}  # no yearly balance to show
    assert ("Maternity leave: 182 calendar days per occurrence, no yearly balance; this request counts "
            "182 calendar days") in view.request.flags
    approve(service, view)
    taken = {e.year: e.amount for e in store.committed.ledger
             if e.type_key == "maternity" and e.kind is EntryKind.LEAVE_TAKEN}
    assert taken == {2026: Amount.days(-31), 2027: Amount.days(-151)}
    maternity_row = row(service, ANANYA, "maternity")
    assert maternity_row.counted_as == "182 days per occurrence · 1 used"
    assert maternity_row.taken == Amount.days(31)


def test_maternity_longer_than_one_occurrence_is_refused_with_the_numbers(service: LeaveService) -> None:
    message = refused(service.execute(ANANYA, maternity(date(2026, 12, 1), date(2027, 6, 1)), "test"))
    assert message == ("Maternity leave is 182 calendar days per occurrence; you asked for 183. Shorten the request "
                       "to 182 days, or apply for the rest as another leave type.")


def test_a_second_occurrence_is_allowed_and_a_third_refused(service: LeaveService) -> None:
    approve(service, service.execute(ANANYA, maternity(date(2026, 12, 1), date(2027, 5, 31)), "test"))
    second = applied(service.execute(ANANYA, maternity(date(2027, 6, 1), date(2027, 6, 30)), "test"))
    assert second.request.days == Amount.days(30)
    assert row(service, ANANYA, "casual").type_key == "casual"
    message = refused(service.execute(ANANYA, maternity(date(2027, 7, 1), date(2027, 7, 2)), "test"))
    assert message.startswith("Maternity leave may be taken 2 times at most, and you already have 2 requests")


def test_giving_back_days_of_a_calendar_day_request_gives_back_its_weekend_too(service: LeaveService) -> None:
    view = applied(service.execute(ANANYA, maternity(date(2026, 12, 1), date(2026, 12, 31)), "test"))
    shortened = service.execute(ANANYA, CancelRequest(view.request.id, date(2026, 12, 25), date(2026, 12, 31)),
                                "test")
    assert "now counts 24 days" in render_text.render(shortened)


def test_every_door_shows_maternity_per_occurrence_not_a_yearly_balance(service: LeaveService) -> None:
    service.execute(ANANYA, maternity(date(2026, 12, 1), date(2027, 5, 31)), "test")
    view = service.execute(ANANYA, ShowBalance(), "test")
    assert isinstance(view, BalanceView)
    for text in rendered(view):
        assert "182 days per occurrence · 1 used" in text
        assert "Left in" not in text


# hours: a permission of up to two hours, twice a month --------------------------------------------


def test_the_grammar_reads_a_time_range_after_the_date() -> None:
    command = parse_command("apply permission tomorrow 16:00-18:00 doctor", date(2026, 11, 25))
    assert command == ApplyLeave("permission", date(2026, 11, 26), date(2026, 11, 26), reason="doctor",
                                 time_range=AFTERNOON)
    assert read_time_range("9:30 to 11:30") == TimeRange(time(9, 30), time(11, 30))
    assert read_time_range("28-31") is None  # a span of dates (dec 28-31), not hours
    assert AFTERNOON.hours == Amount.hours(2) and str(AFTERNOON) == "16:00-18:00"


def test_a_permission_counts_its_hours_and_writes_no_ledger_entry(hours_service: LeaveService,
                                                                  store: FakeStore) -> None:
    view = applied(hours_service.execute(ANANYA, permission(date(2026, 11, 26)), "test"))
    assert (view.request.days, view.request.time_range) == (Amount.hours(2), AFTERNOON)
    assert view.balance_after == {}
    hours_service.execute(BOSS, Decide(view.request.id, True), "test")
    assert not [e for e in store.committed.ledger if e.type_key == "permission"]
    assert row(hours_service, ANANYA, "permission").counted_as == "at most 2 hours at a time, 2 times a month"
    for text in rendered(view):
        assert "16:00-18:00" in text
    assert "Hours:     2" in render_text.render(view)


@pytest.mark.parametrize(("hours", "message"), [
    (None, "Permission is counted in hours: say which, e.g. apply permission tomorrow 16:00-18:00 (at most 2 hours)."),
    (TimeRange(time(15), time(18)), "Permission is at most 2 hours at a time; 15:00-18:00 is 3 hours. Shorten it, "
                                    "or apply for a half day of another leave type."),
])
def test_a_permission_needs_hours_within_the_cap(hours_service: LeaveService, hours: TimeRange | None,
                                                 message: str) -> None:
    assert refused(hours_service.execute(ANANYA, permission(date(2026, 11, 26), hours), "test")) == message


def test_a_type_counted_in_days_refuses_hours(hours_service: LeaveService) -> None:
    message = refused(hours_service.execute(
        ANANYA, ApplyLeave("casual", date(2026, 11, 26), date(2026, 11, 26), time_range=AFTERNOON), "test"))
    assert message.startswith("Casual leave is counted in days, not hours; leave out 16:00-18:00")


def test_a_permission_on_a_weekend_is_refused(hours_service: LeaveService) -> None:
    message = refused(hours_service.execute(ANANYA, permission(date(2026, 11, 28)), "test"))
    assert "has no working day" in message


def test_a_third_permission_in_a_month_is_refused_and_the_next_month_is_free(hours_service: LeaveService) -> None:
    first = applied(hours_service.execute(ANANYA, permission(date(2026, 12, 1)), "test")).request
    second = applied(hours_service.execute(ANANYA, permission(date(2026, 12, 2)), "test")).request
    message = refused(hours_service.execute(ANANYA, permission(date(2026, 12, 3)), "test"))
    assert message == (f"Permission may be taken 2 times a month, and you already have 2 requests in December 2026 "
                       f"({first.number}, {second.number}); choose a day in another month, or cancel one of them "
                       "first.")
    assert applied(hours_service.execute(ANANYA, permission(date(2027, 1, 4)), "test")).request.days.figure == "2"
    hours_service.execute(ANANYA, CancelRequest(first.id), "test")
    assert applied(hours_service.execute(ANANYA, permission(date(2026, 12, 3)), "test"))


def test_every_door_shows_a_permission_in_hours_in_the_balance(hours_service: LeaveService) -> None:
    view = hours_service.execute(ANANYA, ShowBalance(), "test")
    for text in rendered(view):
        assert "at most 2 hours at a time, 2 times a month" in text


def test_the_approvers_card_shows_how_maternity_counts_and_no_balance_left(service: LeaveService) -> None:
    view = applied(service.execute(ANANYA, maternity(date(2026, 12, 1), date(2027, 5, 31)), "test"))
    seen = service.request_seen_by(BOSS, view.request.id)
    assert seen is not None and seen.approver_notice is not None
    assert seen.approver_notice.balance_after == {}
    slack = json.dumps(slack_render.approval_card(seen.approver_notice), ensure_ascii=False)
    teams = json.dumps(teams_cards.approval_card(seen.request, can_decide=True,
                                                 balance_after=seen.approver_notice.balance_after), ensure_ascii=False)
    for card in (slack, teams):
        assert "182 calendar days per occurrence, no yearly balance; this request counts 182 calendar days" in card
        assert "Left in" not in card


def test_the_hr_digest_counts_as_requests_counted_and_lists_no_maternity_as_a_low_balance(
        hours_service: LeaveService, store: FakeStore) -> None:
    approve(hours_service, hours_service.execute(ANANYA, maternity(date(2026, 11, 26), date(2026, 12, 10)), "test"))
    hours = applied(hours_service.execute("rahul@x.test", permission(date(2026, 11, 27)), "test"))
    hours_service.execute(BOSS, Decide(hours.request.id, True), "test")
    applied(hours_service.execute("rahul@x.test", permission(date(2026, 11, 26)), "test"))  # pending: held nowhere
    with store() as uow:
        digest = hr_digest(uow, datetime(2026, 11, 30, 3, 30, tzinfo=UTC), date(2026, 11, 30))
    assert digest["low_balances"]["rows"] == []
    # Last week (Mon 23 to Sun 29 Nov): maternity from Thu 26, the weekend counted; hours count no day.
    assert digest["taken"]["by_type"] == [{"type": "Maternity leave", "days": "4"}]


def test_the_reports_balances_leave_entitled_and_available_empty_for_maternity(service: LeaveService) -> None:
    view = applied(service.execute("ananya@x.test", maternity(date(2026, 12, 7), date(2027, 6, 6)), "test"))
    approve(service, view)
    report = service.handle_text("hr@x.test", "report 2026", "test")
    assert isinstance(report, ReportView), report
    balances = {(r["employee_id"], r["type"]): r for r in csv.DictReader(io.StringIO(report.files[1].text))}
    ananya = balances[("E3", "maternity")]
    assert (ananya["entitled"], ananya["taken"], ananya["available"]) == ("", "25", "")
    assert balances[("E3", "casual")]["entitled"] != ""  # a yearly type keeps its figures


def test_hr_cannot_adjust_leave_that_has_no_yearly_balance(service: LeaveService, store: FakeStore) -> None:
    before = len(store.committed.ledger)
    view = service.handle_text("hr@x.test", "adjust ananya@x.test maternity +5 correction", "test")
    assert "Maternity leave has no balance to adjust" in refused(view)
    assert len(store.committed.ledger) == before

"""Limits per application (min_days, max_consecutive_days, not_adjacent_to, backdate_days) and the
sandwich rule, on the test organisation's calendar: today is Wed 25 Nov 2026; Sat 12 and Sun 13
Dec are a weekend, Fri 25 Dec is Christmas."""

from __future__ import annotations

import copy
import json
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot import render_text
from bot.slack import render as slack_render
from bot.teams import cards as teams_cards
from core.commands import ApplyLeave, CancelRequest, Decide, PlanLeave
from core.domain.model import HalfDay
from core.domain.workdays import charged_dates
from core.errors import PolicyError
from core.policy.rules import parse_policy
from core.service import LeaveService
from core.views import CancelledView, PlanView, View
from tests.unit.conftest import policy_document
from tests.unit.test_policy_engine import applied, refused

ANANYA = "ananya@x.test"
BOSS = "boss@x.test"


def with_types(service: LeaveService, **types: dict[str, Any]) -> None:
    """The built-in policy with these keys added to the named types, loaded in its place."""
    document = copy.deepcopy(policy_document())
    for key, fields in types.items():
        document["leave_types"][key].update(fields)
    service.load_policy(document, "test")


def apply(service: LeaveService, type_key: str, start: date, end: date | None = None,
          half: HalfDay | None = None) -> View:
    return service.execute(ANANYA, ApplyLeave(type_key, start, end or start, half), "test")


# the sandwich rule ------------------------------------------------------------------------------


def test_a_weekend_inside_one_request_is_charged_and_named(service: LeaveService) -> None:
    with_types(service, privilege={"sandwich": True})
    view = applied(apply(service, "privilege", date(2026, 12, 11), date(2026, 12, 14)))
    assert view.request.days.figure == "4"
    assert "Sat 12 Dec and Sun 13 Dec are charged: sandwiched between leave days" in view.request.flags
    assert view.balance_after[2026].pending.figure == "4"


def test_without_the_rule_the_same_request_costs_its_working_days(service: LeaveService) -> None:
    view = applied(apply(service, "privilege", date(2026, 12, 11), date(2026, 12, 14)))
    assert view.request.days.figure == "2" and view.request.flags == ()


def test_a_holiday_and_a_weekend_between_leave_days_are_charged(service: LeaveService) -> None:
    with_types(service, privilege={"sandwich": True})
    view = applied(apply(service, "privilege", date(2026, 12, 24), date(2026, 12, 28)))
    assert view.request.days.figure == "5"  # Thu, Christmas, Sat, Sun, Mon
    assert "Fri 25 Dec, Sat 26 Dec and Sun 27 Dec are charged" in view.request.flags[0]


def test_a_weekend_between_touching_requests_is_charged_to_the_later(service: LeaveService) -> None:
    with_types(service, privilege={"sandwich": True})
    applied(apply(service, "privilege", date(2026, 12, 11)))
    later = applied(apply(service, "privilege", date(2026, 12, 14)))
    assert later.request.days.figure == "3"
    assert (later.request.start, later.request.end) == (date(2026, 12, 12), date(2026, 12, 14))
    assert "Sat 12 Dec and Sun 13 Dec are charged" in later.request.flags[0]


def test_a_half_day_at_the_edge_does_not_sandwich(service: LeaveService) -> None:
    with_types(service, privilege={"sandwich": True})
    applied(apply(service, "privilege", date(2026, 12, 11), half=HalfDay.SECOND))
    monday = applied(apply(service, "privilege", date(2026, 12, 14)))
    assert monday.request.days.figure == "1" and monday.request.flags == ()


def test_weekends_at_the_ends_of_a_request_are_not_charged(service: LeaveService) -> None:
    with_types(service, privilege={"sandwich": True})
    view = applied(apply(service, "privilege", date(2026, 12, 12), date(2026, 12, 20)))
    assert view.request.days.figure == "5"
    assert (view.request.start, view.request.end) == (date(2026, 12, 14), date(2026, 12, 18))


def test_plan_shows_the_sandwiched_days(service: LeaveService) -> None:
    with_types(service, privilege={"sandwich": True})
    plan = service.execute(ANANYA, PlanLeave("privilege", date(2026, 12, 11), date(2026, 12, 14)), "test")
    assert isinstance(plan, PlanView)
    assert plan.days.figure == "4" and "sandwiched between leave days" in plan.flags[0]


def test_giving_back_the_days_after_a_weekend_gives_back_the_weekend_too(service: LeaveService) -> None:
    with_types(service, privilege={"sandwich": True})
    request = applied(apply(service, "privilege", date(2026, 12, 10), date(2026, 12, 15))).request
    assert request.days.figure == "6"
    service.execute(BOSS, Decide(request.id, True), "test")
    back = service.execute(ANANYA, CancelRequest(request.id, date(2026, 12, 14), date(2026, 12, 15)), "test")
    assert isinstance(back, CancelledView), back
    assert back.restored.figure == "4" and back.request.days.figure == "2"


@given(start=st.dates(date(2026, 1, 1), date(2027, 12, 1)), length=st.integers(0, 40),
       holidays=st.sets(st.dates(date(2026, 1, 1), date(2028, 1, 31)), max_size=20))
def test_without_the_rule_no_weekend_or_holiday_is_ever_charged(start: date, length: int,
                                                                 holidays: set[date]) -> None:
    end = start + timedelta(days=length)
    charged = charged_dates(start, end, None, frozenset({5, 6}), holidays)
    assert all(day.weekday() < 5 and day not in holidays for day in charged)
    assert all(weight == Decimal(1) for weight in charged.values())


# limits per application ------------------------------------------------------------------------


def test_fewer_days_than_min_days_are_refused_with_the_numbers(service: LeaveService) -> None:
    with_types(service, privilege={"min_days": 3})
    message = refused(apply(service, "privilege", date(2026, 12, 7), date(2026, 12, 8)))
    assert message == ("Privilege leave is taken at least 3 days at a time; this asks for 2 days. "
                       "Apply for at least 3 days, or choose another leave type.")
    assert applied(apply(service, "privilege", date(2026, 12, 7), date(2026, 12, 9))).request.days.figure == "3"


def test_plan_lists_each_limit_as_a_check(service: LeaveService) -> None:
    with_types(service, privilege={"min_days": 3, "max_consecutive_days": 10})
    plan = service.execute(ANANYA, PlanLeave("privilege", date(2026, 12, 7), date(2026, 12, 8)), "test")
    assert isinstance(plan, PlanView)
    checks = {c.name: c for c in plan.checks}
    assert not checks["min_days"].ok and "at least 3 days" in checks["min_days"].message
    assert checks["max_consecutive_days"].ok and checks["not_adjacent_to"].ok


def test_touching_requests_count_as_one_stretch(service: LeaveService) -> None:
    with_types(service, privilege={"max_consecutive_days": 5})
    first = applied(apply(service, "privilege", date(2026, 12, 7), date(2026, 12, 10))).request
    message = refused(apply(service, "privilege", date(2026, 12, 11), date(2026, 12, 14)))
    assert message.startswith("Privilege leave may run at most 5 days in a row; with "
                              f"{first.number} (Mon 7 Dec to Thu 10 Dec), which it touches, this makes 6 days.")
    assert "leave a working day between them" in message
    applied(apply(service, "privilege", date(2026, 12, 15)))  # a working day (Mon 14) between: a new stretch


def test_one_request_longer_than_the_stretch_is_refused(service: LeaveService) -> None:
    with_types(service, privilege={"max_consecutive_days": 3})
    assert "this asks for 4 days. Shorten it to 3 days or fewer" in refused(
        apply(service, "privilege", date(2026, 12, 7), date(2026, 12, 10)))


def test_casual_may_not_touch_privilege_across_a_weekend_either_way(service: LeaveService) -> None:
    with_types(service, casual={"not_adjacent_to": ["privilege"]})
    privilege = applied(apply(service, "privilege", date(2026, 12, 14), date(2026, 12, 16))).request
    message = refused(apply(service, "casual", date(2026, 12, 11)))
    assert message == (f"Casual leave may not touch privilege leave: your pending request {privilege.number} "
                       "(Mon 14 Dec to Wed 16 Dec) starts the working day after this one. Leave a working day "
                       "between them, or apply for privilege leave for these days too.")
    casual = applied(apply(service, "casual", date(2026, 12, 3))).request  # Thu: Fri 4 Dec lies between
    assert "ends the working day before" in refused(apply(service, "privilege", date(2026, 12, 4)))
    assert casual.days.figure == "1"


def test_sick_leave_may_be_back_dated_a_week_and_casual_not_at_all(service: LeaveService) -> None:
    with_types(service, sick={"backdate_days": 7}, casual={"backdate_days": 0})
    assert refused(apply(service, "sick", date(2026, 11, 16))) == (
        "Sick leave may be applied for up to 7 days after it begins; Mon 16 Nov 2026 was 9 days ago. "
        "Apply from Wed 18 Nov 2026 on, or ask HR to record the leave for you.")
    late = applied(apply(service, "sick", date(2026, 11, 18))).request
    assert late.back_dated
    assert refused(apply(service, "casual", date(2026, 11, 24))).startswith(
        "Casual leave can't be applied for once it has begun; Tue 24 Nov 2026 was 1 day ago.")
    applied(apply(service, "casual", date(2026, 11, 25)))


def test_a_type_may_be_back_dated_further_than_the_general_limit(service: LeaveService) -> None:
    with_types(service, sick={"backdate_days": 90})
    applied(apply(service, "sick", date(2026, 9, 1)))


# the policy file -------------------------------------------------------------------------------


@pytest.mark.parametrize(("fields", "message"), [
    ({"casual": {"not_adjacent_to": ["holiday"]}}, "leave_types.casual.not_adjacent_to[0]: 'holiday' is not defined"),
    ({"casual": {"not_adjacent_to": ["casual"]}}, "casual.not_adjacent_to[0]: a type cannot exclude itself"),
    ({"casual": {"sandwich": "yes"}}, "leave_types.casual.sandwich: expected true or false"),
    ({"casual": {"min_days": 4, "max_consecutive_days": 3}}, "leave_types.casual.min_days: 4 is more than"),
    ({"casual": {"max_consecutive_days": 0}}, "leave_types.casual.max_consecutive_days: expected more than 0"),
    ({"sick": {"backdate_days": -1}}, "leave_types.sick.backdate_days: expected a whole number"),
    ({"sick": {"min_days": 1.25}}, "leave_types.sick.min_days: expected whole or half days"),
])
def test_a_bad_limit_is_refused_naming_its_key(fields: dict[str, dict[str, Any]], message: str) -> None:
    document = copy.deepcopy(policy_document())
    for key, extra in fields.items():
        document["leave_types"][key].update(extra)
    with pytest.raises(PolicyError) as error:
        parse_policy(document)
    assert message in error.value.message


def test_the_limits_are_read_with_their_defaults() -> None:
    document = copy.deepcopy(policy_document())
    document["leave_types"]["privilege"].update({"min_days": 3, "max_consecutive_days": 15, "sandwich": True})
    policy = parse_policy(document)
    privilege, casual = policy.leave_types["privilege"].limits, policy.leave_types["casual"].limits
    assert (privilege.min_days, privilege.max_consecutive_days, privilege.sandwich) == (3, 15, True)
    assert casual.backdate_days is None and not casual.sandwich and casual.min_days is None


def test_every_door_shows_the_sandwiched_days_of_an_application(service: LeaveService) -> None:
    with_types(service, privilege={"sandwich": True})
    plan = service.execute(ANANYA, PlanLeave("privilege", date(2026, 12, 11), date(2026, 12, 14)), "test")
    view = applied(apply(service, "privilege", date(2026, 12, 11), date(2026, 12, 14)))
    note = "Sat 12 Dec and Sun 13 Dec are charged: sandwiched between leave days"
    for shown in (view, plan):
        assert note in render_text.render(shown)
        assert note in json.dumps(slack_render.reply(shown))
        assert note in json.dumps(teams_cards.render_view(shown))

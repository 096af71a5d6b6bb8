"""How a type counts, through ``LeaveService`` on SQLite and MariaDB: maternity of 182 calendar days
applied, approved and charged as counted (the ledger and the payroll's days equal it), a second and
a third occurrence; a two-hour permission kept with its hours, and the monthly cap."""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import date, time
from decimal import Decimal

from sqlalchemy import Engine

from core.commands import ApplyLeave, Decide, ShowBalance
from core.domain.amount import Amount
from core.domain.hours import TimeRange
from core.ports import UnitOfWork
from core.reports.leave_report import taken_between
from core.service import LeaveService
from core.views import AppliedView, BalanceView, RefusalView
from tests.integration.test_application_limits_db import charged_to, requests_of
from tests.unit.conftest import policy_document

ANANYA, BOSS, HR = "ananya@x.test", "boss@x.test", "hr@x.test"
AFTERNOON = TimeRange(time(16), time(18))



def applied(view: object) -> AppliedView:
    assert isinstance(view, AppliedView), view
    return view


def test_maternity_is_182_calendar_days_per_occurrence_up_to_two(
        service: LeaveService, engine: Engine, uow_factory: Callable[[], UnitOfWork]) -> None:
    first = applied(service.execute(ANANYA, ApplyLeave("maternity", date(2026, 12, 1), date(2027, 5, 31)), "test"))
    assert first.request.days == Amount.days(182)
    for who in (BOSS, HR):
        service.execute(who, Decide(first.request.id, True), "test")
    assert charged_to(engine, first.request.id) == (Decimal(-182), 2)  # 31 in 2026, 151 in 2027
    with uow_factory() as uow:
        employee = uow.employees.by_email(ANANYA)
        assert employee is not None
        december = taken_between(uow, [employee], date(2026, 12, 1), date(2026, 12, 31))
    assert december[("E3", "maternity")].days == Amount.days(31)  # weekends and Christmas counted
    balance = service.execute(ANANYA, ShowBalance(), "test")
    assert isinstance(balance, BalanceView)
    assert next(r for r in balance.rows if r.type_key == "maternity").counted_as == "182 days per occurrence · 1 used"
    too_long = service.execute(ANANYA, ApplyLeave("maternity", date(2027, 6, 1), date(2027, 11, 30)), "test")
    assert isinstance(too_long, RefusalView) and "182 calendar days per occurrence; you asked for 183" in (
        too_long.message)
    assert requests_of(engine) == 1  # the refusal wrote nothing
    second = applied(service.execute(ANANYA, ApplyLeave("maternity", date(2027, 6, 1), date(2027, 6, 7)), "test"))
    assert second.request.days == Amount.days(7)
    third = service.execute(ANANYA, ApplyLeave("maternity", date(2027, 7, 1), date(2027, 7, 1)), "test")
    assert isinstance(third, RefusalView) and "may be taken 2 times at most" in third.message
    assert requests_of(engine) == 2


def test_a_permission_keeps_its_hours_and_the_monthly_cap_holds(
        service: LeaveService, engine: Engine, uow_factory: Callable[[], UnitOfWork]) -> None:
    document = copy.deepcopy(policy_document())
    document["leave_types"]["permission"] = {"code": "PM", "name": "Permission", "unit": "hours",
                                             "max_hours_per_application": 2, "max_applications_per_month": 2}
    document["regions"]["INDIA"]["leave_types"].append("permission")
    service.load_policy(document, "test")
    first = applied(service.execute(
        ANANYA, ApplyLeave("permission", date(2026, 12, 1), date(2026, 12, 1), time_range=AFTERNOON), "test"))
    service.execute(BOSS, Decide(first.request.id, True), "test")
    with uow_factory() as uow:
        stored = uow.requests.get(first.request.id)
    assert stored is not None
    assert (stored.time_range, stored.days, stored.year_days) == (AFTERNOON, Amount.hours(2),
                                                                   {2026: Amount.hours(2)})
    assert charged_to(engine, first.request.id) == (Decimal(0), 0)  # no balance, so no ledger entry
    applied(service.execute(ANANYA, ApplyLeave("permission", date(2026, 12, 2), date(2026, 12, 2),
                                               time_range=TimeRange(time(9, 30), time(11))), "test"))
    third = service.execute(
        ANANYA, ApplyLeave("permission", date(2026, 12, 3), date(2026, 12, 3), time_range=AFTERNOON), "test")
    assert isinstance(third, RefusalView) and "2 times a month" in third.message
    assert requests_of(engine) == 2

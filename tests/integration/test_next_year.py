"""Next year's leave booked in December: the carry-forward the year end will make is counted.

On the real databases (SQLite and MariaDB). Ananya has taken no privilege leave in 2026: all 12
days are unused, and the policy carries up to 10 into 2027. Before the year end has run, 2027's
balance counts those 10 as expected; the real year end then writes them, and nothing is counted
twice. ``advance: year`` lets leave count on the whole year's accrual.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest

from core.commands import ApplyLeave, Decide, PlanLeave, ShowBalance
from core.domain.amount import Amount
from core.domain.model import EntryKind
from core.ports import UnitOfWork
from core.service import LeaveService
from core.views import AppliedView, BalanceRow, BalanceView, DecidedView, PlanView, RefusalView
from tests.unit.conftest import ORG_CSV, policy_document
from tests.unit.fakes import FixedClock

DECEMBER = datetime(2026, 12, 2, 4, 30, tzinfo=UTC)  # Wednesday 2 Dec 2026, 10:00 in India
JANUARY = [date(2027, 1, d) for d in (11, 15)]  # Monday to Friday: 5 working days


@pytest.fixture
def december(service: LeaveService, clock: FixedClock) -> LeaveService:
    """The organisation on 2 Dec 2026, its December accrual run (the ledger holds 2026)."""
    clock.at = DECEMBER
    for run in service.runs_for_date("accrual", date(2026, 12, 1)):
        assert service.run_due(run, []).ran
    return service


def privilege(service: LeaveService, who: str, year: int) -> BalanceRow:
    view = service.execute(who, ShowBalance(year=year), "test")
    assert isinstance(view, BalanceView), view
    return next(row for row in view.rows if row.type_key == "privilege")


def test_january_is_bookable_in_december_with_the_days_to_be_carried(december: LeaveService) -> None:
    row = privilege(december, "ananya@x.test", 2027)
    assert (row.entitled, row.carried_expected, row.carried_from) == (Amount.days(10), Amount.days(10), 2026)
    assert row.carried_note == "incl. 10 days carried from 2026 (expected)"

    plan = december.execute("ananya@x.test", PlanLeave("privilege", *JANUARY), "test")
    assert isinstance(plan, PlanView) and plan.would_pass, plan
    applied = december.execute("ananya@x.test", ApplyLeave("privilege", *JANUARY, reason="family"), "test")
    assert isinstance(applied, AppliedView), applied
    # 10 expected + January's accrual, which has begun by the leave's dates; 5 held as pending.
    after = applied.balance_after[2027]
    assert (after.available, after.carried_expected) == (Amount.days(5), Amount.days(10))
    # 2026 is untouched by it.
    assert privilege(december, "ananya@x.test", 2026).available == Amount.days(12)


def test_a_pending_request_of_this_year_is_held_back_from_the_carry(december: LeaveService) -> None:
    applied = december.execute("ananya@x.test", ApplyLeave("privilege", date(2026, 12, 21), date(2026, 12, 24),
                                                           reason="family"), "test")
    assert isinstance(applied, AppliedView), applied
    assert privilege(december, "ananya@x.test", 2027).carried_expected == Amount.days(8)  # 12 - 4 pending


def test_more_than_the_carry_is_still_refused_with_the_expected_days_counted(december: LeaveService) -> None:
    # 10 expected + 1 accrued by 29 Jan = 11; fifteen working days are too many.
    refused = december.execute("ananya@x.test", ApplyLeave("privilege", date(2027, 1, 11), date(2027, 1, 29)),
                               "test")
    assert isinstance(refused, RefusalView)
    assert "Only 11 privilege leave days left for 2027" in refused.message, refused.message


def test_the_real_year_end_settles_it_without_counting_twice(december: LeaveService, clock: FixedClock,
                                                             uow_factory: Callable[[], UnitOfWork]) -> None:
    applied = december.execute("ananya@x.test", ApplyLeave("privilege", *JANUARY, reason="family"), "test")
    assert isinstance(applied, AppliedView), applied
    decided = december.execute("boss@x.test", Decide(applied.request.id, True), "test")
    assert isinstance(decided, DecidedView), decided

    clock.at = datetime(2027, 1, 1, 0, 0, tzinfo=UTC)  # 1 Jan 2027, 05:30 in India
    for run in december.runs_for_date("year-end", date(2027, 1, 1)):
        assert december.run_due(run, []).ran

    row = privilege(december, "ananya@x.test", 2027)
    assert row.carried_expected == Amount.days(0) and row.carried_note == ""
    # 10 carried for real + January's accrual, less the 5 days taken.
    assert (row.entitled, row.taken, row.available) == (Amount.days(11), Amount.days(5), Amount.days(6))
    with uow_factory() as uow:
        carried_in = [e for e in uow.ledger.entries("E3", 2027) if e.type_key == "privilege"
                      and e.kind is EntryKind.CARRIED_IN]
    assert [e.amount for e in carried_in] == [Amount.days(10)]


def test_advance_year_counts_the_whole_years_accrual(uow_factory: Callable[[], UnitOfWork],
                                                     clock: FixedClock) -> None:
    clock.at = datetime(2026, 3, 2, 4, 30, tzinfo=UTC)  # Monday 2 Mar 2026: three months accrued
    april = (date(2026, 4, 6), date(2026, 4, 15))  # 8 working days; 4 accrued by then
    document = policy_document()
    service = LeaveService(uow_factory, clock, default_time_zone="Asia/Kolkata")
    service.load_policy(document, "test")
    service.import_employees(ORG_CSV)
    refused = service.execute("ananya@x.test", ApplyLeave("privilege", *april), "test")
    assert isinstance(refused, RefusalView) and "Only 4 privilege leave days left for 2026" in refused.message

    document["leave_types"]["privilege"]["advance"] = "year"
    service.load_policy(document, "test")
    applied = service.execute("ananya@x.test", ApplyLeave("privilege", *april, reason="trip"), "test")
    assert isinstance(applied, AppliedView), applied

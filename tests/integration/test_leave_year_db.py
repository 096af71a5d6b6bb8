"""An April leave year (``leave_year_start: 04-01``) on the real databases (SQLite and MariaDB).

India's leave year here is the financial year: leave year 2025 runs from 1 Apr 2025 to 31 Mar
2026. The scheduler's year-end slot runs on 1 April and closes 2025; a request over 31 March is
charged to both years; balances read the leave year containing today.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine

from core.commands import ApplyLeave, Decide, ShowBalance
from core.domain.amount import Amount
from core.domain.model import EntryKind
from core.ports import UnitOfWorkFactory
from core.service import LeaveService
from core.views import AppliedView, BalanceRow, BalanceView
from storage import tables
from tests.integration.test_policy_engine_db import ledger_sums
from tests.scenarios import random_operations_keep_the_ledger_whole
from tests.unit.conftest import ORG_CSV, policy_document
from tests.unit.fakes import FixedClock

MARCH = datetime(2026, 3, 25, 4, 30, tzinfo=UTC)  # Wednesday 25 Mar 2026, 10:00 in India


def april_service(uow_factory: UnitOfWorkFactory, clock: FixedClock) -> LeaveService:
    """The organisation with India's leave year starting on 1 April (the only policy version loaded)."""
    service = LeaveService(uow_factory, clock, default_time_zone="Asia/Kolkata")
    document = policy_document()
    document["regions"]["INDIA"]["leave_year_start"] = "04-01"
    service.load_policy(document, "test")
    service.import_employees(ORG_CSV)
    return service


@pytest.fixture
def april(uow_factory: UnitOfWorkFactory, clock: FixedClock) -> LeaveService:
    """The organisation on 25 Mar 2026, its March accrual run (the ledger holds leave year 2025)."""
    clock.at = MARCH
    service = april_service(uow_factory, clock)
    for run in service.runs_for_date("accrual", date(2026, 3, 1)):
        assert service.run_due(run, []).ran
    return service


def casual(service: LeaveService, who: str, year: int | None = None) -> tuple[int, str, BalanceRow]:
    view = service.execute(who, ShowBalance(year=year), "test")
    assert isinstance(view, BalanceView), view
    return view.year, view.span, next(row for row in view.rows if row.type_key == "casual")


def ledger(engine: Engine, employee_id: str, type_key: str) -> set[tuple[int, str, Decimal]]:
    t = tables.ledger_entries
    with engine.connect() as conn:
        found = conn.execute(select(t.c.year, t.c.kind, t.c.days).where(
            t.c.employee_id == employee_id, t.c.type_key == type_key)).all()
    return {(year, kind, Decimal(days)) for year, kind, days in found}


def test_the_balance_reads_the_leave_year_containing_today(april: LeaveService) -> None:
    year, span, row = casual(april, "ananya@x.test")
    assert (year, span) == (2025, "1 Apr 2025 \u2013 31 Mar 2026")
    assert row.entitled == Amount.days(12)  # April 2025 to March 2026, one a month


def test_a_request_over_31_march_is_charged_to_both_leave_years(april: LeaveService, engine: Engine) -> None:
    applied = april.execute("ananya@x.test", ApplyLeave("casual", date(2026, 3, 30), date(2026, 4, 2)), "test")
    assert isinstance(applied, AppliedView), applied
    assert april.execute("boss@x.test", Decide(applied.request.id, True), "test")
    taken = {(y, d) for y, k, d in ledger(engine, "E3", "casual") if k == EntryKind.LEAVE_TAKEN.value}
    assert taken == {(2025, Decimal(-2)), (2026, Decimal(-2))}
    assert casual(april, "ananya@x.test", 2025)[2].taken == Amount.days(2)


def test_the_scheduled_year_end_on_1_april_closes_the_leave_year_before(april: LeaveService, clock: FixedClock,
                                                                       engine: Engine) -> None:
    clock.at = datetime(2026, 4, 1, 0, 0, tzinfo=UTC)  # 05:30 in India: the 01:00 slot has passed
    runs = april.due_runs(["year-end", "accrual"])
    assert {(r.job, r.period) for r in runs} == {("year-end", "2026@04-01"), ("accrual", "2026-04")}
    for run in runs:
        assert april.run_due(run, []).ran
    found = ledger(engine, "E3", "casual")
    assert {(2025, "CARRIED_OUT", Decimal(-5)), (2026, "CARRIED_IN", Decimal(5)), (2025, "EXPIRY", Decimal(-7)),
            (2026, "ACCRUAL", Decimal(1))} <= found
    assert not april.due_runs(["year-end"])  # taken: a second tick does nothing
    year, _, row = casual(april, "ananya@x.test")
    assert (year, row.entitled, row.carried_expected) == (2026, Amount.days(6), Amount.days(0))


@pytest.mark.parametrize("seed", range(2))
def test_the_ledger_sums_to_the_balance_over_an_april_year_end(uow_factory: UnitOfWorkFactory,
                                                               clock: FixedClock, engine: Engine, seed: int) -> None:
    clock.at = datetime(2026, 2, 24, 4, 30, tzinfo=UTC)
    service = april_service(uow_factory, clock)
    random_operations_keep_the_ledger_whole(service, ledger_sums(engine), seed, steps=15, new_year=date(2026, 4, 1))

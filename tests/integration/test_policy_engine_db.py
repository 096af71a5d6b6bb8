"""The policy engine on the real databases: periodic jobs, chains, cover and partial cancels."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import Engine, func, select

from core.commands import ApplyLeave, CancelRequest, Decide, Delegate
from core.domain.amount import NO_DAYS, Amount
from core.domain.model import EntryKind, RequestStatus
from core.service import LeaveService
from core.views import AppliedView, CancelledView, DecidedView, DelegationView
from storage import tables
from tests.scenarios import random_operations_keep_the_ledger_whole
from tests.unit.fakes import FixedClock


def ledger(engine: Engine, employee_id: str, type_key: str) -> list[tuple[str, int, str | None, Decimal]]:
    t = tables.ledger_entries
    with engine.connect() as conn:
        rows = conn.execute(select(t.c.kind, t.c.year, t.c.once_key, t.c.days).where(
            t.c.employee_id == employee_id, t.c.type_key == type_key).order_by(t.c.id))
        return [(r.kind, r.year, r.once_key, Decimal(r.days)) for r in rows]


def test_accrual_catches_up_once_even_when_two_runs_race(service: LeaveService, engine: Engine) -> None:
    results = []
    threads = [threading.Thread(target=lambda: results.append(service.run_job("accrual", date(2026, 11, 25))))
               for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    # 11 months x 3 monthly types + paternity's grant (maternity, per occurrence, has none)
    assert sum(r.written for r in results) == 5 * 3 * 11 + 5 * 1
    accruals = [p for kind, _, p, _ in ledger(engine, "E3", "casual") if kind == EntryKind.ACCRUAL]
    assert accruals == [f"2026-{m:02d}" for m in range(1, 12)]
    assert service.run_job("accrual", date(2026, 11, 25)).written == 0


def test_year_end_twice_equals_once(service: LeaveService, engine: Engine, clock: FixedClock) -> None:
    service.run_job("accrual", date(2026, 12, 31))
    clock.at = datetime(2027, 1, 3, 4, 0, tzinfo=UTC)
    service.run_job("year-end", date(2027, 1, 3))
    once = ledger(engine, "E3", "casual")
    assert service.run_job("year-end", date(2027, 1, 3)).written == 0
    assert ledger(engine, "E3", "casual") == once
    closing = {(k, y): d for k, y, p, d in once if p == "2026"}
    assert closing == {(EntryKind.CARRIED_OUT, 2026): -5, (EntryKind.CARRIED_IN, 2027): 5,
                       (EntryKind.EXPIRY, 2026): -7}
    row = next(r for r in service.balance_of("ananya@x.test", 2026).rows if r.type_key == "casual")
    assert row.available == NO_DAYS
    shown = next(r for r in service.balance_of("ananya@x.test", 2027).rows if r.type_key == "casual")
    with engine.connect() as conn:
        total = conn.execute(select(func.sum(tables.ledger_entries.c.days)).where(
            tables.ledger_entries.c.employee_id == "E3", tables.ledger_entries.c.type_key == "casual",
            tables.ledger_entries.c.year == 2027)).scalar_one()
    assert Decimal(total) == (shown.available + shown.pending).value == 6


def test_chain_delegation_and_partial_cancel(service: LeaveService, engine: Engine) -> None:
    paternity = service.execute("ananya@x.test", ApplyLeave("PTL", date(2026, 12, 7), date(2026, 12, 11),
                                                            document_ref="https://x.test/b"), "test")
    assert isinstance(paternity, AppliedView)
    first = service.execute("boss@x.test", Decide(paternity.request.id, True), "test")
    assert isinstance(first, DecidedView) and first.request.status is RequestStatus.PENDING
    final = service.execute("hr@x.test", Decide(paternity.request.id, True), "test")
    assert isinstance(final, DecidedView) and final.request.status is RequestStatus.APPROVED
    with engine.connect() as conn:
        decisions = conn.execute(select(tables.approval_decisions.c.role).order_by(
            tables.approval_decisions.c.level)).scalars().all()
    assert decisions == ["manager", "hr"]
    some = service.execute("ananya@x.test", CancelRequest(paternity.request.id, date(2026, 12, 10),
                                                          date(2026, 12, 11)), "test")
    assert isinstance(some, CancelledView) and some.restored == Amount.days(2)
    assert [d for k, _, _, d in ledger(engine, "E3", "paternity") if k in (EntryKind.LEAVE_TAKEN,
                                                                           EntryKind.REVERSAL)] == [-5, 2]
    listed = service.list_requests("ananya@x.test")[0]
    assert listed.days == Amount.days(3) and listed.cancelled_dates == (date(2026, 12, 10), date(2026, 12, 11))
    delegation = service.execute("boss@x.test", Delegate("ananya@x.test", date(2026, 12, 1), date(2026, 12, 4)),
                                 "test")
    assert isinstance(delegation, DelegationView)
    away = service.execute("boss@x.test", ApplyLeave("casual", date(2026, 12, 1), date(2026, 12, 4)), "test")
    assert isinstance(away, AppliedView)
    service.execute("hr@x.test", Decide(away.request.id, True), "test")
    pending = service.execute("rahul@x.test", ApplyLeave("casual", date(2026, 12, 21), date(2026, 12, 21)), "test")
    assert isinstance(pending, AppliedView) and pending.request.approver is not None
    assert pending.request.approver.email == "boss@x.test"
    moved = service.run_job("reassign", date(2026, 12, 1))
    assert moved.written == 1
    assert service.list_requests("rahul@x.test")[0].approver.email == "ananya@x.test"  # type: ignore[union-attr]


def ledger_sums(engine: Engine) -> Callable[[str, str, int], Decimal]:
    """The sum of one person's entries of a type in a leave year, read from the database."""
    t = tables.ledger_entries

    def ledger_sum(employee_id: str, type_key: str, year: int) -> Decimal:
        with engine.connect() as conn:
            total = conn.execute(select(func.sum(t.c.days)).where(
                t.c.employee_id == employee_id, t.c.type_key == type_key, t.c.year == year)).scalar_one()
        return Decimal(total or 0)

    return ledger_sum


@pytest.mark.parametrize("seed", range(2))
def test_ledger_always_sums_to_the_balance_shown(service: LeaveService, engine: Engine, seed: int) -> None:
    random_operations_keep_the_ledger_whole(service, ledger_sums(engine), seed, steps=15)

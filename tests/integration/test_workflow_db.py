"""The whole workflow on the real databases (SQLite and MariaDB), including races between threads."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import Engine, func, select

from core.commands import ApplyLeave, CancelRequest, Decide
from core.domain.amount import NO_DAYS, Amount
from core.domain.model import RequestStatus
from core.service import LeaveService
from core.views import AppliedView, BalanceView, CancelledView, DecidedView, RefusalView, View
from storage import tables
from tests.unit.conftest import ORG_CSV

NOW = datetime(2026, 11, 25, 4, 30, tzinfo=UTC)


def count(engine: Engine, table: object) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())  # type: ignore[arg-type]


def casual(start: date, end: date | None = None) -> ApplyLeave:
    return ApplyLeave("casual", start, end or start, reason="family")


def test_whole_workflow_keeps_ledger_and_balances_in_step(service: LeaveService, engine: Engine) -> None:
    applied = service.execute("ananya@x.test", casual(date(2026, 12, 7), date(2026, 12, 9)), "test")
    assert isinstance(applied, AppliedView) and applied.request.days == Amount.days(3)
    decided = service.execute("boss@x.test", Decide(applied.request.id, True), "test")
    assert isinstance(decided, DecidedView) and decided.request.status is RequestStatus.APPROVED
    balance = service.balance_of("ananya@x.test")
    row = next(r for r in balance.rows if r.type_key == "casual")
    # 11 days accrued by 25 November.
    assert (row.entitled, row.taken, row.pending, row.available) == tuple(map(Amount.days, (11, 3, 0, 8)))
    cancelled = service.execute("ananya@x.test", CancelRequest(applied.request.id), "test")
    assert isinstance(cancelled, CancelledView)
    row = next(r for r in service.balance_of("ananya@x.test").rows if r.type_key == "casual")
    assert (row.taken, row.available) == (NO_DAYS, Amount.days(11))
    listed = service.list_requests("ananya@x.test")
    assert [(r.number, r.status) for r in listed] == [(applied.request.number, RequestStatus.CANCELLED)]
    actions = [(a.actor, a.action) for a in service.audit_log() if a.request_id == applied.request.id]
    assert actions == [("ananya@x.test", "apply"), ("boss@x.test", "approve"), ("ananya@x.test", "cancel")]
    assert count(engine, tables.outbox) == 3
    with engine.connect() as conn:
        ledger_sum = conn.execute(
            select(func.sum(tables.ledger_entries.c.days)).where(
                tables.ledger_entries.c.employee_id == "E3", tables.ledger_entries.c.type_key == "casual"
            )
        ).scalar_one()
    assert Decimal(ledger_sum) == row.available.value


def test_refused_decision_is_audited_and_changes_nothing(service: LeaveService, engine: Engine) -> None:
    applied = service.execute("ananya@x.test", casual(date(2026, 12, 1)), "test")
    assert isinstance(applied, AppliedView)
    refused = service.execute("rahul@x.test", Decide(applied.request.id, True), "test")
    assert isinstance(refused, RefusalView)
    audit = [(a.actor, a.outcome) for a in service.audit_log() if a.request_id == applied.request.id]
    assert audit == [("ananya@x.test", "ok"), ("rahul@x.test", "refused")]
    assert service.list_requests("ananya@x.test")[0].status is RequestStatus.PENDING
    assert count(engine, tables.outbox) == 1


def test_reimport_changes_nothing(service: LeaveService, engine: Engine) -> None:
    before = count(engine, tables.employees)
    result = service.import_employees(ORG_CSV)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 5)
    assert count(engine, tables.employees) == before


def run_threads(n: int, work: Callable[[int], View]) -> list[View]:
    results: list[View | None] = [None] * n
    barrier = threading.Barrier(n)

    def run(i: int) -> None:
        barrier.wait()
        results[i] = work(i)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert all(r is not None for r in results)
    return [r for r in results if r is not None]


def test_twenty_concurrent_applies_never_overdraw_nor_overlap(service: LeaveService) -> None:
    # 20 one-day requests on distinct December working days; 12 casual days will have accrued by then.
    days = [d for d in (date(2026, 12, 1) + timedelta(days=n) for n in range(31))
            if d.weekday() < 5 and d != date(2026, 12, 25)][:20]
    results = run_threads(20, lambda i: service.execute("ananya@x.test", casual(days[i]), "test"))
    applied = [r for r in results if isinstance(r, AppliedView)]
    refused = [r for r in results if isinstance(r, RefusalView)]
    assert len(applied) == 12 and len(refused) == 8
    assert all("left for 2026" in r.message for r in refused), [r.message for r in refused]
    row = next(r for r in service.balance_of("ananya@x.test").rows if r.type_key == "casual")
    # Booked to the last day: eleven accrued and December's still to come.
    assert (row.pending, row.available + row.to_accrue) == (Amount.days(12), NO_DAYS)
    requests = service.list_requests("ananya@x.test", RequestStatus.PENDING)
    assert len(requests) == 12 and len({r.start for r in requests}) == 12


def test_twenty_concurrent_identical_applies_create_one_request(service: LeaveService) -> None:
    results = run_threads(20, lambda i: service.execute("rahul@x.test", casual(date(2026, 12, 2)), "test"))
    applied = [r for r in results if isinstance(r, AppliedView)]
    assert len(applied) == 1
    assert all(isinstance(r, RefusalView) and "overlaps" in r.message for r in results if r not in applied)
    assert len(service.list_requests("rahul@x.test")) == 1


def test_ten_concurrent_decisions_make_exactly_one(service: LeaveService, engine: Engine) -> None:
    applied = service.execute("ananya@x.test", casual(date(2026, 12, 1)), "test")
    assert isinstance(applied, AppliedView)
    deciders = ["boss@x.test", "hr@x.test"]
    results = run_threads(10, lambda i: service.execute(deciders[i % 2], Decide(applied.request.id, i % 3 != 0),
                                                        "test"))
    decided = [r for r in results if isinstance(r, DecidedView)]
    assert len(decided) == 1
    assert all(isinstance(r, RefusalView) and "already" in r.message for r in results if r not in decided)
    assert count(engine, tables.outbox) == 2  # the application and the one decision
    balance: BalanceView = service.balance_of("ananya@x.test")
    row = next(r for r in balance.rows if r.type_key == "casual")
    assert row.taken + row.available == Amount.days(11) and row.pending == NO_DAYS

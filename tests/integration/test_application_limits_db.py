"""Limits per application and the sandwich rule through ``LeaveService`` on SQLite and MariaDB:
refusals write nothing, a sandwiched request's ledger entries and report days equal its charged
days, and cancelling gives them back."""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import date
from decimal import Decimal

from sqlalchemy import Engine, func, select

from core.commands import ApplyLeave, CancelRequest, Decide, PlanLeave
from core.ports import UnitOfWork
from core.reports.leave_report import taken_between
from core.service import LeaveService
from core.views import AppliedView, CancelledView, PlanView, RefusalView
from storage import tables
from tests.unit.conftest import policy_document

ANANYA = "ananya@x.test"


def load(service: LeaveService, **privilege: object) -> None:
    document = copy.deepcopy(policy_document())
    document["leave_types"]["privilege"].update(privilege)
    service.load_policy(document, "test")


def charged_to(engine: Engine, number: int) -> tuple[Decimal, int]:
    """What the ledger holds against request ``number``: the sum of its entries, and how many."""
    ledger = tables.ledger_entries
    with engine.connect() as conn:
        total, rows = conn.execute(select(func.coalesce(func.sum(ledger.c.days), 0), func.count()).where(
            ledger.c.source_kind == "request", ledger.c.source_id == str(number))).one()
    return Decimal(total), int(rows)


def requests_of(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(tables.leave_requests)).scalar_one())


def test_a_sandwiched_request_is_charged_reported_and_given_back(
        service: LeaveService, engine: Engine, uow_factory: Callable[[], UnitOfWork]) -> None:
    load(service, sandwich=True)
    friday = service.execute(ANANYA, ApplyLeave("privilege", date(2026, 12, 11), date(2026, 12, 11)), "test")
    monday = service.execute(ANANYA, ApplyLeave("privilege", date(2026, 12, 14), date(2026, 12, 15)), "test")
    assert isinstance(friday, AppliedView) and isinstance(monday, AppliedView)
    assert monday.request.days.figure == "4"  # Sat 12 and Sun 13 Dec, then Mon and Tue
    assert "Sat 12 Dec and Sun 13 Dec are charged: sandwiched between leave days" in monday.request.flags
    for view in (friday, monday):
        service.execute("boss@x.test", Decide(view.request.id, True), "test")
    assert charged_to(engine, monday.request.id) == (Decimal(-4), 1)
    with uow_factory() as uow:
        employee = uow.employees.by_email(ANANYA)
        assert employee is not None
        taken = taken_between(uow, [employee], date(2026, 12, 1), date(2026, 12, 12))
    assert taken[("E3", "privilege")].days.figure == "2"  # Fri 11 and the sandwiched Sat 12
    cancelled = service.execute(ANANYA, CancelRequest(monday.request.id), "test")
    assert isinstance(cancelled, CancelledView) and cancelled.restored.figure == "4"
    assert charged_to(engine, monday.request.id) == (Decimal(0), 2)


def test_limits_refuse_with_the_rule_and_write_nothing(service: LeaveService, engine: Engine) -> None:
    load(service, min_days=3, max_consecutive_days=5)
    before = requests_of(engine)
    short = service.execute(ANANYA, ApplyLeave("privilege", date(2026, 12, 7), date(2026, 12, 8)), "test")
    assert isinstance(short, RefusalView)
    assert short.message.startswith("Privilege leave is taken at least 3 days at a time; this asks for 2 days.")
    first = service.execute(ANANYA, ApplyLeave("privilege", date(2026, 12, 7), date(2026, 12, 9)), "test")
    assert isinstance(first, AppliedView)
    longer = service.execute(ANANYA, ApplyLeave("privilege", date(2026, 12, 10), date(2026, 12, 14)), "test")
    assert isinstance(longer, RefusalView)
    assert f"with {first.request.number} (Mon 7 Dec to Wed 9 Dec), which it touches, this makes 6 days" in \
        longer.message
    assert requests_of(engine) == before + 1
    plan = service.execute(ANANYA, PlanLeave("privilege", date(2026, 12, 10), date(2026, 12, 14)), "test")
    assert isinstance(plan, PlanView)
    assert [(c.name, c.ok) for c in plan.checks if c.name in ("min_days", "max_consecutive_days")] == [
        ("min_days", True), ("max_consecutive_days", False)]


def test_the_built_in_policy_keeps_casual_apart_from_privilege(service: LeaveService, engine: Engine) -> None:
    privilege = service.execute(ANANYA, ApplyLeave("privilege", date(2026, 12, 14), date(2026, 12, 16)), "test")
    assert isinstance(privilege, AppliedView)
    casual = service.execute(ANANYA, ApplyLeave("casual", date(2026, 12, 11), date(2026, 12, 11)), "test")
    assert isinstance(casual, RefusalView) and casual.message.startswith(
        "Casual leave may not touch privilege leave")
    sick = service.execute(ANANYA, ApplyLeave("sick", date(2026, 11, 17), date(2026, 11, 17)), "test")
    assert isinstance(sick, RefusalView) and "up to 7 days after it begins" in sick.message
    assert requests_of(engine) == 1

"""Comp-off through ``LeaveService`` on SQLite and MariaDB: claim, approval, credit, spending,
give-back and lapse, with the claim in ``compoff_claims`` and every movement in the ledger.

The clock starts on Wednesday 10 June 2026 (Saturday 6 June and Sunday 31 May were worked) and is
moved on past the credits' last days for the monthly job and the HR digest.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import Engine, select

from core.commands import ApplyLeave, CancelRequest, ClaimCompOff, Decide
from core.domain.amount import Amount
from core.domain.compoff import parse_claim_number
from core.domain.model import EntryKind, HalfDay, RequestStatus, SourceKind
from core.ports import UnitOfWork
from core.service import LeaveService
from core.views import AppliedView, CancelledView, CompOffClaimView, DecidedView, RefusalView
from storage.tables import compoff_claims
from tests.unit.conftest import ORG_CSV, policy_document
from tests.unit.fakes import FixedClock


@pytest.fixture
def june() -> FixedClock:
    return FixedClock(datetime(2026, 6, 10, 4, 30, tzinfo=UTC))


@pytest.fixture
def compoff(uow_factory: Callable[[], UnitOfWork], june: FixedClock) -> LeaveService:
    service = LeaveService(uow_factory, june, default_time_zone="Asia/Kolkata")
    service.load_policy(policy_document(including=("compoff",)), "test")
    service.import_employees(ORG_CSV)
    return service


def claim(service: LeaveService, day: date, half: HalfDay | None = None) -> CompOffClaimView:
    view = service.execute("ananya@x.test", ClaimCompOff(day, half, "release <cut-over>"), "test")
    assert isinstance(view, CompOffClaimView), view
    return view


def entries(uow_factory: Callable[[], UnitOfWork], kind: EntryKind) -> list[tuple[Amount, date | None]]:
    with uow_factory() as uow:
        return [(e.amount, e.valid_from) for e in uow.ledger.entries("E3") if e.kind is kind]


def test_claim_approve_spend_give_back_and_lapse(compoff: LeaveService, uow_factory: Callable[[], UnitOfWork],
                                                  engine: Engine, june: FixedClock) -> None:
    half = claim(compoff, date(2026, 5, 31), HalfDay.FIRST)
    whole = claim(compoff, date(2026, 6, 6))
    assert (whole.number, whole.status, whole.waiting_for and whole.waiting_for.email) == (
        "CO-1002", RequestStatus.PENDING, "boss@x.test")
    with engine.connect() as connection:
        rows = connection.execute(select(compoff_claims).order_by(compoff_claims.c.id)).all()
    assert [(r.employee_id, r.day, r.half, r.status, r.approver_id) for r in rows] == [
        ("E3", date(2026, 5, 31), "FIRST", "PENDING", "E2"), ("E3", date(2026, 6, 6), None, "PENDING", "E2")]
    twice = compoff.execute("ananya@x.test", ClaimCompOff(date(2026, 6, 6), None, "again"), "test")
    assert isinstance(twice, RefusalView) and "already claimed" in twice.message

    for view in (whole, half):
        approved = compoff.handle_text("boss@x.test", f"approve {view.number} thanks", "test")
        assert isinstance(approved, CompOffClaimView) and approved.status is RequestStatus.APPROVED
    assert entries(uow_factory, EntryKind.COMP_OFF) == [(Amount.days(1), date(2026, 6, 6)),
                                                        (Amount.days("0.5"), date(2026, 5, 31))]

    applied = compoff.execute("ananya@x.test", ApplyLeave("compoff", date(2026, 6, 15), date(2026, 6, 15)), "test")
    assert isinstance(applied, AppliedView), applied
    assert isinstance(compoff.execute("boss@x.test", Decide(applied.request.id, True), "test"), DecidedView)
    # The half day of 31 May goes first (it lapses first), then half of 6 June's day.
    assert entries(uow_factory, EntryKind.LEAVE_TAKEN) == [(Amount.days("-0.5"), date(2026, 5, 31)),
                                                           (Amount.days("-0.5"), date(2026, 6, 6))]
    cancelled = compoff.execute("ananya@x.test", CancelRequest(applied.request.id), "test")
    assert isinstance(cancelled, CancelledView)
    assert sorted(entries(uow_factory, EntryKind.REVERSAL)) == [(Amount.days("0.5"), date(2026, 5, 31)),
                                                                (Amount.days("0.5"), date(2026, 6, 6))]

    again = compoff.execute("ananya@x.test", ApplyLeave("compoff", date(2026, 6, 16), date(2026, 6, 16)), "test")
    assert isinstance(again, AppliedView)
    compoff.execute("boss@x.test", Decide(again.request.id, True), "test")

    june.at = datetime(2026, 8, 10, 4, 30, tzinfo=UTC)  # both credits past their last days
    assert compoff.run_job("accrual", date(2026, 8, 10)).written >= 1
    compoff.run_job("accrual", date(2026, 8, 10))  # a second run lapses nothing more
    with uow_factory() as uow:
        lapsed = [(e.amount, e.source.id, e.valid_until) for e in uow.ledger.entries("E3")
                  if e.kind is EntryKind.EXPIRY and e.source.kind is SourceKind.COMP_OFF]
    assert lapsed == [(Amount.days("-0.5"), str(parse_id(whole)), date(2026, 8, 5))]

    digest = compoff.hr_digest(date(2026, 8, 17))
    assert digest["compoff_lapsed"]["rows"] == [
        {"name": "Ananya Iyer", "type": "Comp-off", "days": "0.5", "worked_on": "2026-06-06",
         "expires_on": "2026-08-05"}]


def test_a_refusal_to_decide_a_claim_is_audited_and_changes_nothing(compoff: LeaveService,
                                                                    uow_factory: Callable[[], UnitOfWork]) -> None:
    made = claim(compoff, date(2026, 6, 6))
    refused = compoff.handle_text("rahul@x.test", f"approve {made.number}", "test")
    assert isinstance(refused, RefusalView) and "isn't yours to decide" in refused.message
    with uow_factory() as uow:
        audit = [(a.actor, a.action, a.outcome) for a in uow.audit.since(datetime(2026, 1, 1, tzinfo=UTC))]
        stored = uow.compoff.get(parse_id(made))
    assert ("rahul@x.test", "not_approver", "refused") in audit
    assert stored is not None and stored.status is RequestStatus.PENDING
    assert entries(uow_factory, EntryKind.COMP_OFF) == []


def parse_id(view: CompOffClaimView) -> int:
    return parse_claim_number(view.number)

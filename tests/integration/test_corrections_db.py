"""HR's corrections and encashment on the real databases (SQLite and MariaDB), through LeaveService."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import Engine, func, select

from core.commands import ApplyLeave, CancelRequest, Decide
from core.domain.amount import Amount
from core.ports import UnitOfWork
from core.service import LeaveService
from core.views import (
    AdjustedView,
    AnyNotice,
    AppliedView,
    BalanceNotice,
    CancelledView,
    Notice,
    NoticeKind,
    RefusalView,
)
from storage import tables
from tests.unit.conftest import ORG_CSV, policy_document
from tests.unit.fakes import FixedClock

LEDGER = tables.ledger_entries


class Told:
    """A door that only remembers what it was asked to tell."""

    name = "test"

    def __init__(self) -> None:
        self.notices: list[AnyNotice] = []

    def deliver(self, notice: AnyNotice) -> None:
        self.notices.append(notice)


def ledger_sum(engine: Engine, employee_id: str, type_key: str, year: int = 2026) -> Decimal:
    with engine.connect() as conn:
        total = conn.execute(select(func.coalesce(func.sum(LEDGER.c.days), 0)).where(
            LEDGER.c.employee_id == employee_id, LEDGER.c.type_key == type_key, LEDGER.c.year == year)).scalar_one()
    return Decimal(total)


def rows_of(engine: Engine, kind: str) -> list[tuple[str, str, Decimal, str, str]]:
    with engine.connect() as conn:
        found = conn.execute(select(LEDGER.c.employee_id, LEDGER.c.type_key, LEDGER.c.days, LEDGER.c.source_kind,
                                    LEDGER.c.note).where(LEDGER.c.kind == kind).order_by(LEDGER.c.id))
        return [(r[0], r[1], Decimal(r[2]), r[3], r[4]) for r in found]


def shown(service: LeaveService, email: str, type_key: str, year: int | None = None) -> Decimal:
    """What the balance shows as held: available + pending (what the ledger must sum to)."""
    row = next(r for r in service.balance_of(email, year).rows if r.type_key == type_key)
    return (row.available + row.pending).value


def test_an_adjustment_is_one_audited_entry_and_a_replay_is_not_a_second(service: LeaveService,
                                                                         engine: Engine) -> None:
    view = service.handle_text("hr@x.test", "adjust ananya casual +1.5 worked the launch weekend", "slack")
    assert isinstance(view, AdjustedView) and (view.before, view.after) == (Amount.days(11), Amount.days("12.5"))
    assert isinstance(service.handle_text("hr@x.test", "adjust ananya casual +1.5 worked the launch weekend",
                                          "slack"), AdjustedView)
    command = service.read_command("hr@x.test", "adjust ananya casual -1 booked twice", "slack")
    first = service.execute("hr@x.test", command, "slack", "trigger-7")
    again = service.execute("hr@x.test", command, "slack", "trigger-7")
    assert isinstance(first, AdjustedView) and isinstance(again, AdjustedView) and again.duplicate
    assert rows_of(engine, "ADJUSTMENT") == [
        ("E3", "casual", Decimal("1.5"), "adjustment", "worked the launch weekend"),
        ("E3", "casual", Decimal("1.5"), "adjustment", "worked the launch weekend"),
        ("E3", "casual", Decimal("-1"), "adjustment", "booked twice"),
    ]
    assert ledger_sum(engine, "E3", "casual") == shown(service, "ananya@x.test", "casual") == Decimal(13)
    assert [(a.actor, a.source) for a in service.audit_log() if a.action == "adjust"] == [("hr@x.test", "slack")] * 3


def test_someone_not_hr_is_refused_and_audited_and_nothing_is_written(service: LeaveService, engine: Engine) -> None:
    view = service.handle_text("boss@x.test", "adjust ananya casual +3 because", "teams")
    assert isinstance(view, RefusalView) and "HR admins" in view.message
    assert rows_of(engine, "ADJUSTMENT") == []
    assert [(a.actor, a.action, a.outcome) for a in service.audit_log() if a.outcome == "refused"] == [
        ("boss@x.test", "not_hr", "refused")]


def test_the_person_is_told_and_hr_corrections_reach_the_employee_and_the_approver(service: LeaveService,
                                                                                  engine: Engine) -> None:
    told = Told()
    service.handle_text("hr@x.test", "adjust rahul sick -0.5 recorded twice", "console")
    applied = service.execute("ananya@x.test", ApplyLeave("casual", date(2026, 11, 23), date(2026, 11, 27)), "t")
    assert isinstance(applied, AppliedView) and applied.request.id is not None
    service.execute("boss@x.test", Decide(applied.request.id, True), "t")
    service.deliver_notices([told])
    told.notices.clear()
    refused = service.execute("ananya@x.test", CancelRequest(applied.request.id), "t")
    assert isinstance(refused, RefusalView) and "ask HR to correct it" in refused.message
    view = service.execute("hr@x.test", CancelRequest(applied.request.id), "t")
    assert isinstance(view, CancelledView) and view.restored == Amount.days(3)
    service.deliver_notices([told])
    corrected = {n.recipient.email for n in told.notices if isinstance(n, Notice) and n.kind is NoticeKind.CORRECTED}
    assert corrected == {"ananya@x.test", "boss@x.test"}
    assert [r[2] for r in rows_of(engine, "REVERSAL")] == [Decimal(3)]
    assert ledger_sum(engine, "E3", "casual") == shown(service, "ananya@x.test", "casual") == Decimal(9)


def test_the_adjustment_notice_goes_out_once(service: LeaveService) -> None:
    told = Told()
    service.handle_text("hr@x.test", "adjust rahul sick -0.5 recorded twice", "console")
    service.deliver_notices([told])
    service.deliver_notices([told])
    [notice] = [n for n in told.notices if isinstance(n, BalanceNotice)]
    assert notice.kind is NoticeKind.ADJUSTED and notice.recipient.email == "rahul@x.test"
    assert (notice.adjustment.after, notice.adjustment.reason) == (Amount.days("10.5"), "recorded twice")


def test_encashment_at_year_end_is_paid_once(uow_factory: Callable[[], UnitOfWork], engine: Engine) -> None:
    document = policy_document()
    document["leave_types"]["privilege"].update(overflow="encash", max_encash_days=1)
    service = LeaveService(uow_factory, FixedClock(datetime(2027, 1, 2, 4, 30, tzinfo=UTC)),
                           default_time_zone="Asia/Kolkata")
    service.load_policy(document, "test")
    service.import_employees(ORG_CSV)
    service.balance_of("ananya@x.test", 2026)
    service.run_job("year-end", date(2027, 1, 2))
    assert not service.run_job("year-end", date(2027, 1, 2)).written
    # 12 privilege days unused: 10 carried, 1 paid out, 1 lapses.
    assert [r[:4] for r in rows_of(engine, "ENCASHMENT") if r[0] == "E3"] == [
        ("E3", "privilege", Decimal(-1), "encashment")]
    row = next(r for r in service.balance_of("ananya@x.test", 2026).rows if r.type_key == "privilege")
    assert (row.paid_out, row.lapsed, row.available) == (Amount.days(1), Amount.days(12), Amount.days(0))
    assert ledger_sum(engine, "E3", "privilege") == shown(service, "ananya@x.test", "privilege", 2026) == 0


def test_the_digest_counts_as_lost_only_what_is_not_paid_out(uow_factory: Callable[[], UnitOfWork]) -> None:
    document = policy_document()
    document["leave_types"]["privilege"].update(overflow="encash", max_encash_days=1.5)
    service = LeaveService(uow_factory, FixedClock(datetime(2026, 11, 25, 4, 30, tzinfo=UTC)),
                           default_time_zone="Asia/Kolkata")
    service.load_policy(document, "test")
    service.import_employees(ORG_CSV)
    rows = service.hr_digest(date(2026, 11, 23))["insight"]["year_end"]["types"]["rows"]
    # Privilege: 12 a year, 10 carried, of the 2 left 1.5 paid out and 0.5 lost, for each of five people.
    assert {"type": "Privilege leave", "people": 5, "days": "2.5", "paid_out": "7.5"} in rows
    assert all("paid_out" not in row for row in rows if row["type"] != "Privilege leave")

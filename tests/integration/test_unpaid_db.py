"""Loss of pay and the payroll export through ``LeaveService``, on SQLite and MariaDB.

The offer made by one command is kept in the database (``split_offers``) and taken by the ``yes``
of the next; payroll's figures for every month of the year add up to the ledger's, with leave
across two months, days given back by a partial cancel, an unpaid part and an adjustment written
straight into the ledger.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import Engine, select

from core.commands import ApplyLeave, CancelRequest, ConfirmSplit, Decide
from core.domain.amount import Amount
from core.domain.model import EntryKind, LedgerEntry, Source, SourceKind
from core.ports import UnitOfWork
from core.service import LeaveService
from core.views import AppliedView, DecidedView, PayrollView, RefusalView, SplitAppliedView
from storage.tables import split_offers
from tests.unit.conftest import ORG_CSV, policy_document
from tests.unit.fakes import FixedClock

PEOPLE = ("E3", "E4")


@pytest.fixture
def unpaid_service(uow_factory: Callable[[], UnitOfWork], clock: FixedClock) -> LeaveService:
    service = LeaveService(uow_factory, clock, default_time_zone="Asia/Kolkata")
    service.load_policy(policy_document(including=("unpaid",)), "test")
    service.import_employees(ORG_CSV)
    return service


def applied(service: LeaveService, who: str, kind: str, start: date, end: date) -> int:
    view = service.execute(who, ApplyLeave(kind, start, end, None, "trip"), "test")
    assert isinstance(view, AppliedView), view
    return view.request.id


def approve(service: LeaveService, request_id: int) -> None:
    assert isinstance(service.execute("boss@x.test", Decide(request_id, True), "test"), DecidedView)


def test_the_offer_waits_in_the_database_for_the_yes(unpaid_service: LeaveService, engine: Engine) -> None:
    approve(unpaid_service, applied(unpaid_service, "rahul@x.test", "casual", date(2026, 12, 1), date(2026, 12, 10)))
    refused = unpaid_service.execute("rahul@x.test", ApplyLeave("casual", date(2026, 12, 14), date(2026, 12, 18)),
                                     "test")
    assert isinstance(refused, RefusalView) and "+ 1 day unpaid (Fri 18 Dec 2026)? Reply yes" in refused.message
    with engine.connect() as connection:
        kept = connection.execute(select(split_offers)).all()
    assert [(row.employee_id, row.paid_type, row.paid_end, row.unpaid_type, row.unpaid_start) for row in kept] == [
        ("E4", "casual", date(2026, 12, 17), "unpaid", date(2026, 12, 18))]
    first = unpaid_service.execute("rahul@x.test", ConfirmSplit(), "slack", "slack:trigger:9")
    replay = unpaid_service.execute("rahul@x.test", ConfirmSplit(), "slack", "slack:trigger:9")
    assert isinstance(first, SplitAppliedView) and isinstance(replay, SplitAppliedView) and replay.duplicate
    assert [(r.type_key, r.days) for r in first.requests] == [("casual", Amount.days(4)), ("unpaid", Amount.days(1))]
    assert [r.id for r in replay.requests] == [r.id for r in first.requests]
    with engine.connect() as connection:
        assert connection.execute(select(split_offers)).all() == []
    for request in first.requests:
        approve(unpaid_service, request.id)
    listed = unpaid_service.execute("rahul@x.test", ApplyLeave("unpaid", date(2026, 12, 21), date(2026, 12, 24)),
                                    "test")
    assert isinstance(listed, AppliedView) and listed.request.days == Amount.days(4)  # never refused for a balance


def test_payroll_months_add_up_to_the_ledger(unpaid_service: LeaveService,
                                              uow_factory: Callable[[], UnitOfWork]) -> None:
    # Across November and December; some of it given back; an unpaid part; an adjustment by hand.
    across = applied(unpaid_service, "ananya@x.test", "casual", date(2026, 11, 26), date(2026, 12, 4))
    approve(unpaid_service, across)
    unpaid_service.execute("ananya@x.test", CancelRequest(across, date(2026, 12, 3), date(2026, 12, 4)), "test")
    approve(unpaid_service, applied(unpaid_service, "rahul@x.test", "sick", date(2026, 11, 30), date(2026, 12, 1)))
    approve(unpaid_service, applied(unpaid_service, "rahul@x.test", "unpaid", date(2026, 12, 7), date(2026, 12, 9)))
    with uow_factory() as uow:
        uow.ledger.add(LedgerEntry("E3", "casual", 2026, EntryKind.ADJUSTMENT, Amount.days("1.5"),
                                   datetime(2026, 12, 15, 9, tzinfo=UTC), Source(SourceKind.ADJUSTMENT, "ADJ-1")))
        uow.commit()
    months = {}
    for month in range(1, 13):
        view = unpaid_service.handle_text("hr@x.test", f"payroll 2026-{month:02d}", "test")
        assert isinstance(view, PayrollView)
        months[month] = {row["employee_id"]: row for row in csv.DictReader(io.StringIO(view.files[0].text))}
    # Ananya: Thu 26, Fri 27, Mon 30 Nov; Tue 1, Wed 2 Dec (3 and 4 Dec given back).
    assert (months[11]["E3"]["paid_casual"], months[12]["E3"]["paid_casual"]) == ("3", "2")
    assert months[12]["E3"]["adjustment_days"] == "1.5"
    assert (months[11]["E4"]["paid_sick"], months[12]["E4"]["paid_sick"], months[12]["E4"]["unpaid_days"]) == (
        "1", "1", "3")
    with uow_factory() as uow:
        ledger = {person: uow.ledger.entries(person, 2026) for person in PEOPLE}
    for person, entries in ledger.items():
        for type_key in ("casual", "sick", "unpaid"):
            column = "unpaid_days" if type_key == "unpaid" else f"paid_{type_key}"
            exported = sum(Decimal(m[person][column]) for m in months.values() if person in m)
            charged = -sum(e.amount.value for e in entries if e.type_key == type_key
                           and e.kind in (EntryKind.LEAVE_TAKEN, EntryKind.REVERSAL))
            assert exported == charged, (person, type_key)
        adjusted = sum(Decimal(m[person]["adjustment_days"]) for m in months.values() if person in m)
        assert adjusted == sum(e.amount.value for e in entries if e.kind is EntryKind.ADJUSTMENT)
    assert months[1] == {}  # a month with nothing: the header alone

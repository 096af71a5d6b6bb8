"""``/leave payroll YYYY-MM``: the month's paid, unpaid and encashed days and adjustments, per person."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import pytest

from bot.render_text import render
from core.commands import ApplyLeave, CancelRequest, Decide, Payroll
from core.domain.amount import Amount
from core.domain.model import EntryKind, LedgerEntry, Source, SourceKind
from core.errors import BadCommand
from core.language.grammar import parse_command
from core.service import LeaveService
from core.views import AppliedView, PayrollView, RefusalView
from tests.unit.conftest import ORG_CSV
from tests.unit.fakes import FakeStore


def approved(service: LeaveService, who: str, kind: str, start: date, end: date) -> int:
    view = service.execute(who, ApplyLeave(kind, start, end, None, "r"), "test")
    assert isinstance(view, AppliedView), view
    service.execute("boss@x.test", Decide(view.request.id, True), "test")
    return view.request.id


def entry(store: FakeStore, employee_id: str, kind: EntryKind, days: int, at: datetime, source: str) -> None:
    """A ledger entry written as the HR correction or payout that writes it would write it."""
    source_kind = SourceKind.ADJUSTMENT if kind is EntryKind.ADJUSTMENT else SourceKind.ENCASHMENT
    with store() as uow:
        uow.ledger.add(LedgerEntry(employee_id, "casual", at.year, kind, Amount.days(days), at,
                                   Source(source_kind, source)))
        uow.commit()


def rows(view: PayrollView) -> list[dict[str, str]]:
    (file,) = view.files
    return list(csv.DictReader(io.StringIO(file.text)))


@pytest.fixture
def month_of_leave(unpaid_service: LeaveService, store: FakeStore) -> LeaveService:
    """Ananya: casual Mon 30 Nov to Wed 2 Dec; an adjustment of +2 on 5 Dec and one of -1 written at
    20:00 UTC on 30 Nov (1 Dec in India). Rahul: sick 1 to 4 Dec with 3 and 4 Dec given back; unpaid
    7 and 8 Dec. Kiran (New York): 3 days encashed at 03:00 UTC on 1 Dec, 30 Nov where she is."""
    approved(unpaid_service, "ananya@x.test", "casual", date(2026, 11, 30), date(2026, 12, 2))
    sick = approved(unpaid_service, "rahul@x.test", "sick", date(2026, 12, 1), date(2026, 12, 4))
    unpaid_service.execute("rahul@x.test", CancelRequest(sick, date(2026, 12, 3), date(2026, 12, 4)), "test")
    approved(unpaid_service, "rahul@x.test", "unpaid", date(2026, 12, 7), date(2026, 12, 8))
    entry(store, "E3", EntryKind.ADJUSTMENT, 2, datetime(2026, 12, 5, 10, tzinfo=UTC), "A1")
    entry(store, "E3", EntryKind.ADJUSTMENT, -1, datetime(2026, 11, 30, 20, tzinfo=UTC), "A2")
    entry(store, "E5", EntryKind.ENCASHMENT, -3, datetime(2026, 12, 1, 3, tzinfo=UTC), "P1")
    return unpaid_service


def test_payroll_is_read_as_one_month() -> None:
    today = date(2026, 11, 25)
    assert parse_command("payroll 2026-12", today) == Payroll("2026-12", date(2026, 12, 1), date(2026, 12, 31))
    for words, why in [("payroll", "Say which month"), ("payroll 2026-Q4", "not one month"),
                       ("payroll 2026", "not one month"), ("payroll 2026-13", "no month 13"),
                       ("payroll 2026-11 2026-12", "Say which month")]:
        with pytest.raises(BadCommand, match=why):
            parse_command(words, today)


def test_the_month_per_person_as_the_ledger_has_it(month_of_leave: LeaveService) -> None:
    view = month_of_leave.handle_text("hr@x.test", "payroll 2026-12", "test")
    assert isinstance(view, PayrollView) and view.files[0].name == "payroll-2026-12.csv"
    header = view.files[0].text.splitlines()[0]
    assert header == ("employee_id,email,name,department,paid_casual,paid_sick,paid_privilege,paid_maternity,"
                      "paid_paternity,paid_days,unpaid_days,encashed_days,adjustment_days")
    by_id = {row["employee_id"]: row for row in rows(view)}
    assert set(by_id) == {"E3", "E4"}
    ananya, rahul = by_id["E3"], by_id["E4"]
    assert (ananya["paid_casual"], ananya["paid_days"], ananya["unpaid_days"], ananya["adjustment_days"]) == (
        "2", "2", "0", "1")
    assert (rahul["paid_sick"], rahul["paid_days"], rahul["unpaid_days"], rahul["encashed_days"]) == (
        "2", "2", "2", "0")
    assert (view.people, view.unpaid, view.encashed, view.adjusted) == (
        2, Amount.days(2), Amount.days(0), Amount.days(1))
    assert {(t.type_key, t.days) for t in view.paid} == {("casual", Amount.days(2)), ("sick", Amount.days(2))}


def test_the_month_before_counts_its_own_days_and_entry_dates(month_of_leave: LeaveService) -> None:
    view = month_of_leave.handle_text("hr@x.test", "payroll 2026-11", "test")
    assert isinstance(view, PayrollView)
    by_id = {row["employee_id"]: row for row in rows(view)}
    assert (by_id["E3"]["paid_casual"], by_id["E3"]["adjustment_days"]) == ("1", "0")
    assert (by_id["E5"]["encashed_days"], by_id["E5"]["paid_days"]) == ("3", "0")


def test_a_month_with_nothing_is_the_header_alone(month_of_leave: LeaveService) -> None:
    view = month_of_leave.handle_text("hr@x.test", "payroll 2027-03", "test")
    assert isinstance(view, PayrollView) and view.people == 0
    assert view.files[0].text.count("\n") == 1 and view.files[0].text.startswith("employee_id,")
    assert "nothing for payroll" in render(view)


def test_payroll_is_for_hr_only(month_of_leave: LeaveService, store: FakeStore) -> None:
    view = month_of_leave.handle_text("boss@x.test", "payroll 2026-12", "test")
    assert isinstance(view, RefusalView) and view.message.startswith("Payroll figures are for HR admins")
    last = store.committed.audit[-1]
    assert (last.actor, last.action, last.outcome, last.detail) == ("boss@x.test", "not_hr", "refused",
                                                                    "payroll 2026-12")


def test_cells_that_a_spreadsheet_would_run_are_escaped(unpaid_service: LeaveService, store: FakeStore) -> None:
    unpaid_service.import_employees(ORG_CSV + "E9,eve@x.test,=HYPERLINK(1),-x,boss@x.test,EMPLOYEE,@Ops,Bengaluru,"
                                              "INDIA,2024-01-01,ACTIVE,Asia/Kolkata\n")
    entry(store, "E9", EntryKind.ADJUSTMENT, 1, datetime(2026, 12, 5, 10, tzinfo=UTC), "A9")
    view = unpaid_service.payroll("2026-12")
    (row,) = rows(view)
    assert (row["name"], row["department"]) == ("'=HYPERLINK(1) -x", "'@Ops")

"""Comp-off credits across the year end: each credit keeps its window, whatever the year end.

The rules of :mod:`core.compoff.year_end` on plain entries, and the whole story through
``LeaveService`` on the in-memory fakes (:func:`year_end_story`, which the integration tests replay
on SQLite and MariaDB): credits earned in November and December 2026, the 2026 year end, January
leave paid by a December credit, a cancel, and the lapse after the credit's last day.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

from core.commands import ApplyLeave, CancelRequest, ClaimCompOff, Decide, DecideClaim, ShowBalance
from core.compoff.credits import credits, lapses
from core.compoff.year_end import close_credits, outside_credits
from core.domain.amount import NO_DAYS, Amount
from core.domain.compoff import parse_claim_number
from core.domain.model import EntryKind, LeaveRequest, LedgerEntry, RequestStatus, Source, SourceKind
from core.ports import UnitOfWork
from core.service import LeaveService
from core.views import AppliedView, BalanceRow, BalanceView, CancelledView, CompOffClaimView, DecidedView
from tests.unit.conftest import ORG_CSV, policy_document
from tests.unit.fakes import FakeStore, FixedClock

AT = datetime(2027, 1, 1, 0, 30, tzinfo=UTC)
NEW_YEAR = date(2027, 1, 1)


def _credit(claim: str, day: date, until: date, days: str = "1", year: int = 2026) -> LedgerEntry:
    return LedgerEntry("E3", "compoff", year, EntryKind.COMP_OFF, Amount.days(days), AT,
                       Source(SourceKind.COMP_OFF, claim), valid_from=day, valid_until=until)


def _moves(made: list[LedgerEntry]) -> list[tuple[EntryKind, int, str, str, date | None, date | None]]:
    return [(e.kind, e.year, e.amount.figure, e.source.id, e.valid_from, e.valid_until) for e in made]


def test_a_credit_still_valid_moves_with_its_window_and_a_past_one_lapses() -> None:
    entries = [_credit("1", date(2026, 11, 1), date(2026, 12, 31)),
               _credit("2", date(2026, 12, 20), date(2027, 2, 18)),
               _credit("3", date(2026, 12, 26), date(2027, 2, 24), "0.5")]
    made = close_credits(entries, [], "compoff", 2026, NEW_YEAR, AT)
    assert _moves(made) == [
        (EntryKind.EXPIRY, 2026, "-1", "1", date(2026, 11, 1), date(2026, 12, 31)),
        (EntryKind.CARRIED_OUT, 2026, "-1", "2@2027", date(2026, 12, 20), date(2027, 2, 18)),
        (EntryKind.CARRIED_IN, 2027, "1", "2@2027", date(2026, 12, 20), date(2027, 2, 18)),
        (EntryKind.CARRIED_OUT, 2026, "-0.5", "3@2027", date(2026, 12, 26), date(2027, 2, 24)),
        (EntryKind.CARRIED_IN, 2027, "0.5", "3@2027", date(2026, 12, 26), date(2027, 2, 24)),
    ]
    after = entries + made
    assert close_credits([e for e in after if e.year == 2026], [], "compoff", 2026, NEW_YEAR, AT) == []
    assert {(c.year, c.day): c.left.figure for c in credits(after, "compoff")} == {
        (2026, date(2026, 11, 1)): "0", (2026, date(2026, 12, 20)): "0", (2026, date(2026, 12, 26)): "0",
        (2027, date(2026, 12, 20)): "1", (2027, date(2026, 12, 26)): "0.5"}


def test_a_credit_moved_twice_gets_a_source_per_year() -> None:
    moved = [_credit("2", date(2026, 12, 20), date(2028, 6, 30), year=2026)]
    once = close_credits(moved, [], "compoff", 2026, NEW_YEAR, AT)
    into_2027 = [e for e in once if e.year == 2027]
    twice = close_credits(into_2027, [], "compoff", 2027, date(2028, 1, 1), AT)
    assert [e.source.id for e in once + twice] == ["2@2027", "2@2027", "2@2028", "2@2028"]


def test_pending_leave_of_the_old_year_keeps_its_days_in_the_soonest_credits() -> None:
    entries = [_credit("2", date(2026, 12, 20), date(2027, 2, 18)), _credit("3", date(2026, 12, 26), date(2027, 2, 24))]
    pending = [LeaveRequest("E3", "compoff", date(2026, 12, 31), date(2026, 12, 31), Amount.days(1),
                            RequestStatus.PENDING, AT, year_days={2026: Amount.days(1)})]
    made = close_credits(entries, pending, "compoff", 2026, NEW_YEAR, AT)
    assert _moves(made) == [
        (EntryKind.CARRIED_OUT, 2026, "-1", "3@2027", date(2026, 12, 26), date(2027, 2, 24)),
        (EntryKind.CARRIED_IN, 2027, "1", "3@2027", date(2026, 12, 26), date(2027, 2, 24))]
    # available 1 (2 earned, 1 pending): all of it is in credits, nothing for the generic rules.
    assert outside_credits(Amount.days(1), entries, pending, "compoff", 2026) == NO_DAYS
    # The request is turned down later: the next run moves 20 Dec's credit it held, and no credit twice.
    later = close_credits(entries + made, [], "compoff", 2026, NEW_YEAR, AT)
    assert [(e.kind, e.source.id) for e in later] == [(EntryKind.CARRIED_OUT, "2@2027"),
                                                      (EntryKind.CARRIED_IN, "2@2027")]
    assert close_credits(entries + made + later, [], "compoff", 2026, NEW_YEAR, AT) == []


def test_what_a_pending_request_held_of_a_credit_already_moved_stays_for_the_lapse_job() -> None:
    entries = [_credit("3", date(2026, 12, 26), date(2027, 2, 24))]
    pending = [LeaveRequest("E3", "compoff", date(2026, 12, 31), date(2026, 12, 31), Amount.days("0.5"),
                            RequestStatus.PENDING, AT, year_days={2026: Amount.days("0.5")})]
    made = close_credits(entries, pending, "compoff", 2026, NEW_YEAR, AT)
    assert [e.amount.figure for e in made] == ["-0.5", "0.5"]
    assert close_credits(entries + made, [], "compoff", 2026, NEW_YEAR, AT) == []  # its move is written once
    assert [(e.year, e.amount.figure) for e in lapses(entries + made, "compoff", date(2027, 2, 25), AT)] == [
        (2026, "-0.5"), (2027, "-0.5")]


def test_only_days_held_in_no_credit_are_left_to_the_generic_rules() -> None:
    entries = [_credit("2", date(2026, 12, 20), date(2027, 2, 18)),
               LedgerEntry("E3", "compoff", 2026, EntryKind.ADJUSTMENT, Amount.days(2), AT,
                           Source(SourceKind.ADJUSTMENT, "9"))]
    assert outside_credits(Amount.days(3), entries, [], "compoff", 2026) == Amount.days(2)


# -- the story through the service -----------------------------------------------------------

def year_end_story(uow_factory: Callable[[], UnitOfWork], clock: FixedClock) -> None:
    """Credits of 1 Nov, 20 Dec and 26 Dec 2026 across the 2026 year end, on any storage."""
    clock.at = datetime(2026, 11, 10, 4, 30, tzinfo=UTC)
    service = LeaveService(uow_factory, clock, default_time_zone="Asia/Kolkata")
    service.load_policy(policy_document(including=("compoff",)), "test")
    service.import_employees(ORG_CSV)
    worked_1_nov = _approved(service, date(2026, 11, 1))  # its last day, 31 Dec 2026, is before the year end
    clock.at = datetime(2026, 12, 28, 4, 30, tzinfo=UTC)
    worked_20_dec = _approved(service, date(2026, 12, 20))  # lasts until 18 Feb 2027
    worked_26_dec = _approved(service, date(2026, 12, 26))  # lasts until 24 Feb 2027
    _balances_equal_the_ledger(service, uow_factory, 2026)

    clock.at = datetime(2027, 1, 1, 0, 30, tzinfo=UTC)
    assert service.run_job("year-end", NEW_YEAR).written > 0
    assert service.run_job("year-end", NEW_YEAR).written == 0
    moved = _ledger(uow_factory, lambda e: e.source.kind is SourceKind.COMP_OFF and e.kind is not EntryKind.COMP_OFF)
    assert moved == [
        (EntryKind.EXPIRY, 2026, "-1", str(worked_1_nov), date(2026, 12, 31)),
        (EntryKind.CARRIED_OUT, 2026, "-1", f"{worked_20_dec}@2027", date(2027, 2, 18)),
        (EntryKind.CARRIED_IN, 2027, "1", f"{worked_20_dec}@2027", date(2027, 2, 18)),
        (EntryKind.CARRIED_OUT, 2026, "-1", f"{worked_26_dec}@2027", date(2027, 2, 24)),
        (EntryKind.CARRIED_IN, 2027, "1", f"{worked_26_dec}@2027", date(2027, 2, 24)),
    ]
    # The type's generic carry-forward and expiry did not also apply.
    assert _ledger(uow_factory, lambda e: e.type_key == "compoff" and e.source.kind is SourceKind.YEAR_END) == []
    service.run_job("accrual", NEW_YEAR)  # the lapse job: 1 Nov's credit lapsed already
    assert len(_ledger(uow_factory, lambda e: e.kind is EntryKind.EXPIRY and e.type_key == "compoff")) == 1
    _balances_equal_the_ledger(service, uow_factory, 2026)
    _balances_equal_the_ledger(service, uow_factory, 2027)
    assert _compoff_row(service, 2026).available == NO_DAYS
    january = _compoff_row(service, 2027)
    assert (january.entitled, january.available) == (Amount.days(2), Amount.days(2))
    assert january.credits == ((Amount.days(1), date(2027, 2, 18)), (Amount.days(1), date(2027, 2, 24)))

    clock.at = datetime(2027, 1, 4, 4, 30, tzinfo=UTC)
    applied = service.execute("ananya@x.test", ApplyLeave("compoff", date(2027, 1, 5), date(2027, 1, 5)), "test")
    assert isinstance(applied, AppliedView), applied
    assert isinstance(service.execute("boss@x.test", Decide(applied.request.id, True), "test"), DecidedView)
    assert _ledger(uow_factory, lambda e: e.kind is EntryKind.LEAVE_TAKEN) == [
        (EntryKind.LEAVE_TAKEN, 2027, "-1", str(applied.request.id), date(2027, 2, 18))]
    _balances_equal_the_ledger(service, uow_factory, 2027)
    cancelled = service.execute("ananya@x.test", CancelRequest(applied.request.id), "test")
    assert isinstance(cancelled, CancelledView)
    assert _ledger(uow_factory, lambda e: e.kind is EntryKind.REVERSAL) == [
        (EntryKind.REVERSAL, 2027, "1", str(applied.request.id), date(2027, 2, 18))]
    assert _compoff_row(service, 2027).available == Amount.days(2)

    clock.at = datetime(2027, 2, 24, 4, 30, tzinfo=UTC)
    service.run_job("accrual", date(2027, 2, 24))  # 20 Dec's credit lapses; 26 Dec's last day still counts
    assert [row[3] for row in _ledger(uow_factory, lambda e: e.kind is EntryKind.EXPIRY and e.year == 2027)] == [
        f"{worked_20_dec}@2027"]
    clock.at = datetime(2027, 2, 25, 4, 30, tzinfo=UTC)
    service.run_job("accrual", date(2027, 2, 25))
    service.run_job("accrual", date(2027, 2, 25))  # a second run lapses nothing more
    lapsed = _ledger(uow_factory, lambda e: e.kind is EntryKind.EXPIRY and e.year == 2027)
    assert lapsed == [(EntryKind.EXPIRY, 2027, "-1", f"{worked_20_dec}@2027", date(2027, 2, 18)),
                      (EntryKind.EXPIRY, 2027, "-1", f"{worked_26_dec}@2027", date(2027, 2, 24))]
    _balances_equal_the_ledger(service, uow_factory, 2027)
    assert _compoff_row(service, 2027).available == NO_DAYS
    assert service.hr_digest(date(2027, 3, 1))["compoff_lapsed"]["rows"] == [
        {"name": "Ananya Iyer", "type": "Comp-off", "days": "1", "worked_on": worked, "expires_on": until}
        for worked, until in (("2026-12-20", "2027-02-18"), ("2026-12-26", "2027-02-24"))]


def test_the_year_end_story_on_the_fakes() -> None:
    year_end_story(FakeStore(), FixedClock(datetime(2026, 11, 10, 4, 30, tzinfo=UTC)))


def _approved(service: LeaveService, day: date) -> int:
    view = service.execute("ananya@x.test", ClaimCompOff(day, None, "release cut-over"), "test")
    assert isinstance(view, CompOffClaimView), view
    claim_id = parse_claim_number(view.number)
    decided = service.execute("boss@x.test", DecideClaim(claim_id, True), "test")
    assert isinstance(decided, CompOffClaimView) and decided.status is RequestStatus.APPROVED
    return claim_id


def _ledger(uow_factory: Callable[[], UnitOfWork], which: Callable[[LedgerEntry], bool],
            ) -> list[tuple[EntryKind, int, str, str, date | None]]:
    with uow_factory() as uow:
        found = [e for e in uow.ledger.entries("E3") if which(e)]
    return sorted(((e.kind, e.year, e.amount.figure, e.source.id, e.valid_until) for e in found),
                  key=lambda row: (row[4] or date.min, row[1], row[0] is not EntryKind.CARRIED_OUT))


def _compoff_row(service: LeaveService, year: int) -> BalanceRow:
    view = service.execute("ananya@x.test", ShowBalance(year=year), "test")
    assert isinstance(view, BalanceView), view
    (row,) = [r for r in view.rows if r.type_key == "compoff"]
    return row


def _balances_equal_the_ledger(service: LeaveService, uow_factory: Callable[[], UnitOfWork], year: int) -> None:
    view = service.execute("ananya@x.test", ShowBalance(year=year), "test")
    assert isinstance(view, BalanceView), view
    with uow_factory() as uow:
        entries = uow.ledger.entries("E3", year)
    for row in view.rows:
        ledger = sum((e.amount for e in entries if e.type_key == row.type_key), NO_DAYS)
        assert row.available + row.pending == ledger, (year, row.type_key)

"""Apply, decide and cancel through the service on the in-memory fakes."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from core.commands import ApplyLeave, CancelRequest, Decide, ShowBalance
from core.domain.amount import Amount
from core.domain.model import EntryKind, HalfDay, RequestStatus, Source
from core.service import LeaveService
from core.views import AppliedView, BalanceView, CancelledView, DecidedView, RefusalView
from tests.unit.fakes import FakeStore, FixedClock


def apply(service: LeaveService, who: str, kind: str, start: date, end: date | None = None,
          half: HalfDay | None = None, doc: str | None = None, key: str | None = None) -> AppliedView | RefusalView:
    view = service.execute(who, ApplyLeave(kind, start, end or start, half, "reason", doc), "test", key)
    assert isinstance(view, AppliedView | RefusalView)
    return view


def available(service: LeaveService, who: str, type_key: str, year: int = 2026) -> Amount:
    view = service.execute(who, ShowBalance(year=year), "test")
    assert isinstance(view, BalanceView)
    return next(r.available for r in view.rows if r.type_key == type_key)


def test_apply_counts_working_days_and_routes_to_the_manager(service: LeaveService, store: FakeStore) -> None:
    # Thu 24 Dec to Mon 28 Dec 2026: Christmas (Fri) and the weekend are not counted.
    view = apply(service, "ananya@x.test", "CL", date(2026, 12, 24), date(2026, 12, 28))
    assert isinstance(view, AppliedView)
    assert view.request.days == Amount.days(2)
    assert view.request.status is RequestStatus.PENDING
    assert view.request.approver is not None and view.request.approver.email == "boss@x.test"
    assert view.request.number.startswith("LV-")
    # 11 accrued by 25 Nov, 2 of them held by this request; December's day is still to come.
    left = view.balance_after[2026]
    assert (left.available, left.to_accrue, left.at_year_end) == (Amount.days(9), Amount.days(1), Amount.days(10))
    state = store.committed
    assert [e.name for e in state.outbox] == ["leave.pending"]
    assert [(a.action, a.outcome) for a in state.audit][-1] == ("apply", "ok")
    # Pending days are held: the balance counts them, and shows the very row the reply did.
    balance = service.execute("ananya@x.test", ShowBalance(year=2026), "test")
    assert isinstance(balance, BalanceView)
    assert next(r for r in balance.rows if r.type_key == "casual") == left


def test_half_day_counts_half_and_the_other_half_does_not_overlap(service: LeaveService) -> None:
    first = apply(service, "ananya@x.test", "casual", date(2026, 12, 1), half=HalfDay.FIRST)
    second = apply(service, "ananya@x.test", "casual", date(2026, 12, 1), half=HalfDay.SECOND)
    again = apply(service, "ananya@x.test", "casual", date(2026, 12, 1), half=HalfDay.SECOND)
    assert isinstance(first, AppliedView) and first.request.days == Amount.days("0.5")
    assert isinstance(second, AppliedView)
    assert isinstance(again, RefusalView) and "overlaps" in again.message


def test_a_half_day_reads_as_half_a_day_from_application_to_cancel(service: LeaveService, store: FakeStore) -> None:
    applied = apply(service, "ananya@x.test", "casual", date(2026, 12, 1), half=HalfDay.SECOND)
    assert isinstance(applied, AppliedView)
    rid = applied.request.id
    stored = store.committed.requests[rid]
    assert (stored.days.text(), stored.year_days, stored.half) == ("0.5 days", {2026: Amount.days("0.5")},
                                                                   HalfDay.SECOND)
    assert [a.detail for a in store.committed.audit if a.action == "apply"] == ["casual 0.5 days"]
    service.execute("boss@x.test", Decide(rid, True), "test")
    cancelled = service.execute("ananya@x.test", CancelRequest(rid), "test")
    assert isinstance(cancelled, CancelledView) and cancelled.restored.text() == "0.5 days"
    moved = [(e.kind, e.amount.text()) for e in store.committed.ledger if e.source == Source.request(rid)]
    assert moved == [(EntryKind.LEAVE_TAKEN, "-0.5 days"), (EntryKind.REVERSAL, "0.5 days")]


def test_refusals_say_why_and_change_nothing(service: LeaveService, store: FakeStore) -> None:
    before = store.commits
    cases = {
        ("casual", date(2026, 12, 5), date(2026, 12, 6)): "no working day",
        ("casual", date(2026, 12, 10), date(2026, 12, 9)): "before the start date",
        ("casual", date(2026, 9, 1), None): "more than 60 days ago",
        ("casual", date(2028, 6, 1), None): "18 months ahead",
        ("privilege", date(2026, 11, 30), None): "at least 7 days ahead",
        ("holiday", date(2026, 12, 1), None): "Valid types: casual (CL)",
        ("casual", date(2026, 12, 1), date(2027, 1, 29)): "Only 12 casual leave days left for 2026",
    }
    for (kind, start, end), expected in cases.items():
        view = apply(service, "ananya@x.test", kind, start, end)
        assert isinstance(view, RefusalView), (kind, start, end)
        assert expected in view.message, view.message
    assert store.commits == before
    unknown = apply(service, "nobody@x.test", "casual", date(2026, 12, 1))
    assert isinstance(unknown, RefusalView) and "your e-mail: nobody@x.test" in unknown.message


def test_balance_counts_pending_requests(service: LeaveService) -> None:
    assert isinstance(apply(service, "rahul@x.test", "casual", date(2026, 12, 1), date(2026, 12, 10)), AppliedView)
    view = apply(service, "rahul@x.test", "casual", date(2026, 12, 14), date(2026, 12, 18))
    assert isinstance(view, RefusalView)
    assert view.message.startswith("Only 4 casual leave days left for 2026")
    assert "you asked for 5" in view.message


def test_leave_across_new_year_is_charged_to_each_year(service: LeaveService, store: FakeStore) -> None:
    view = apply(service, "ananya@x.test", "casual", date(2026, 12, 30), date(2027, 1, 4))
    assert isinstance(view, AppliedView)
    # 30, 31 Dec; 1 Jan is a holiday; 4 Jan, when only January's day will have accrued for 2027.
    assert view.request.days == Amount.days(3)
    # 2027 has not begun: it counts the 5 days the 2026 year end is expected to carry (the cap), and
    # January's accrual by the 4th; the rest of its accruals are to come.
    assert {year: (row.available, row.at_year_end) for year, row in view.balance_after.items()} == {
        2026: (Amount.days(9), Amount.days(10)), 2027: (Amount.days(4), Amount.days(16))}
    assert view.balance_after[2027].carried_expected == Amount.days(5)
    # 4 to 12 Jan is 7 working days; 5 expected to be carried and 1 accrued by then are 6.
    refused = apply(service, "rahul@x.test", "casual", date(2026, 12, 31), date(2027, 1, 12))
    assert isinstance(refused, RefusalView) and "Only 6 casual leave days left for 2027" in refused.message
    decided = service.execute("boss@x.test", Decide(view.request.id, True), "test")
    assert isinstance(decided, DecidedView)
    taken = sorted((e.year, e.amount.value) for e in store.committed.ledger if e.kind is EntryKind.LEAVE_TAKEN)
    assert taken == [(2026, Decimal(-2)), (2027, Decimal(-1))]


def test_sick_leave_over_three_days_without_document_is_marked_due(service: LeaveService) -> None:
    view = apply(service, "ananya@x.test", "sick", date(2026, 11, 30), date(2026, 12, 3))
    assert isinstance(view, AppliedView) and view.request.document_due
    with_doc = apply(service, "rahul@x.test", "SL", date(2026, 11, 30), date(2026, 12, 3), doc="https://x.test/cert")
    assert isinstance(with_doc, AppliedView) and not with_doc.request.document_due


def test_approve_writes_leave_taken_and_only_once(service: LeaveService, store: FakeStore) -> None:
    view = apply(service, "ananya@x.test", "casual", date(2026, 12, 1), date(2026, 12, 2))
    assert isinstance(view, AppliedView)
    rid = view.request.id
    approved = service.execute("boss@x.test", Decide(rid, True), "test")
    assert isinstance(approved, DecidedView) and approved.request.status is RequestStatus.APPROVED
    assert approved.request.decided_by is not None and approved.request.decided_by.name == "Vikram Rao"
    again = service.execute("hr@x.test", Decide(rid, False, "no"), "test")
    assert isinstance(again, RefusalView)
    assert "already approved by Vikram Rao" in again.message
    assert sum(e.amount.value for e in store.committed.ledger if e.source == Source.request(rid)) == Decimal(-2)
    assert available(service, "ananya@x.test", "casual") == Amount.days(9)
    refused = [a for a in store.committed.audit if a.outcome == "refused"]
    assert [(a.actor, a.action) for a in refused] == [("hr@x.test", "reject")]


def test_only_the_approver_or_hr_decides_and_nobody_their_own(service: LeaveService, store: FakeStore) -> None:
    view = apply(service, "ananya@x.test", "casual", date(2026, 12, 1))
    assert isinstance(view, AppliedView)
    rid = view.request.id
    for stranger, words in (("rahul@x.test", "isn't yours to decide"), ("ananya@x.test", "your own request")):
        refused = service.execute(stranger, Decide(rid, True), "test")
        assert isinstance(refused, RefusalView) and words in refused.message
    audit = [(a.actor, a.outcome) for a in store.committed.audit if a.request_id == rid]
    assert audit == [("ananya@x.test", "ok"), ("rahul@x.test", "refused"), ("ananya@x.test", "refused")]
    assert store.committed.requests[rid].status is RequestStatus.PENDING
    rejected = service.execute("hr@x.test", Decide(rid, False, "team offsite"), "test")
    assert isinstance(rejected, DecidedView)
    assert rejected.request.status is RequestStatus.REJECTED and rejected.request.decision_note == "team offsite"
    assert available(service, "ananya@x.test", "casual") == Amount.days(11)


def test_cancel_pending_and_upcoming_approved_restores_days(service: LeaveService, store: FakeStore) -> None:
    pending = apply(service, "ananya@x.test", "casual", date(2026, 12, 1))
    approved = apply(service, "ananya@x.test", "casual", date(2026, 12, 7), date(2026, 12, 8))
    assert isinstance(pending, AppliedView) and isinstance(approved, AppliedView)
    service.execute("boss@x.test", Decide(approved.request.id, True), "test")
    assert available(service, "ananya@x.test", "casual") == Amount.days(8)
    for rid in (pending.request.id, approved.request.id):
        view = service.execute("ananya@x.test", CancelRequest(rid), "test")
        assert isinstance(view, CancelledView) and view.request.status is RequestStatus.CANCELLED
    assert available(service, "ananya@x.test", "casual") == Amount.days(11)
    kinds = [e.kind for e in store.committed.ledger if e.source == Source.request(approved.request.id)]
    assert kinds == [EntryKind.LEAVE_TAKEN, EntryKind.REVERSAL]
    twice = service.execute("ananya@x.test", CancelRequest(pending.request.id), "test")
    assert isinstance(twice, RefusalView) and "already cancelled" in twice.message
    other = service.execute("rahul@x.test", CancelRequest(approved.request.id), "test")
    assert isinstance(other, RefusalView) and other.message == (
        f"{approved.request.number} isn't yours to cancel; /leave list shows your requests.")


def test_started_leave_cannot_be_cancelled(service: LeaveService, clock: FixedClock) -> None:
    view = apply(service, "ananya@x.test", "sick", date(2026, 11, 23), date(2026, 11, 25))
    assert isinstance(view, AppliedView)
    service.execute("boss@x.test", Decide(view.request.id, True), "test")
    refused = service.execute("ananya@x.test", CancelRequest(view.request.id), "test")
    assert isinstance(refused, RefusalView) and "started on Mon 23 Nov 2026" in refused.message


def test_today_is_the_employees_local_date(service: LeaveService, clock: FixedClock) -> None:
    # 04:30 UTC on 25 Nov is still 24 Nov in New York: Kiran may apply for 24 Nov + 7 days notice.
    view = apply(service, "kiran@x.test", "privilege", date(2026, 12, 1))
    assert isinstance(view, AppliedView)
    refused = apply(service, "ananya@x.test", "privilege", date(2026, 12, 1))
    assert isinstance(refused, RefusalView) and "earliest start now is Wed 2 Dec 2026" in refused.message


def test_idempotency_key_returns_the_first_request(service: LeaveService, store: FakeStore) -> None:
    first = apply(service, "ananya@x.test", "casual", date(2026, 12, 1), key="slack:abc")
    second = apply(service, "ananya@x.test", "casual", date(2026, 12, 1), key="slack:abc")
    assert isinstance(first, AppliedView) and isinstance(second, AppliedView)
    assert second.duplicate and second.request.id == first.request.id
    assert len(store.committed.requests) == 1


@pytest.mark.parametrize(
    ("asker", "subject", "allowed"),
    [
        ("boss@x.test", "kiran@x.test", True),  # two levels down
        ("ananya@x.test", "kiran@x.test", True),
        ("hr@x.test", "boss@x.test", True),
        ("rahul@x.test", "ananya@x.test", False),
        ("kiran@x.test", "ananya@x.test", False),
    ],
)
def test_who_may_see_whose_balance(service: LeaveService, asker: str, subject: str, allowed: bool) -> None:
    view = service.execute(asker, ShowBalance(person=subject), "test")
    assert isinstance(view, BalanceView) is allowed
    if not allowed:
        assert isinstance(view, RefusalView) and "report to you" in view.message

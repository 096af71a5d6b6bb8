"""HR's corrections: balance adjustments, and cancelling or shortening leave that has begun."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.commands import AdjustBalance, ApplyLeave, CancelRequest, Decide, ShowBalance
from core.delivery.notices import notices_for
from core.domain.amount import Amount
from core.domain.changes import parse_change
from core.domain.model import EntryKind, RequestStatus, SourceKind
from core.errors import BadCommand
from core.language.grammar import parse_command
from core.service import LeaveService
from core.views import (
    AdjustedView,
    AppliedView,
    BalanceNotice,
    BalanceView,
    CancelledView,
    Notice,
    NoticeKind,
    RefusalView,
)
from tests.unit.conftest import ORG_CSV, policy_document
from tests.unit.fakes import FakeStore, FixedClock

TODAY = date(2026, 11, 25)


def adjust(service: LeaveService, who: str, line: str, key: str | None = None) -> AdjustedView | RefusalView:
    view = service.execute(who, parse_command(line, TODAY), "test", key)
    assert isinstance(view, AdjustedView | RefusalView)
    return view


def row(service: LeaveService, who: str, type_key: str = "casual") -> tuple[Amount, Amount]:
    """(available, pending) as ``balance`` shows them."""
    view = service.execute(who, ShowBalance(), "test")
    assert isinstance(view, BalanceView)
    found = next(r for r in view.rows if r.type_key == type_key)
    return found.available, found.pending


def ledger_sum(store: FakeStore, employee_id: str, type_key: str = "casual", year: int = 2026) -> Amount:
    return sum((e.amount for e in store.committed.ledger
                if e.employee_id == employee_id and e.type_key == type_key and e.year == year), Amount.days(0))


def approved(service: LeaveService, start: date, end: date) -> int:
    applied = service.execute("ananya@x.test", ApplyLeave("casual", start, end, reason="trip"), "test")
    assert isinstance(applied, AppliedView), applied
    assert applied.request.id is not None
    decided = service.execute("boss@x.test", Decide(applied.request.id, True), "test")
    assert not isinstance(decided, RefusalView), decided
    return applied.request.id


# -- reading a change ----------------------------------------------------------------------------

@pytest.mark.parametrize(("typed", "days"), [("+1.5", "1.5"), ("-2", "-2"), ("+0.5", "0.5"), ("\u22121", "-1"),
                                             ("+3,5", "3.5"), ("+ 1", "1")])
def test_a_change_is_signed_whole_or_half_days(typed: str, days: str) -> None:
    assert parse_change(typed) == Amount.days(days)


@pytest.mark.parametrize(("typed", "says"), [
    ("2", "Put + or - before 2"), ("+0", "zero days changes nothing"), ("-0.0", "zero days"),
    ("+1.25", "whole or half days"), ("+two", "not a number of days"), ("+500", "more than a year"),
])
def test_a_bad_change_is_refused_with_what_to_write(typed: str, says: str) -> None:
    with pytest.raises(BadCommand, match=re.escape(says)):
        parse_change(typed)


def test_the_grammar_reads_an_adjustment_with_its_reason_as_typed() -> None:
    command = parse_command("/leave adjust ananya CL -0.5  booked twice, by mistake", TODAY)
    assert command == AdjustBalance("ananya", "CL", Amount.days("-0.5"), "booked twice, by mistake")


@pytest.mark.parametrize(("line", "says"), [
    ("adjust", "Say whose balance"), ("adjust ananya", "which leave type"), ("adjust ananya casual", "how much"),
    ("adjust ananya casual +1", "Say why"), ("adjust ananya casual 1 owed", "Put + or -"),
])
def test_the_grammar_refuses_an_incomplete_adjustment(line: str, says: str) -> None:
    with pytest.raises(BadCommand, match=re.escape(says)):
        parse_command(line, TODAY)


def test_cancel_from_a_day_gives_back_the_rest_of_the_request() -> None:
    assert parse_command("cancel LV-1042 from 9 Dec", TODAY) == CancelRequest(42, date(2026, 12, 9), onward=True)
    with pytest.raises(BadCommand, match="from which day"):
        parse_command("cancel LV-1042 from", TODAY)
    with pytest.raises(BadCommand, match="one day"):
        parse_command("cancel LV-1042 from 9 Dec to 11 Dec", TODAY)


# -- adjustments ---------------------------------------------------------------------------------

def test_hr_credits_a_half_day_and_the_person_is_told(service: LeaveService, store: FakeStore,
                                                      clock: FixedClock) -> None:
    before, _ = row(service, "ananya@x.test")
    view = adjust(service, "hr@x.test", "adjust ananya casual +0.5 worked the launch weekend")
    assert isinstance(view, AdjustedView)
    assert (view.before, view.after, view.change) == (before, before + Amount.days("0.5"), Amount.days("0.5"))
    assert view.by is not None and view.by.email == "hr@x.test" and view.person.email == "ananya@x.test"
    assert row(service, "ananya@x.test")[0] == view.after
    [entry] = [e for e in store.committed.ledger if e.kind is EntryKind.ADJUSTMENT]
    assert (entry.employee_id, entry.type_key, entry.year, entry.amount) == ("E3", "casual", 2026, Amount.days("0.5"))
    assert entry.source.kind is SourceKind.ADJUSTMENT and entry.note == "worked the launch weekend"
    [audited] = [a for a in store.committed.audit if a.action == "adjust"]
    assert (audited.actor, audited.outcome) == ("hr@x.test", "ok") and "ananya@x.test casual +0.5" in audited.detail
    [event] = [r.event for r in store.committed.outbox if r.event.name == "balance.adjusted"]
    with store() as uow:
        [notice] = notices_for(uow, clock, event)
    assert isinstance(notice, BalanceNotice) and notice.kind is NoticeKind.ADJUSTED
    assert notice.recipient.email == "ananya@x.test" and notice.adjustment.after == view.after


def test_two_identical_adjustments_are_two_entries_but_a_replayed_request_is_one(service: LeaveService,
                                                                                  store: FakeStore) -> None:
    for _ in range(2):
        assert isinstance(adjust(service, "hr@x.test", "adjust rahul sick +1 medical camp"), AdjustedView)
    first = adjust(service, "hr@x.test", "adjust rahul sick +1 medical camp", key="trigger-1")
    again = adjust(service, "hr@x.test", "adjust rahul sick +1 medical camp", key="trigger-1")
    assert isinstance(first, AdjustedView) and isinstance(again, AdjustedView)
    assert not first.duplicate and again.duplicate and again.after == first.after
    assert len([e for e in store.committed.ledger if e.kind is EntryKind.ADJUSTMENT]) == 3
    assert len([a for a in store.committed.audit if a.action == "adjust"]) == 3


def test_someone_not_hr_is_refused_audited_and_nothing_is_written(service: LeaveService, store: FakeStore) -> None:
    ledger = list(store.committed.ledger)
    view = adjust(service, "boss@x.test", "adjust ananya casual +5 because")
    assert isinstance(view, RefusalView) and "HR admins" in view.message
    assert [e for e in store.committed.ledger if e.kind is EntryKind.ADJUSTMENT] == []
    assert len(store.committed.ledger) >= len(ledger)
    [refused] = [a for a in store.committed.audit if a.outcome == "refused"]
    assert (refused.actor, refused.action) == ("boss@x.test", "not_hr")
    assert not [r for r in store.committed.outbox if r.event.name == "balance.adjusted"]


@pytest.mark.parametrize(("line", "says"), [
    ("adjust nobody casual +1 x", "can't find 'nobody'"),
    ("adjust ananya holiday +1 x", "no leave type 'holiday'"),
])
def test_an_unknown_person_or_type_is_refused_and_nothing_is_written(service: LeaveService, store: FakeStore,
                                                                    line: str, says: str) -> None:
    view = adjust(service, "hr@x.test", line)
    assert isinstance(view, RefusalView) and says in view.message
    assert not [e for e in store.committed.ledger if e.kind is EntryKind.ADJUSTMENT]


def test_a_debit_may_not_take_the_balance_below_zero(service: LeaveService, store: FakeStore) -> None:
    available, _ = row(service, "ananya@x.test")  # 11 casual days accrued by 25 Nov
    view = adjust(service, "hr@x.test", f"adjust ananya casual -{available.figure}.5 too generous")
    assert isinstance(view, RefusalView)
    assert "may not go below zero" in view.message and f"Debit at most {available.text()}" in view.message
    assert not [e for e in store.committed.ledger if e.kind is EntryKind.ADJUSTMENT]
    assert isinstance(adjust(service, "hr@x.test", f"adjust ananya casual -{available.figure} all of it"),
                      AdjustedView)
    assert row(service, "ananya@x.test")[0] == Amount.days(0)


def test_a_type_that_may_go_negative_takes_a_debit_down_to_its_limit(store: FakeStore, clock: FixedClock) -> None:
    document = policy_document()
    document["leave_types"]["casual"]["negative_limit"] = 2
    service = LeaveService(store, clock, default_time_zone="Asia/Kolkata")
    service.load_policy(document, "test")
    service.import_employees(ORG_CSV)
    assert isinstance(adjust(service, "hr@x.test", "adjust ananya casual -13 advance"), AdjustedView)
    assert row(service, "ananya@x.test")[0] == Amount.days(-2)
    view = adjust(service, "hr@x.test", "adjust ananya casual -0.5 more")
    assert isinstance(view, RefusalView) and "at most 2 days below zero" in view.message


# -- HR corrects leave that has begun -------------------------------------------------------------

def test_an_employee_is_told_to_ask_hr_and_hr_is_never_told_so(service: LeaveService) -> None:
    request_id = approved(service, date(2026, 11, 23), date(2026, 11, 27))  # Mon to Fri, begun on Monday
    number = f"LV-{request_id + 1000}"
    view = service.execute("ananya@x.test", CancelRequest(request_id), "test")
    assert isinstance(view, RefusalView)
    assert "ask HR to correct it" in view.message and f"/leave cancel {number} 2026-11-26 to 2026-11-27" in view.message
    earlier = service.execute("ananya@x.test", CancelRequest(request_id, date(2026, 11, 24), onward=True), "test")
    assert isinstance(earlier, RefusalView) and "ask HR to correct them" in earlier.message
    done = service.execute("hr@x.test", CancelRequest(request_id), "test")
    assert isinstance(done, CancelledView) and "Ask HR" not in str(done)


def test_hr_gives_back_the_days_from_today_and_both_are_told(service: LeaveService, store: FakeStore,
                                                            clock: FixedClock) -> None:
    request_id = approved(service, date(2026, 11, 23), date(2026, 11, 27))
    before, _ = row(service, "ananya@x.test")
    view = service.execute("hr@x.test", CancelRequest(request_id), "test")
    assert isinstance(view, CancelledView)
    assert view.restored == Amount.days(3)  # Wed 25 to Fri 27 Nov
    assert view.request.status is RequestStatus.APPROVED and view.request.days == Amount.days(2)
    assert row(service, "ananya@x.test")[0] == before + Amount.days(3)
    reversal = [e for e in store.committed.ledger if e.kind is EntryKind.REVERSAL]
    assert [e.amount for e in reversal] == [Amount.days(3)]
    event = store.committed.outbox[-1].event
    assert event.name == "leave.shortened"
    with store() as uow:
        notices = [n for n in notices_for(uow, clock, event) if isinstance(n, Notice)]
    corrected = {n.recipient.email for n in notices if n.kind is NoticeKind.CORRECTED}
    assert corrected == {"ananya@x.test", "boss@x.test"}
    assert all(n.by is not None and n.by.email == "hr@x.test" for n in notices if n.kind is NoticeKind.CORRECTED)
    assert not [n for n in notices if n.kind is NoticeKind.DECIDED]


def test_hr_gives_back_from_a_past_day_or_the_whole_leave(service: LeaveService) -> None:
    request_id = approved(service, date(2026, 11, 23), date(2026, 11, 27))
    some = service.execute("hr@x.test", CancelRequest(request_id, date(2026, 11, 24), onward=True), "test")
    assert isinstance(some, CancelledView) and some.restored == Amount.days(4)
    whole = service.execute("hr@x.test", CancelRequest(request_id, date(2026, 11, 1), onward=True), "test")
    assert isinstance(whole, CancelledView) and whole.request.status is RequestStatus.CANCELLED
    assert whole.restored == Amount.days(1)


def test_hr_names_the_day_for_leave_that_is_over(service: LeaveService) -> None:
    request_id = approved(service, date(2026, 11, 16), date(2026, 11, 18))
    view = service.execute("hr@x.test", CancelRequest(request_id), "test")
    assert isinstance(view, RefusalView) and "ended on" in view.message and "from DATE" in view.message
    late = service.execute("hr@x.test", CancelRequest(request_id, date(2026, 11, 19), onward=True), "test")
    assert isinstance(late, RefusalView) and "nothing of it is left" in late.message


# -- the ledger is the balance --------------------------------------------------------------------

STEPS = st.lists(st.one_of(
    st.tuples(st.just("adjust"), st.integers(-6, 6).filter(bool)),
    st.tuples(st.just("leave"), st.integers(0, 3)),
    st.tuples(st.just("back"), st.integers(0, 4)),
), max_size=8)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=STEPS)
def test_after_any_adjustments_and_cancels_the_ledger_sums_to_the_balance(clock: FixedClock,
                                                                          steps: list[tuple[str, int]]) -> None:
    store = FakeStore()
    service = LeaveService(store, clock, default_time_zone="Asia/Kolkata")
    service.load_policy(policy_document(), "test")
    service.import_employees(ORG_CSV)
    requests: list[int] = []
    for step, n in steps:
        if step == "adjust":
            service.execute("hr@x.test", AdjustBalance("ananya", "casual", Amount.days(Decimal(n) / 2), "fix"), "t")
        elif step == "leave":  # a week of November, which may have begun
            start = date(2026, 11, 16 + 7 * (n % 2) + n // 2)
            requests.append(_leave(service, start, approve=bool(n % 2)))
        elif requests:
            request_id = requests[n % len(requests)]
            service.execute("hr@x.test", CancelRequest(request_id, date(2026, 11, 20 + n), onward=True), "t")
    available, pending = row(service, "ananya@x.test")
    assert ledger_sum(store, "E3") == available + pending


def _leave(service: LeaveService, start: date, *, approve: bool) -> int:
    """A day of casual leave, approved or left pending; 0 when refused (it overlaps an earlier one)."""
    applied = service.execute("ananya@x.test", ApplyLeave("casual", start, start, reason="x"), "test")
    if not isinstance(applied, AppliedView) or applied.request.id is None:
        return 0
    if approve:
        service.execute("boss@x.test", Decide(applied.request.id, True), "test")
    return applied.request.id

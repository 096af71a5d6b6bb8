"""The policy engine through the service: accrual, year end, chains, cover, blackouts, limits, plans."""

from __future__ import annotations

import copy
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from core.commands import ApplyLeave, CancelRequest, Decide, Delegate, PlanLeave, ShowBalance
from core.domain.amount import NO_DAYS, Amount
from core.domain.model import EntryKind, RequestStatus, Source
from core.errors import PolicyError
from core.service import LeaveService
from core.views import (
    AppliedView,
    BalanceRow,
    BalanceView,
    CancelledView,
    DecidedView,
    DelegationView,
    NoticeKind,
    PlanView,
    RefusalView,
    View,
)
from tests.scenarios import random_operations_keep_the_ledger_whole
from tests.unit.conftest import ORG_CSV, policy_document
from tests.unit.fakes import FakeStore, FixedClock


def row(service: LeaveService, who: str, type_key: str, year: int = 2026) -> BalanceRow:
    view = service.execute(who, ShowBalance(year=year), "test")
    assert isinstance(view, BalanceView), view
    return next(r for r in view.rows if r.type_key == type_key)


def applied(view: View) -> AppliedView:
    assert isinstance(view, AppliedView), view
    return view


def refused(view: View) -> str:
    assert isinstance(view, RefusalView), view
    return view.message


def casual(start: date, end: date | None = None) -> ApplyLeave:
    return ApplyLeave("casual", start, end or start)


def with_policy(service: LeaveService, change: dict[str, Any], types: dict[str, dict[str, Any]] | None = None) -> None:
    document = copy.deepcopy(policy_document())
    document.update(change)
    for key, fields in (types or {}).items():
        document["leave_types"][key].update(fields)
    service.load_policy(document, "test")


# accrual and year end -------------------------------------------------------------------------


def test_monthly_accrual_catches_up_and_runs_once(service: LeaveService, store: FakeStore) -> None:
    # 25 Nov 2026: January to November have accrued one casual day each.
    first = service.run_job("accrual", date(2026, 11, 25))
    assert row(service, "ananya@x.test", "casual").entitled == Amount.days(11)
    again = service.run_job("accrual", date(2026, 11, 25))
    assert first.written > 0 and again.written == 0
    december = service.run_job("accrual", date(2026, 12, 1))
    assert (december.written, december.people) == (15, 5)  # casual, sick and privilege for each of five people
    accruals = [e for e in store.committed.ledger if e.employee_id == "E3" and e.type_key == "casual"]
    assert sorted(e.source.id for e in accruals) == [f"2026-{m:02d}" for m in range(1, 13)]


def test_the_balance_is_right_before_any_job_ran(service: LeaveService) -> None:
    casual_row = row(service, "rahul@x.test", "casual")  # joined 2023: January to November
    assert (casual_row.entitled, casual_row.available) == (Amount.days(11), Amount.days(11))
    maternity = row(service, "rahul@x.test", "maternity")  # per occurrence: no yearly entitlement
    assert (maternity.entitled, maternity.per_occurrence) == (Amount.days(0), Amount.days(182))


def test_leave_in_a_later_month_counts_accruals_due_by_then(service: LeaveService) -> None:
    # 11 accrued by 25 Nov; December's day will have accrued by 14 December.
    view = applied(service.execute("ananya@x.test", casual(date(2026, 12, 1), date(2026, 12, 14)), "test"))
    assert view.request.days == Amount.days(10)
    left = view.balance_after[2026]
    assert (left.available, left.at_year_end) == (Amount.days(1), Amount.days(2))
    assert row(service, "ananya@x.test", "casual") == left
    message = refused(service.execute("rahul@x.test", casual(date(2026, 12, 1), date(2026, 12, 17)), "test"))
    assert ("Only 12 casual leave days left for 2026 by Thu 17 Dec 2026, 1 day of it still to accrue (pending "
            "requests counted); you asked for 13") in message


def test_year_end_carries_and_expires_once(service: LeaveService, store: FakeStore, clock: FixedClock) -> None:
    # Ananya takes 3 casual days in December; 9 of her 12 are unused at year end: 5 carry, 4 expire.
    view = applied(service.execute("ananya@x.test", casual(date(2026, 12, 7), date(2026, 12, 9)), "test"))
    service.execute("boss@x.test", Decide(view.request.id, True), "test")
    clock.at = datetime(2027, 1, 2, 4, 0, tzinfo=UTC)
    service.run_job("year-end", date(2027, 1, 2))
    twice = service.run_job("year-end", date(2027, 1, 2))
    assert twice.written == 0
    entries = [(e.kind, e.year, e.amount.value) for e in store.committed.ledger
               if e.employee_id == "E3" and e.type_key == "casual" and e.source.id == "2026"]
    assert sorted(entries) == sorted([
        (EntryKind.CARRIED_OUT, 2026, Decimal(-5)),
        (EntryKind.CARRIED_IN, 2027, Decimal(5)),
        (EntryKind.EXPIRY, 2026, Decimal(-4)),
    ])
    closed = row(service, "ananya@x.test", "casual", 2026)
    assert (closed.available, closed.lapsed) == (NO_DAYS, Amount.days(9))
    opened = row(service, "ananya@x.test", "casual", 2027)
    assert opened.entitled == Amount.days(6)  # 5 carried + January's accrual


def test_carried_days_expire_after_the_date_unless_used(service: LeaveService, store: FakeStore,
                                                        clock: FixedClock) -> None:
    with_policy(service, {}, {"casual": {"carry_forward_expires": "03-31"}})
    service.run_job("accrual", date(2026, 12, 31))
    clock.at = datetime(2027, 1, 2, 4, 0, tzinfo=UTC)
    service.run_job("year-end", date(2027, 1, 2))  # 12 unused: 5 carried
    view = applied(service.execute("ananya@x.test", casual(date(2027, 2, 1), date(2027, 2, 2)), "test"))
    service.execute("boss@x.test", Decide(view.request.id, True), "test")
    shown = row(service, "ananya@x.test", "casual", 2027)
    assert (shown.expiring, shown.expires_on) == (Amount.days(3), date(2027, 3, 31))
    service.run_job("accrual", date(2027, 3, 31))
    assert not [e for e in store.committed.ledger if e.source.id == "2026-carry"]  # not yet: the 31st is still in time
    clock.at = datetime(2027, 4, 1, 4, 0, tzinfo=UTC)
    service.run_job("accrual", date(2027, 4, 1))
    service.run_job("accrual", date(2027, 4, 2))
    expired = [e.amount.value for e in store.committed.ledger if e.employee_id == "E3" and e.source.id == "2026-carry"]
    assert expired == [Decimal(-3)]
    assert row(service, "ananya@x.test", "casual", 2027).expiring == NO_DAYS


# negative balance -----------------------------------------------------------------------------


def test_negative_balance_up_to_the_policy_limit(service: LeaveService) -> None:
    with_policy(service, {}, {"casual": {"negative_limit": 2}})
    # 11 accrued + December's by the 31st = 12; two more may be borrowed.
    applied(service.execute("rahul@x.test", casual(date(2026, 12, 1), date(2026, 12, 16)), "test"))  # 12 days
    applied(service.execute("rahul@x.test", casual(date(2026, 12, 17), date(2026, 12, 18)), "test"))  # -2
    message = refused(service.execute("rahul@x.test", casual(date(2026, 12, 21)), "test"))
    assert "may go 2 below zero" in message


# approval chains ------------------------------------------------------------------------------


def test_manager_then_hr(service: LeaveService, store: FakeStore) -> None:
    view = applied(service.execute("ananya@x.test", ApplyLeave("paternity", date(2026, 12, 7), date(2026, 12, 11),
                                                               document_ref="https://x.test/birth"), "test"))
    rid = view.request.id
    first = service.execute("boss@x.test", Decide(rid, True), "test")
    assert isinstance(first, DecidedView) and first.request.status is RequestStatus.PENDING
    assert first.request.waiting_for == "hr"
    assert "waits for HR" in refused(service.execute("boss@x.test", Decide(rid, True), "test"))
    assert not [e for e in store.committed.ledger if e.source == Source.request(rid)]  # nothing taken until the end
    final = service.execute("hr@x.test", Decide(rid, True), "test")
    assert isinstance(final, DecidedView) and final.request.status is RequestStatus.APPROVED
    decisions = store.committed.decisions
    assert [(d.role, d.decided_by, d.approved) for d in decisions] == [("manager", "E2", True), ("hr", "E1", True)]
    assert [e.amount.value for e in store.committed.ledger if e.source == Source.request(rid)] == [Decimal(-5)]


def test_any_rejection_ends_the_chain(service: LeaveService) -> None:
    view = applied(service.execute("ananya@x.test", ApplyLeave("paternity", date(2026, 12, 7), date(2026, 12, 8),
                                                               document_ref="x"), "test"))
    service.execute("boss@x.test", Decide(view.request.id, True), "test")
    rejected = service.execute("hr@x.test", Decide(view.request.id, False, "overlaps the audit"), "test")
    assert isinstance(rejected, DecidedView) and rejected.request.status is RequestStatus.REJECTED


def test_hr_approving_first_settles_the_hr_level_too(service: LeaveService, store: FakeStore) -> None:
    view = applied(service.execute("ananya@x.test", ApplyLeave("paternity", date(2026, 12, 7), date(2026, 12, 8),
                                                               document_ref="x"), "test"))
    final = service.execute("hr@x.test", Decide(view.request.id, True), "test")
    assert isinstance(final, DecidedView) and final.request.status is RequestStatus.APPROVED
    assert [d.role for d in store.committed.decisions] == ["manager", "hr"]


def test_no_approval_means_approved_at_once(service: LeaveService, store: FakeStore) -> None:
    with_policy(service, {}, {"sick": {"approval": "none"}})
    view = applied(service.execute("rahul@x.test", ApplyLeave("sick", date(2026, 11, 26), date(2026, 11, 26)), "test"))
    assert view.request.status is RequestStatus.APPROVED
    assert row(service, "rahul@x.test", "sick").taken == Amount.days(1)
    assert "approved automatically" in refused(service.execute("hr@x.test", Decide(view.request.id, True), "test"))


# delegation and cover -------------------------------------------------------------------------


def away(service: LeaveService, who: str, manager: str, start: date, end: date) -> None:
    view = applied(service.execute(who, casual(start, end), "test"))
    assert isinstance(service.execute(manager, Decide(view.request.id, True), "test"), DecidedView)


def test_requests_go_to_the_delegate_while_the_approver_is_away(service: LeaveService, clock: FixedClock) -> None:
    # Vikram (boss) is away 25 to 27 Nov and names Ananya to decide for him meanwhile.
    set_up = service.execute("boss@x.test", Delegate("ananya@x.test", date(2026, 11, 25), date(2026, 11, 27)), "test")
    assert isinstance(set_up, DelegationView) and set_up.delegate is not None
    away(service, "boss@x.test", "hr@x.test", date(2026, 11, 25), date(2026, 11, 27))
    view = applied(service.execute("rahul@x.test", casual(date(2026, 12, 3)), "test"))
    assert view.request.approver is not None and view.request.approver.email == "ananya@x.test"
    decided = service.execute("ananya@x.test", Decide(view.request.id, True), "test")
    assert isinstance(decided, DecidedView)


def test_without_a_delegate_the_managers_manager_or_hr_covers(service: LeaveService) -> None:
    # Kiran reports to Ananya, who reports to Vikram. Ananya away: Vikram covers.
    # (Kiran is in New York, where it is still 24 Nov.)
    away(service, "ananya@x.test", "boss@x.test", date(2026, 11, 24), date(2026, 11, 26))
    view = applied(service.execute("kiran@x.test", casual(date(2026, 12, 3)), "test"))
    assert view.request.approver is not None and view.request.approver.email == "boss@x.test"


def test_pending_requests_move_when_the_approvers_leave_starts(service: LeaveService, store: FakeStore,
                                                               clock: FixedClock) -> None:
    view = applied(service.execute("rahul@x.test", casual(date(2026, 12, 14)), "test"))
    away(service, "boss@x.test", "hr@x.test", date(2026, 12, 1), date(2026, 12, 4))
    assert service.run_job("reassign", date(2026, 11, 30)).written == 0
    clock.at = datetime(2026, 12, 1, 4, 0, tzinfo=UTC)
    moved = service.run_job("reassign", date(2026, 12, 1))
    assert moved.written == 1
    assert store.committed.requests[view.request.id].approver_id == "E1"  # no delegate, no manager above: HR
    notices = [n for n in _notices(service) if n.request.id == view.request.id]
    kinds = {(n.kind, n.recipient.email) for n in notices}
    assert (NoticeKind.APPROVAL_NEEDED, "hr@x.test") in kinds
    assert (NoticeKind.REASSIGNED, "rahul@x.test") in kinds and (NoticeKind.REASSIGNED, "boss@x.test") in kinds


def _notices(service: LeaveService) -> list[Any]:
    seen: list[Any] = []

    class Recorder:
        name = "recorder"

        def deliver(self, notice: Any) -> None:
            seen.append(notice)

    service.deliver_notices([Recorder()])
    return seen


# blackouts and team limits --------------------------------------------------------------------


def test_blackouts_refuse_or_need_hr(service: LeaveService) -> None:
    with_policy(service, {"blackouts": [
        {"start": "2026-12-28", "end": "2026-12-31", "reason": "Year-end close", "departments": ["Engineering"]},
        {"start": "2026-12-14", "end": "2026-12-15", "reason": "Release", "action": "hr_approval"},
    ]})
    assert "Year-end close" in refused(service.execute("ananya@x.test", casual(date(2026, 12, 30)), "test"))
    view = applied(service.execute("ananya@x.test", casual(date(2026, 12, 14)), "test"))
    assert any("Release" in flag for flag in view.request.flags)
    first = service.execute("boss@x.test", Decide(view.request.id, True), "test")
    assert isinstance(first, DecidedView) and first.request.waiting_for == "hr"


def test_team_limit_refuses_or_flags(service: LeaveService) -> None:
    with_policy(service, {"team_limits": [{"departments": ["Engineering"], "max_out": 2}]})
    applied(service.execute("ananya@x.test", casual(date(2026, 12, 8)), "test"))
    applied(service.execute("rahul@x.test", casual(date(2026, 12, 8)), "test"))
    message = refused(service.execute("kiran@x.test", casual(date(2026, 12, 8)), "test"))
    assert "2 of 4 people in Engineering are already out on Tue 8 Dec 2026; the limit is 2" in message
    applied(service.execute("kiran@x.test", casual(date(2026, 12, 9)), "test"))
    with_policy(service, {"team_limits": [{"departments": ["Engineering"], "max_out": 2, "action": "flag"}]})
    flagged = applied(service.execute("kiran@x.test", casual(date(2026, 12, 8)), "test"))
    assert flagged.request.flags and flagged.request.flags[0].startswith("Team limit")


# partial cancel -------------------------------------------------------------------------------


def test_partial_cancel_gives_back_only_those_days(service: LeaveService, store: FakeStore) -> None:
    view = applied(service.execute("ananya@x.test", casual(date(2026, 12, 7), date(2026, 12, 11)), "test"))
    service.execute("boss@x.test", Decide(view.request.id, True), "test")
    before = row(service, "ananya@x.test", "casual").available
    some = service.execute("ananya@x.test", CancelRequest(view.request.id, date(2026, 12, 10), date(2026, 12, 11)),
                           "test")
    assert isinstance(some, CancelledView) and some.restored == Amount.days(2)
    assert some.request.status is RequestStatus.APPROVED and some.request.days == Amount.days(3)
    assert row(service, "ananya@x.test", "casual").available == before + Amount.days(2)
    reversal = [e.amount.value for e in store.committed.ledger if e.source == Source.request(view.request.id)
                and e.kind is EntryKind.REVERSAL]
    assert reversal == [Decimal(2)]
    # The days given back are free again.
    applied(service.execute("ananya@x.test", casual(date(2026, 12, 10)), "test"))
    message = refused(service.execute("ananya@x.test", CancelRequest(view.request.id, date(2026, 11, 20)), "test"))
    assert "choose days inside it" in message


def test_started_leave_can_give_back_days_still_to_come(service: LeaveService, clock: FixedClock) -> None:
    view = applied(service.execute("ananya@x.test", ApplyLeave("sick", date(2026, 11, 24), date(2026, 11, 27)),
                                   "test"))
    service.execute("boss@x.test", Decide(view.request.id, True), "test")
    hint = refused(service.execute("ananya@x.test", CancelRequest(view.request.id), "test"))
    assert f"/leave cancel {view.request.number} 2026-11-26 to 2026-11-27" in hint
    some = service.execute("ananya@x.test", CancelRequest(view.request.id, date(2026, 11, 26), date(2026, 11, 27)),
                           "test")
    assert isinstance(some, CancelledView) and some.restored == Amount.days(2)


# what-if --------------------------------------------------------------------------------------


def test_plan_shows_every_check_and_creates_nothing(service: LeaveService, store: FakeStore) -> None:
    before = copy.deepcopy(store.committed)
    plan = service.execute("ananya@x.test", PlanLeave("privilege", date(2026, 11, 30), date(2026, 12, 25)), "test")
    assert isinstance(plan, PlanView)
    assert plan.days == Amount.days(19) and [h.name for h in plan.holidays] == ["Christmas"]
    checks = {c.name: c for c in plan.checks}
    assert not checks["notice"].ok and "7 days ahead" in checks["notice"].message
    assert not checks["balance"].ok and checks["overlap"].ok and checks["blackout"].ok
    assert not plan.would_pass
    assert store.committed.requests == before.requests and store.committed.ledger == before.ledger


# policy versions ------------------------------------------------------------------------------


def test_a_request_is_judged_by_the_version_in_force_on_its_dates(service: LeaveService, store: FakeStore) -> None:
    with_policy(service, {"effective_from": "2027-01-01"}, {"privilege": {"min_notice_days": 60}})
    # December is still under the old version (7 days' notice); January under the new one (60).
    applied(service.execute("ananya@x.test", ApplyLeave("privilege", date(2026, 12, 3), date(2026, 12, 3)), "test"))
    message = refused(service.execute("ananya@x.test", ApplyLeave("privilege", date(2027, 1, 4), date(2027, 1, 4)),
                                      "test"))
    assert "at least 60 days ahead" in message
    assert len(store.committed.policies) == 2  # the old version is kept, not rewritten


# the ledger always adds up --------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(6))
def test_ledger_always_sums_to_the_balance_shown(seed: int) -> None:
    store, clock = FakeStore(), FixedClock(datetime(2026, 11, 25, 4, 30, tzinfo=UTC))
    service = LeaveService(store, clock, default_time_zone="Asia/Kolkata")
    service.load_policy(policy_document(), "test")
    service.import_employees(ORG_CSV)

    def ledger_sum(employee_id: str, type_key: str, year: int) -> Decimal:
        return sum((e.amount.value for e in store.committed.ledger if e.employee_id == employee_id
                    and e.type_key == type_key and e.year == year), Decimal(0))

    random_operations_keep_the_ledger_whole(service, ledger_sum, seed, steps=40)


# where the scheduler posts -----------------------------------------------------------------------


def test_channels_from_the_policy_file(service: LeaveService, store: FakeStore) -> None:
    with_policy(service, {"channels": {"hr": {"slack": "C0HR", "teams": "channel:T1:19:hr"},
                                       "departments": {"Engineering": {"slack": "C0ENG"}}}})
    with store() as uow:
        assert uow.channels.all("slack") == {"digest:hr": "C0HR", "digest:dept:Engineering": "C0ENG"}
        assert uow.channels.all("teams") == {"digest:hr": "channel:T1:19:hr"}
    with_policy(service, {"channels": {"hr": {"email": " hr@example.in,ops@example.in "}}})
    with store() as uow:
        assert uow.channels.all("email") == {"digest:hr": "hr@example.in, ops@example.in"}
    for bad, named in (({"hr": {"email": "x"}}, "channels.hr.email"), ({"hr": {"email": "a@b.in, c d@e.in"}},
                                                                        "channels.hr.email"),
                       ({"hr": {"fax": "1"}}, "channels.hr"), ({"hr": {}}, "channels.hr"),
                       ({"departments": {"Sales": {"slack": ""}}}, "channels.departments.Sales.slack")):
        with pytest.raises(PolicyError, match=named.replace(".", r"\.")):
            with_policy(service, {"channels": bad})

"""Comp-off: each rule of a claim, the terms in the policy, and how credits are spent and lapse.

The service-level cases run on the in-memory fakes with the built-in policy's ``compoff`` type; the
clock is Wednesday 10 June 2026, so Saturday 6 June and Sunday 31 May are days off worked.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from core.commands import ApplyLeave, CancelRequest, ClaimCompOff, Decide, DecideClaim
from core.compoff.claims import check_day_off, check_day_worked, check_not_claimed, check_reason
from core.compoff.credits import credits, lapses
from core.domain.amount import Amount
from core.domain.compoff import CompOffClaim, format_claim_number, is_claim_number, parse_claim_number
from core.domain.model import EntryKind, HalfDay, LedgerEntry, RequestStatus, Source, SourceKind
from core.errors import BadCommand, LeaveError, PolicyError
from core.language.grammar import parse_command
from core.policy.compoff_terms import CompOffTerms
from core.policy.rules import parse_policy
from core.scheduling.digests import hr_digest
from core.service import LeaveService
from core.views import AppliedView, BalanceView, CancelledView, CompOffClaimView, DecidedView, RefusalView
from tests.unit.conftest import ORG_CSV, policy_document
from tests.unit.fakes import FakeStore, FixedClock
from tests.unit.test_scheduler_content import every_door

AT = datetime(2026, 6, 10, 4, 30, tzinfo=UTC)  # Wednesday 10 June 2026, 10:00 in India
WEEKEND = frozenset({5, 6})


@pytest.fixture
def compoff(store: FakeStore) -> LeaveService:
    service = LeaveService(store, FixedClock(AT), default_time_zone="Asia/Kolkata")
    service.load_policy(policy_document(including=("compoff",)), "test")
    service.import_employees(ORG_CSV)
    return service


def claimed(service: LeaveService, day: date, half: HalfDay | None = None, who: str = "ananya@x.test") -> int:
    view = service.execute(who, ClaimCompOff(day, half, "release cut-over"), "test")
    assert isinstance(view, CompOffClaimView), view
    return parse_claim_number(view.number)


# -- the words ---------------------------------------------------------------------------------

def test_claim_numbers_read_and_show_like_request_numbers() -> None:
    assert format_claim_number(1) == "CO-1001"
    assert parse_claim_number("co-1001") == parse_claim_number("CO1001") == 1
    assert is_claim_number("CO-1042") and not is_claim_number("LV-1042")
    with pytest.raises(BadCommand, match="ids look like CO-1001"):
        parse_claim_number("CO-12")


def test_the_grammar_reads_a_claim_and_a_decision_of_one() -> None:
    today = date(2026, 6, 10)
    assert parse_command("compoff claim 6 Jun second half release night", today) == ClaimCompOff(
        date(2026, 6, 6), HalfDay.SECOND, "release night")
    assert parse_command("approve CO-1001 thanks", today) == DecideClaim(1, True, "thanks")
    assert parse_command("reject co-1002", today) == DecideClaim(2, False, "")
    with pytest.raises(BadCommand, match="Say what you worked on"):
        parse_command("compoff claim 6 Jun", today)
    with pytest.raises(BadCommand, match="Say claim"):
        parse_command("compoff 6 Jun release", today)


# -- each rule of a claim ----------------------------------------------------------------------

def test_a_reason_is_required() -> None:
    with pytest.raises(LeaveError, match="Say what you worked on"):
        check_reason("")


@pytest.mark.parametrize(("day", "message"), [
    (date(2026, 6, 13), "still to come"),
    (date(2026, 5, 9), "more than 30 days ago"),
])
def test_the_day_worked_is_past_and_recent(day: date, message: str) -> None:
    with pytest.raises(LeaveError, match=message):
        check_day_worked(day, date(2026, 6, 10), 30)
    check_day_worked(date(2026, 5, 11), date(2026, 6, 10), 30)  # 30 days ago: still in time
    check_day_worked(date(2026, 6, 10), date(2026, 6, 10), 30)  # today counts


def test_only_a_weekend_day_or_a_holiday_earns_comp_off() -> None:
    check_day_off(date(2026, 6, 6), WEEKEND, set())
    check_day_off(date(2026, 8, 15), WEEKEND, {date(2026, 8, 15)})  # a Saturday anyway
    check_day_off(date(2026, 10, 2), WEEKEND, {date(2026, 10, 2)})  # Gandhi Jayanti, a Friday
    with pytest.raises(LeaveError, match="is a working day for you"):
        check_day_off(date(2026, 6, 8), WEEKEND, set())


def test_a_day_is_claimed_once_while_its_claim_stands() -> None:
    at = datetime(2026, 6, 8, tzinfo=UTC)
    standing = CompOffClaim("E3", date(2026, 6, 6), "x", RequestStatus.PENDING, at, id=1)
    with pytest.raises(LeaveError, match="already claimed Sat 6 Jun 2026 as CO-1001"):
        check_not_claimed(date(2026, 6, 6), [standing])
    rejected = CompOffClaim("E3", date(2026, 6, 6), "x", RequestStatus.REJECTED, at, id=1)
    check_not_claimed(date(2026, 6, 6), [rejected])  # a rejected claim may be made again


# -- the policy --------------------------------------------------------------------------------

def _policy_with(**compoff: Any) -> dict[str, Any]:
    document = policy_document(including=("compoff",))
    document["leave_types"]["compoff"] = {"code": "CO", "name": "Comp-off", "days_per_year": 0, **compoff}
    return document


def test_the_terms_default_to_30_and_60_days() -> None:
    assert parse_policy(_policy_with(earned_by_claims=True)).leave_types["compoff"].comp_off == CompOffTerms(30, 60)
    built_in = parse_policy(policy_document(including=("compoff",))).leave_types["compoff"]
    assert built_in.comp_off == CompOffTerms(30, 60) and built_in.code == "CO"


@pytest.mark.parametrize(("keys", "message"), [
    ({"expires_after_days": 60}, "only for a type earned by comp-off claims"),
    ({"earned_by_claims": True, "expires_after_days": 0}, "expires_after_days"),
    ({"earned_by_claims": True, "claim_within_days": 400}, "claim_within_days"),
    ({"earned_by_claims": True, "days_per_year": 5}, "has no yearly days"),
])
def test_bad_terms_are_refused_by_name(keys: dict[str, Any], message: str) -> None:
    with pytest.raises(PolicyError, match=message):
        parse_policy(_policy_with(**keys))


# -- credits -----------------------------------------------------------------------------------

def _credit(claim: str, day: date, until: date, days: str = "1") -> LedgerEntry:
    return LedgerEntry("E3", "compoff", 2026, EntryKind.COMP_OFF, Amount.days(days), AT,
                       Source(SourceKind.COMP_OFF, claim), valid_from=day, valid_until=until)


def test_lapses_take_only_what_is_left_and_only_once() -> None:
    entries = [
        _credit("1", date(2026, 5, 31), date(2026, 7, 30), "0.5"),
        _credit("2", date(2026, 6, 6), date(2026, 8, 5)),
        LedgerEntry("E3", "compoff", 2026, EntryKind.LEAVE_TAKEN, Amount.days("-0.5"), AT, Source.request(7),
                    valid_from=date(2026, 6, 6), valid_until=date(2026, 8, 5)),
    ]
    assert lapses(entries, "compoff", date(2026, 7, 30), AT) == []  # the last day still counts
    first = lapses(entries, "compoff", date(2026, 8, 6), AT)
    assert [(e.source.id, e.amount, e.kind) for e in first] == [
        ("1", Amount.days("-0.5"), EntryKind.EXPIRY), ("2", Amount.days("-0.5"), EntryKind.EXPIRY)]
    assert lapses(entries + first, "compoff", date(2026, 9, 1), AT) == []
    assert all(c.left == Amount.days(0) for c in credits(entries + first, "compoff"))


def test_a_closed_year_lapses_nothing_more() -> None:
    entries = [_credit("1", date(2026, 12, 5), date(2027, 2, 3)),
               LedgerEntry("E3", "compoff", 2026, EntryKind.EXPIRY, Amount.days(-1), AT,
                           Source(SourceKind.YEAR_END, "2026"))]
    assert lapses(entries, "compoff", date(2027, 3, 1), AT) == []


# -- through the service -----------------------------------------------------------------------

def test_credits_are_spent_oldest_first_and_a_cancel_gives_the_same_ones_back(compoff: LeaveService,
                                                                              store: FakeStore) -> None:
    half = claimed(compoff, date(2026, 5, 31), HalfDay.FIRST)
    whole = claimed(compoff, date(2026, 6, 6))
    for claim_id in (whole, half):
        decided = compoff.execute("boss@x.test", DecideClaim(claim_id, True), "test")
        assert isinstance(decided, CompOffClaimView) and decided.status is RequestStatus.APPROVED
    applied = compoff.execute("ananya@x.test", ApplyLeave("compoff", date(2026, 6, 15), date(2026, 6, 15)), "test")
    assert isinstance(applied, AppliedView), applied
    assert isinstance(compoff.execute("boss@x.test", Decide(applied.request.id, True), "test"), DecidedView)
    taken = [(e.amount, e.valid_from) for e in store.committed.ledger if e.kind is EntryKind.LEAVE_TAKEN]
    assert taken == [(Amount.days("-0.5"), date(2026, 5, 31)), (Amount.days("-0.5"), date(2026, 6, 6))]
    balance = compoff.execute("ananya@x.test", parse_command("balance", date(2026, 6, 10)), "test")
    assert isinstance(balance, BalanceView)
    (row,) = [r for r in balance.rows if r.type_key == "compoff"]
    assert (row.entitled, row.taken, row.available) == (Amount.days("1.5"), Amount.days(1), Amount.days("0.5"))
    assert row.credits == ((Amount.days("0.5"), date(2026, 8, 5)),)
    cancelled = compoff.execute("ananya@x.test", CancelRequest(applied.request.id), "test")
    assert isinstance(cancelled, CancelledView)
    back = [(e.amount, e.valid_from) for e in store.committed.ledger if e.kind is EntryKind.REVERSAL]
    assert sorted(back) == [(Amount.days("0.5"), date(2026, 5, 31)), (Amount.days("0.5"), date(2026, 6, 6))]


def test_leave_after_a_credit_lapses_cannot_spend_it(compoff: LeaveService) -> None:
    compoff.execute("boss@x.test", DecideClaim(claimed(compoff, date(2026, 6, 6)), True), "test")
    late = compoff.execute("ananya@x.test", ApplyLeave("compoff", date(2026, 8, 6), date(2026, 8, 6)), "test")
    assert isinstance(late, RefusalView) and "still valid on Thu 6 Aug 2026" in late.message
    in_time = compoff.execute("ananya@x.test", ApplyLeave("compoff", date(2026, 8, 5), date(2026, 8, 5)), "test")
    assert isinstance(in_time, AppliedView)


def test_only_the_approver_or_hr_decides_and_a_refusal_is_audited(compoff: LeaveService, store: FakeStore) -> None:
    claim_id = claimed(compoff, date(2026, 6, 6))
    for who in ("rahul@x.test", "ananya@x.test"):
        refused = compoff.execute(who, DecideClaim(claim_id, True), "test")
        assert isinstance(refused, RefusalView)
    assert [(a.actor, a.outcome) for a in store.committed.audit if a.action.startswith(("compoff", "not_"))][-2:] == [
        ("rahul@x.test", "refused"), ("ananya@x.test", "refused")]
    assert not [e for e in store.committed.ledger if e.kind is EntryKind.COMP_OFF]
    decided = compoff.execute("hr@x.test", DecideClaim(claim_id, False, "was a working day"), "test")
    assert isinstance(decided, CompOffClaimView) and decided.status is RequestStatus.REJECTED
    again = compoff.execute("boss@x.test", DecideClaim(claim_id, True), "test")
    assert isinstance(again, RefusalView) and "already rejected" in again.message


def test_a_refused_claim_writes_nothing(compoff: LeaveService, store: FakeStore) -> None:
    claimed(compoff, date(2026, 6, 6))
    before = len(store.committed.compoff)
    for day in (date(2026, 6, 6), date(2026, 6, 8), date(2026, 6, 13), date(2026, 5, 9)):
        view = compoff.execute("ananya@x.test", ClaimCompOff(day, None, "release"), "test")
        assert isinstance(view, RefusalView), day
    assert len(store.committed.compoff) == before


# -- the HR digest -----------------------------------------------------------------------------

def test_the_hr_digest_lists_lapsed_credits_on_every_door(compoff: LeaveService, store: FakeStore) -> None:
    compoff.execute("boss@x.test", DecideClaim(claimed(compoff, date(2026, 6, 6)), True), "test")
    quiet = hr_digest_of(store, date(2026, 8, 17))
    assert quiet["compoff_lapsed"]["total"] == 0
    for door, shown in every_door(quiet).items():
        assert "no comp-off lapsed" in shown and "Comp-off lapsed unused" not in shown, door
    later = LeaveService(store, FixedClock(datetime(2026, 8, 10, 4, 30, tzinfo=UTC)), default_time_zone="Asia/Kolkata")
    assert later.run_job("accrual", date(2026, 8, 10)).written >= 1
    digest = hr_digest_of(store, date(2026, 8, 17))
    assert digest["compoff_lapsed"]["rows"] == [{"name": "Ananya Iyer", "type": "Comp-off", "days": "1",
                                                 "worked_on": "2026-06-06", "expires_on": "2026-08-05"}]
    for door, shown in every_door(digest).items():
        assert "Comp-off lapsed unused last week (1)" in shown.replace("*", ""), door
        assert "Ananya Iyer: 1 Comp-off day for Sat 6 Jun 2026, lapsed after Wed 5 Aug 2026" in shown, door
        assert "Ananya Iyer: Comp-off 0" not in shown, door  # no comp-off left is no low balance


def test_a_digest_without_comp_off_in_the_policy_has_no_such_section(service: LeaveService, store: FakeStore) -> None:
    assert "compoff_lapsed" not in hr_digest_of(store, date(2026, 11, 30))


def hr_digest_of(store: FakeStore, week_of: date) -> dict[str, Any]:
    with store() as uow:
        return hr_digest(uow, datetime.combine(week_of, datetime.min.time(), UTC), week_of)


def test_giving_back_some_days_returns_the_longest_lasting_credits_first(compoff: LeaveService,
                                                                         store: FakeStore) -> None:
    for day, half in ((date(2026, 5, 31), HalfDay.FIRST), (date(2026, 6, 6), None), (date(2026, 6, 7), None)):
        compoff.execute("boss@x.test", DecideClaim(claimed(compoff, day, half), True), "test")
    applied = compoff.execute("ananya@x.test", ApplyLeave("compoff", date(2026, 6, 15), date(2026, 6, 16)), "test")
    assert isinstance(applied, AppliedView), applied
    compoff.execute("boss@x.test", Decide(applied.request.id, True), "test")
    taken = [(e.amount.figure, e.valid_from) for e in store.committed.ledger if e.kind is EntryKind.LEAVE_TAKEN]
    assert taken == [("-0.5", date(2026, 5, 31)), ("-1", date(2026, 6, 6)), ("-0.5", date(2026, 6, 7))]
    compoff.execute("ananya@x.test", CancelRequest(applied.request.id, date(2026, 6, 16), date(2026, 6, 16)), "test")
    back = [(e.amount.figure, e.valid_from) for e in store.committed.ledger if e.kind is EntryKind.REVERSAL]
    assert back == [("0.5", date(2026, 6, 7)), ("0.5", date(2026, 6, 6))]
    left = {c.day: c.left.figure for c in credits(store.committed.ledger, "compoff")}
    assert left == {date(2026, 5, 31): "0", date(2026, 6, 6): "0.5", date(2026, 6, 7): "1"}

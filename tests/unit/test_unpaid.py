"""Loss of pay: the unpaid type, the split offered when a paid type is short, and the ``yes`` that applies it."""

from __future__ import annotations

import copy
import json
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from bot.slack import render as slack_render
from bot.teams import cards as teams_cards
from core.commands import ApplyLeave, ConfirmSplit, Decide, ShowBalance
from core.domain.amount import Amount
from core.domain.model import EntryKind, HalfDay, RequestStatus
from core.domain.splits import OFFER_LIFETIME, paid_share
from core.errors import PolicyError
from core.language.grammar import parse_command
from core.policy.rules import parse_policy
from core.service import LeaveService
from core.views import AppliedView, BalanceView, DecidedView, RefusalView, SplitAppliedView
from tests.unit.conftest import ORG_CSV, policy_document
from tests.unit.fakes import FakeStore, FixedClock

TODAY = date(2026, 11, 25)


def apply(service: LeaveService, who: str, kind: str, start: date, end: date | None = None,
          half: HalfDay | None = None, key: str | None = None) -> AppliedView | RefusalView:
    view = service.execute(who, ApplyLeave(kind, start, end or start, half, "family"), "test", key)
    assert isinstance(view, AppliedView | RefusalView)
    return view


def use_up_casual(service: LeaveService) -> None:
    """Rahul takes 8 of his 12 casual days (1 to 10 Dec): 4 are left for December."""
    assert isinstance(apply(service, "rahul@x.test", "casual", date(2026, 12, 1), date(2026, 12, 10)), AppliedView)


# -- the policy ---------------------------------------------------------------------------------

def test_the_default_policy_has_leave_without_pay() -> None:
    policy = parse_policy(policy_document(including=("unpaid",)))
    unpaid = policy.find_type("INDIA", "LWP")
    assert (unpaid.key, unpaid.name, unpaid.paid, unpaid.days_per_year) == ("unpaid", "Leave without pay", False, 0)
    assert all(t.paid for t in policy.types_for("INDIA") if t.key != "unpaid")


@pytest.mark.parametrize(("body", "where"), [
    ({"code": "LWP", "name": "Unpaid", "paid": False, "days_per_year": 5}, "leave_types.lwp.days_per_year"),
    ({"code": "LWP", "name": "Unpaid", "paid": False, "accrual_rate": 1}, "leave_types.lwp.accrual_rate"),
    ({"code": "LWP", "name": "Unpaid", "paid": "no"}, "leave_types.lwp.paid"),
    ({"code": "LWP", "name": "Unpaid"}, "leave_types.lwp.days_per_year: this key is required"),
])
def test_an_unpaid_type_has_no_balance_keys(body: dict[str, Any], where: str) -> None:
    document = copy.deepcopy(policy_document())
    document["leave_types"]["lwp"] = body
    document["regions"]["INDIA"]["leave_types"].append("lwp")
    with pytest.raises(PolicyError, match=where):
        parse_policy(document)


# -- the split, as a rule -------------------------------------------------------------------------

def days(*spec: tuple[int, int, int]) -> list[date]:
    return [date(*d) for d in spec]


@pytest.mark.parametrize(("working", "available", "covered"), [
    (days((2026, 12, 14), (2026, 12, 15), (2026, 12, 16)), {2026: Amount.days(2)}, 2),
    (days((2026, 12, 14), (2026, 12, 15), (2026, 12, 16)), {2026: Amount.days("2.5")}, 2),  # whole days only
    (days((2026, 12, 14), (2026, 12, 15)), {2026: Amount.days(5)}, 2),
    (days((2026, 12, 14),), {2026: Amount.days("0.5")}, 0),
    (days((2026, 12, 31), (2027, 1, 4), (2027, 1, 5)), {2026: Amount.days(1), 2027: Amount.days(1)}, 2),
    # Each year's own days: nothing left in 2026 stops the paid part at its first day.
    (days((2026, 12, 31), (2027, 1, 4)), {2026: Amount.days(0), 2027: Amount.days(5)}, 0),
])
def test_the_paid_part_is_the_first_whole_days_each_year_covers(working: list[date], available: dict[int, Amount],
                                                                covered: int) -> None:
    assert paid_share(working, available) == covered


def test_yes_and_payroll_are_read_from_the_words() -> None:
    assert parse_command("yes", TODAY) == ConfirmSplit()
    assert parse_command("/leave YES", TODAY) == ConfirmSplit()
    with pytest.raises(Exception, match="one word yes"):
        parse_command("yes please", TODAY)


# -- unpaid leave on its own ----------------------------------------------------------------------

def test_unpaid_leave_is_never_refused_for_a_balance_and_has_no_entitlement(unpaid_service: LeaveService,
                                                                            store: FakeStore) -> None:
    view = apply(unpaid_service, "ananya@x.test", "LWP", date(2026, 12, 1), date(2026, 12, 31))
    assert isinstance(view, AppliedView) and view.request.days == Amount.days(22) and not view.request.paid
    assert view.balance_after == {}  # no balance to show
    assert isinstance(unpaid_service.execute("boss@x.test", Decide(view.request.id, True), "test"), DecidedView)
    balance = unpaid_service.execute("ananya@x.test", ShowBalance(year=2026), "test")
    assert isinstance(balance, BalanceView)
    row = next(r for r in balance.rows if r.type_key == "unpaid")
    assert (row.paid, row.entitled, row.taken) == (False, Amount.days(0), Amount.days(22))
    kinds = {e.kind for e in store.committed.ledger if e.type_key == "unpaid"}
    assert kinds == {EntryKind.LEAVE_TAKEN}  # no allocation, no accrual


def test_the_balance_shows_unpaid_days_taken_not_a_balance(unpaid_service: LeaveService) -> None:
    view = apply(unpaid_service, "ananya@x.test", "unpaid", date(2026, 12, 1), date(2026, 12, 2))
    assert isinstance(view, AppliedView)
    unpaid_service.execute("boss@x.test", Decide(view.request.id, True), "test")
    balance = unpaid_service.execute("ananya@x.test", ShowBalance(year=2026), "test")
    assert isinstance(balance, BalanceView)
    fields = json.dumps(slack_render.reply(balance))
    assert "Unpaid, no balance: *2* taken this year" in fields
    card = json.dumps(teams_cards.render_view(balance))
    assert "Leave without pay (LWP), unpaid: days taken this year" in card


# -- the offer ------------------------------------------------------------------------------------

def test_a_short_paid_type_offers_the_split_with_the_unpaid_days_last(unpaid_service: LeaveService,
                                                                      store: FakeStore) -> None:
    use_up_casual(unpaid_service)
    before = len(store.committed.requests)
    view = apply(unpaid_service, "rahul@x.test", "casual", date(2026, 12, 14), date(2026, 12, 18))
    assert isinstance(view, RefusalView)
    assert view.message.startswith("Only 4 casual leave days left for 2026")
    assert ("you asked for 5. Apply 4 days casual leave (Mon 14 Dec 2026 to Thu 17 Dec 2026) + 1 day unpaid "
            "(Fri 18 Dec 2026)? Reply yes (or /leave yes) within 5 minutes to apply both.") in view.message
    assert len(store.committed.requests) == before  # nothing applied yet
    offer = store.committed.offers["E4"]
    assert offer.paid is not None and (offer.paid.type_key, offer.paid.end) == ("casual", date(2026, 12, 17))
    assert (offer.unpaid.type_key, offer.unpaid.start, offer.unpaid.end) == ("unpaid", date(2026, 12, 18),
                                                                            date(2026, 12, 18))


def test_yes_applies_both_parts_each_approved_like_any_request(unpaid_service: LeaveService,
                                                                store: FakeStore) -> None:
    use_up_casual(unpaid_service)
    apply(unpaid_service, "rahul@x.test", "casual", date(2026, 12, 14), date(2026, 12, 18))
    view = unpaid_service.handle_text("rahul@x.test", "yes", "test")
    assert isinstance(view, SplitAppliedView) and not view.duplicate
    paid, unpaid = view.requests
    assert (paid.type_key, paid.start, paid.end, paid.days, paid.paid) == (
        "casual", date(2026, 12, 14), date(2026, 12, 17), Amount.days(4), True)
    assert (unpaid.type_key, unpaid.start, unpaid.end, unpaid.days, unpaid.paid) == (
        "unpaid", date(2026, 12, 18), date(2026, 12, 18), Amount.days(1), False)
    assert paid.id != unpaid.id and {paid.reason, unpaid.reason} == {"family"}
    assert all(r.status is RequestStatus.PENDING and r.approver and r.approver.email == "boss@x.test"
               for r in view.requests)
    assert "E4" not in store.committed.offers
    # Each is decided on its own; the approver's card says "unpaid" plainly.
    seen = unpaid_service.request_seen_by("boss@x.test", unpaid.id)
    assert seen is not None and seen.approver_notice is not None
    assert "1 day of leave without pay (unpaid)" in slack_render.approval_card(seen.approver_notice)["text"]
    card = json.dumps(teams_cards.approval_card(seen.request, can_decide=True))
    assert "leave without pay (unpaid)" in card
    for request in view.requests:
        decided = unpaid_service.execute("boss@x.test", Decide(request.id, True), "test")
        assert not isinstance(decided, RefusalView)
    taken = {(e.type_key, e.amount.value) for e in store.committed.ledger if e.kind is EntryKind.LEAVE_TAKEN}
    assert ("casual", -4) in taken and ("unpaid", -1) in taken
    # Said again, there is nothing left to take.
    again = unpaid_service.handle_text("rahul@x.test", "yes", "test")
    assert isinstance(again, RefusalView) and again.message.startswith("Nothing is waiting for a yes")


def test_a_replayed_yes_makes_nothing_twice(unpaid_service: LeaveService, store: FakeStore) -> None:
    use_up_casual(unpaid_service)
    apply(unpaid_service, "rahul@x.test", "casual", date(2026, 12, 14), date(2026, 12, 18))
    first = unpaid_service.execute("rahul@x.test", ConfirmSplit(), "slack", "slack:trigger:1")
    count = len(store.committed.requests)
    replay = unpaid_service.execute("rahul@x.test", ConfirmSplit(), "slack", "slack:trigger:1")
    assert isinstance(first, SplitAppliedView) and isinstance(replay, SplitAppliedView)
    assert replay.duplicate and [r.id for r in replay.requests] == [r.id for r in first.requests]
    assert len(store.committed.requests) == count


def test_no_paid_day_left_offers_it_all_unpaid(unpaid_service: LeaveService) -> None:
    use_up_casual(unpaid_service)
    assert isinstance(apply(unpaid_service, "rahul@x.test", "casual", date(2026, 12, 14), date(2026, 12, 17)),
                      AppliedView)
    half = apply(unpaid_service, "rahul@x.test", "casual", date(2026, 12, 18), half=HalfDay.SECOND)
    assert isinstance(half, RefusalView) and "Apply 0.5 days unpaid instead (Fri 18 Dec 2026)?" in half.message
    view = unpaid_service.handle_text("rahul@x.test", "yes", "test")
    assert isinstance(view, SplitAppliedView) and len(view.requests) == 1
    assert (view.requests[0].type_key, view.requests[0].half, view.requests[0].days) == (
        "unpaid", HalfDay.SECOND, Amount.days("0.5"))


def test_the_offer_lasts_five_minutes_and_is_the_askers_own(unpaid_service: LeaveService, store: FakeStore,
                                                           clock: FixedClock) -> None:
    use_up_casual(unpaid_service)
    apply(unpaid_service, "rahul@x.test", "casual", date(2026, 12, 14), date(2026, 12, 18))
    count = len(store.committed.requests)
    other = unpaid_service.handle_text("ananya@x.test", "yes", "test")
    assert isinstance(other, RefusalView) and "Nothing is waiting for a yes" in other.message
    clock.at = clock.at + OFFER_LIFETIME + timedelta(seconds=1)
    late = unpaid_service.handle_text("rahul@x.test", "yes", "test")
    assert isinstance(late, RefusalView) and "stands for 5 minutes" in late.message
    assert len(store.committed.requests) == count


def test_without_an_unpaid_type_the_refusal_offers_nothing(service: LeaveService, store: FakeStore) -> None:
    use_up_casual(service)
    commits = store.commits
    view = apply(service, "rahul@x.test", "casual", date(2026, 12, 14), date(2026, 12, 18))
    assert isinstance(view, RefusalView) and view.message.endswith("Shorten the request or choose another leave type.")
    assert store.committed.offers == {} and store.commits == commits


def test_a_part_that_would_be_refused_is_refused_instead_of_offered(store: FakeStore, clock: FixedClock) -> None:
    document = policy_document(including=("unpaid",))
    document["blackouts"] = [{"start": "2026-12-18", "end": "2026-12-18", "reason": "Audit", "action": "refuse"}]
    service = LeaveService(store, clock, default_time_zone="Asia/Kolkata")
    service.load_policy(document, "test")
    service.import_employees(ORG_CSV)
    use_up_casual(service)
    view = apply(service, "rahul@x.test", "casual", date(2026, 12, 14), date(2026, 12, 18))
    assert isinstance(view, RefusalView) and view.message.startswith("Leave is closed from")
    assert store.committed.offers == {}


def test_an_offer_replaced_by_a_newer_one(unpaid_service: LeaveService, store: FakeStore) -> None:
    use_up_casual(unpaid_service)
    apply(unpaid_service, "rahul@x.test", "casual", date(2026, 12, 14), date(2026, 12, 18))
    apply(unpaid_service, "rahul@x.test", "casual", date(2026, 12, 21), date(2026, 12, 28))
    offer = store.committed.offers["E4"]
    assert offer.paid is not None and (offer.paid.start, offer.unpaid.end) == (date(2026, 12, 21), date(2026, 12, 28))


def test_the_offer_kept_is_compared_by_time() -> None:
    from core.domain.splits import SplitOffer, SplitPart

    made = datetime(2026, 11, 25, 4, 30, tzinfo=UTC)
    offer = SplitOffer("E4", None, SplitPart("unpaid", date(2026, 12, 1), date(2026, 12, 1)), "", made)
    assert offer.stands_at(made) and offer.stands_at(made + OFFER_LIFETIME - timedelta(seconds=1))
    assert not offer.stands_at(made + OFFER_LIFETIME) and not offer.stands_at(made - timedelta(seconds=1))
    both = replace(offer, paid=SplitPart("casual", date(2026, 11, 30), date(2026, 11, 30)))
    assert [part.type_key for part in both.parts] == ["casual", "unpaid"]

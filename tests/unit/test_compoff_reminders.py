"""Comp-off claims where approvers are reminded and people look: the morning reminder (each door),
the escalation after N working days, the Slack App Home and ``/leave list``.

On the in-memory fakes with the built-in policy's ``compoff`` type: on Wednesday 10 June 2026
Ananya (whose approver is Vikram, who has no manager) claims Saturday 6 June.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from bot import render_text
from bot.digest_words import worded
from bot.scheduled import SLACK_BLOCK_LIMIT
from bot.slack import render as slack_render
from bot.teams import cards as teams_cards
from core.commands import ApplyLeave, ClaimCompOff, DecideClaim, ListRequests, ShowPending
from core.domain.model import HalfDay
from core.requests.home import home_of
from core.scheduling.reminders import ESCALATION_JOB, reminders
from core.service import LeaveService
from core.views import CompOffClaimView, RequestListView
from tests.trees import nodes
from tests.unit.conftest import ORG_CSV, policy_document
from tests.unit.fakes import FakeStore, FixedClock
from tests.unit.test_scheduler_content import texts

AT = datetime(2026, 6, 10, 4, 30, tzinfo=UTC)  # Wednesday 10 June 2026, 10:00 in India
MORNING = datetime(2026, 6, 11, 4, 0, tzinfo=UTC)  # Thursday 09:30 in India


def organisation(store: FakeStore, **escalation: int) -> LeaveService:
    """The shared organisation with the comp-off type; ``escalation`` sets the type's own N."""
    document = policy_document(including=("compoff",))
    document["leave_types"]["compoff"].update(escalation)
    service = LeaveService(store, FixedClock(AT), default_time_zone="Asia/Kolkata")
    service.load_policy(document, "test")
    service.import_employees(ORG_CSV)
    return service


def claim(service: LeaveService, who: str = "ananya@x.test", half: HalfDay | None = None) -> str:
    view = service.execute(who, ClaimCompOff(date(2026, 6, 6), half, "release <cut-over>"), "test")
    assert isinstance(view, CompOffClaimView), view
    return view.number


def reminder_of(store: FakeStore, approver: str, now: datetime = MORNING) -> dict[str, Any]:
    with store() as uow:
        found, _ = reminders(uow, now, "Asia/Kolkata", now.date())
    return dict(found)[approver]


def test_the_reminder_lists_a_claim_beside_the_requests_with_its_buttons(store: FakeStore) -> None:
    service = organisation(store)
    number = claim(service, half=HalfDay.FIRST)
    service.execute("ananya@x.test", ApplyLeave("casual", date(2026, 6, 22), date(2026, 6, 22)), "test")
    payload = reminder_of(store, "E2")
    assert [r["number"] for r in payload["requests"]] == ["LV-1001"]
    assert payload["claims"] == [{"id": 1, "number": number, "name": "Ananya Iyer", "start": "2026-06-06",
                                  "end": "2026-06-06", "half": "FIRST", "days": "0.5",
                                  "reason": "release <cut-over>", "waiting_days": 0}]
    shaped = worded(payload)
    slack = slack_render._render("approval_reminder.j2", SLACK_BLOCK_LIMIT, digest=shaped)
    teams = teams_cards.render("approval_reminder.j2", digest=shaped)
    line = "claims 0.5 days of comp-off for Sat 6 Jun 2026 (first half) worked"
    for shown in (texts(slack), texts(teams)):
        assert "1 leave request and 1 comp-off claim wait for your decision" in shown
        assert line in shown and f"{number} · waiting 0 days" in shown
    assert "release &lt;cut-over&gt;" in texts(slack)  # the claimant's words are escaped
    buttons = [(n["action_id"], n["value"]) for n in nodes(slack) if n.get("type") == "button"]
    assert buttons[2:] == [("leave_approve", number), ("leave_reject", number)]
    verbs = [(n["verb"], n["data"]["requestId"]) for n in nodes(teams) if n.get("type") == "Action.Execute"]
    assert verbs[2:] == [("approve", number), ("reject", number)]


def test_a_reminder_of_claims_alone_says_so_and_hr_has_those_without_a_manager(store: FakeStore) -> None:
    service = organisation(store)
    claim(service, who="boss@x.test")  # Vikram has no manager: his claim waits for HR
    payload = reminder_of(store, "E1")
    assert (payload["requests"], [c["name"] for c in payload["claims"]]) == ([], ["Vikram Rao"])
    slack = slack_render._render("approval_reminder.j2", SLACK_BLOCK_LIMIT, digest=worded(payload))
    assert slack["text"] == "0 leave requests and 1 comp-off claim waits for your decision"


def test_a_claim_moves_up_after_the_comp_off_types_own_days_once(store: FakeStore) -> None:
    service = organisation(store, escalate_after_working_days=1)
    number = claim(service)
    service.execute("ananya@x.test", ApplyLeave("casual", date(2026, 6, 22), date(2026, 6, 22)), "test")
    with store() as uow:
        found, summary = reminders(uow, MORNING, "Asia/Kolkata", MORNING.date())
        uow.commit()
    # Only the claim's type says when to move up: the request stays with Vikram.
    assert summary == f"1 reminder in Asia/Kolkata; escalated {number}"
    assert [(who, [r["number"] for r in p["requests"]], p["claims"]) for who, p in found] == [("E2", ["LV-1001"], [])]
    (moved,) = store.committed.compoff.values()
    assert moved.approver_id is None  # Vikram has no manager: HR
    event = store.committed.outbox[-1].event
    assert (event.name, event.payload["number"], event.payload["approver_id"]) == ("compoff.pending", number, None)
    (entry,) = [a for a in store.committed.audit if a.action == "compoff.escalated"]
    assert entry.detail == f"{number} no answer in 1 working day: E2 -> HR"
    events = len(store.committed.outbox)
    with store() as uow:
        assert uow.jobs.taken(ESCALATION_JOB, [f"{number}#1", f"{number}#2"]) == {f"{number}#1"}
        _, summary = reminders(uow, MORNING, "Asia/Kolkata", MORNING.date())
        uow.commit()
    assert "escalated" not in summary and len(store.committed.outbox) == events
    # HR holds it now: the claim reads so, and the next morning HR is reminded of it.
    pending = service.execute("hr@x.test", ShowPending(), "test")
    assert isinstance(pending, RequestListView) and pending.claims[0].waiting_hr
    assert [c["number"] for c in reminder_of(store, "E1", datetime(2026, 6, 12, 4, 0, tzinfo=UTC))["claims"]] == [
        number]


def test_list_and_home_show_ones_own_claims_with_status_and_the_approvers_queue(store: FakeStore) -> None:
    service = organisation(store)
    first = claim(service)
    service.execute("boss@x.test", DecideClaim(1, False, "a working day for the team"), "test")
    second = service.execute("ananya@x.test", ClaimCompOff(date(2026, 5, 31), None, "on call"), "test")
    assert isinstance(second, CompOffClaimView)
    mine = service.execute("ananya@x.test", ListRequests(), "test")
    assert isinstance(mine, RequestListView)
    assert [(c.number, c.status.value) for c in mine.own_claims] == [(first, "REJECTED"), (second.number, "PENDING")]
    text = render_text.render(mine)
    assert f"{first} Sat 6 Jun 2026 worked, 1 day: rejected by Vikram Rao: a working day for the team" in text
    assert f"{second.number} Sun 31 May 2026 worked, 1 day: pending, waiting for Vikram Rao (on call)" in text
    with store() as uow:
        people = {e.email: e for e in uow.employees.all()}
        ananya = home_of(uow, FixedClock(AT), people["ananya@x.test"])
        vikram = home_of(uow, FixedClock(AT), people["boss@x.test"])
    assert [c.number for c in ananya.claims] == [first, second.number] and ananya.queue_claims == ()
    assert [c.number for c in vikram.queue_claims] == [second.number] and vikram.claims == ()
    shown = texts(slack_render.home(ananya))
    assert "Your comp-off claims" in shown and "rejected by Vikram Rao: a working day for the team" in shown
    page = slack_render.home(vikram)
    assert f"*{second.number}* Ananya Iyer: 1 day of comp-off for Sun 31 May 2026 worked: on call" in texts(page)
    assert [(n["action_id"], n["value"]) for n in nodes(page) if n.get("action_id", "").startswith("leave_")
            and n.get("value")] == [("leave_approve", second.number), ("leave_reject", second.number)]


@pytest.mark.parametrize("door", ["slack", "teams"])
def test_ones_own_claims_in_the_list_carry_no_buttons(store: FakeStore, door: str) -> None:
    service = organisation(store)
    claim(service)
    mine = service.execute("ananya@x.test", ListRequests(), "test")
    assert isinstance(mine, RequestListView)
    shown = (slack_render.reply(mine) if door == "slack"
             else teams_cards.render_view(mine, can_decide=lambda r: False))
    assert "Your comp-off claims" in texts(shown)
    assert not [n for n in nodes(shown) if n.get("verb") in ("approve", "reject")
                or n.get("action_id") in ("leave_approve", "leave_reject")]

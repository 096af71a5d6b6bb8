"""Teams as Slack: the welcome card's buttons, the two-step approval as each approver reads it, and the
reason for a rejection, typed in the box behind Reject."""

from __future__ import annotations

from datetime import date

import pytest

from core.commands import ApplyLeave
from core.domain.model import RequestStatus
from core.views import AppliedView, RequestView
from tests.integration.teams.conftest import PERSONAL_CHAT, TeamsRig, actions, texts
from tests.integration.teams.test_teams_card_actions import card_of, pending_request
from tests.trees import nodes
from tests.unit.conftest import policy_document

pytestmark = pytest.mark.asyncio


def two_step_request(rig: TeamsRig) -> RequestView:
    """Rahul's paternity leave: his manager's approval, then HR's."""
    applied = rig.service.execute("rahul@x.test", ApplyLeave("paternity", date(2026, 12, 7), date(2026, 12, 9),
                                                             reason="baby due"), "test")
    assert isinstance(applied, AppliedView) and applied.request.waiting_for == "manager"
    return applied.request


async def test_the_welcome_card_on_install_has_buttons_that_run_for_whoever_clicks(rig: TeamsRig) -> None:
    response = await rig.post(rig.activity("conversation_update_bot_added_personal", "ananya"))
    assert response.status in (200, 201)
    (welcome,) = [c.card for c in rig.connector.sent(PERSONAL_CHAT["ananya"]) if c.card is not None]
    assert "Hi Ananya Iyer, I'm LeaveBot" in texts(welcome)
    assert [(a["title"], a["verb"]) for a in actions(welcome)] == [
        ("Apply for leave", "applyForm"), ("Balance", "run"), ("Who's out", "run"), ("Open dashboard", "dashboard")]
    by_title = {a["title"]: a for a in actions(welcome)}
    form = card_of(*await rig.click("ananya", "applyForm", by_title["Apply for leave"]["data"]))
    assert [a["verb"] for a in actions(form)] == ["apply"]
    balance = texts(card_of(*await rig.click("ananya", "run", by_title["Balance"]["data"])))
    assert "Ananya Iyer" in balance and "Casual leave (CL)" in balance
    # The same button pressed by Rahul runs for Rahul.
    assert "Rahul Verma" in texts(card_of(*await rig.click("rahul", "run", by_title["Balance"]["data"])))
    pending_request(rig)
    out = texts(card_of(*await rig.click("rahul", "run", by_title["Who's out"]["data"])))
    assert out == texts(await rig.say("rahul", "team"))
    dashboard = texts(card_of(*await rig.click("rahul", "dashboard", by_title["Open dashboard"]["data"])))
    assert "Your dashboard link" in dashboard and "/web/sign-in/" in dashboard


async def test_a_button_naming_another_command_runs_nothing(rig: TeamsRig) -> None:
    request = pending_request(rig)
    for data in ({"command": f"approve {request.number}"}, {"command": "report 2026-Q4"}, {}):
        card = card_of(*await rig.click("boss", "run", data))
        assert "That button is not one I know" in texts(card)
    assert rig.service.list_requests("ananya@x.test")[0].status is RequestStatus.PENDING


async def test_the_manager_reads_you_approved_now_with_hr_and_hr_reads_the_step_and_who_approved(
        rig: TeamsRig) -> None:
    request = two_step_request(rig)
    clicked = card_of(*await rig.click("boss", "approve", {"requestId": request.id}))
    assert "You approved — now with HR" in texts(clicked) and actions(clicked) == []
    # Looked at again later, the manager's card still says so.
    later = card_of(*await rig.click("boss", "refresh", {"requestId": request.id}))
    assert "You approved — now with HR" in texts(later)
    hr_card = card_of(*await rig.click("hr", "refresh", {"requestId": request.id}))
    assert "HR step — Vikram Rao approved it first; it now needs HR's approval." in texts(hr_card)
    assert [a["verb"] for a in actions(hr_card)] == ["approve", "reject"]
    # Rahul sees who approved and that it waits for HR.
    mine = texts(card_of(*await rig.click("rahul", "refresh", {"requestId": request.id})))
    assert "Approved by Vikram Rao" in mine and "You approved" not in mine


async def test_the_reason_typed_in_the_box_behind_reject_is_the_reason(rig: TeamsRig) -> None:
    request = pending_request(rig)
    pending = await rig.say("boss", "pending")
    (reject,) = [a for a in actions(pending) if a["verb"] == "reject"]
    data = {**reject["data"], f"reason-{request.id}": "release week"}
    card = card_of(*await rig.click("boss", "reject", data))
    assert f"{request.number} rejected" in texts(card)
    (decided,) = rig.service.list_requests("ananya@x.test")
    assert (decided.status, decided.decision_note) == (RequestStatus.REJECTED, "release week")


async def test_where_the_policy_wants_a_reason_the_box_is_required_and_a_bare_reject_refused(rig: TeamsRig) -> None:
    rig.service.load_policy({**policy_document(), "reject_reason": "required"}, "test")
    request = pending_request(rig)
    card = card_of(*await rig.click("boss", "refresh", {"requestId": request.id}))
    (box,) = [n for n in nodes(card) if n.get("id") == f"reason-{request.id}"]
    assert box["isRequired"] is True
    refused = card_of(*await rig.click("boss", "reject", {"requestId": request.id, f"reason-{request.id}": ""}))
    assert f"Say why you reject {request.number}; Ananya will read it" in texts(refused)
    assert rig.service.list_requests("ananya@x.test")[0].status is RequestStatus.PENDING


async def test_the_team_limit_warning_is_on_the_application_reply_as_in_slack(rig: TeamsRig) -> None:
    rig.service.load_policy({**policy_document(), "team_limits": [{"max_out": 1, "action": "flag"}]}, "test")
    pending_request(rig)  # Ananya is out 7-9 Dec
    applied = texts(await rig.say("rahul", "apply casual 8 Dec family visit"))
    assert "submitted" in applied
    assert "Team limit: 1 of 4 people in Engineering are already out on Tue 8 Dec 2026; the limit is 1" in applied


async def test_a_step_approved_from_the_pending_list_says_whom_it_is_with_now(rig: TeamsRig) -> None:
    request = two_step_request(rig)
    pending = await rig.say("boss", "pending")
    (approve,) = [a for a in actions(pending) if a["verb"] == "approve"]
    after = card_of(*await rig.click("boss", "approve", approve["data"]))
    assert f"You approved {request.number} — now with HR." in texts(after)
    assert request.number not in [a["data"]["requestNumber"] for a in actions(after)]

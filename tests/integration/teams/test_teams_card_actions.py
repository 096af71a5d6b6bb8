"""Card buttons (``adaptiveCard/action`` invokes): apply, approve, reject, refresh, and who may press them."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from core.commands import ApplyLeave
from core.domain.amount import Amount
from core.domain.model import RequestStatus
from core.views import AppliedView, RequestView
from tests.integration.teams.conftest import TeamsRig, actions, texts
from tests.unit.conftest import policy_document

pytestmark = pytest.mark.asyncio

CARD = "application/vnd.microsoft.card.adaptive"


def pending_request(rig: TeamsRig, start: date = date(2026, 12, 7), end: date = date(2026, 12, 9)) -> RequestView:
    applied = rig.service.execute("ananya@x.test", ApplyLeave("casual", start, end, reason="family visit"), "test")
    assert isinstance(applied, AppliedView)
    return applied.request


def card_of(status: int, body: dict[str, Any]) -> dict[str, Any]:
    assert status == 200, body
    assert body["statusCode"] == 200 and body["type"] == CARD, body
    card: dict[str, Any] = body["value"]
    assert card["type"] == "AdaptiveCard" and card["version"] == "1.5"
    return card


def audit_of(rig: TeamsRig, request_id: int) -> list[tuple[str, str, str]]:
    return [(a.actor, a.action, a.outcome) for a in rig.service.audit_log() if a.request_id == request_id]


async def test_the_approver_approves_and_the_card_shows_the_outcome_without_buttons(rig: TeamsRig) -> None:
    request = pending_request(rig)
    card = card_of(*await rig.click("boss", "approve", {"requestId": request.id}))
    assert actions(card) == []
    shown = texts(card)
    assert f"{request.number} approved" in shown
    assert "Approved by Vikram Rao on {{DATE(2026-11-25T04:30:00Z, SHORT)}} at {{TIME(2026-11-25T04:30:00Z)}}" in shown
    assert card["refresh"]["action"]["verb"] == "refresh"
    assert card["refresh"]["action"]["data"] == {"requestId": request.id}
    assert rig.service.list_requests("ananya@x.test")[0].status is RequestStatus.APPROVED


async def test_a_repeated_invoke_never_decides_twice(rig: TeamsRig) -> None:
    request = pending_request(rig)
    card_of(*await rig.click("boss", "approve", {"requestId": request.id}))
    again = card_of(*await rig.click("boss", "reject", {"requestId": request.id, "reason": "changed my mind"}))
    assert actions(again) == []
    assert f"{request.number} was already approved by Vikram Rao" in texts(again)
    assert audit_of(rig, request.id) == [("ananya@x.test", "apply", "ok"), ("boss@x.test", "approve", "ok"),
                                         ("boss@x.test", "reject", "refused")]
    (shown,) = rig.service.list_requests("ananya@x.test")
    assert shown.status is RequestStatus.APPROVED and shown.decision_note == ""
    balance = rig.service.balance_of("ananya@x.test")
    assert next(r for r in balance.rows if r.type_key == "casual").taken == Amount.days(3)


async def test_the_approver_rejects_with_a_reason(rig: TeamsRig) -> None:
    request = pending_request(rig)
    card = card_of(*await rig.click("boss", "reject", {"requestId": request.number, "reason": "release week"}))
    assert "Rejected by Vikram Rao" in texts(card) and "release week" in texts(card)
    assert rig.service.list_requests("ananya@x.test")[0].status is RequestStatus.REJECTED


async def test_a_stranger_gets_an_error_card_and_an_audit_row(rig: TeamsRig) -> None:
    request = pending_request(rig)
    card = card_of(*await rig.click("rahul", "approve", {"requestId": request.id}))
    assert actions(card) == []
    assert f"{request.number} isn't yours to decide" in texts(card)
    assert ("rahul@x.test", "not_approver", "refused") in audit_of(rig, request.id)
    assert rig.service.list_requests("ananya@x.test")[0].status is RequestStatus.PENDING
    # Someone HR never added can't press anything either.
    card = card_of(*await rig.click("stranger", "approve", {"requestId": request.id}))
    assert "ask HR to add you" in texts(card)
    assert rig.service.list_requests("ananya@x.test")[0].status is RequestStatus.PENDING


async def test_refresh_shows_each_viewer_the_current_state(rig: TeamsRig) -> None:
    request = pending_request(rig)
    for who in ("boss", "hr"):
        card = card_of(*await rig.click(who, "refresh", {"requestId": request.id}))
        assert [a["verb"] for a in actions(card)] == ["approve", "reject"], who
        assert "Applied 12 days ahead" in texts(card)
    employee_view = card_of(*await rig.click("ananya", "refresh", {"requestId": request.id}))
    assert actions(employee_view) == [] and "Waiting for Vikram Rao" in texts(employee_view)
    colleague = card_of(*await rig.click("rahul", "refresh", {"requestId": request.id}))
    assert actions(colleague) == [] and "not yours to see" in texts(colleague)
    card_of(*await rig.click("hr", "approve", {"requestId": request.id}))
    after = card_of(*await rig.click("boss", "refresh", {"requestId": request.id}))
    assert actions(after) == [] and "Approved by Meera Nair" in texts(after)
    # The people who may decide get the card refreshed automatically (once Teams knows their ids).
    assert set(after["refresh"]["userIds"]) == {"29:1boss-mri", "29:1hr-mri"}


async def test_the_apply_form_shows_errors_on_the_card_and_files_one_request(rig: TeamsRig) -> None:
    form = card_of(*await rig.click("ananya", "applyForm", {}))
    form_id = actions(form)[0]["data"]["formId"]
    missing = card_of(*await rig.click("ananya", "apply", {"formId": form_id, "start": "2026-12-07"}))
    assert "Choose a leave type." in texts(missing)
    weekend = {"formId": form_id, "leaveType": "casual", "start": "2026-12-05", "end": "2026-12-06",
               "half": "FULL", "reason": "a \"quiet\" weekend", "documentRef": ""}
    refused = card_of(*await rig.click("ananya", "apply", weekend))
    inputs = {e["id"]: e.get("value") for e in refused["body"] if str(e.get("type", "")).startswith("Input.")}
    assert inputs["leaveType"] == "casual" and inputs["start"] == "2026-12-05"
    assert inputs["reason"] == 'a "quiet" weekend'
    assert "working day" in texts(refused).lower()
    assert actions(refused)[0]["data"]["formId"] == form_id
    good = dict(weekend, start="2026-12-07", end="2026-12-08", reason="family visit")
    applied = card_of(*await rig.click("ananya", "apply", good))
    assert "submitted" in texts(applied)
    again = card_of(*await rig.click("ananya", "apply", good))
    assert "You already asked for this" in texts(again)
    assert len(rig.service.list_requests("ananya@x.test")) == 1
    half = card_of(*await rig.click("ananya", "apply", {"formId": "f2", "leaveType": "sick", "start": "2026-12-10",
                                                      "half": "SECOND", "reason": "dentist"}))
    assert "second half" in texts(half)


async def test_deciding_from_the_pending_list_shows_the_list_again(rig: TeamsRig) -> None:
    first = pending_request(rig)
    second = pending_request(rig, date(2026, 12, 14), date(2026, 12, 14))
    card = card_of(*await rig.click("boss", "approve", {"requestId": first.id, "origin": "list"}))
    assert f"{first.number} approved" in texts(card)
    assert {a["data"]["requestId"] for a in actions(card)} == {second.id}


async def test_a_button_that_makes_no_sense_is_answered_politely(rig: TeamsRig) -> None:
    assert "not one I know" in texts(card_of(*await rig.click("ananya", "launch", {})))
    assert "which request" in texts(card_of(*await rig.click("boss", "approve", {"requestId": "soon"})))


async def test_the_form_takes_the_hours_of_a_type_counted_in_hours(rig: TeamsRig) -> None:
    plain = card_of(*await rig.click("ananya", "applyForm", {}))
    assert "timeFrom" not in {e.get("id") for e in plain["body"]}
    document = policy_document()
    document["leave_types"]["permission"] = {"code": "PM", "name": "Permission", "unit": "hours",
                                             "max_hours_per_application": 2, "max_applications_per_month": 2}
    document["regions"]["INDIA"]["leave_types"].append("permission")
    rig.service.load_policy(document, "test")
    form = card_of(*await rig.click("ananya", "applyForm", {}))
    assert {"timeFrom", "timeTo"} <= {e.get("id") for e in form["body"]}
    asked = {"formId": "hours-1", "leaveType": "permission", "start": "2026-11-26", "end": "", "half": "FULL",
             "reason": "bank", "documentRef": "", "timeFrom": "16:00", "timeTo": ""}
    refused = card_of(*await rig.click("ananya", "apply", asked))
    assert "both the first and the last hour" in texts(refused)
    assert rig.service.list_requests("ananya@x.test") == []
    applied = card_of(*await rig.click("ananya", "apply", dict(asked, timeTo="18:00")))
    assert "submitted" in texts(applied)
    [request] = rig.service.list_requests("ananya@x.test")
    assert (str(request.time_range), request.days) == ("16:00-18:00", Amount.hours(2))

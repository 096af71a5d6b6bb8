"""Slack and Teams ask and tell the same things: the reason for a rejection, the limits of each field,
the leave-type placeholder, the warnings on an application, the HR step and who approved before it,
and "You approved — now with HR" for the approver whose step is done."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, date, datetime
from typing import Any

import pytest

from bot.digest_words import worded
from bot.render_text import render as render_text
from bot.slack import render as slack
from bot.teams import cards as teams
from core import views
from core.domain.amount import Amount
from core.domain.fields import DOCUMENT, FORM_LIMITS, REASON
from core.domain.model import RequestStatus
from tests.trees import nodes

ANANYA = views.Person("E3", "Ananya Iyer", "ananya@x.test")
VIKRAM = views.Person("E2", "Vikram Rao", "boss@x.test")
MEERA = views.Person("E1", "Meera Nair", "hr@x.test")
PENDING = views.RequestView(
    id=7, number="LV-1007", employee=ANANYA, type_key="paternity", type_name="Paternity leave",
    start=date(2026, 12, 7), end=date(2026, 12, 9), half=None, days=Amount.days(3), status=RequestStatus.PENDING,
    reason="baby due", approver=VIKRAM, waiting_for="manager", created_at=datetime(2026, 11, 25, 4, 30, tzinfo=UTC),
)
AT_HR = dataclasses.replace(PENDING, approver=None, waiting_for="hr", approved_by=(VIKRAM,))
FORM = views.ApplyFormView((("casual", "Casual leave (CL)"), ("sick", "Sick leave (SL)")))
REMINDER = {"kind": "approval_reminder",
            "approver": {"employee_id": "E2", "name": "Vikram Rao", "email": "boss@x.test"},
            "requests": [{"id": 7, "number": "LV-1007", "name": "Ananya Iyer", "type": "Paternity leave",
                          "start": "2026-12-07", "end": "2026-12-09", "days": "3", "half": "", "waiting_days": 2}]}


def teams_reason_boxes(card: dict[str, Any]) -> list[dict[str, Any]]:
    return [n for n in nodes(card) if n.get("type") == "Input.Text" and str(n.get("id")).startswith("reason-")]


def slack_reason_block(modal: dict[str, Any]) -> dict[str, Any]:
    (block,) = [b for b in modal["blocks"] if b.get("block_id") == "reason"]
    return block


@pytest.mark.parametrize("required", [False, True])
def test_a_rejection_asks_for_its_reason_the_same_way_in_both_doors(required: bool) -> None:
    request = dataclasses.replace(PENDING, reject_reason_required=required)
    modal = slack.reject_modal("LV-1007", "{}", required=required)
    assert slack_reason_block(modal)["optional"] is not required
    assert slack_reason_block(modal)["element"]["max_length"] == REASON.limit
    shown = [
        teams.approval_card(request, can_decide=True),
        teams.render_view(views.RequestListView("Waiting for your decision", (request,)), can_decide=lambda r: True),
        teams.render("approval_reminder.j2", digest=worded({**REMINDER, "reject_reason_required": required})),
    ]
    for card in shown:
        (box,) = teams_reason_boxes(card)
        assert box["id"] == "reason-7" and box["isRequired"] is required and box["maxLength"] == REASON.limit
        assert ("(optional)" in box["label"]) is not required
        # The box sits behind Reject with its own Reject button; Approve sends no reason and needs none.
        (behind,) = [n for n in nodes(card) if n.get("type") == "Action.ShowCard"]
        assert behind["title"] == "Reject" and box in nodes(behind["card"])
        assert [a["verb"] for a in nodes(behind["card"]) if a.get("type") == "Action.Execute"] == ["reject"]
        approve = next(n for n in nodes(card) if n.get("verb") == "approve")
        assert approve["associatedInputs"] == "none"


def test_the_forms_hold_each_field_to_the_same_limit() -> None:
    card = teams.apply_form(FORM)
    inputs = {n["id"]: n for n in nodes(card) if str(n.get("type", "")).startswith("Input.")}
    modal = slack.apply_modal(FORM)
    assert inputs["reason"]["maxLength"] == slack_reason_block(modal)["element"]["max_length"] == FORM_LIMITS["reason"]
    assert inputs["documentRef"]["maxLength"] == FORM_LIMITS["document"] == DOCUMENT.limit


def test_the_leave_type_dropdown_has_a_placeholder_in_both_doors() -> None:
    card = teams.apply_form(FORM)
    (choice,) = [n for n in nodes(card) if n.get("id") == "leaveType"]
    select = slack.apply_modal(FORM)["blocks"][0]["element"]
    assert choice["placeholder"] == select["placeholder"]["text"] == "Choose a type"
    assert [c["value"] for c in choice["choices"]] == [o["value"] for o in select["options"]] == ["casual", "sick"]


def test_the_team_limit_warning_shows_on_the_application_reply_in_every_door() -> None:
    flagged = views.AppliedView(dataclasses.replace(PENDING, flags=("Team limit reached on Tue 8 Dec",)))
    for shown in (render_text(flagged), json.dumps(slack.reply(flagged)), json.dumps(teams.render_view(flagged))):
        assert "Team limit reached on Tue 8 Dec" in shown


def test_the_hr_card_says_it_is_the_hr_step_and_who_approved_before() -> None:
    notice = views.Notice("approval_needed:E1", views.NoticeKind.APPROVAL_NEEDED, MEERA, AT_HR)
    expected = "HR step — Vikram Rao approved it first; it now needs HR's approval."
    assert expected in json.dumps(slack.approval_card(notice), ensure_ascii=False)
    assert expected in json.dumps(teams.approval_card(AT_HR, can_decide=True), ensure_ascii=False)
    # The manager's step has no such line.
    assert "HR step" not in json.dumps(teams.approval_card(PENDING, can_decide=True))
    assert "HR step" not in json.dumps(slack.approval_card(dataclasses.replace(notice, request=PENDING)))


def test_the_approver_whose_step_is_done_reads_you_approved_now_with_hr() -> None:
    said = "You approved — now with HR"
    # Slack: the card they clicked, redrawn, and the reply to a typed approve.
    assert said in json.dumps(slack.closed_card(AT_HR, VIKRAM), ensure_ascii=False)
    assert said in json.dumps(slack.reply(views.DecidedView(AT_HR)), ensure_ascii=False)
    # Teams: the card answering the click, or redrawn later for them.
    assert said in json.dumps(teams.request_card(AT_HR, reader_id="E2"), ensure_ascii=False)
    assert said in json.dumps(teams.render_view(views.DecidedView(AT_HR), reader_id="E2"), ensure_ascii=False)
    assert said.replace("approved", "approved LV-1007") in render_text(views.DecidedView(AT_HR))
    # Someone else looking at it reads who approved and whom it waits for.
    for other in (json.dumps(teams.request_card(AT_HR, reader_id="E3"), ensure_ascii=False),
                  json.dumps(slack.closed_card(AT_HR), ensure_ascii=False)):
        assert said not in other and "Approved by Vikram Rao" in other and "HR" in other


def test_the_welcome_card_is_short_and_its_buttons_run_commands() -> None:
    card = teams.welcome_card(views.HelpView(views.BalanceView(ANANYA, 2026, ())))
    assert "Hi Ananya Iyer, I'm LeaveBot" in json.dumps(card)
    buttons = [(a["title"], a["verb"], a["data"].get("command")) for a in card["actions"]]
    assert buttons == [("Apply for leave", "applyForm", None), ("Balance", "run", "balance"),
                       ("Who's out", "run", "team"), ("Open dashboard", "dashboard", None)]
    assert len(card["body"]) <= 3

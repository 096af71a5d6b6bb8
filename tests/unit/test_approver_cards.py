"""Approver cards that scan, in Slack and in Teams alike: a name-first headline, dates without the reader's
own year, a back-dated request marked, the warning just above the buttons, nothing that tells the approver
about themself; decision stamps in the reader's zone; the employee told about "your" leave."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, date, datetime
from typing import Any

from bot.slack import render
from bot.teams import cards
from core import views
from core.domain.amount import Amount
from core.domain.model import RequestStatus
from tests.trees import nodes

ANANYA = views.Person("E3", "Ananya Iyer", "ananya@x.test")
VIKRAM = views.Person("E2", "Vikram Rao", "boss@x.test")
RAHUL = views.Person("E4", "Rahul Verma", "rahul@x.test")
PENDING = views.RequestView(
    id=3, number="LV-1003", employee=ANANYA, type_key="casual", type_name="Casual leave",
    start=date(2026, 12, 7), end=date(2026, 12, 9), half=None, days=Amount.days(3), status=RequestStatus.PENDING,
    reason="family visit", approver=VIKRAM, created_at=datetime(2026, 11, 25, 4, 30, tzinfo=UTC),
    waiting_for="manager", flags=("2 of 3 people in Engineering are already out on Tue 8 Dec 2026",),
)
OUT = views.AbsenceView(RAHUL, "Out", date(2026, 12, 8), date(2026, 12, 8), None, RequestStatus.APPROVED)
NOTICE = views.Notice("approval_needed:E2", views.NoticeKind.APPROVAL_NEEDED, VIKRAM, PENDING, team_out=(OUT,),
                      today=date(2026, 11, 25))
APPROVED = dataclasses.replace(PENDING, status=RequestStatus.APPROVED, decided_by=VIKRAM,
                               decided_at=datetime(2026, 11, 25, 4, 30, tzinfo=UTC), waiting_for=None)


def slack_texts(message: dict[str, Any]) -> list[str]:
    return [str(node["text"]) for node in nodes(message["blocks"])
            if node.get("type") in ("mrkdwn", "plain_text") and isinstance(node.get("text"), str)]


def teams_card(notice: views.Notice = NOTICE) -> dict[str, Any]:
    return cards.approval_card(notice.request, can_decide=True, facts=notice.facts, team_out=notice.team_out,
                               today=notice.today)


def teams_texts(card: dict[str, Any]) -> list[str]:
    found = []
    for node in nodes(card["body"]):
        if isinstance(node.get("text"), str):
            found.append(node["text"])
        found += [f"{fact['title']}: {fact['value']}" for fact in node.get("facts", [])]
    return found


def test_the_headline_puts_the_name_first_and_the_dates_of_this_year_read_without_it() -> None:
    headline = "Ananya Iyer asks for 3 days of casual leave, 7\u20139 Dec"
    slack = render.approval_card(NOTICE)
    assert slack["blocks"][0] == {"type": "header", "text": {"type": "plain_text", "text": headline, "emoji": True}}
    assert "*Dates*\nMon 7 Dec to Wed 9 Dec" in slack_texts(slack)
    teams = teams_texts(teams_card())
    assert teams[0] == headline and "Dates: Mon 7 Dec to Wed 9 Dec" in teams
    # Read in another year, the dates keep theirs.
    earlier = dataclasses.replace(NOTICE, today=date(2025, 12, 1))
    assert render.approval_card(earlier)["blocks"][0]["text"]["text"].endswith("7\u20139 Dec 2026")
    assert teams_texts(teams_card(earlier))[0].endswith("7\u20139 Dec 2026")


def test_the_warning_sits_just_above_the_buttons() -> None:
    blocks = render.approval_card(NOTICE)["blocks"]
    assert blocks[-1]["type"] == "actions"
    assert blocks[-2]["text"]["text"] == ":warning: 2 of 3 people in Engineering are already out on Tue 8 Dec 2026"
    body = [item for item in teams_card()["body"] if not item["type"].startswith("Input.")]
    assert "already out on Tue 8 Dec" in json.dumps(body[-1])


def test_the_card_tells_the_approver_nothing_about_themself() -> None:
    for shown in ("\n".join(slack_texts(render.approval_card(NOTICE))), "\n".join(teams_texts(teams_card()))):
        assert "Vikram" not in shown and "Approver" not in shown and "Status" not in shown
        assert "ananya@x.test" not in shown


def test_a_back_dated_request_is_marked_for_the_approver() -> None:
    late = dataclasses.replace(NOTICE, request=dataclasses.replace(PENDING, start=date(2026, 11, 23),
                                                                   end=date(2026, 11, 23), back_dated=True))
    assert any("*Back-dated*: filed after the leave began" in text for text in slack_texts(render.approval_card(late)))
    assert "Back-dated: filed after the leave began" in json.dumps(teams_card(late))
    listed = render.reply(views.RequestListView("Waiting for your decision", (late.request,)),
                          render.ListActions(decide=True))
    assert any("back-dated: filed after the leave began" in text for text in slack_texts(listed))
    assert not any("ack-dated" in text for text in slack_texts(render.approval_card(NOTICE)))


def test_a_decision_stamp_is_in_the_readers_zone_with_one_at() -> None:
    outcome = slack_texts(render.closed_card(APPROVED))[-1]
    assert "*Approved* by Vikram Rao, <!date^1795581000^{date_short_pretty} at {time}|" in outcome
    assert " at <!date" not in outcome
    shown = json.dumps(cards.request_card(APPROVED))
    assert "Approved by Vikram Rao on {{DATE(2026-11-25T04:30:00Z, SHORT)}} at {{TIME(2026-11-25T04:30:00Z)}}" in shown
    assert "UTC" not in shown


def test_the_employee_is_told_about_your_leave() -> None:
    dm = slack_texts(render.decided_message(APPROVED))[0]
    assert "Your 3 days of casual leave, 7\u20139 Dec 2026 (*LV-1003*), were *approved* by Vikram Rao." in dm
    one_day = dataclasses.replace(APPROVED, end=APPROVED.start, days=Amount.days(1))
    assert "Your 1 day of casual leave, Mon 7 Dec 2026 (*LV-1003*), was *approved*" in slack_texts(
        render.decided_message(one_day))[0]
    heading = teams_texts(cards.request_card(APPROVED, to_employee=True))[0]
    assert heading == "Your 3 days of casual leave, 7\u20139 Dec 2026 (LV-1003), were approved by Vikram Rao"
    # In the employee's own year, the year goes; in another, it stays.
    this_year = date(2026, 11, 25)
    assert "Your 3 days of casual leave, 7\u20139 Dec (*LV-1003*)" in slack_texts(
        render.decided_message(APPROVED, this_year))[0]
    assert teams_texts(cards.request_card(APPROVED, to_employee=True, today=this_year))[0].startswith(
        "Your 3 days of casual leave, 7\u20139 Dec (LV-1003)")
    assert "7\u20139 Dec 2026 (*LV-1003*)" in slack_texts(render.decided_message(APPROVED, date(2025, 12, 30)))[0]

"""``/leave`` and every subcommand of the README's "What people type", as Slack sends them, answered in private."""

from __future__ import annotations

import json
from typing import Any

import pytest

from core.domain.amount import Amount
from core.domain.model import RequestStatus
from tests.integration.slack.conftest import (
    ANANYA,
    KIRAN,
    MEERA,
    NO_EMAIL,
    RAHUL,
    STRANGER,
    VIKRAM,
    SlackHarness,
)
from tests.trees import nodes

pytestmark = pytest.mark.asyncio


def shown(message: dict[str, Any]) -> str:
    """Every text of a message, joined: what the person reads."""
    return "\n".join(str(node.get("text")) for node in nodes(message.get("blocks", []))
                     if node.get("type") in ("mrkdwn", "plain_text"))


def action_ids(message: dict[str, Any]) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for block in message.get("blocks", []):
        elements = block.get("elements", []) if block.get("type") == "actions" else [block.get("accessory") or {}]
        found += [(e["action_id"], e.get("value", "")) for e in elements if "action_id" in e]
    return found


async def test_leave_alone_shows_help_and_my_balances_in_private(slack: SlackHarness) -> None:
    reply = await slack.reply_to(ANANYA, "")
    assert reply["response_type"] == "ephemeral"
    text = shown(reply)
    assert "Hi Ananya Iyer" in text and "/leave apply TYPE START" in text and "/leave help all" in text
    assert "/leave report PERIOD" not in text  # HR's, in HR's help and in help all
    assert "*Casual leave (CL)*" in text and "Your balances for 2026" in text
    assert shown(await slack.reply_to(ANANYA, "help")) == text


async def test_the_first_contact_links_by_email_and_the_link_is_remembered(slack: SlackHarness) -> None:
    await slack.reply_to(VIKRAM, "balance")
    await slack.reply_to(VIKRAM, "balance")
    assert [c.params["user"] for c in slack.api.calls_to("users.info")] == [VIKRAM]
    assert slack.service.linked_employee("slack", VIKRAM).email == "boss@x.test"  # type: ignore[union-attr]
    links = [a for a in slack.service.audit_log() if a.action == "identity.link"]
    assert [(a.actor, a.detail, a.source) for a in links] == [("boss@x.test", VIKRAM, "slack")]


async def test_someone_not_in_the_directory_is_told_to_ask_hr(slack: SlackHarness) -> None:
    reply = await slack.reply_to(STRANGER, "apply casual tomorrow")
    assert "ask HR to add you (your e-mail: stranger@elsewhere.test)" in shown(reply)
    assert slack.service.list_requests() == []


async def test_someone_without_an_email_on_slack_gets_a_clear_message(slack: SlackHarness) -> None:
    reply = await slack.reply_to(NO_EMAIL, "balance")
    assert "couldn't read your e-mail address from Slack" in shown(reply)


async def test_apply_in_one_line_files_the_request_and_refreshes_home(slack: SlackHarness) -> None:
    reply = await slack.reply_to(ANANYA, "apply casual 7 Dec to 9 Dec family visit")
    text = shown(reply)
    assert "*LV-1001* submitted; Vikram Rao has been asked to approve it." in text
    # 11 accrued by 25 Nov, 3 held by this request; December's day is the projection, labelled.
    assert "8 days of casual leave left in 2026 after this request; left at year end, with accrual: 9 days." in text
    [request] = slack.service.list_requests()
    assert (request.number, request.status, request.days, request.reason) == (
        "LV-1001", RequestStatus.PENDING, Amount.days(3), "family visit")
    published = await slack.api.wait_calls("views.publish")
    assert published[0].params["user_id"] == ANANYA


async def test_a_replayed_apply_never_files_a_second_request(slack: SlackHarness) -> None:
    first = await slack.command(ANANYA, "apply casual 7 Dec family", trigger_id="111.222.same")
    again = await slack.command(ANANYA, "apply casual 7 Dec family", trigger_id="111.222.same", retry=1)
    assert (first.status, again.status) == (200, 200)
    await slack.api.wait_calls("response_url", 2)
    replies = [shown(c.params) for c in slack.api.calls_to("response_url")]
    assert any("You already asked for this: *LV-1001* is pending." in r for r in replies)
    assert len(slack.service.list_requests()) == 1


async def test_apply_alone_opens_the_form(slack: SlackHarness) -> None:
    response = await slack.command(ANANYA, "apply", trigger_id="333.444.form")
    assert response.status == 200
    [opened] = await slack.api.wait_calls("views.open")
    assert opened.params["trigger_id"] == "333.444.form"
    view = opened.params["view"]
    assert view["callback_id"] == "leave_apply"
    assert [o["value"] for o in view["blocks"][0]["element"]["options"]][:3] == ["casual", "sick", "privilege"]


async def test_balance_of_a_mentioned_report_for_their_manager(slack: SlackHarness) -> None:
    await slack.reply_to(ANANYA, "balance")  # Ananya has talked to the bot before, so she is linked
    reply = await slack.reply_to(VIKRAM, f"balance <@{ANANYA}|ananya>")
    assert "Balances for Ananya Iyer (ananya@x.test), 2026" in shown(reply)
    refused = await slack.reply_to(RAHUL, f"balance <@{ANANYA}|ananya>")
    assert "is not one of them" in shown(refused) and "Ananya Iyer" not in shown(refused)


async def test_list_offers_cancel_and_cancel_gives_the_days_back(slack: SlackHarness) -> None:
    await slack.reply_to(ANANYA, "apply casual 7 Dec to 9 Dec family visit")
    listed = await slack.reply_to(ANANYA, "list")
    assert ("leave_cancel", "LV-1001") in action_ids(listed)
    cancelled = await slack.reply_to(ANANYA, "cancel LV-1001")
    assert "*LV-1001* cancelled" in shown(cancelled) and "3 days restored" in shown(cancelled)
    assert slack.service.list_requests()[0].status is RequestStatus.CANCELLED


async def test_pending_offers_the_decision_buttons(slack: SlackHarness) -> None:
    await slack.reply_to(ANANYA, "apply casual 7 Dec")
    pending = await slack.reply_to(VIKRAM, "pending")
    assert "Waiting for your decision" in shown(pending) and "*Ananya Iyer* · *LV-1001*" in shown(pending)
    assert action_ids(pending) == [("leave_approve", "LV-1001"), ("leave_reject", "LV-1001")]


async def test_approve_and_reject_by_typing(slack: SlackHarness) -> None:
    await slack.reply_to(ANANYA, "apply casual 7 Dec")
    await slack.reply_to(RAHUL, "apply casual 8 Dec")
    approved = await slack.reply_to(VIKRAM, "approve LV-1001 enjoy")
    assert "*Approved* by Vikram Rao" in shown(approved) and "Note:\n> enjoy" in shown(approved)
    rejected = await slack.reply_to(VIKRAM, "reject LV-1002 release week")
    assert "*Rejected* by Vikram Rao" in shown(rejected) and "Reason:\n> release week" in shown(rejected)
    statuses = {r.number: r.status for r in slack.service.list_requests()}
    assert statuses == {"LV-1001": RequestStatus.APPROVED, "LV-1002": RequestStatus.REJECTED}


async def test_team_holidays_plan_and_delegate(slack: SlackHarness) -> None:
    await slack.reply_to(RAHUL, "apply casual 7 Dec")
    team = await slack.reply_to(ANANYA, "team 7 Dec")
    assert "Out on Mon 7 Dec 2026" in shown(team)
    assert "Rahul Verma: Out, Mon 7 Dec 2026, back Tue 8 Dec 2026" in shown(team)  # a colleague: no type
    holidays = await slack.reply_to(ANANYA, "holidays 2026")
    assert "Fri 25 Dec 2026: Christmas" in shown(holidays)
    plan = await slack.reply_to(ANANYA, "plan casual 14 Dec to 16 Dec")
    assert "*Plan: Casual leave, Mon 14 Dec 2026 to Wed 16 Dec 2026* (nothing was created)" in shown(plan)
    assert len(slack.service.list_requests()) == 1
    delegated = await slack.reply_to(VIKRAM, "delegate hr@x.test 21 Dec to 2 Jan")
    assert "Meera Nair (hr@x.test) decides for you" in shown(delegated)


async def test_report_is_for_hr_and_arrives_as_two_files(slack: SlackHarness) -> None:
    await slack.reply_to(ANANYA, "apply casual 7 Dec to 8 Dec")
    await slack.reply_to(VIKRAM, "approve LV-1001")
    refused = await slack.reply_to(KIRAN, "report 2026-12")
    assert "Reports are for HR admins" in shown(refused)
    await slack.api.settle()
    assert not slack.api.calls_to("files.getUploadURLExternal")
    report = await slack.reply_to(MEERA, "report 2026-12 engineering")
    assert "*Leave report 2026-12* (Engineering), Tue 1 Dec 2026 to Thu 31 Dec 2026: 1 person took leave." in \
        shown(report)
    assert "Casual leave 2 days" in shown(report)
    asked = await slack.api.wait_calls("files.getUploadURLExternal", 2)
    assert sorted(c.params["filename"] for c in asked) == [
        "leave-balances-2026-12-Engineering.csv", "leave-taken-2026-12-Engineering.csv"]
    uploads = {c.params["file_id"]: c.params["content"] for c in await slack.api.wait_calls("upload", 2)}
    [completed] = await slack.api.wait_calls("files.completeUploadExternal")
    assert completed.params["channel_id"] == "D0MEERA"
    assert completed.params["initial_comment"].startswith("Leave report 2026-12 (Engineering), Tue 1 Dec 2026")
    files = {f["title"]: uploads[f["id"]] for f in json.loads(completed.params["files"])}
    taken = files["leave-taken-2026-12-Engineering.csv"].splitlines()
    assert taken == ["employee_id,email,name,department,type,days,requests,first_day,last_day",
                     "E3,ananya@x.test,Ananya Iyer,Engineering,casual,2,1,2026-12-07,2026-12-08"]
    balances = files["leave-balances-2026-12-Engineering.csv"].splitlines()
    assert balances[0] == "employee_id,email,name,department,type,year,as_of,entitled,taken,pending,lapsed,available"
    assert "E3,ananya@x.test,Ananya Iyer,Engineering,casual,2026,2026-12-31,12,2,0,0,10" in balances
    assert not any(line.startswith("E1,") for line in balances), "Meera is in People, not Engineering"


async def test_words_that_are_not_a_command_get_the_usage(slack: SlackHarness) -> None:
    reply = await slack.reply_to(ANANYA, "aply casual tomorrow")
    assert "I don't know 'aply'" in shown(reply) and "Did you mean 'apply'?" in shown(reply)


async def test_a_reason_that_would_ping_everyone_is_shown_as_typed(slack: SlackHarness) -> None:
    reply = await slack.reply_to(ANANYA, "apply casual 7 Dec &lt;!channel&gt; party &amp; cake <!here>")
    text = shown(reply)
    assert "&lt;!channel&gt; party &amp; cake @here" in text
    assert "<!channel>" not in text and "<!here>" not in text
    assert slack.service.list_requests()[0].reason == "<!channel> party & cake @here"

"""The approval card: DM'd through the outbox, decided by the right person once, updated in place."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest

from core.domain.amount import Amount
from core.domain.model import RequestStatus
from core.ports.chat import ChatStore
from tests.integration.slack.conftest import ANANYA, MEERA, RAHUL, VIKRAM, SlackHarness, payload
from tests.integration.slack.fake_slack import Call
from tests.integration.slack.test_slack_commands import action_ids, shown
from tests.unit.fakes import FixedClock

pytestmark = pytest.mark.asyncio


async def applied_and_carded(slack: SlackHarness, reason: str = "family visit") -> Call:
    """Ananya applies; the outbox DMs Vikram his card. Returns the card's chat.postMessage."""
    await slack.reply_to(ANANYA, f"apply casual 7 Dec to 9 Dec {reason}")
    report = await slack.deliver()
    assert (report.delivered, report.errors) == (1, [])
    cards = [c for c in slack.api.calls_to("chat.postMessage") if action_ids(c.params)]
    assert len(cards) == 1
    return cards[0]


def click(action_id: str, user: str, card: Call, response_url: str, value: str = "LV-1001") -> dict[str, Any]:
    """A button press on the card (``value``: what the button carries), shaped as Slack sends it."""
    body = payload("block_actions_approve")
    channel, ts = card.answer["channel"], card.answer["ts"]
    body["user"]["id"] = user
    body["container"].update(channel_id=channel, message_ts=ts)
    body["channel"]["id"] = channel
    body["message"]["ts"] = ts
    body["response_url"] = response_url
    body["actions"][0].update(action_id=action_id, value=value)
    return body


def casual_available(slack: SlackHarness, email: str = "ananya@x.test") -> Amount:
    return next(r.available for r in slack.service.balance_of(email).rows if r.type_key == "casual")


def card_updates(slack: SlackHarness, card: Call) -> list[Call]:
    return [c for c in slack.api.calls_to("chat.update") if c.params.get("ts") == card.answer["ts"]]


async def test_the_approver_gets_a_card_by_dm_with_the_contract_buttons(
        slack: SlackHarness, chat_store: ChatStore) -> None:
    card = await applied_and_carded(slack)
    assert slack.api.calls_to("conversations.open")[0].params["users"] == VIKRAM
    assert card.params["channel"] == "D0VIKRAM"
    assert action_ids(card.params) == [("leave_approve", "LV-1001"), ("leave_reject", "LV-1001")]
    text = shown(card.params)
    # Name first, dates of the approver's own year without the year.
    assert "Ananya Iyer asks for 3 days of casual leave, 7\u20139 Dec" in text
    assert "*Dates*\nMon 7 Dec to Wed 9 Dec" in text
    # The figure is the core's (it follows the policy engine); the card only has to show it.
    assert re.search(r"\*Balance after\*\n[0-9.]+ days of casual leave left in 2026 if approved; left at year end, "
                     r"with accrual: [0-9.]+ days", text)
    assert "Applied 12 days ahead · 3 working days" in text
    assert chat_store.cards("slack", 1) == [("E2", "D0VIKRAM", card.answer["ts"])]
    # Delivered once: running the outbox again sends nothing more.
    again = await slack.deliver()
    assert again.delivered == 0
    assert len([c for c in slack.api.calls_to("chat.postMessage") if action_ids(c.params)]) == 1


async def test_approve_by_the_approver_decides_and_the_card_loses_its_buttons(slack: SlackHarness) -> None:
    card = await applied_and_carded(slack)
    response = await slack.interact(click("leave_approve", VIKRAM, card, slack.response_url()))
    assert response.status == 200
    [update] = await slack.api.wait_for_calls(lambda: card_updates(slack, card))
    assert action_ids(update.params) == []
    # Slack words the stamp in the reader's zone ("today at 10:00 AM"): no "at" before it.
    assert "*Approved* by Vikram Rao, <!date^" in shown(update.params)
    assert slack.service.list_requests()[0].status is RequestStatus.APPROVED
    # The outcome reaches Ananya by DM; Vikram, who decided, gets no DM about his own decision.
    await slack.deliver()
    dms = {c.params["channel"]: shown(c.params) for c in slack.api.calls_to("chat.postMessage")}
    assert ("Your 3 days of casual leave, 7\u20139 Dec (*LV-1001*), were *approved* by Vikram Rao"
            in dms["D0ANANYA"])
    assert [c.params["channel"] for c in slack.api.calls_to("chat.postMessage")].count("D0VIKRAM") == 1


async def test_a_double_click_or_a_retry_never_decides_twice(slack: SlackHarness) -> None:
    card = await applied_and_carded(slack)
    urls = {slack.response_url().rsplit("/", 1)[1] for _ in range(2)}
    first, second = (slack.api.response_url(name) for name in sorted(urls))
    await slack.interact(click("leave_approve", VIKRAM, card, first))
    await slack.interact(click("leave_approve", VIKRAM, card, second), retry=1)

    def told() -> list[Call]:
        return [c for c in slack.api.calls_to("response_url") if c.params["name"] in urls]

    # Whichever of the two reached the core second is refused, in private, saying who decided.
    [refusal] = await slack.api.wait_for_calls(told)
    assert refusal.params["response_type"] == "ephemeral"
    assert "LV-1001 was already approved by Vikram Rao on Wed 25 Nov 2026" in shown(refusal.params)
    await slack.api.settle()
    assert len(told()) == 1
    decisions = [(a.action, a.outcome) for a in slack.service.audit_log() if a.request_id == 1]
    assert decisions.count(("approve", "ok")) == 1
    assert slack.service.list_requests()[0].status is RequestStatus.APPROVED


async def test_a_strangers_click_is_refused_in_private_and_audited(slack: SlackHarness) -> None:
    card = await applied_and_carded(slack)
    url = slack.response_url()
    await slack.interact(click("leave_approve", RAHUL, card, url))
    name = url.rsplit("/", 1)[1]
    await slack.api.wait_for(lambda fake: any(c.params["name"] == name for c in fake.calls_to("response_url")))
    told = next(c for c in slack.api.calls_to("response_url") if c.params["name"] == name)
    assert told.params["response_type"] == "ephemeral" and told.params["replace_original"] is False
    assert "LV-1001 isn't yours to decide" in shown(told.params)
    refused = [a for a in slack.service.audit_log() if a.request_id == 1 and a.outcome == "refused"]
    assert [(a.actor, a.action, a.source) for a in refused] == [("rahul@x.test", "not_approver", "slack")]
    assert slack.service.list_requests()[0].status is RequestStatus.PENDING
    await slack.api.settle()
    assert card_updates(slack, card) == []


async def test_reject_asks_for_a_reason_then_decides(slack: SlackHarness) -> None:
    card = await applied_and_carded(slack)
    await slack.interact(click("leave_reject", VIKRAM, card, slack.response_url()))
    [opened] = await slack.api.wait_calls("views.open")
    modal = opened.params["view"]
    assert modal["callback_id"] == "leave_reject"
    submit = payload("view_submission_reject")
    submit["view"]["private_metadata"] = modal["private_metadata"]
    submit["view"]["state"]["values"]["reason"]["value"]["value"] = "release week <!channel>"
    response = await slack.interact(submit)
    assert response.status == 200 and await response.text() == ""
    [update] = await slack.api.wait_for_calls(lambda: card_updates(slack, card))
    assert "*Rejected* by Vikram Rao" in shown(update.params)
    assert "Reason:\n> release week &lt;!channel&gt;" in shown(update.params)
    [request] = slack.service.list_requests()
    assert (request.status, request.decision_note) == (RequestStatus.REJECTED, "release week <!channel>")


async def test_a_reject_submitted_after_someone_else_decided_says_so_in_the_modal(slack: SlackHarness) -> None:
    card = await applied_and_carded(slack)
    await slack.reply_to(MEERA, "approve LV-1001")
    submit = payload("view_submission_reject")
    response = await slack.interact(submit)
    answer = await response.json()
    assert answer["response_action"] == "update"
    assert "LV-1001 was already approved by Meera Nair" in shown(answer["view"])
    assert slack.service.list_requests()[0].status is RequestStatus.APPROVED
    assert card_updates(slack, card) == []  # the submission carried no card; the outbox updates it


async def test_a_decision_made_elsewhere_updates_the_card_and_tells_the_approver(slack: SlackHarness) -> None:
    card = await applied_and_carded(slack)
    await slack.reply_to(MEERA, "approve LV-1001 approved by HR")
    report = await slack.deliver()
    assert report.errors == []
    # Each closing notice redraws every card of the request; redrawing is idempotent.
    updates = card_updates(slack, card)
    assert updates and all(shown(u.params) == shown(updates[0].params) for u in updates)
    assert action_ids(updates[-1].params) == [] and "*Approved* by Meera Nair" in shown(updates[-1].params)
    told = [shown(c.params) for c in slack.api.calls_to("chat.postMessage") if c.params["channel"] == "D0VIKRAM"]
    assert any("was approved by Meera Nair; nothing is waiting for you." in t for t in told)


async def test_a_stale_card_clicked_after_the_decision_is_redrawn(slack: SlackHarness) -> None:
    card = await applied_and_carded(slack)
    await slack.reply_to(MEERA, "approve LV-1001")  # the outbox has not updated the card yet
    await slack.interact(click("leave_approve", VIKRAM, card, slack.response_url()))
    [update] = await slack.api.wait_for_calls(lambda: card_updates(slack, card))
    assert "*Approved* by Meera Nair" in shown(update.params)


async def test_a_rate_limited_post_is_sent_once_after_retry_after(slack: SlackHarness) -> None:
    await slack.reply_to(ANANYA, "apply casual 7 Dec")
    slack.api.fail("chat.postMessage", status=429, retry_after=1)
    report = await slack.deliver()
    assert (report.delivered, report.errors) == (1, [])
    posts = [c for c in slack.api.calls if c.method == "chat.postMessage"]
    assert [c.status for c in posts] == [429, 200]


async def test_a_long_rate_limit_goes_back_to_the_outbox_and_is_delivered_later(
        slack: SlackHarness, clock: FixedClock) -> None:
    await slack.reply_to(ANANYA, "apply casual 7 Dec")
    slack.api.fail("chat.postMessage", status=429, retry_after=30)
    first = await slack.deliver()
    assert (first.delivered, first.retrying) == (0, 1)
    assert slack.api.calls_to("chat.postMessage") == []
    clock.at += timedelta(minutes=2)
    later = await slack.deliver()
    assert (later.delivered, later.retrying) == (1, 0)
    assert len(slack.api.calls_to("chat.postMessage")) == 1


async def test_a_revoked_token_is_a_permanent_failure_not_a_retry(slack: SlackHarness) -> None:
    await slack.reply_to(ANANYA, "apply casual 7 Dec")
    slack.api.fail("users.lookupByEmail", status=200, error="invalid_auth")
    report = await slack.deliver()
    assert report.retrying == 0 and any("invalid_auth" in e for e in report.errors)


async def test_an_approver_not_on_slack_is_recorded_as_unreachable(slack: SlackHarness) -> None:
    del slack.api.users[VIKRAM]
    await slack.reply_to(ANANYA, "apply casual 7 Dec")
    report = await slack.deliver()
    assert (report.delivered, report.retrying) == (1, 0)
    unreachable = [a for a in slack.service.audit_log() if a.action == "notice.unreachable"]
    assert [(a.source, a.request_id) for a in unreachable] == [("slack", 1)]
    assert "users_not_found" in unreachable[0].detail


async def test_a_two_level_approval_moves_from_the_manager_to_hr(slack: SlackHarness) -> None:
    await slack.reply_to(RAHUL, "apply paternity 7 Dec to 11 Dec doc:https://drive.example/birth.pdf")
    await slack.deliver()
    [manager_card] = [c for c in slack.api.calls_to("chat.postMessage") if action_ids(c.params)]
    assert manager_card.params["channel"] == "D0VIKRAM"
    await slack.interact(click("leave_approve", VIKRAM, manager_card, slack.response_url()))
    [level] = await slack.api.wait_for_calls(lambda: card_updates(slack, manager_card))
    assert action_ids(level.params) == []
    assert "You approved \u2014 now with HR." in shown(level.params)
    await slack.deliver()
    hr_cards = [c for c in slack.api.calls_to("chat.postMessage") if action_ids(c.params) and c is not manager_card]
    assert [c.params["channel"] for c in hr_cards] == ["D0MEERA"]
    assert "LV-1001 (HR approval)" in shown(hr_cards[0].params)
    await slack.interact(click("leave_approve", MEERA, hr_cards[0], slack.response_url()))
    await slack.api.wait_for_calls(lambda: card_updates(slack, hr_cards[0]))
    assert slack.service.list_requests()[0].status is RequestStatus.APPROVED
    await slack.deliver()
    final = card_updates(slack, manager_card)[-1]
    assert "*Approved* by Meera Nair" in shown(final.params)
    outcome = [shown(c.params) for c in slack.api.calls_to("chat.postMessage") if c.params["channel"] == "D0RAHUL"]
    assert any("were *approved* by Meera Nair" in text for text in outcome)


async def test_what_a_person_typed_reaches_the_card_escaped(slack: SlackHarness) -> None:
    card = await applied_and_carded(slack, reason="&lt;!channel&gt; cake &amp; " + "very " * 95)
    for block in card.params["blocks"]:
        text = (block.get("text") or {}).get("text", "")
        assert "<!channel>" not in text and len(text) <= 3000
    reason = next(b["text"]["text"] for b in card.params["blocks"]
                  if b["type"] == "section" and b.get("text", {}).get("text", "").startswith("*Reason*"))
    assert reason.startswith("*Reason*\n> &lt;!channel&gt; cake &amp; very") and reason.endswith("very")


async def test_a_slack_outage_is_retried_and_never_doubles_the_card(slack: SlackHarness, clock: FixedClock) -> None:
    await slack.reply_to(ANANYA, "apply casual 7 Dec")
    slack.api.fail("chat.postMessage", status=500, times=2)  # slack-sdk retries once, then the outbox does
    first = await slack.deliver()
    assert (first.delivered, first.retrying) == (0, 1)
    clock.at += timedelta(minutes=2)
    later = await slack.deliver()
    assert (later.delivered, later.retrying) == (1, 0)
    posts = [c.status for c in slack.api.calls if c.method == "chat.postMessage"]
    assert posts == [500, 500, 200]

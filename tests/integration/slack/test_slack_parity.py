"""Slack as Teams: the two-step approval as each approver reads it, and a rejection's reason asked for
as the policy wants (the same rule the Teams card and typed rejections follow)."""

from __future__ import annotations

import pytest

from core.domain.model import RequestStatus
from tests.integration.slack.conftest import MEERA, RAHUL, VIKRAM, SlackHarness
from tests.integration.slack.fake_slack import Call
from tests.integration.slack.test_slack_approvals import card_updates, click
from tests.integration.slack.test_slack_commands import action_ids, shown
from tests.unit.conftest import policy_document

pytestmark = pytest.mark.asyncio


async def carded(slack: SlackHarness, who: str, typed: str) -> Call:
    """``who`` types ``typed`` (an application); the outbox DMs the approver their card, returned."""
    before = len(slack.api.calls_to("chat.postMessage"))
    await slack.reply_to(who, typed)
    await slack.deliver()
    (card,) = [c for c in slack.api.calls_to("chat.postMessage")[before:] if action_ids(c.params)]
    return card


async def test_the_manager_reads_you_approved_now_with_hr_and_hr_reads_the_step(slack: SlackHarness) -> None:
    card = await carded(slack, RAHUL, "apply paternity 7 Dec to 9 Dec baby due")
    assert "HR step" not in shown(card.params)
    await slack.interact(click("leave_approve", VIKRAM, card, slack.response_url()))
    [update] = await slack.api.wait_for_calls(lambda: card_updates(slack, card))
    assert "You approved — now with HR." in shown(update.params) and action_ids(update.params) == []
    await slack.deliver()
    (hr_card,) = [c for c in slack.api.calls_to("chat.postMessage")
                  if c.params["channel"] == "D0MEERA" and action_ids(c.params)]
    assert "HR step — Vikram Rao approved it first; it now needs HR's approval." in shown(hr_card.params)
    assert slack.service.list_requests()[0].status is RequestStatus.PENDING
    typed = shown(await slack.reply_to(MEERA, "approve LV-1001"))
    assert "Approved" in typed and "You approved" not in typed


@pytest.mark.parametrize("policy", ["optional", "required"])
async def test_the_reject_form_asks_for_the_reason_as_the_policy_wants(slack: SlackHarness, policy: str) -> None:
    slack.service.load_policy({**policy_document(), "reject_reason": policy}, "test")
    card = await carded(slack, RAHUL, "apply casual 7 Dec to 9 Dec family visit")
    await slack.interact(click("leave_reject", VIKRAM, card, slack.response_url()))
    [opened] = await slack.api.wait_calls("views.open")
    (reason,) = [b for b in opened.params["view"]["blocks"] if b["block_id"] == "reason"]
    assert reason["optional"] is (policy == "optional")
    typed = shown(await slack.reply_to(VIKRAM, "reject LV-1001"))
    if policy == "required":
        assert "Say why you reject LV-1001; Rahul will read it" in typed
        assert slack.service.list_requests()[0].status is RequestStatus.PENDING
    else:
        assert slack.service.list_requests()[0].status is RequestStatus.REJECTED


async def test_the_team_limit_warning_is_on_the_application_reply_as_in_teams(slack: SlackHarness) -> None:
    slack.service.load_policy({**policy_document(), "team_limits": [{"max_out": 1, "action": "flag"}]}, "test")
    await slack.reply_to(VIKRAM, "apply casual 8 Dec offsite")
    applied = shown(await slack.reply_to(RAHUL, "apply casual 8 Dec family visit"))
    assert "submitted" in applied
    assert "Team limit: 1 of 4 people in Engineering are already out on Tue 8 Dec 2026; the limit is 1" in applied

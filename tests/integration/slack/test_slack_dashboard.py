"""The web dashboard from Slack: ``/leave web`` answers in private with a one-time sign-in link, and
the Home tab's "Open dashboard" button sends a fresh one to the person's DM with the bot."""

from __future__ import annotations

import re

import pytest

from tests.integration.slack.conftest import ANANYA, SlackHarness, payload
from tests.integration.slack.test_slack_commands import action_ids, shown

pytestmark = pytest.mark.asyncio

LINK = re.compile(r"/web/sign-in/[A-Za-z0-9_-]{40,}")


async def test_leave_web_answers_in_private_with_a_one_time_link(slack: SlackHarness) -> None:
    reply = await slack.reply_to(ANANYA, "web")
    assert reply["response_type"] == "ephemeral"
    text = shown(reply)
    assert LINK.search(text) and "works for 15 minutes" in text


async def test_the_home_button_sends_a_fresh_link_to_the_dm(slack: SlackHarness) -> None:
    await slack.reply_to(ANANYA, "apply casual 7 Dec")
    [published] = await slack.api.wait_calls("views.publish")
    assert ("leave_open_dashboard", "") in action_ids(published.params["view"])
    body = payload("block_actions_home_cancel")
    body["actions"][0].update(action_id="leave_open_dashboard", value="")
    body.pop("response_url", None)
    await slack.interact(body)
    [sent] = await slack.api.wait_for_calls(
        lambda: [c for c in slack.api.calls_to("chat.postMessage") if LINK.search(str(c.params.get("blocks")))])
    assert sent.params["channel"] == ANANYA
    again = payload("block_actions_home_cancel")
    again["actions"][0].update(action_id="leave_open_dashboard", value="")
    again.pop("response_url", None)
    await slack.interact(again)
    await slack.api.wait_for(lambda fake: len([c for c in fake.calls_to("chat.postMessage")
                                               if LINK.search(str(c.params.get("blocks")))]) == 2)
    links = [LINK.search(str(c.params.get("blocks"))) for c in slack.api.calls_to("chat.postMessage")]
    found = [m.group(0) for m in links if m]
    assert len(set(found)) == 2  # each click, a link of its own

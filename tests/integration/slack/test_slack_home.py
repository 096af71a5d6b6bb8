"""App Home: balances, upcoming and pending leave with Cancel, the approval queue; kept fresh."""

from __future__ import annotations

from typing import Any

import pytest

from core.domain.model import RequestStatus
from tests.integration.slack.conftest import ANANYA, VIKRAM, SlackHarness, payload
from tests.integration.slack.test_slack_approvals import casual_available
from tests.integration.slack.test_slack_commands import action_ids, shown

pytestmark = pytest.mark.asyncio


def opened(user: str, tab: str = "home") -> dict[str, Any]:
    body = payload("event_app_home_opened")
    body["event"].update(user=user, tab=tab, channel="D" + user[1:])
    return body


def homes_of(slack: SlackHarness, user: str) -> list[dict[str, Any]]:
    return [c.params["view"] for c in slack.api.calls_to("views.publish") if c.params["user_id"] == user]


async def test_opening_home_publishes_balances_and_my_leave_with_cancel(slack: SlackHarness) -> None:
    await slack.reply_to(ANANYA, "apply casual 7 Dec to 9 Dec family visit")
    await slack.api.wait_calls("views.publish")
    slack.api.calls.clear()
    response = await slack.event(opened(ANANYA))
    assert response.status == 200
    [published] = await slack.api.wait_calls("views.publish")
    home = published.params["view"]
    assert home["type"] == "home"
    text = shown(home)
    left = casual_available(slack)
    assert "Hi Ananya" in text and "Your balances for 2026" in text
    assert f"*Casual leave (CL)*\n*{left.figure}* available" in text
    assert "*LV-1001* · Casual leave · Mon 7 Dec 2026 to Wed 9 Dec 2026" in text
    assert ("leave_cancel", "LV-1001") in action_ids(home) and ("leave_open_apply", "") in action_ids(home)
    assert "Waiting for your decision" not in text


async def test_a_managers_home_has_the_approval_queue(slack: SlackHarness) -> None:
    await slack.reply_to(ANANYA, "apply casual 7 Dec")
    await slack.event(opened(VIKRAM))
    [published] = await slack.api.wait_for_calls(lambda: homes_of(slack, VIKRAM))
    assert "Waiting for your decision" in shown(published)
    assert [a for a in action_ids(published) if a[0] not in ("leave_open_apply", "leave_open_dashboard")] == [
        ("leave_approve", "LV-1001"), ("leave_reject", "LV-1001")]


async def test_the_messages_tab_publishes_nothing(slack: SlackHarness) -> None:
    await slack.event(opened(ANANYA, tab="messages"))
    await slack.api.settle()
    assert slack.api.calls_to("views.publish") == []


async def test_cancel_on_home_cancels_and_republishes_with_a_note(slack: SlackHarness) -> None:
    await slack.reply_to(ANANYA, "apply casual 7 Dec to 9 Dec")
    await slack.api.wait_calls("views.publish")
    await slack.interact(payload("block_actions_home_cancel"))
    await slack.api.wait_for(lambda fake: len(homes_of(slack, ANANYA)) >= 2)
    home = homes_of(slack, ANANYA)[-1]
    assert "LV-1001 cancelled; the days are back in the balance." in shown(home)
    assert ("leave_cancel", "LV-1001") not in action_ids(home)
    assert slack.service.list_requests()[0].status is RequestStatus.CANCELLED


async def test_approving_from_home_republishes_it_and_the_outbox_refreshes_the_employees(slack: SlackHarness) -> None:
    await slack.reply_to(ANANYA, "apply casual 7 Dec")
    body = payload("block_actions_home_cancel")
    body["user"]["id"] = VIKRAM
    body["actions"][0].update(action_id="leave_approve", value="LV-1001")
    await slack.interact(body)
    await slack.api.wait_for(lambda fake: any("LV-1001 approved." in shown(h) for h in homes_of(slack, VIKRAM)))
    before = len(homes_of(slack, ANANYA))
    await slack.deliver()
    assert len(homes_of(slack, ANANYA)) > before
    assert "Approved by Vikram Rao" in shown(homes_of(slack, ANANYA)[-1])

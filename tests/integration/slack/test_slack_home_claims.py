"""Comp-off claims on the App Home: the claimant's own claims with their status, and the claim in
its approver's "Waiting for your decision" with the same Approve / Reject buttons as leave."""

from __future__ import annotations

import pytest

from tests.integration.slack.conftest import ANANYA, VIKRAM, SlackHarness
from tests.integration.slack.test_slack_commands import action_ids, shown
from tests.integration.slack.test_slack_home import homes_of, opened
from tests.unit.conftest import policy_document

pytestmark = pytest.mark.asyncio


async def test_the_claimants_home_and_the_approvers_queue_show_the_claim(slack: SlackHarness) -> None:
    slack.service.load_policy(policy_document(including=("compoff",)), "test")
    await slack.reply_to(ANANYA, "compoff claim 21 Nov release <!channel> night")
    await slack.event(opened(VIKRAM))
    [queue] = await slack.api.wait_for_calls(lambda: homes_of(slack, VIKRAM))
    assert "Waiting for your decision" in shown(queue) and "Nothing waiting" not in shown(queue)
    # The claimant's words are defused: no mention of the whole channel reaches Slack.
    assert "CO-1001* Ananya Iyer: 1 day of comp-off for Sat 21 Nov 2026 worked: release @channel night" \
        in shown(queue) and "<!channel>" not in shown(queue)
    assert [a for a in action_ids(queue) if a[0] not in ("leave_open_apply", "leave_open_dashboard")] == [
        ("leave_approve", "CO-1001"), ("leave_reject", "CO-1001")]

    await slack.reply_to(VIKRAM, "approve CO-1001")
    await slack.event(opened(ANANYA))
    await slack.api.wait_for(lambda fake: bool(homes_of(slack, ANANYA)))
    mine = homes_of(slack, ANANYA)[-1]
    assert "Your comp-off claims" in shown(mine)
    assert "approved by Vikram Rao, to be taken by Wed 20 Jan 2027" in shown(mine)
    assert not [a for a in action_ids(mine) if a[1] == "CO-1001"]

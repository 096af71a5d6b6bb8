"""A comp-off claim in Slack: DM'd to the approver with the same Approve / Reject buttons as leave
(value ``CO-1001``), decided by a click or by the reject modal, the card updated in place."""

from __future__ import annotations

import pytest

from core.domain.model import EntryKind, LedgerEntry, RequestStatus
from storage.uow import uow_factory
from tests.integration.slack.conftest import ANANYA, RAHUL, VIKRAM, SlackHarness, payload
from tests.integration.slack.fake_slack import Call
from tests.integration.slack.test_slack_approvals import click
from tests.integration.slack.test_slack_commands import action_ids, shown
from tests.unit.conftest import policy_document

pytestmark = pytest.mark.asyncio


async def claimed_and_carded(slack: SlackHarness) -> Call:
    """Ananya claims Saturday 21 Nov; the outbox DMs Vikram the claim's card."""
    slack.service.load_policy(policy_document(including=("compoff",)), "test")
    reply = await slack.reply_to(ANANYA, "compoff claim 21 Nov release <!channel> night")
    assert "CO-1001" in shown(reply)
    report = await slack.deliver()
    assert report.errors == []
    [card] = [c for c in slack.api.calls_to("chat.postMessage") if action_ids(c.params)]
    return card


def claim_status(slack: SlackHarness) -> RequestStatus:
    with uow_factory(slack.engine)() as uow:
        stored = uow.compoff.get(1)
    assert stored is not None
    return stored.status


def credits(slack: SlackHarness) -> list[LedgerEntry]:
    with uow_factory(slack.engine)() as uow:
        return [e for e in uow.ledger.entries("E3") if e.kind is EntryKind.COMP_OFF]


async def test_the_approver_gets_the_claim_with_the_contract_buttons_and_approves_it(slack: SlackHarness) -> None:
    card = await claimed_and_carded(slack)
    assert card.params["channel"] == "D0VIKRAM"
    assert action_ids(card.params) == [("leave_approve", "CO-1001"), ("leave_reject", "CO-1001")]
    text = shown(card.params)
    assert "Ananya Iyer claims 1 day of comp-off for Sat 21 Nov 2026: release @channel night" in text
    assert "<!channel>" not in text
    stranger = slack.response_url()
    await slack.interact(click("leave_approve", RAHUL, card, stranger, "CO-1001"))
    name = stranger.rsplit("/", 1)[1]
    await slack.api.wait_for(lambda fake: any(c.params["name"] == name for c in fake.calls_to("response_url")))
    told = [shown(c.params) for c in slack.api.calls_to("response_url") if c.params["name"] == name]
    assert "CO-1001 isn't yours to decide" in told[0]
    await slack.interact(click("leave_approve", VIKRAM, card, slack.response_url(), "CO-1001"))
    [update] = await slack.api.wait_for_calls(
        lambda: [c for c in slack.api.calls_to("chat.update") if c.params.get("ts") == card.answer["ts"]])
    assert action_ids(update.params) == [] and "*CO-1001* approved by Vikram Rao" in shown(update.params)
    assert claim_status(slack) is RequestStatus.APPROVED
    refused = [(a.actor, a.outcome) for a in slack.service.audit_log() if a.action == "not_approver"]
    assert refused == [("rahul@x.test", "refused")]
    await slack.deliver()
    dms = [shown(c.params) for c in slack.api.calls_to("chat.postMessage") if c.params["channel"] == "D0ANANYA"]
    assert any("CO-1001* approved by Vikram Rao" in dm and "to be taken by Wed 20 Jan 2027" in dm for dm in dms)
    assert len(credits(slack)) == 1


async def test_reject_asks_for_a_reason_then_decides_the_claim(slack: SlackHarness) -> None:
    card = await claimed_and_carded(slack)
    await slack.interact(click("leave_reject", VIKRAM, card, slack.response_url(), "CO-1001"))
    [opened] = await slack.api.wait_calls("views.open")
    modal = opened.params["view"]
    submit = payload("view_submission_reject")
    submit["view"]["private_metadata"] = modal["private_metadata"]
    submit["view"]["state"]["values"]["reason"]["value"]["value"] = "not on the rota <!channel>"
    response = await slack.interact(submit)
    assert response.status == 200
    [update] = await slack.api.wait_for_calls(
        lambda: [c for c in slack.api.calls_to("chat.update") if c.params.get("ts") == card.answer["ts"]])
    assert "*CO-1001* rejected by Vikram Rao" in shown(update.params)
    assert "not on the rota &lt;!channel&gt;" in shown(update.params)
    assert claim_status(slack) is RequestStatus.REJECTED

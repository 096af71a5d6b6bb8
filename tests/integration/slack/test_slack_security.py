"""Requests that are not provably from Slack get 401 and change nothing (README, "HTTP endpoints")."""

from __future__ import annotations

import time

import pytest

from tests.integration.slack.conftest import ANANYA, FORM, SlackHarness, payload
from tests.integration.slack.fake_slack import form_body, signed

pytestmark = pytest.mark.asyncio

APPLY = "apply casual 7 Dec to 9 Dec family visit"


def _state(slack: SlackHarness) -> tuple[int, int]:
    return len(slack.service.list_requests()), len(slack.service.audit_log())


async def test_an_unsigned_request_gets_401_and_changes_nothing(slack: SlackHarness) -> None:
    before = _state(slack)
    fields = payload("slash_command")
    fields.update(user_id=ANANYA, text=APPLY, response_url=slack.response_url())
    response = await slack.client.post("/slack/events", data=form_body(fields), headers={"Content-Type": FORM})
    assert response.status == 401
    await slack.api.settle(quiet=0.3)
    assert _state(slack) == before
    assert slack.api.calls == []


async def test_a_wrong_signature_gets_401_and_changes_nothing(slack: SlackHarness) -> None:
    before = _state(slack)
    response = await slack.command(ANANYA, APPLY, secret="not-the-signing-secret")
    assert response.status == 401
    await slack.api.settle(quiet=0.3)
    assert _state(slack) == before
    assert slack.api.calls == []


async def test_a_six_minute_old_signature_gets_401_and_changes_nothing(slack: SlackHarness) -> None:
    before = _state(slack)
    response = await slack.command(ANANYA, APPLY, timestamp=int(time.time()) - 6 * 60)
    assert response.status == 401
    await slack.api.settle(quiet=0.3)
    assert _state(slack) == before
    assert slack.api.calls == []


async def test_a_body_changed_after_signing_gets_401(slack: SlackHarness) -> None:
    fields = payload("slash_command")
    fields.update(user_id=ANANYA, text="balance", response_url=slack.response_url())
    response = await slack.command(ANANYA, "balance")
    assert response.status == 200
    headers = signed(form_body(fields), FORM)
    fields["text"] = APPLY
    tampered = await slack.client.post("/slack/events", data=form_body(fields), headers=headers)
    assert tampered.status == 401
    await slack.api.settle(quiet=0.3)
    assert slack.service.list_requests() == []

"""Socket Mode: the same listeners fed by a websocket, against a local stand-in of Slack's."""

from __future__ import annotations

import asyncio
import contextlib

import pytest

from bot.slack import run_socket_mode
from core.service import LeaveService
from tests.integration.slack.conftest import payload, slack_settings
from tests.integration.slack.fake_slack import APP_TOKEN, FakeSlack
from tests.integration.slack.test_slack_commands import shown
from tests.unit.fakes import FixedClock

pytestmark = pytest.mark.asyncio


async def test_socket_mode_answers_a_slash_command(slack_api: FakeSlack, service: LeaveService,
                                                   clock: FixedClock) -> None:
    envelope = payload("socket_mode_slash_command")
    envelope["payload"]["response_url"] = slack_api.response_url("socket")
    slack_api.envelopes.append(envelope)
    settings = slack_settings(slack_api, slack_app_token=APP_TOKEN, slack_signing_secret=None)
    task = asyncio.create_task(run_socket_mode(service, settings, clock=clock))
    try:
        [acked] = await slack_api.wait_for_calls(
            lambda: [a for a in slack_api.acks if a.get("envelope_id") == envelope["envelope_id"]])
        reply = acked["payload"]  # a quick answer goes back in the acknowledgement, over the websocket
        assert reply["response_type"] == "ephemeral"
        assert "Balances for Ananya Iyer (ananya@x.test), 2026" in shown(reply)
        await slack_api.settle(quiet=0.2)
        assert slack_api.calls_to("response_url") == []  # ...and nothing follows it
        [opened] = slack_api.calls_to("apps.connections.open")
        assert opened.token == APP_TOKEN
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

"""``leavebot serve`` over Slack Socket Mode stops gracefully on SIGTERM, on SQLite and on MariaDB.

A ``/leave balance`` comes over the stand-in's websocket and is acknowledged; the stand-in holds its
``users.info`` answer, so the command is still being handled when SIGTERM arrives. The process
closes the websocket at once and opens no other (Slack sends new envelopes to another replica),
but stays alive until the held command has finished and its reply has gone out; then it exits 0.
"""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path

import aiohttp
import pytest

from core.service import LeaveService
from tests.integration.ops.test_shutdown import (
    WAIT_SECONDS,
    HeldSlack,
    eventually,
    free_port,
    release_and_stop,
    serve,
    until_healthy,
)
from tests.integration.slack.conftest import payload
from tests.integration.slack.fake_slack import APP_TOKEN, FakeSlack

pytestmark = pytest.mark.asyncio


async def test_sigterm_closes_the_socket_first_then_finishes_the_command_taken(
        service: LeaveService, db_url: str, held_slack: HeldSlack, tmp_path: Path) -> None:
    fake = held_slack.fake
    envelope = payload("socket_mode_slash_command")
    envelope["payload"]["response_url"] = fake.response_url("held")
    fake.envelopes.append(envelope)
    port = free_port()
    with serve(db_url, port, fake, tmp_path, SLACK_APP_TOKEN=APP_TOKEN) as process:
        async with aiohttp.ClientSession() as http:
            await until_healthy(http, f"http://127.0.0.1:{port}", process)
        await asyncio.wait_for(held_slack.asked.wait(), WAIT_SECONDS)
        await fake.wait_for(lambda f: acknowledged(f, envelope["envelope_id"]), WAIT_SECONDS)

        process.send_signal(signal.SIGTERM)

        async def socket_closed() -> bool:
            return bool(fake.calls_to("socket.close"))

        await eventually(socket_closed, "the websocket to close")
        await release_and_stop(held_slack, process)
    assert len(fake.calls_to("socket.connect")) == 1  # no new connection once stopping


def acknowledged(fake: FakeSlack, envelope_id: str) -> bool:
    return any(ack.get("envelope_id") == envelope_id for ack in fake.acks)

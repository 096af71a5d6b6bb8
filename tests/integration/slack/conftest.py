"""The Slack door on the real server and a real database, talking to a local stand-in of Slack.

Each test gets the aiohttp app of ``leavebot serve`` with the Slack door mounted, a database
(SQLite and MariaDB, from ``tests/integration/conftest.py``) seeded with the small organisation
of the unit tests, and a :class:`FakeSlack` that knows those people's Slack accounts.
``SLACK_API_URL`` pointing at the stand-in is the only difference from production.
"""

from __future__ import annotations

import asyncio
import copy
import itertools
import json
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from aiohttp import ClientResponse, web
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import Engine

from bot.downloads import mount_downloads
from bot.server import create_app
from bot.settings import Settings
from bot.slack import mount_slack
from core.delivery.relay import DeliveryReport
from core.ports import Notifier
from core.service import LeaveService
from storage.chat import SqlChatStore
from storage.downloads import SqlDownloads
from tests.integration.slack.fake_slack import (
    BOT_TOKEN,
    SIGNING_SECRET,
    FakeSlack,
    form_body,
    interaction_body,
    signed,
)
from tests.unit.fakes import FixedClock

PAYLOADS = Path(__file__).resolve().parents[2] / "payloads" / "slack"
#: Wednesday 25 Nov 2026, 10:00 in India.
NOW = datetime(2026, 11, 25, 4, 30, tzinfo=UTC)

ANANYA, VIKRAM, MEERA, RAHUL, KIRAN, STRANGER, NO_EMAIL = (
    "U0ANANYA", "U0VIKRAM", "U0MEERA", "U0RAHUL", "U0KIRAN", "U0STRANGER", "U0NOMAIL")
FORM = "application/x-www-form-urlencoded"

Client = TestClient[Any, Any]


def payload(name: str) -> dict[str, Any]:
    """A captured payload from ``tests/payloads/slack``, as a fresh dict to adjust."""
    data: dict[str, Any] = json.loads((PAYLOADS / f"{name}.json").read_text())
    return copy.deepcopy(data)


@pytest.fixture
def fake_slack() -> FakeSlack:
    fake = FakeSlack()
    fake.add_user(ANANYA, "ananya@x.test", "Ananya Iyer")
    fake.add_user(VIKRAM, "Boss@X.test", "Vikram Rao")
    fake.add_user(MEERA, "hr@x.test", "Meera Nair")
    fake.add_user(RAHUL, "rahul@x.test", "Rahul Verma")
    fake.add_user(KIRAN, "kiran@x.test", "Kiran Das")
    fake.add_user(STRANGER, "stranger@elsewhere.test", "Sam Stranger")
    fake.add_user(NO_EMAIL, None, "Nobody Knows")
    return fake


@pytest_asyncio.fixture
async def slack_api(fake_slack: FakeSlack) -> AsyncIterator[FakeSlack]:
    """The stand-in, listening on 127.0.0.1."""
    server = TestServer(fake_slack.app(), host="127.0.0.1")
    await server.start_server()
    fake_slack.base_url = str(server.make_url("")).rstrip("/")
    try:
        yield fake_slack
    finally:
        await server.close()



def slack_settings(api: FakeSlack, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "slack_bot_token": BOT_TOKEN, "slack_signing_secret": SIGNING_SECRET,
        "slack_api_url": f"{api.base_url}/api/", "timezone": "Asia/Kolkata", **overrides,
    }
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


#: Which way a reply came: in the HTTP response to the command, or posted to its ``response_url``.
ACK, RESPONSE_URL = "ack", "response_url"


@dataclass(frozen=True)
class Answer:
    """A command's private reply and the way it came (:data:`ACK` or :data:`RESPONSE_URL`)."""

    way: str
    message: dict[str, Any]


@dataclass
class SlackHarness:
    """The running app, the stand-in, and helpers to talk to the app as Slack does."""

    client: Client
    api: FakeSlack
    service: LeaveService
    notifier: Notifier
    engine: Engine
    _names: Iterator[int]

    def response_url(self) -> str:
        return self.api.response_url(f"r{next(self._names)}")

    async def command(self, user: str, text: str, *, trigger_id: str | None = None, retry: int | None = None,
                      timestamp: int | None = None, secret: str = SIGNING_SECRET,
                      response_url: str | None = None) -> ClientResponse:
        """``/leave TEXT`` typed by ``user``, form-encoded and signed; each with its own ``trigger_id``, as in Slack."""
        fields = payload("slash_command")
        fields.update(user_id=user, text=text, response_url=response_url or self.response_url(),
                      trigger_id=trigger_id or f"{next(self._names)}.738474920.{user.lower()}")
        body = form_body(fields)
        return await self.client.post("/slack/events", data=body,
                                      headers=signed(body, FORM, timestamp=timestamp, secret=secret, retry=retry))

    async def interact(self, body_payload: dict[str, Any], *, retry: int | None = None) -> ClientResponse:
        body = interaction_body(body_payload)
        return await self.client.post("/slack/events", data=body, headers=signed(body, FORM, retry=retry))

    async def event(self, body_payload: dict[str, Any], *, retry: int | None = None) -> ClientResponse:
        body = json.dumps(body_payload)
        return await self.client.post("/slack/events", data=body,
                                      headers=signed(body, "application/json", retry=retry))

    async def reply_to(self, user: str, text: str) -> dict[str, Any]:
        """Type a command and return the private reply, whichever way it came (see :meth:`answer`)."""
        return (await self.answer(user, text)).message

    async def answer(self, user: str, text: str) -> Answer:
        """Type a command and return its private reply: the acknowledgement's body when that carries
        it (a quick question), else what followed through the command's ``response_url``."""
        url = self.response_url()
        response = await self.command(user, text, response_url=url)
        assert response.status == 200, await response.text()
        body = await response.text()
        if body:
            return Answer(ACK, json.loads(body))
        name = url.rsplit("/", 1)[1]
        await self.api.wait_for(lambda fake: any(c.params.get("name") == name for c in fake.calls_to("response_url")))
        return Answer(RESPONSE_URL, next(c.params for c in self.api.calls_to("response_url")
                                         if c.params["name"] == name))

    async def deliver(self) -> DeliveryReport:
        """Run the outbox once, in a worker thread as the server does (the notifier is synchronous)."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(None, self.service.deliver_notices, [self.notifier])


async def serve_slack(api: FakeSlack, service: LeaveService, engine: Engine, clock: FixedClock,
                      aiohttp_client: Callable[[web.Application], Awaitable[Client]]) -> SlackHarness:
    """The server of ``leavebot serve`` with the Slack door over ``service``, talking to ``api``; the door
    keeps its cards and DM channels in the same database, and serves its download links."""
    app = create_app(engine, service=service, doors={"slack": "configured"})
    notifier = mount_slack(app, service, SqlChatStore(engine), slack_settings(api), clock=clock,
                           downloads=SqlDownloads(engine))
    mount_downloads(app, SqlDownloads(engine), clock)
    client = await aiohttp_client(app)
    return SlackHarness(client, api, service, notifier, engine, itertools.count(1))


@pytest_asyncio.fixture
async def slack(slack_api: FakeSlack, service: LeaveService, engine: Engine, clock: FixedClock,
                aiohttp_client: Callable[[web.Application], Awaitable[Client]]) -> AsyncIterator[SlackHarness]:
    harness = await serve_slack(slack_api, service, engine, clock, aiohttp_client)
    try:
        yield harness
    finally:
        await slack_api.settle(quiet=0.2)

"""The Teams door on the shared aiohttp app, a real database, and a stand-in Bot Connector.

Activities are the captured shapes of ``tests/payloads/teams`` with their ``serviceUrl``
pointed at the stand-in, so every reply, update and proactive message the door makes is a real
HTTP call that the test can inspect.
"""

from __future__ import annotations

import asyncio
import copy
import dataclasses
import json
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from aiohttp import web
from aiohttp.test_utils import TestClient
from pydantic import SecretStr
from sqlalchemy import Engine, func, select

from bot.downloads import mount_downloads
from bot.server import create_app
from bot.settings import Settings
from bot.teams import TeamsConfig, TeamsNotifier, mount_teams
from bot.teams.directory import EMULATOR_PLATFORM, PLATFORM
from core.delivery.relay import DeliveryReport
from core.ports import UnitOfWork
from core.ports.chat import ChatStore
from core.ports.downloads import Downloads
from core.service import LeaveService
from storage import tables
from storage.chat import SqlChatStore
from storage.downloads import SqlDownloads
from tests.integration.calendars.conftest import microsoft  # noqa: F401  (Microsoft's sign-in service)
from tests.integration.calendars.stand_in import CLIENT_SECRET, TENANT, MicrosoftStandIn
from tests.integration.teams.bot_framework import APP_ID, OpenIdStandIn
from tests.integration.teams.connector import FakeConnector
from tests.trees import nodes
from tests.unit.fakes import FixedClock

PAYLOADS = Path(__file__).resolve().parents[2] / "payloads" / "teams"
NOW = datetime(2026, 11, 25, 4, 30, tzinfo=UTC)

#: The organisation of tests/unit/conftest.py as Teams knows it: (Teams user id, AAD object id, name, e-mail).
PEOPLE = {
    "hr": ("29:1hr-mri", "aad-hr", "Meera Nair", "hr@x.test"),
    "boss": ("29:1boss-mri", "aad-boss", "Vikram Rao", "boss@x.test"),
    "ananya": ("29:1ananya-mri", "aad-ananya", "Ananya Iyer", "ananya@x.test"),
    "rahul": ("29:1rahul-mri", "aad-rahul", "Rahul Verma", "rahul@x.test"),
    "stranger": ("29:1stranger-mri", "aad-stranger", "Sam Stranger", "stranger@x.test"),
}
PERSONAL_CHAT = {name: f"a:1personal-{name}" for name in PEOPLE}

Client = TestClient[Any, Any]


def payload(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((PAYLOADS / f"{name}.json").read_text(encoding="utf-8"))
    return data


def as_person(activity: dict[str, Any], who: str) -> dict[str, Any]:
    """The activity as sent by ``who``; in a personal chat, in that person's own chat with the bot."""
    user_id, aad, name, _email = PEOPLE[who]
    activity = copy.deepcopy(activity)
    activity["from"] = {"id": user_id, "name": name, "aadObjectId": aad}
    if activity["conversation"].get("conversationType", "personal") == "personal":
        activity["conversation"]["id"] = PERSONAL_CHAT[who]
    return activity


@dataclass
class TeamsRig:
    """Everything a Teams test drives: the HTTP client, the stand-in connector, the core, the notifier."""

    client: Client
    connector: FakeConnector
    service: LeaveService
    notifier: TeamsNotifier
    engine: Engine
    clock: FixedClock
    uow_factory: Callable[[], UnitOfWork]
    #: Where the door keeps its conversations: ``teams``, or ``teams-emulator`` without an app id.
    platform: str = EMULATOR_PLATFORM

    @property
    def chat(self) -> ChatStore:
        """The door's own references and cards, in the rig's database."""
        return SqlChatStore(self.engine)

    @property
    def downloads(self) -> Downloads:
        """The files of the door's links, in the rig's database."""
        return SqlDownloads(self.engine)

    def activity(self, name: str, who: str, **changes: Any) -> dict[str, Any]:
        data = as_person(payload(name), who)
        data["serviceUrl"] = self.connector.url
        data.update(changes)
        return data

    async def post(self, activity: dict[str, Any], headers: dict[str, str] | None = None) -> Any:
        return await self.client.post("/api/messages", json=activity, headers=headers)

    async def say(self, who: str, text: str) -> dict[str, Any]:
        """Type ``text`` to the bot in ``who``'s personal chat; returns the card of the reply."""
        before = len(self.connector.sent(PERSONAL_CHAT[who]))
        response = await self.post(self.activity("message_personal", who, text=text))
        assert response.status in (200, 201), await response.text()
        sent = self.connector.sent(PERSONAL_CHAT[who])
        assert len(sent) == before + 1, [c.path for c in sent]
        card = sent[-1].card
        assert card is not None
        return card

    async def click(self, who: str, verb: str, data: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """Press an ``Action.Execute`` button; returns the invoke response's status and body."""
        activity = self.activity("invoke_adaptive_card_action", who)
        activity["value"] = {"action": {"type": "Action.Execute", "verb": verb, "data": data}, "trigger": "manual"}
        response = await self.post(activity)
        body: dict[str, Any] = await response.json()
        return response.status, body

    async def deliver(self) -> DeliveryReport:
        """Run the outbox relay as the server does: in a worker thread, with this door's notifier."""
        report: DeliveryReport = await asyncio.get_running_loop().run_in_executor(
            None, self.service.deliver_notices, [self.notifier])
        return report

    def count(self, table: Any, *where: Any) -> int:
        with self.engine.connect() as connection:
            query = select(func.count()).select_from(table)
            for condition in where:
                query = query.where(condition)
            return int(connection.execute(query).scalar_one())

    def addresses(self) -> dict[str, dict[str, Any]]:
        with self.engine.connect() as connection:
            rows = connection.execute(select(tables.chat_addresses.c.key, tables.chat_addresses.c.address)
                                      .where(tables.chat_addresses.c.platform == self.platform))
            return {key: json.loads(address) for key, address in rows}


def texts(card: dict[str, Any]) -> str:
    """Every piece of text on a card, in order, to assert on what a person reads."""
    return "\n".join(node[key] for node in nodes(card) for key in ("text", "title", "value", "label")
                     if isinstance(node.get(key), str))


def actions(card: dict[str, Any]) -> list[dict[str, Any]]:
    """Every Action.Execute of a card (not its refresh), wherever it sits."""
    refresh = card.get("refresh", {}).get("action")
    return [node for node in nodes(card) if node.get("type") == "Action.Execute" and node is not refresh]


@pytest.fixture
def connector() -> Iterator[FakeConnector]:
    fake = FakeConnector()
    for user_id, aad, name, email in PEOPLE.values():
        fake.add_member(user_id, aad, name, email)
    fake.start()
    try:
        yield fake
    finally:
        fake.stop()


@pytest.fixture
def openid() -> Iterator[OpenIdStandIn]:
    """The Bot Framework's OpenID metadata and keys, to send activities with a valid token."""
    stand_in = OpenIdStandIn()
    try:
        yield stand_in
    finally:
        stand_in.close()


@pytest.fixture
def settings(monkeypatch: pytest.MonkeyPatch) -> Settings:
    """No app id, so the door is the local Emulator's unless a test's ``config`` names an app."""
    for name in Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)
    return Settings(_env_file=None, teams_emulator=True)  # type: ignore[call-arg]


RigFactory = Callable[..., Awaitable[TeamsRig]]


@pytest.fixture
def make_rig(aiohttp_client: Callable[..., Awaitable[Client]], connector: FakeConnector, service: LeaveService,
             engine: Engine, clock: FixedClock, uow_factory: Callable[[], UnitOfWork],
             settings: Settings) -> RigFactory:
    """Build the app; ``config`` switches authentication on, ``middlewares`` shape the requests,
    ``public_url`` sets PUBLIC_URL and serves the download links on the same app."""

    async def make(config: TeamsConfig | None = None,
                   middlewares: tuple[Any, ...] = (), public_url: str | None = None) -> TeamsRig:
        app = create_app(engine, service=service)
        app.middlewares.extend(middlewares)
        notifier = mount_teams(app, service, SqlChatStore(engine), SqlDownloads(engine),
                               settings.model_copy(update={"public_url": public_url}), config=config, clock=clock)
        if public_url:
            mount_downloads(app, SqlDownloads(engine), clock)
        client = await aiohttp_client(app)
        platform = PLATFORM if config is not None and config.authenticated else EMULATOR_PLATFORM
        return TeamsRig(client, connector, service, notifier, engine, clock, uow_factory, platform)

    return make


@pytest_asyncio.fixture
async def rig(make_rig: RigFactory) -> TeamsRig:
    return await make_rig()


@pytest_asyncio.fixture
async def teams(make_rig: RigFactory, openid: OpenIdStandIn, request: pytest.FixtureRequest) -> TeamsRig:
    """Teams with an app id: the door configured from the settings, with its sign-in at ``microsoft``;
    tokens coming in are checked against ``openid`` (the only part of the configuration that is not a setting)."""
    sign_in: MicrosoftStandIn = request.getfixturevalue("microsoft")
    door = TeamsConfig.from_settings(Settings(
        _env_file=None, microsoft_app_id=APP_ID, microsoft_app_password=SecretStr(CLIENT_SECRET),  # type: ignore[call-arg]
        microsoft_app_type="SingleTenant", microsoft_app_tenant_id=TENANT, microsoft_login_url=f"{sign_in.url}/"))
    inbound = openid.config()
    config = dataclasses.replace(
        door, TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL=inbound.TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL,
        TO_BOT_FROM_CHANNEL_TOKEN_ISSUER=inbound.TO_BOT_FROM_CHANNEL_TOKEN_ISSUER,
        TO_CHANNEL_FROM_BOT_OAUTH_SCOPE=inbound.TO_CHANNEL_FROM_BOT_OAUTH_SCOPE)
    rig = await make_rig(config)
    assert rig.platform == "teams"
    return rig


def remote_from_header(header: str = "X-Test-Remote") -> Any:
    """A middleware that makes a request look as if it came from the address in ``header``."""

    @web.middleware
    async def middleware(request: web.Request, handler: Any) -> web.StreamResponse:
        remote = request.headers.get(header)
        response: web.StreamResponse = await handler(request.clone(remote=remote) if remote else request)
        return response

    return middleware

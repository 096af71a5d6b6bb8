"""Teams while the database cannot be reached: a message and a card click both get the polite answer."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from sqlalchemy import Engine

from bot.server import create_app
from bot.settings import Settings
from bot.teams import mount_teams
from core.service import UNAVAILABLE, LeaveService
from storage.chat import SqlChatStore
from storage.downloads import SqlDownloads
from storage.engine import make_engine
from storage.uow import uow_factory
from tests.integration.teams.conftest import PERSONAL_CHAT, Client, TeamsRig, texts
from tests.integration.teams.connector import FakeConnector
from tests.unit.fakes import FixedClock

pytestmark = pytest.mark.asyncio


@pytest.fixture(params=["mysql", "sqlite"])
def unreachable(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A database that refuses every connection: a MySQL port nobody listens on, or a SQLite file
    in a folder that does not exist."""
    url = ("mysql+pymysql://root@127.0.0.1:1/leavebot" if request.param == "mysql"
           else f"sqlite:///{tmp_path / 'gone' / 'leavebot.db'}")
    engine = make_engine(url)
    yield engine
    engine.dispose()


@pytest_asyncio.fixture
async def dark_rig(aiohttp_client: Callable[..., Awaitable[Client]], connector: FakeConnector, unreachable: Engine,
                   clock: FixedClock, settings: Settings) -> TeamsRig:
    factory = uow_factory(unreachable)
    service = LeaveService(factory, clock, default_time_zone="Asia/Kolkata")
    app = create_app(unreachable, service=service)
    notifier = mount_teams(app, service, SqlChatStore(unreachable), SqlDownloads(unreachable), settings, clock=clock)
    return TeamsRig(await aiohttp_client(app), connector, service, notifier, unreachable, clock, factory)


async def test_a_card_click_is_answered_with_a_card_saying_to_try_again_shortly(dark_rig: TeamsRig) -> None:
    status, body = await dark_rig.click("boss", "approve", {"requestId": 1})
    assert status == 200, body
    assert body["statusCode"] == 200 and body["type"] == "application/vnd.microsoft.card.adaptive", body
    card: dict[str, Any] = body["value"]
    assert UNAVAILABLE in texts(card)


async def test_a_message_is_answered_with_the_same_words(dark_rig: TeamsRig) -> None:
    response = await dark_rig.post(dark_rig.activity("message_personal", "ananya", text="balance"))
    assert response.status < 500, await response.text()
    (reply,) = dark_rig.connector.sent(PERSONAL_CHAT["ananya"])
    assert reply.card is not None and UNAVAILABLE in texts(reply.card)

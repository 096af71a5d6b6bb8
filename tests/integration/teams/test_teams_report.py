"""HR's report in Teams: a card with a summary and a link per file; each link works once, for a day."""

from __future__ import annotations

import csv
import io
import secrets
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import pytest
import pytest_asyncio
from sqlalchemy import Engine, select

from bot.downloads import mount_downloads, token_hash
from bot.server import create_app
from bot.settings import Settings
from bot.teams import mount_teams
from core.ports import UnitOfWork
from core.service import LeaveService
from storage import tables
from storage.chat import SqlChatStore
from storage.downloads import SqlDownloads
from tests.integration.teams.conftest import Client, TeamsRig, texts
from tests.integration.teams.connector import FakeConnector
from tests.unit.fakes import FixedClock

pytestmark = pytest.mark.asyncio

PUBLIC = "https://leave.example.com"


@pytest_asyncio.fixture
async def rig(aiohttp_client: Callable[..., Awaitable[Client]], connector: FakeConnector, service: LeaveService,
              engine: Engine, clock: FixedClock, uow_factory: Callable[[], UnitOfWork], settings: Settings) -> TeamsRig:
    """The Teams door and the download route on one app, with PUBLIC_URL set."""
    app = create_app(engine, service=service)
    chat, downloads = SqlChatStore(engine), SqlDownloads(engine)
    notifier = mount_teams(app, service, chat, downloads, settings.model_copy(update={"public_url": PUBLIC}),
                           clock=clock)
    mount_downloads(app, downloads, clock)
    return TeamsRig(await aiohttp_client(app), connector, service, notifier, engine, clock, uow_factory)


def links(card: dict[str, Any]) -> dict[str, str]:
    """The card's download buttons: file name -> path on this server."""
    found = {a["title"].removeprefix("Download "): a["url"] for a in card["actions"] if a["type"] == "Action.OpenUrl"}
    assert all(url.startswith(PUBLIC + "/downloads/") for url in found.values()), found
    return {name: url.removeprefix(PUBLIC) for name, url in found.items()}


async def report_links(rig: TeamsRig, text: str = "report 2026-12") -> dict[str, str]:
    await rig.say("ananya", "apply casual 7 Dec to 8 Dec")
    await rig.say("boss", "approve LV-1001")
    return links(await rig.say("hr", text))


async def test_hr_gets_a_summary_and_each_file_once(rig: TeamsRig) -> None:
    await rig.say("ananya", "apply casual 7 Dec to 8 Dec")
    await rig.say("boss", "approve LV-1001")
    card = await rig.say("hr", "report 2026-12 Engineering")
    shown = texts(card)
    assert "Leave report, 2026-12 · Engineering" in shown and "Tue 1 Dec 2026 to Thu 31 Dec 2026" in shown
    assert "People who took leave\n1" in shown and "Casual leave\n2 days" in shown
    until = "{{DATE(2026-11-26T04:30:00Z, SHORT)}} at {{TIME(2026-11-26T04:30:00Z)}}"
    assert f"Each link works once, until {until}." in shown
    paths = links(card)
    assert set(paths) == {"leave-taken-2026-12-Engineering.csv", "leave-balances-2026-12-Engineering.csv"}
    response = await rig.client.get(paths["leave-taken-2026-12-Engineering.csv"])
    assert response.status == 200 and response.content_type == "text/csv"
    assert response.headers["Content-Disposition"] == 'attachment; filename="leave-taken-2026-12-Engineering.csv"'
    assert response.headers["Cache-Control"] == "no-store"
    [row] = list(csv.DictReader(io.StringIO(await response.text())))
    assert (row["email"], row["type"], row["days"], row["first_day"], row["last_day"]) == (
        "ananya@x.test", "casual", "2", "2026-12-07", "2026-12-08")
    again = await rig.client.get(paths["leave-taken-2026-12-Engineering.csv"])
    assert again.status == 404 and await again.text() == "Not found\n"
    balances = await rig.client.get(paths["leave-balances-2026-12-Engineering.csv"])
    assert balances.status == 200 and (await balances.text()).startswith("employee_id,email,name,department,type")


async def test_only_the_tokens_hash_is_stored_and_a_used_file_is_gone(rig: TeamsRig) -> None:
    paths = await report_links(rig)
    tokens = [path.rsplit("/", 1)[1] for path in paths.values()]
    with rig.engine.connect() as connection:
        stored = set(connection.execute(select(tables.downloads.c.token_hash)).scalars())
    assert stored == {token_hash(t) for t in tokens} and not stored & set(tokens)
    await rig.client.get(next(iter(paths.values())))
    assert rig.count(tables.downloads) == 1


async def test_a_link_expires_after_a_day(rig: TeamsRig) -> None:
    paths = await report_links(rig)
    rig.clock.at += timedelta(hours=24)
    for path in paths.values():
        response = await rig.client.get(path)
        assert response.status == 404 and await response.text() == "Not found\n"
    await rig.say("hr", "report 2026-11")  # new links clear the expired files away
    assert rig.count(tables.downloads) == 2


async def test_a_link_just_before_it_expires_still_works(rig: TeamsRig) -> None:
    paths = await report_links(rig)
    rig.clock.at += timedelta(hours=24) - timedelta(seconds=1)
    assert all([(await rig.client.get(path)).status == 200 for path in paths.values()])


async def test_wrong_tokens_get_the_same_bare_404(rig: TeamsRig) -> None:
    paths = await report_links(rig)
    real = next(iter(paths.values())).rsplit("/", 1)[1]
    for token in (secrets.token_urlsafe(32), real.swapcase(), real[:-1], "x", "..%2F..%2Fetc", real + "A"):
        response = await rig.client.get(f"/downloads/{token}")
        assert response.status == 404 and await response.text() == "Not found\n", token
    assert (await rig.client.head(f"/downloads/{real}")).status == 405
    assert (await rig.client.get(f"/downloads/{real}")).status == 200, "a wrong guess or a HEAD uses nothing up"


async def test_others_are_refused_and_get_no_link(rig: TeamsRig) -> None:
    card = await rig.say("boss", "report 2026-12")
    assert "Reports are for HR admins" in texts(card) and not card["actions"]
    assert rig.count(tables.downloads) == 0

"""With PUBLIC_URL, a Teams card's heat map is a link served by the bot: to every viewer, until it expires."""

from __future__ import annotations

import io
import secrets
from datetime import date, timedelta
from typing import Any

import pytest
import pytest_asyncio
from matplotlib import image
from sqlalchemy import select

from bot import charts
from bot.downloads import DownloadLinks, token_hash
from bot.teams.posting import TeamsPoster
from core.views import ReportFile
from storage import tables
from tests.integration.teams.conftest import RigFactory, TeamsRig

pytestmark = pytest.mark.asyncio

PUBLIC = "https://leave.example.com"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest_asyncio.fixture
async def rig(make_rig: RigFactory) -> TeamsRig:
    """The Teams door and the download route on one app, with PUBLIC_URL set."""
    return await make_rig(public_url=PUBLIC)


def image_path(card: dict[str, Any]) -> str:
    """The card's picture as a path on this server (its link, less the public address)."""
    (picture,) = [item for item in card["body"] if item.get("type") == "Image"]
    url = str(picture["url"])
    assert url.startswith(PUBLIC + "/downloads/"), url
    return url.removeprefix(PUBLIC)


async def fetch_png(rig: TeamsRig, path: str) -> bytes:
    response = await rig.client.get(path)
    assert response.status == 200, await response.text()
    assert response.content_type == "image/png"
    assert response.headers["Content-Disposition"].startswith("inline;")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    body = await response.read()
    assert body.startswith(PNG_SIGNATURE)
    return body


async def assert_gone(rig: TeamsRig, path: str) -> None:
    response = await rig.client.get(path)
    assert response.status == 404 and await response.text() == "Not found\n"


async def test_team_week_links_the_full_picture_which_every_viewer_can_fetch_for_a_day(rig: TeamsRig) -> None:
    path = image_path(await rig.say("rahul", "team week"))
    first = await fetch_png(rig, path)
    again = await fetch_png(rig, path)  # another viewer, or Microsoft's image proxy
    assert first == again and image.imread(io.BytesIO(first)).shape[1] == charts.FULL.width_px

    rig.clock.at += timedelta(days=1) - timedelta(seconds=1)
    response = await rig.client.get(path)
    assert response.status == 200 and response.headers["Cache-Control"] == "private, max-age=1"
    rig.clock.at += timedelta(seconds=1)
    await assert_gone(rig, path)


async def test_only_the_tokens_hash_is_stored_and_wrong_tokens_get_404(rig: TeamsRig) -> None:
    path = image_path(await rig.say("rahul", "team week"))
    token = path.rsplit("/", 1)[1]
    with rig.engine.connect() as connection:
        stored = connection.execute(select(tables.downloads.c.token_hash, tables.downloads.c.reusable,
                                           tables.downloads.c.media_type)).all()
    assert [tuple(row) for row in stored] == [(token_hash(token), True, "image/png")]
    for wrong in (secrets.token_urlsafe(32), token.swapcase(), token[:-1], token + "A"):
        await assert_gone(rig, f"/downloads/{wrong}")
    assert (await rig.client.get(path)).status == 200, "wrong guesses change nothing"


async def test_the_digests_picture_stays_linked_for_thirty_days(rig: TeamsRig) -> None:
    links = DownloadLinks(rig.downloads, rig.clock, PUBLIC)
    poster = TeamsPoster(rig.service, rig.notifier, links)
    path = image_path(poster.card(rig.service.hr_digest(date(2026, 11, 30))))
    rig.clock.at += timedelta(days=29)
    await fetch_png(rig, path)
    await fetch_png(rig, path)
    rig.clock.at += timedelta(days=1)
    await assert_gone(rig, path)
    await rig.say("rahul", "team week")  # a new link clears the expired picture away
    assert rig.count(tables.downloads) == 1


async def test_a_reports_file_is_still_taken_once_beside_a_shared_picture(rig: TeamsRig) -> None:
    picture = image_path(await rig.say("rahul", "team week"))
    (report,) = DownloadLinks(rig.downloads, rig.clock, PUBLIC).offer([ReportFile("numbers.csv", "a,b\n1,2\n")])
    path = report.location.removeprefix(PUBLIC)
    response = await rig.client.get(path)
    assert response.status == 200 and response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Disposition"].startswith("attachment;") and await response.text() == "a,b\n1,2\n"
    await assert_gone(rig, path)
    await fetch_png(rig, picture)

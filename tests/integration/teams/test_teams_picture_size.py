"""The weekly digest of a large organisation stays under Teams' message size, picture or not."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from sqlalchemy import update

from bench import seed as bench
from bot.downloads import DownloadLinks
from bot.teams import pictures
from bot.teams.posting import TeamsPoster
from core.service import LeaveService
from storage import tables
from storage.engine import make_engine
from storage.uow import uow_factory as make_uow_factory
from tests.integration.teams.conftest import TeamsRig
from tests.unit.fakes import FixedClock

pytestmark = pytest.mark.asyncio

DEPARTMENTS = 100
TEAM, CHANNEL = "19:team-general@thread.tacv2", "19:hr@thread.tacv2"
HR_CHANNEL = f"channel:{TEAM}:{CHANNEL}"
PUBLIC = "https://leave.example.com"


@pytest.fixture(scope="module")
def large_digest(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The digest of 600 people in 100 departments with long names, as the scheduler stores it."""
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('large') / 'org.db'}")
    try:
        bench.seed(engine, employees=6 * DEPARTMENTS, departments=DEPARTMENTS, requests=12_000)
        with engine.begin() as connection:
            for n in range(DEPARTMENTS):
                connection.execute(update(tables.employees).where(tables.employees.c.department == f"Dept {n:03d}")
                                   .values(department=f"Customer Success and Renewals, EMEA North {n:03d}"))
        service = LeaveService(make_uow_factory(engine), bench.Clock(bench.NOW), default_time_zone="Asia/Kolkata")
        digest = service.hr_digest(bench.NOW.date())
    finally:
        engine.dispose()
    assert len(digest["chart"]["rows"]) == DEPARTMENTS
    return digest


async def post_to_hr(rig: TeamsRig, poster: TeamsPoster, digest: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """Post the digest to HR's channel as the scheduler does; the message as Teams received it, and its size."""
    rig.connector.channels[TEAM] = [{"id": TEAM}, {"id": CHANNEL, "name": "HR"}]
    assert (await rig.post(rig.activity("conversation_update_bot_added_to_team", "hr"))).status in (200, 201)
    await asyncio.get_running_loop().run_in_executor(None, poster.post, "channel", HR_CHANNEL, digest)
    (message,) = [c.body for c in rig.connector.sent(CHANNEL) if c.card]
    return len(json.dumps(message).encode("utf-8")), message


def card_images(message: dict[str, Any]) -> list[dict[str, Any]]:
    card: dict[str, Any] = message["attachments"][0]["content"]
    return [item for item in card["body"] if item.get("type") == "Image"]


async def post_linked(rig: TeamsRig, clock: FixedClock,
                      digest: dict[str, Any]) -> tuple[int, dict[str, Any], dict[str, Any]]:
    """Post the digest as a bot with a public address does: the message's size, the message, its one picture."""
    poster = TeamsPoster(rig.service, rig.notifier, DownloadLinks(rig.downloads, clock, PUBLIC))
    size, message = await post_to_hr(rig, poster, digest)
    (picture,) = card_images(message)
    return size, message, picture


async def test_with_a_public_address_the_picture_is_linked_and_the_message_fits(
        rig: TeamsRig, clock: FixedClock, large_digest: dict[str, Any]) -> None:
    size, _, picture = await post_linked(rig, clock, large_digest)
    assert str(picture["url"]).startswith(PUBLIC + "/downloads/")
    assert size < pictures.MESSAGE_LIMIT_BYTES


async def test_without_one_the_message_fits_and_says_how_to_see_the_picture(
        rig: TeamsRig, large_digest: dict[str, Any]) -> None:
    size, message = await post_to_hr(rig, TeamsPoster(rig.service, rig.notifier), large_digest)
    assert size < pictures.MESSAGE_LIMIT_BYTES
    shown = json.dumps(message, ensure_ascii=False)
    assert not card_images(message), "a hundred departments' picture does not fit inside the message"
    assert pictures.DIGEST_INSTEAD in shown and "leavebot digest" in shown and "PUBLIC_URL" in shown


async def test_a_small_organisations_digest_carries_its_picture_inline(
        rig: TeamsRig, service: LeaveService) -> None:
    size, message = await post_to_hr(rig, TeamsPoster(service, rig.notifier), service.hr_digest(bench.NOW.date()))
    (picture,) = card_images(message)
    assert str(picture["url"]).startswith("data:image/png;base64,")
    assert size < pictures.MESSAGE_LIMIT_BYTES

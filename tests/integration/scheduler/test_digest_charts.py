"""The weekly HR digest's picture and insight reach Slack (a PNG file) and Teams (an image in the card)."""

from __future__ import annotations

import asyncio
import base64
import io
import json
import time
from collections.abc import Callable
from datetime import date

import pytest
from matplotlib import image

from bot.scheduled import SlackPoster
from bot.slack.api import sync_client
from bot.teams.posting import TeamsPoster
from core.ports import UnitOfWork
from core.ports.chat import ChatStore
from core.service import LeaveService
from scheduler.runner import AlwaysLeader, SchedulerRunner
from tests.integration.scheduler.helpers import add_pending, at
from tests.integration.slack.conftest import slack_settings
from tests.integration.slack.fake_slack import FakeSlack
from tests.integration.teams.conftest import TeamsRig, texts
from tests.unit.fakes import FixedClock

pytestmark = pytest.mark.asyncio

MONDAY_0901_KOLKATA = at(2026, 11, 30, 3, 31)


async def test_slack_gets_the_digest_with_its_insight_and_the_picture_as_a_file(
        org: LeaveService, uow_factory: Callable[[], UnitOfWork], chat_store: ChatStore, clock: FixedClock,
        slack_api: FakeSlack) -> None:
    add_pending(uow_factory, "E3", "E2", date(2026, 12, 1), clock.at)
    poster = SlackPoster(org, chat_store, sync_client(slack_settings(slack_api)))
    runner = SchedulerRunner(org, clock, AlwaysLeader(), {"slack": poster},
                             sleep=time.sleep)
    clock.at = MONDAY_0901_KOLKATA
    await asyncio.get_running_loop().run_in_executor(None, runner.tick)

    (digest,) = [c for c in slack_api.calls_to("chat.postMessage") if c.params["channel"] == "CHR"]
    blocks = digest.params["blocks"]
    message = json.dumps(json.loads(blocks) if isinstance(blocks, str) else blocks)
    assert "*No leave in the last 90 days:* 5 people" in message and "Engineering: 4" in message
    assert "over the carry-forward limit" in message and "no team at its limit" in message
    assert "team limit in the next two weeks" not in message, "an empty section is folded into the one line"
    (upload,) = slack_api.calls_to("upload")
    assert upload.params["data"].startswith(b"\x89PNG\r\n\x1a\n")
    assert image.imread(io.BytesIO(upload.params["data"])).shape[1] == 960
    (done,) = slack_api.calls_to("files.completeUploadExternal")
    assert done.params["channel_id"] == "CHR"
    (asked,) = slack_api.calls_to("files.getUploadURLExternal")
    assert str(asked.params["alt_txt"]).startswith("People out per day in 2 departments")


async def test_teams_gets_the_digest_with_the_picture_inside_the_card(
        org: LeaveService, uow_factory: Callable[[], UnitOfWork], clock: FixedClock, rig: TeamsRig) -> None:
    rig.connector.channels["19:team-general@thread.tacv2"] = [
        {"id": "19:team-general@thread.tacv2"}, {"id": "19:hr@thread.tacv2", "name": "HR"}]
    assert (await rig.post(rig.activity("conversation_update_bot_added_to_team", "hr"))).status in (200, 201)
    with uow_factory() as uow:
        uow.channels.save("teams", "digest:hr", "channel:19:team-general@thread.tacv2:19:hr@thread.tacv2",
                          clock.now())
        uow.commit()
    runner = SchedulerRunner(org, clock, AlwaysLeader(),
                             {"teams": TeamsPoster(org, rig.notifier)}, sleep=time.sleep)
    clock.at = MONDAY_0901_KOLKATA
    await asyncio.get_running_loop().run_in_executor(None, runner.tick)

    (card,) = [c.card for c in rig.connector.sent("19:hr@thread.tacv2") if c.card]
    (picture,) = [item for item in card["body"] if item.get("type") == "Image"]
    scheme, encoded = picture["url"].split(",", 1)
    assert scheme == "data:image/png;base64"
    assert base64.b64decode(encoded).startswith(b"\x89PNG\r\n\x1a\n")
    assert picture["altText"].startswith("People out per day in 2 departments, Mon 30 Nov 2026")
    assert "No leave in the last 90 days: 5" in texts(card) and "Engineering: 4" in texts(card)
    assert len(json.dumps(card)) < 100_000

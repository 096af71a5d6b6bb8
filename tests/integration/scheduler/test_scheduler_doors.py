"""The scheduler's posts reach the Slack and Teams stand-ins: channels, DMs with buttons, 429s."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from datetime import date, timedelta

import pytest

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
from tests.integration.teams.conftest import PERSONAL_CHAT, TeamsRig, actions, texts
from tests.unit.fakes import FixedClock

pytestmark = pytest.mark.asyncio

MONDAY_0901_KOLKATA = at(2026, 11, 30, 3, 31)
MONDAY_0931_KOLKATA = at(2026, 11, 30, 4, 1)


async def test_slack_gets_the_digest_the_whos_out_and_the_reminder_with_buttons_despite_a_429(
        org: LeaveService, uow_factory: Callable[[], UnitOfWork], chat_store: ChatStore, clock: FixedClock,
        slack_api: FakeSlack) -> None:
    clock.at = MONDAY_0901_KOLKATA - timedelta(days=3)
    add_pending(uow_factory, "E3", "E2", date(2026, 12, 21), clock.at)
    poster = SlackPoster(org, chat_store, sync_client(slack_settings(slack_api)))
    runner = SchedulerRunner(org, clock, AlwaysLeader(), {"slack": poster},
                             sleep=time.sleep)
    slack_api.fail("chat.postMessage", status=429, retry_after=1, times=2)
    loop = asyncio.get_running_loop()
    clock.at = MONDAY_0901_KOLKATA
    await loop.run_in_executor(None, runner.tick)
    clock.at = MONDAY_0931_KOLKATA
    await loop.run_in_executor(None, runner.tick)
    await loop.run_in_executor(None, runner.tick)  # nothing more is due

    posted = [c for c in slack_api.calls_to("chat.postMessage") if c.status == 200]
    by_channel = {}
    for call in posted:
        by_channel.setdefault(call.params["channel"], []).append(call)
    assert len(by_channel["CHR"]) == 1 and "HR digest" in by_channel["CHR"][0].params["text"]
    assert len(by_channel["CENG"]) == 1 and "Who's out in Engineering" in by_channel["CENG"][0].params["text"]
    dms = [c for c in posted if c.params["channel"] not in ("CHR", "CENG")]
    assert len(dms) == 1
    blocks = dms[0].params["blocks"]
    blocks = json.loads(blocks) if isinstance(blocks, str) else blocks
    buttons = [e for b in blocks if b["type"] == "actions" for e in b["elements"]]
    assert [b["action_id"] for b in buttons] == ["leave_approve", "leave_reject"]
    assert buttons[0]["value"].startswith("LV-")


async def test_teams_gets_the_digest_in_its_channel_and_the_reminder_in_the_personal_chat(
        org: LeaveService, uow_factory: Callable[[], UnitOfWork], clock: FixedClock, rig: TeamsRig) -> None:
    rig.connector.channels["19:team-general@thread.tacv2"] = [
        {"id": "19:team-general@thread.tacv2"}, {"id": "19:hr@thread.tacv2", "name": "HR"}]
    assert (await rig.post(rig.activity("conversation_update_bot_added_to_team", "hr"))).status in (200, 201)
    assert (await rig.post(rig.activity("conversation_update_bot_added_personal", "boss"))).status in (200, 201)
    key = "channel:19:team-general@thread.tacv2:19:hr@thread.tacv2"
    with uow_factory() as uow:
        uow.channels.save("teams", "digest:hr", key, clock.now())
        uow.commit()
    clock.at = MONDAY_0901_KOLKATA - timedelta(days=3)
    add_pending(uow_factory, "E3", "E2", date(2026, 12, 21), clock.at)
    runner = SchedulerRunner(org, clock, AlwaysLeader(),
                             {"teams": TeamsPoster(org, rig.notifier)}, sleep=time.sleep)
    loop = asyncio.get_running_loop()
    clock.at = MONDAY_0931_KOLKATA
    await loop.run_in_executor(None, runner.tick)
    await loop.run_in_executor(None, runner.tick)

    (digest,) = [c.card for c in rig.connector.sent("19:hr@thread.tacv2") if c.card]
    assert "HR digest" in texts(digest)
    reminders = [c.card for c in rig.connector.sent(PERSONAL_CHAT["boss"])
                 if c.card and "1 leave request waits for your decision" in texts(c.card)]
    assert len(reminders) == 1
    assert [a["verb"] for a in actions(reminders[0])] == ["approve", "reject"]

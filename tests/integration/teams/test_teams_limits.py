"""Limits at the Teams door: a flood is answered kindly and recorded once, strangers are on record,
oversized bodies are refused before anything runs, and a Bot Framework that never answers is retried."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from bot.server import MAX_BODY_BYTES
from bot.settings import Settings
from bot.teams.directory import TeamsDirectory
from core.commands import ApplyLeave
from core.ports import AuditQuery, UnitOfWork
from core.service import LeaveService
from core.shared.audit import RATE_LIMITED, UNKNOWN_PERSON
from core.views import AppliedView
from storage import tables
from tests.integration.limits import SLOW_DOWN, braked
from tests.integration.teams.conftest import TeamsRig, texts
from tests.unit.fakes import FixedClock

pytestmark = pytest.mark.asyncio


@pytest.fixture
def service(service: LeaveService, uow_factory: Callable[[], UnitOfWork], clock: FixedClock) -> LeaveService:
    """The seeded core (the conftest's), braked."""
    return braked(uow_factory, clock)


TIMEOUT_SECONDS = 0.5


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """Short time-outs, so that a Bot Framework that never answers is given up on quickly."""
    return settings.model_copy(update={"http_timeout_seconds": TIMEOUT_SECONDS})


async def test_a_flood_of_messages_and_clicks_is_answered_kindly_and_recorded_once(rig: TeamsRig) -> None:
    for _ in range(3):
        assert "Balances for Ananya Iyer" in texts(await rig.say("ananya", "balance"))
    assert SLOW_DOWN in texts(await rig.say("ananya", "apply casual 7 Dec"))
    status, body = await rig.click("ananya", "applyForm", {})
    assert status == 200 and SLOW_DOWN in texts(body["value"])
    assert rig.count(tables.leave_requests) == 0
    limited = rig.service.audit_log(AuditQuery(action=RATE_LIMITED))
    assert [(a.actor, a.source) for a in limited] == [("ananya@x.test", "teams")]
    assert "Balances for Rahul Verma" in texts(await rig.say("rahul", "balance"))


async def test_a_strangers_message_and_click_are_on_record(rig: TeamsRig) -> None:
    assert "ask HR to add you" in texts(await rig.say("stranger", "approve LV-1001"))
    status, body = await rig.click("stranger", "approve", {"requestId": "LV-1001"})
    assert status == 200 and "ask HR to add you" in texts(body["value"])
    entries = rig.service.audit_log(AuditQuery(action=UNKNOWN_PERSON))
    # The core records what was typed, and a click as its command's word (as for Slack).
    assert [(a.actor, a.detail, a.source) for a in entries] == [
        ("stranger@x.test", "approve LV-1001", "teams"), ("stranger@x.test", "approve", "teams")]


async def test_a_body_over_the_limit_is_refused_before_anything_runs(rig: TeamsRig) -> None:
    activity = rig.activity("message_personal", "ananya", text="x" * MAX_BODY_BYTES)
    response = await rig.post(activity)
    assert response.status == 413
    assert rig.connector.recorded() == [] and rig.addresses() == {}


async def test_a_bot_framework_that_never_answers_is_retried_later(rig: TeamsRig, silent: str) -> None:
    await rig.say("boss", "help")  # the boss's chat is known...
    reference = rig.addresses()["employee:E2"]
    reference["serviceUrl"] = f"{silent}/"  # ...but the Bot Framework behind it has hung
    TeamsDirectory(rig.service, rig.chat, rig.clock, rig.platform).remember({"employee:E2": reference})
    applied = rig.service.execute("ananya@x.test", ApplyLeave("casual", date(2026, 12, 7), date(2026, 12, 7)), "t")
    assert isinstance(applied, AppliedView)
    report = await rig.deliver()
    assert (report.delivered, report.retrying, report.given_up) == (0, 1, 0)
    assert "Teams could not be reached" in report.errors[0], report.errors  # the call itself timed out

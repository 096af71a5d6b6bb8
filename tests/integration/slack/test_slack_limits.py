"""Limits at the Slack door: a flood is answered politely and recorded once, oversized bodies are
refused before anything runs, a Slack that never answers is retried later, strangers are on record."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import date

import pytest

from bot.server import MAX_BODY_BYTES
from bot.slack import make_notifier
from core.commands import ApplyLeave
from core.ports import AuditQuery, UnitOfWork
from core.ports.chat import ChatStore
from core.service import LeaveService
from core.shared.audit import RATE_LIMITED, UNKNOWN_PERSON
from core.views import AppliedView
from tests.integration.limits import SLOW_DOWN, braked
from tests.integration.slack.conftest import ANANYA, FORM, NO_EMAIL, RAHUL, SlackHarness, slack_settings
from tests.integration.slack.fake_slack import FakeSlack, signed
from tests.integration.slack.test_slack_commands import shown
from tests.unit.fakes import FixedClock

pytestmark = pytest.mark.asyncio


@pytest.fixture
def service(service: LeaveService, uow_factory: Callable[[], UnitOfWork], clock: FixedClock) -> LeaveService:
    """The seeded core (the conftest's), braked."""
    return braked(uow_factory, clock)


async def test_a_flood_of_commands_is_answered_kindly_and_recorded_once(slack: SlackHarness) -> None:
    for _ in range(3):
        assert "Balances for Ananya Iyer" in shown(await slack.reply_to(ANANYA, "balance"))
    replies = [await slack.reply_to(ANANYA, "apply casual 7 Dec") for _ in range(3)]
    assert [shown(r) for r in replies] == [f":warning: {SLOW_DOWN}"] * 3
    assert slack.service.list_requests() == []
    limited = slack.service.audit_log(AuditQuery(action=RATE_LIMITED))
    assert [(a.actor, a.outcome, a.source) for a in limited] == [("ananya@x.test", "refused", "slack")]
    # Rahul is not held back by Ananya's flood.
    assert "Balances for Rahul Verma" in shown(await slack.reply_to(RAHUL, "balance"))


async def test_someone_without_an_email_on_slack_is_on_record(slack: SlackHarness) -> None:
    reply = await slack.reply_to(NO_EMAIL, "approve LV-1001")
    assert "couldn't read your e-mail address from Slack" in shown(reply)
    (entry,) = slack.service.audit_log(AuditQuery(action=UNKNOWN_PERSON))
    assert (entry.actor, entry.detail, entry.source) == (NO_EMAIL, "approve LV-1001", "slack")


async def test_a_body_over_the_limit_is_refused_before_anything_runs(slack: SlackHarness) -> None:
    body = "text=" + "x" * MAX_BODY_BYTES
    response = await slack.client.post("/slack/events", data=body, headers=signed(body, FORM))
    assert response.status == 413
    await slack.api.settle(quiet=0.2)
    assert slack.api.calls_to("users.info") == [] and slack.api.calls_to("response_url") == []
    # Just under the limit is read (and refused as Slack would refuse it: the signature is checked).
    small = "text=" + "x" * 1000
    assert (await slack.client.post("/slack/events", data=small, headers={"Content-Type": FORM})).status == 401


async def test_a_slack_that_never_answers_is_retried_later(service: LeaveService, chat_store: ChatStore,
                                                           silent: str) -> None:
    settings = slack_settings(FakeSlack(), slack_api_url=f"{silent}/api/", http_timeout_seconds=1)
    notifier = make_notifier(service, chat_store, settings)
    applied = service.execute("ananya@x.test", ApplyLeave("casual", date(2026, 12, 7), date(2026, 12, 7)), "test")
    assert isinstance(applied, AppliedView)
    report = await asyncio.get_running_loop().run_in_executor(None, service.deliver_notices, [notifier])
    assert (report.delivered, report.retrying, report.given_up) == (0, 1, 0)
    assert "Slack did not answer" in report.errors[0]

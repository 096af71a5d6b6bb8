"""A quick ``/leave`` question is answered in the HTTP response to the command itself; the rest after.

Slack shows the body of the acknowledgement as the reply, so a question that only reads needs no
second request to ``response_url``. What changes something is acknowledged empty and answered
through ``response_url``, and so is a question the core is too slow to answer in time.
"""

from __future__ import annotations

import threading
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from aiohttp import web
from sqlalchemy import Engine

from core.commands import Command
from core.ports import UnitOfWork
from core.service import Answer, ChatUser, LeaveService
from tests.integration.slack.conftest import (
    ACK,
    ANANYA,
    RAHUL,
    RESPONSE_URL,
    VIKRAM,
    Client,
    SlackHarness,
    serve_slack,
)
from tests.integration.slack.fake_slack import FakeSlack
from tests.integration.slack.test_slack_commands import shown
from tests.unit.fakes import FixedClock

pytestmark = pytest.mark.asyncio

#: How long a held core waits to be let go before the test is failed rather than hung.
HOLD_LIMIT = 30.0


def posted_to(api: FakeSlack, url: str) -> list[dict[str, Any]]:
    """What the bot posted to one command's ``response_url``."""
    name = url.rsplit("/", 1)[1]
    return [c.params for c in api.calls_to("response_url") if c.params.get("name") == name]


@pytest.mark.parametrize(("user", "typed", "expected"), [
    (ANANYA, "balance", "Balances for Ananya Iyer (ananya@x.test), 2026"),
    (ANANYA, "list", "LV-1001"),
    (VIKRAM, "pending", "LV-1001"),
    (ANANYA, "team 7 Dec", "Rahul Verma: Out, Mon 7 Dec 2026, back Tue 8 Dec 2026"),
    (ANANYA, "holidays 2026", "Fri 25 Dec 2026: Christmas"),
    (ANANYA, "help", "/leave balance"),
    (ANANYA, "plan casual 14 Dec to 16 Dec", "(nothing was created)"),
])
async def test_a_quick_question_is_answered_in_the_acknowledgement(slack: SlackHarness, user: str, typed: str,
                                                                   expected: str) -> None:
    await slack.reply_to(ANANYA, "apply casual 7 Dec")
    await slack.reply_to(RAHUL, "apply casual 7 Dec")
    url = slack.response_url()
    response = await slack.command(user, typed, response_url=url)
    assert response.status == 200 and response.content_type == "application/json"
    body = await response.json()
    assert body["response_type"] == "ephemeral"
    assert body["text"] and body["blocks"]
    assert expected in shown(body)
    await slack.api.settle(quiet=0.2)
    assert posted_to(slack.api, url) == []  # no second request: the acknowledgement was the reply


async def test_a_refusal_is_answered_in_the_acknowledgement_too(slack: SlackHarness) -> None:
    answer = await slack.answer(ANANYA, "aply casual tomorrow")
    assert answer.way == ACK
    assert "I don't know 'aply'" in shown(answer.message)


async def test_an_application_is_acknowledged_empty_and_answered_through_response_url(slack: SlackHarness) -> None:
    url = slack.response_url()
    response = await slack.command(ANANYA, "apply casual 7 Dec to 9 Dec family visit", response_url=url)
    assert response.status == 200 and await response.text() == ""
    [reply] = await slack.api.wait_for_calls(lambda: posted_to(slack.api, url))
    assert reply["response_type"] == "ephemeral"
    assert "*LV-1001* submitted" in shown(reply)
    assert (await slack.answer(ANANYA, "cancel LV-1001")).way == RESPONSE_URL


class HeldService(LeaveService):
    """The core, except that a balance is not looked up until the test lets it (:attr:`release`)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.release = threading.Event()
        self.asked = threading.Event()

    def answer(self, who: ChatUser, asked: str | Command, *args: Any, **kwargs: Any) -> Answer | None:
        if asked == "balance":
            self.asked.set()
            if not self.release.wait(HOLD_LIMIT):
                raise AssertionError("the test never let the balance be looked up")
        return super().answer(who, asked, *args, **kwargs)


async def test_a_question_the_core_is_slow_to_answer_is_acknowledged_empty_and_answered_after(
        slack_api: FakeSlack, service: LeaveService, uow_factory: Callable[[], UnitOfWork], engine: Engine,
        clock: FixedClock, aiohttp_client: Callable[[web.Application], Awaitable[Client]]) -> None:
    held = HeldService(uow_factory, clock, default_time_zone="Asia/Kolkata")  # ``service`` has seeded the database
    slack = await serve_slack(slack_api, held, engine, clock, aiohttp_client)
    url = slack.response_url()
    try:
        response = await slack.command(ANANYA, "balance", response_url=url)
        assert response.status == 200 and await response.text() == ""  # acknowledged while the core still works
        assert held.asked.is_set() and posted_to(slack_api, url) == []
    finally:
        held.release.set()
    [reply] = await slack_api.wait_for_calls(lambda: posted_to(slack_api, url))
    assert reply["response_type"] == "ephemeral"
    assert "Balances for Ananya Iyer (ananya@x.test), 2026" in shown(reply)
    await slack_api.settle(quiet=0.2)
    assert len(posted_to(slack_api, url)) == 1


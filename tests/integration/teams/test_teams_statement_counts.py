"""A Teams message or card click is one transaction too, counted as the Slack commands are
(:mod:`tests.integration.test_statement_counts`): the sender is found in the command's own
transaction, and the conversation, stored once, costs nothing more.

Counted in the steady state of a running door: Ananya and Vikram have talked to it (linked, their
chats stored) and an application has drawn a card with its watchers.
"""

from __future__ import annotations

import pytest
import pytest_asyncio
from sqlalchemy import Engine

from tests.integration.teams.bot_framework import OpenIdStandIn
from tests.integration.teams.conftest import TeamsRig, texts
from tests.integration.teams.test_teams_authenticated import message, reply_text, send
from tests.integration.test_statement_counts import (
    APPLY_STATEMENTS,
    BALANCE_STATEMENTS,
    DECIDE_STATEMENTS,
    counted,
    read_only_beginning,
)

pytestmark = pytest.mark.asyncio


@pytest_asyncio.fixture
async def running(teams: TeamsRig, openid: OpenIdStandIn) -> TeamsRig:
    """Teams with an app id, in its steady state."""
    for who in ("ananya", "boss"):
        await send(teams, openid, message(teams, who, "help"))
    await send(teams, openid, message(teams, "ananya", "apply casual 1 Dec 2026"))
    return teams


async def test_a_balance_is_one_read_only_transaction(running: TeamsRig, openid: OpenIdStandIn,
                                                      engine: Engine) -> None:
    with counted(engine) as counts:
        reply = await send(running, openid, message(running, "ananya", "balance"))
    assert "Balances for Ananya Iyer" in reply_text(reply)
    assert counts.one_transaction(commits=0), counts
    assert counts.began == [read_only_beginning(engine)], counts.began
    assert len(counts.queries) <= BALANCE_STATEMENTS, counts.queries


async def test_an_application_by_text_is_one_transaction(running: TeamsRig, openid: OpenIdStandIn,
                                                         engine: Engine) -> None:
    with counted(engine) as counts:
        reply = await send(running, openid, message(running, "ananya", "apply casual 7 Dec 2026"))
    assert "submitted" in reply_text(reply)
    assert counts.one_transaction(commits=1), counts
    assert len(counts.queries) <= APPLY_STATEMENTS, counts.queries


async def test_an_approval_click_is_one_transaction(running: TeamsRig, openid: OpenIdStandIn, engine: Engine) -> None:
    (pending,) = running.service.list_requests("ananya@x.test")
    activity = running.activity("invoke_adaptive_card_action", "boss")
    activity["value"] = {"action": {"type": "Action.Execute", "verb": "approve", "data": {"requestId": pending.id}},
                         "trigger": "manual"}
    token = openid.token(activity["serviceUrl"])
    with counted(engine) as counts:
        response = await running.post(activity, headers={"Authorization": f"Bearer {token}"})
        body = await response.json()
    assert response.status == 200 and f"{pending.number} approved" in texts(body["value"]), body
    assert counts.one_transaction(commits=1), counts
    assert len(counts.queries) <= DECIDE_STATEMENTS, counts.queries

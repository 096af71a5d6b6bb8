"""Two small Teams holes: a card button with a request id no request can have, and a Bot Framework
token that never expires.

The first is made through the Emulator door (the approver's own click, with the id changed); the
second with a token signed by the right key, against a local stand-in of the Bot Framework's
OpenID metadata and keys, as ``tests/integration/teams/test_teams_auth.py`` mints them.
"""

from __future__ import annotations

import time
from datetime import date
from typing import Any

import jwt
import pytest
from sqlalchemy import Engine, select

from core.commands import ApplyLeave
from core.domain.model import RequestStatus
from core.views import AppliedView
from storage import tables
from tests.integration.teams.bot_framework import APP_ID, ISSUER, KEY_ID, OpenIdStandIn
from tests.integration.teams.conftest import RigFactory, TeamsRig, actions, texts

pytestmark = pytest.mark.asyncio

WATCHED = (tables.leave_requests, tables.approval_decisions, tables.ledger_entries, tables.audit_log, tables.outbox,
           tables.chat_addresses, tables.chat_cards, tables.employees)




def contents(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    with engine.connect() as connection:
        return {table.name: sorted((tuple(row) for row in connection.execute(select(table))), key=repr)
                for table in WATCHED}


def pending_request(door: TeamsRig) -> int:
    applied = door.service.execute("ananya@x.test", ApplyLeave("casual", date(2026, 12, 7), date(2026, 12, 7)), "test")
    assert isinstance(applied, AppliedView)
    return applied.request.id


@pytest.mark.parametrize("request_id", [
    2**70, 2**63, 2**31, -1, 0, 1.5, 1e308, True, None, [], {"id": 1}, "", "not a number", "LV-99999999999999999",
    "-5", "x" * 10_000, "LV-" + "9" * 10_000,
], ids=lambda value: repr(value)[:24])
async def test_a_request_id_no_request_can_have_is_refused_cleanly(rig: TeamsRig, request_id: Any) -> None:
    real = pending_request(rig)
    await rig.say("boss", "help")  # the approver's chat is known before the attack, as it would be
    rig.connector.clear()
    before = contents(rig.engine)
    for verb in ("approve", "reject", "refresh"):
        status, body = await rig.click("boss", verb, {"requestId": request_id, "reason": "x"})
        assert status == 200, body
        shown = texts(body["value"])
        assert "request" in shown.lower() and actions(body["value"]) == [], shown
    assert contents(rig.engine) == before
    # The answer is the invoke's own: nothing was posted or updated (the Emulator mode asks who is clicking).
    assert [call.path for call in rig.connector.recorded() if call.method != "GET"] == []
    # The same click with the real id decides: only the id was wrong.
    status, body = await rig.click("boss", "approve", {"requestId": real})
    assert status == 200 and rig.service.list_requests("ananya@x.test")[0].status is RequestStatus.APPROVED


async def test_a_token_without_an_expiry_is_refused(make_rig: RigFactory, openid: OpenIdStandIn) -> None:
    door = await make_rig(openid.config())
    real = pending_request(door)
    door.service.link_by_email("teams", "aad-boss", "boss@x.test")  # so that the turn needs no connector call
    activity = door.activity("invoke_adaptive_card_action", "boss")
    activity["value"]["action"] = {"type": "Action.Execute", "verb": "approve", "data": {"requestId": real}}
    now = int(time.time())
    claims = {"iss": ISSUER, "aud": APP_ID, "serviceurl": activity["serviceUrl"], "nbf": now - 60, "iat": now - 60}
    forever = jwt.encode(claims, openid.key, algorithm="RS256", headers={"kid": KEY_ID})
    before = contents(door.engine)
    response = await door.post(activity, headers={"Authorization": f"Bearer {forever}"})
    assert response.status == 401
    assert contents(door.engine) == before and door.connector.recorded() == []
    assert door.service.list_requests("ananya@x.test")[0].status is RequestStatus.PENDING
    # The same token with an expiry gets in: only the missing ``exp`` was refused.
    response = await door.post(activity, headers={"Authorization": f"Bearer {openid.token(activity['serviceUrl'])}"})
    assert response.status == 200, await response.text()
    assert door.service.list_requests("ananya@x.test")[0].status is RequestStatus.APPROVED

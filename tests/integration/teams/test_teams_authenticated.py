"""Teams with an app id, end to end: a person is linked once from their member info, and every call
the bot makes to Teams carries the bot's own token.

Activities come in with a valid Bot Framework token (the OpenID stand-in of
:mod:`tests.integration.teams.bot_framework`); the bot's token for its calls out comes from
``MICROSOFT_LOGIN_URL``, here the stand-in of Microsoft's sign-in service that ``leavebot doctor``
is tested against.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import select

from core.directory.identity import LINK
from storage import tables
from tests.integration.calendars.stand_in import MicrosoftStandIn
from tests.integration.teams.bot_framework import OpenIdStandIn
from tests.integration.teams.conftest import PERSONAL_CHAT, TeamsRig, actions, texts
from tests.integration.teams.connector import Call

pytestmark = pytest.mark.asyncio

#: What the sign-in stand-in hands out for a good secret, as the bot must then present it.
BOT_TOKEN = "Bearer m-token"


def message(rig: TeamsRig, who: str, text: str) -> dict[str, Any]:
    return rig.activity("message_personal", who, text=text)


async def send(rig: TeamsRig, openid: OpenIdStandIn, activity: dict[str, Any]) -> Call:
    """Post ``activity`` as Teams does, with a valid token; returns the bot's one reply."""
    chat = activity["conversation"]["id"]
    before = len(rig.connector.sent(chat))
    token = openid.token(activity["serviceUrl"])
    response = await rig.post(activity, headers={"Authorization": f"Bearer {token}"})
    assert response.status in (200, 201), await response.text()
    sent = rig.connector.sent(chat)
    assert len(sent) == before + 1, [c.path for c in sent]
    return sent[-1]


def member_info_asked(rig: TeamsRig) -> list[str]:
    """The Teams users whose member info the bot asked for, in order."""
    return [c.path.rsplit("/members/", 1)[1] for c in rig.connector.recorded("GET") if "/members/" in c.path]


def teams_links(rig: TeamsRig) -> dict[str, str]:
    """Employee id -> linked AAD object id, for everyone linked to a Teams account."""
    column = tables.employees.c.teams_aad_object_id
    with rig.engine.connect() as connection:
        return dict(connection.execute(select(tables.employees.c.employee_id, column).where(column.is_not(None))).all())


def link_audit(rig: TeamsRig) -> list[tuple[str, str, str]]:
    """The ``identity.link`` entries as (actor, outcome, detail)."""
    return [(e.actor, e.outcome, e.detail) for e in rig.service.audit_log() if e.action == LINK]


def reply_text(call: Call) -> str:
    return texts(call.card) if call.card is not None else str(call.body.get("text") or "")


async def test_the_first_message_links_the_person_once_and_the_next_asks_teams_nothing(
        teams: TeamsRig, openid: OpenIdStandIn, microsoft: MicrosoftStandIn) -> None:
    assert teams_links(teams) == {} and link_audit(teams) == []
    reply = await send(teams, openid, message(teams, "ananya", "balance"))
    assert "Balances for Ananya Iyer, 2026" in reply_text(reply)
    assert reply.conversation_id == PERSONAL_CHAT["ananya"] and reply.activity_id == "1732509000000"
    assert member_info_asked(teams) == ["29:1ananya-mri"]
    assert teams_links(teams) == {"E3": "aad-ananya"}
    assert link_audit(teams) == [("ananya@x.test", "ok", "aad-ananya")]
    reference = teams.addresses()["employee:E3"]
    assert reference["conversation"]["id"] == PERSONAL_CHAT["ananya"]
    assert reference["serviceUrl"] == teams.connector.url

    second = await send(teams, openid, message(teams, "ananya", "help"))
    assert "Hi Ananya Iyer" in reply_text(second)
    assert member_info_asked(teams) == ["29:1ananya-mri"]  # remembered: Teams is not asked again
    assert teams_links(teams) == {"E3": "aad-ananya"}
    assert len(link_audit(teams)) == 1
    assert [c.authorization for c in teams.connector.recorded()] == [BOT_TOKEN] * 3
    assert microsoft.calls.token_calls == 1  # asked once, then reused


async def test_the_approvers_card_goes_to_their_stored_chat_with_the_bots_token(
        teams: TeamsRig, openid: OpenIdStandIn) -> None:
    await send(teams, openid, message(teams, "boss", "help"))  # Vikram has talked to the bot
    applied = await send(teams, openid, message(teams, "ananya", "apply casual 7 Dec to 9 Dec family visit"))
    found = re.search(r"LV-\d+", reply_text(applied))
    assert found and f"{found.group()} submitted" in reply_text(applied)
    reference = teams.addresses()["employee:E2"]
    teams.connector.clear()

    report = await teams.deliver()

    assert (report.delivered, report.retrying, report.errors) == (1, 0, [])
    (notice,) = teams.connector.recorded()
    assert notice.method == "POST" and notice.activity_id is None  # a new message, not a reply
    assert notice.path == f"/v3/conversations/{reference['conversation']['id']}/activities"
    assert reference["conversation"]["id"] == PERSONAL_CHAT["boss"] and reference["serviceUrl"] == teams.connector.url
    assert notice.card is not None and found.group() in texts(notice.card)
    assert [a["verb"] for a in actions(notice.card)] == ["approve", "reject"]
    assert notice.authorization == BOT_TOKEN


async def test_a_second_account_showing_a_linked_persons_email_is_refused_and_audited(
        teams: TeamsRig, openid: OpenIdStandIn) -> None:
    await send(teams, openid, message(teams, "ananya", "balance"))
    other = ("29:1other-mri", "aad-other", "Ananya Iyer", "ananya@x.test")
    teams.connector.add_member(*other)
    activity = message(teams, "ananya", "balance")
    activity["from"] = {"id": other[0], "name": other[2], "aadObjectId": other[1]}
    activity["conversation"]["id"] = "a:1personal-other"
    addresses = teams.addresses()
    requests = teams.count(tables.leave_requests)

    reply = await send(teams, openid, activity)

    assert "already linked to another Teams account" in reply_text(reply) and "ask HR" in reply_text(reply)
    assert "Balances for" not in reply_text(reply)
    assert member_info_asked(teams) == ["29:1ananya-mri", "29:1other-mri"]
    assert teams_links(teams) == {"E3": "aad-ananya"}  # not moved to the new account
    assert teams.service.linked_employee("teams", "aad-other") is None
    assert teams.addresses() == addresses  # the other account's chat is nobody's address
    assert teams.count(tables.leave_requests) == requests
    (refused,) = [entry for entry in link_audit(teams) if entry[1] == "refused"]
    assert refused[0] == "aad-other" and "aad-ananya" in refused[2]

"""Typed commands in Teams: a personal chat with or without /leave, a channel with an @mention."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from core.domain.model import RequestStatus
from storage import tables
from tests.integration.teams.conftest import PERSONAL_CHAT, TeamsRig, actions, texts

pytestmark = pytest.mark.asyncio


async def test_balance_in_a_personal_chat_names_the_person_and_remembers_the_chat(rig: TeamsRig) -> None:
    card = await rig.say("ananya", "balance")
    assert card["version"] == "1.5"
    assert "Balances for Ananya Iyer, 2026" in texts(card)
    reply = rig.connector.sent(PERSONAL_CHAT["ananya"])[-1]
    assert reply.activity_id == "1732509000000"  # a reply to the message, in the same chat
    assert rig.connector.recorded("GET")[0].path.endswith("/members/29:1ananya-mri")
    reference = rig.addresses()["employee:E3"]
    assert reference["conversation"]["id"] == PERSONAL_CHAT["ananya"]
    assert reference["user"]["id"] == "29:1ananya-mri" and "activityId" not in reference
    # Unauthenticated (the Emulator mode), so nobody is linked: member info is asked on every turn.
    assert rig.service.linked_employee("teams", "aad-ananya") is None
    await rig.say("ananya", "/leave balance")
    assert len(rig.connector.recorded("GET")) == 2


def number_in(card: dict[str, Any]) -> str:
    found = re.search(r"LV-\d+", texts(card))
    assert found, texts(card)
    return found.group()


async def test_every_command_in_a_personal_chat(rig: TeamsRig) -> None:
    assert "Hi Ananya Iyer, here is what you can type" in texts(await rig.say("ananya", "help"))
    assert "Hi Ananya Iyer" in texts(await rig.say("ananya", ""))
    form = await rig.say("ananya", "/leave apply")
    assert [a["verb"] for a in actions(form)] == ["apply"]
    applied = await rig.say("ananya", "apply casual 7 Dec to 9 Dec family visit")
    first = number_in(applied)
    assert f"{first} submitted" in texts(applied) and "Waiting for Vikram Rao" in texts(applied)
    second = number_in(await rig.say("ananya", "/leave apply sick 14 Dec"))
    listed = texts(await rig.say("ananya", "list"))
    assert "Your requests" in listed and first in listed and second in listed
    team = texts(await rig.say("rahul", "team 8 Dec"))
    assert "Ananya Iyer: Out, Mon 7 Dec 2026 to Wed 9 Dec 2026, back Thu 10 Dec 2026" in team  # a colleague: no type
    assert "Holidays in 2026" in texts(await rig.say("ananya", "holidays 2026"))
    pending = await rig.say("boss", "pending")
    assert "Waiting for your decision" in texts(pending)
    assert {(a["verb"], a["data"]["requestNumber"]) for a in actions(pending)} == {
        ("approve", first), ("reject", first), ("approve", second), ("reject", second)}
    assert f"{first} approved" in texts(await rig.say("boss", f"approve {first}"))
    rejected = texts(await rig.say("boss", f"reject {second} release week"))
    assert f"{second} rejected" in rejected and "release week" in rejected
    assert "Leave report, 2026-Q4" in texts(await rig.say("hr", "report 2026-Q4"))
    cancelled = texts(await rig.say("ananya", f"cancel {first}"))
    assert f"{first} cancelled" in cancelled and "3 days restored" in cancelled
    assert "I don't know 'frobnicate'" in texts(await rig.say("ananya", "frobnicate"))
    statuses = {r.number: r.status for r in rig.service.list_requests("ananya@x.test")}
    assert statuses == {first: RequestStatus.CANCELLED, second: RequestStatus.REJECTED}


async def test_a_channel_message_mentioning_the_bot_is_answered_in_the_thread(rig: TeamsRig) -> None:
    activity = rig.activity("message_channel_mention", "ananya")
    response = await rig.post(activity)
    assert response.status in (200, 201)
    thread = "19:engineering@thread.tacv2;messageid=1732509060000"
    (reply,) = rig.connector.sent(thread)
    assert reply.card is not None and "Balances for Ananya Iyer" in texts(reply.card)
    assert rig.connector.recorded("GET")[0].path == f"/v3/conversations/{thread}/members/29:1ananya-mri"
    addresses = rig.addresses()
    assert addresses["channel:19:team-general@thread.tacv2:19:engineering@thread.tacv2"]["conversation"]["id"] == (
        "19:engineering@thread.tacv2")
    assert addresses["member:E3"]["user"]["id"] == "29:1ananya-mri"
    assert "employee:E3" not in addresses  # a channel is not a way to reach her privately


async def test_a_person_mentioned_in_a_command_is_found_by_their_e_mail(rig: TeamsRig) -> None:
    activity = rig.activity("message_personal", "boss", text="balance <at>Rahul Verma</at>")
    activity["entities"] = [{"type": "mention", "text": "<at>Rahul Verma</at>",
                             "mentioned": {"id": "29:1rahul-mri", "name": "Rahul Verma"}}]
    response = await rig.post(activity)
    assert response.status in (200, 201)
    card = rig.connector.sent(PERSONAL_CHAT["boss"])[-1].card
    assert card is not None and "Balances for Rahul Verma" in texts(card)


async def test_someone_hr_has_not_added_is_told_so_and_nothing_is_stored(rig: TeamsRig) -> None:
    card = await rig.say("stranger", "balance")
    assert "ask HR to add you (your e-mail: stranger@x.test)" in texts(card)
    assert rig.service.linked_employee("teams", "aad-stranger") is None
    assert rig.addresses() == {}
    assert rig.count(tables.leave_requests) == 0


async def test_a_group_chat_works_like_a_channel(rig: TeamsRig) -> None:
    activity = rig.activity("message_channel_mention", "rahul", text="<at>LeaveBot</at> /leave holidays 2026")
    activity["conversation"] = {"isGroup": True, "conversationType": "groupChat", "tenantId": "tenant-1",
                                "id": "19:group-chat@thread.v2"}
    activity["channelData"] = {"tenant": {"id": "tenant-1"}}
    assert (await rig.post(activity)).status in (200, 201)
    (reply,) = rig.connector.sent("19:group-chat@thread.v2")
    assert reply.card is not None and "Holidays in 2026" in texts(reply.card)
    assert {"chat:19:group-chat@thread.v2", "member:E4"} <= set(rig.addresses())


async def test_the_dashboard_link_is_given_only_in_a_personal_chat(rig: TeamsRig) -> None:
    activity = rig.activity("message_channel_mention", "ananya", text="<at>LeaveBot</at> web")
    assert (await rig.post(activity)).status in (200, 201)
    (reply,) = rig.connector.sent("19:engineering@thread.tacv2;messageid=1732509060000")
    assert reply.card is not None and "only in our 1:1 chat" in texts(reply.card)
    assert "/web/sign-in/" not in json.dumps(reply.card)
    personal = texts(await rig.say("ananya", "web"))
    assert "Your dashboard link" in personal and "/web/sign-in/" in personal

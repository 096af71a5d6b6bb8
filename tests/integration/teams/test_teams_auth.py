"""``/api/messages`` with an app id: only requests carrying a valid Bot Framework token get in.

The valid token is proven against a local stand-in of the Bot Framework's OpenID metadata and
keys (a throwaway RSA key), configured through the same endpoint settings a national cloud uses.
"""

from __future__ import annotations

import time
from datetime import date

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from bot.teams import TeamsConfig
from core.commands import ApplyLeave
from core.views import AppliedView
from storage import tables
from tests.integration.teams.bot_framework import APP_ID, OpenIdStandIn
from tests.integration.teams.conftest import RigFactory, TeamsRig, actions, remote_from_header, texts

pytestmark = pytest.mark.asyncio


def snapshot(rig: TeamsRig) -> tuple[int, int, int, int]:
    """What a request could change: addresses, links and audit rows, requests, connector calls."""
    return (rig.count(tables.chat_addresses), len(rig.service.audit_log()), rig.count(tables.leave_requests),
            len(rig.connector.recorded()))


async def test_requests_without_a_valid_token_get_401_and_change_nothing(make_rig: RigFactory) -> None:
    rig = await make_rig(TeamsConfig(APP_ID=APP_ID, APP_PASSWORD="secret"))
    before = snapshot(rig)
    message = rig.activity("message_personal", "ananya", text="apply casual 7 Dec family")
    secret = "a shared secret that the Bot Framework never uses"
    forged = jwt.encode({"iss": "https://evil.example", "aud": APP_ID}, secret, algorithm="HS256")
    for headers in ({}, {"Authorization": "Bearer garbage"}, {"Authorization": "garbage"},
                    {"Authorization": f"Bearer {forged}"}):
        response = await rig.post(message, headers=headers)
        assert response.status == 401, headers
    assert snapshot(rig) == before


async def test_a_valid_token_gets_in_and_a_forged_one_does_not(make_rig: RigFactory, openid: OpenIdStandIn) -> None:
    rig = await make_rig(openid.config())
    day = date(2026, 12, 7)
    applied = rig.service.execute("ananya@x.test", ApplyLeave("casual", day, day), "test")
    assert isinstance(applied, AppliedView)
    rig.service.link_by_email("teams", "aad-boss", "boss@x.test")  # so that the turn needs no connector call
    activity = rig.activity("invoke_adaptive_card_action", "boss")
    activity["value"]["action"] = {"type": "Action.Execute", "verb": "refresh",
                                   "data": {"requestId": applied.request.id}}
    service_url = activity["serviceUrl"]
    before = snapshot(rig)
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    refused = {
        "signed by another key": openid.token(service_url, key=other_key),
        "expired": openid.token(service_url, exp=int(time.time()) - 3600, nbf=int(time.time()) - 7200),
        "for another bot": openid.token(service_url, aud="another-app"),
        "for another service url": openid.token("https://elsewhere.example/"),
        "from another issuer": openid.token(service_url, iss="https://evil.example"),
    }
    for why, token in refused.items():
        response = await rig.post(activity, headers={"Authorization": f"Bearer {token}"})
        assert response.status == 401, why
    assert snapshot(rig) == before
    response = await rig.post(activity, headers={"Authorization": f"Bearer {openid.token(service_url)}"})
    assert response.status == 200, await response.text()
    card = (await response.json())["value"]
    assert [a["verb"] for a in actions(card)] == ["approve", "reject"] and applied.request.number in texts(card)


async def test_without_an_app_id_only_this_machine_may_talk_to_the_bot(make_rig: RigFactory) -> None:
    rig = await make_rig(middlewares=(remote_from_header(),))
    message = rig.activity("message_personal", "ananya")
    response = await rig.post(message, headers={"X-Test-Remote": "203.0.113.9"})
    assert response.status == 403
    assert rig.connector.recorded() == [] and rig.count(tables.chat_addresses) == 0
    response = await rig.post(message, headers={"X-Test-Remote": "::1"})
    assert response.status in (200, 201)
    assert rig.connector.sent()


async def test_what_is_not_an_activity_is_refused(rig: TeamsRig) -> None:
    json_type = {"Content-Type": "application/json"}
    assert (await rig.client.post("/api/messages", data="{", headers=json_type)).status == 400
    assert (await rig.client.post("/api/messages", json={"text": "hi"})).status == 400
    assert (await rig.client.post("/api/messages", data="hi", headers={"Content-Type": "text/plain"})).status == 415

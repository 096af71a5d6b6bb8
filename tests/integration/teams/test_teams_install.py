"""Installs: a team's channels are stored for the scheduler's posts."""

from __future__ import annotations

import pytest

from tests.integration.teams.conftest import TeamsRig

pytestmark = pytest.mark.asyncio

TEAM = "19:team-general@thread.tacv2"
CHANNELS = [{"id": TEAM}, {"id": "19:hr@thread.tacv2", "name": "HR"}, {"id": "19:eng@thread.tacv2", "name": "Eng"}]


@pytest.mark.parametrize("event", ["conversation_update_bot_added_to_team", "installation_update_add_team"])
async def test_adding_the_bot_to_a_team_stores_every_channel(rig: TeamsRig, event: str) -> None:
    rig.connector.channels[TEAM] = CHANNELS
    response = await rig.post(rig.activity(event, "hr"))
    assert response.status in (200, 201)
    assert [c.path for c in rig.connector.recorded("GET")][-1] == f"/v3/teams/{TEAM}/conversations"
    channels = {key: ref for key, ref in rig.addresses().items() if key.startswith("channel:")}
    assert sorted(channels) == sorted(f"channel:{TEAM}:{c['id']}" for c in CHANNELS)
    hr = channels[f"channel:{TEAM}:19:hr@thread.tacv2"]
    assert hr["conversation"]["id"] == "19:hr@thread.tacv2" and hr["serviceUrl"] == rig.connector.url
    assert rig.notifier.channels()[f"channel:{TEAM}:19:hr@thread.tacv2"] == "HR"
    assert rig.connector.sent() == []  # nothing is posted to a team uninvited


async def test_a_new_channel_is_stored_too(rig: TeamsRig) -> None:
    activity = rig.activity("conversation_update_bot_added_to_team", "hr")
    del activity["membersAdded"]
    activity["channelData"].update(eventType="channelCreated",
                                   channel={"id": "19:payroll@thread.tacv2", "name": "Payroll"})
    assert (await rig.post(activity)).status in (200, 201)
    assert rig.addresses()[f"channel:{TEAM}:19:payroll@thread.tacv2"]["conversation"]["name"] == "Payroll"


async def test_a_team_whose_channels_cannot_be_listed_keeps_the_channel_it_was_added_in(rig: TeamsRig) -> None:
    rig.connector.fail("GET", r"/v3/teams/", 500, times=5)
    assert (await rig.post(rig.activity("conversation_update_bot_added_to_team", "hr"))).status in (200, 201)
    assert f"channel:{TEAM}:{TEAM}" in rig.addresses()

"""Where a Teams activity's conversation is remembered, and under which keys."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from botbuilder.schema import Activity

from bot.teams.references import addresses_for, channel_reference, reference_of, to_reference, user_id

PAYLOADS = Path(__file__).resolve().parents[1] / "payloads" / "teams"


def activity(name: str) -> Activity:
    data: dict[str, Any] = json.loads((PAYLOADS / f"{name}.json").read_text())
    parsed: Activity = Activity().deserialize(data)
    return parsed


def test_a_personal_chat_is_remembered_for_the_employee_without_the_message_id() -> None:
    found = addresses_for(activity("message_personal"), "E3")
    assert list(found) == ["employee:E3"]
    reference = found["employee:E3"]
    assert "activityId" not in reference
    assert reference["conversation"]["id"] == "a:1personal-ananya"
    assert user_id(reference) == "29:1ananya-mri"
    assert to_reference(reference).service_url == "https://smba.trafficmanager.net/in/"


def test_an_unknown_person_in_a_personal_chat_is_not_remembered() -> None:
    assert addresses_for(activity("message_personal"), None) == {}


def test_a_channel_message_remembers_the_channel_root_and_the_person_met_there() -> None:
    found = addresses_for(activity("message_channel_mention"), "E3")
    assert sorted(found) == ["channel:19:team-general@thread.tacv2:19:engineering@thread.tacv2", "member:E3"]
    channel = found["channel:19:team-general@thread.tacv2:19:engineering@thread.tacv2"]
    assert channel["conversation"]["id"] == "19:engineering@thread.tacv2"  # a new thread, not a reply


def test_a_team_install_remembers_the_general_channel() -> None:
    found = addresses_for(activity("conversation_update_bot_added_to_team"), None)
    assert list(found) == ["channel:19:team-general@thread.tacv2:19:team-general@thread.tacv2"]


def test_a_group_chat_is_remembered_by_its_conversation() -> None:
    group = activity("message_channel_mention")
    group.conversation.conversation_type = "groupChat"
    group.conversation.id = "19:group@thread.v2"
    group.channel_data = {"tenant": {"id": "tenant-1"}}
    assert sorted(addresses_for(group, "E3")) == ["chat:19:group@thread.v2", "member:E3"]


def test_another_channel_of_the_team_is_reached_through_any_reference_into_it() -> None:
    base = reference_of(activity("message_channel_mention"))
    other = channel_reference(base, "19:hr@thread.tacv2", "HR")
    assert other["conversation"]["id"] == "19:hr@thread.tacv2" and other["conversation"]["name"] == "HR"
    assert other["serviceUrl"] == base["serviceUrl"] and base["conversation"]["id"] != other["conversation"]["id"]

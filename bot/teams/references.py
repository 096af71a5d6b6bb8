"""Conversation references: how the bot reaches a person or a channel later, without being asked.

A reference is stored as the JSON the Bot Framework uses (camelCase keys) under a key that says
whom it reaches: ``employee:E3`` for a person's personal chat with the bot, ``member:E3`` for a
person met only in a channel or group chat (enough to open a personal chat), ``channel:<team
id>:<channel id>`` for a channel, ``chat:<conversation id>`` for a group chat.
"""

from __future__ import annotations

from typing import Any

from botbuilder.core import TurnContext
from botbuilder.schema import Activity, ConversationReference

Reference = dict[str, Any]

PERSONAL = "personal"
#: The key of a conversation's tenant in the SDK's serialized form.
TENANT_KEY = "tenantID"
CHANNEL = "channel"


def reference_of(activity: Activity) -> Reference:
    """The reference of the conversation an activity came from, without the activity's own id.

    The id is dropped so that a proactive message starts a new message instead of replying to an
    old one (and so that the stored text only changes when the conversation does). In a channel
    the thread suffix (``;messageid=...``) is dropped too, so that posts start new threads.
    """
    data: Reference = TurnContext.get_conversation_reference(activity).serialize()
    data.pop("activityId", None)
    conversation = dict(data.get("conversation") or {})
    if conversation.get("conversationType") == CHANNEL and "id" in conversation:
        conversation["id"] = str(conversation["id"]).split(";", 1)[0]
    # Teams sends the tenant as ``tenantId`` and in ``channelData``; the SDK's model reads only
    # ``tenantID``, and proactive messages and new chats need it.
    tenant = conversation.get(TENANT_KEY) or _channel_data_tenant(activity)
    if tenant:
        conversation[TENANT_KEY] = tenant
    data["conversation"] = conversation
    return data


def tenant_of(reference: Reference) -> str | None:
    value = (reference.get("conversation") or {}).get(TENANT_KEY)
    return str(value) if value else None


def _channel_data_tenant(activity: Activity) -> str | None:
    data = activity.channel_data if isinstance(activity.channel_data, dict) else {}
    tenant = (data.get("tenant") or {}).get("id")
    return str(tenant) if tenant else None


def to_reference(data: Reference) -> ConversationReference:
    reference: ConversationReference = ConversationReference().deserialize(data)
    return reference


def conversation_type(activity: Activity) -> str:
    conversation = activity.conversation
    return (getattr(conversation, "conversation_type", None) or PERSONAL) if conversation else PERSONAL


def team_and_channel(activity: Activity) -> tuple[str | None, str | None]:
    """The team and channel ids of a channel activity, from Teams' ``channelData``."""
    data = activity.channel_data if isinstance(activity.channel_data, dict) else {}
    team = (data.get("team") or {}).get("id") or data.get("teamsTeamId")
    channel = (data.get("channel") or {}).get("id") or data.get("teamsChannelId")
    return team, channel


def channel_key(team_id: str, channel_id: str) -> str:
    return f"channel:{team_id}:{channel_id}"


def employee_key(employee_id: str) -> str:
    return f"employee:{employee_id}"


def member_key(employee_id: str) -> str:
    return f"member:{employee_id}"


def addresses_for(activity: Activity, employee_id: str | None) -> dict[str, Reference]:
    """Every key under which this activity's conversation should be remembered.

    Bots never hear their own messages, so the sender is always a person (or, for installs, the
    person who installed the app).
    """
    reference = reference_of(activity)
    kind = conversation_type(activity)
    found: dict[str, Reference] = {}
    if kind == PERSONAL:
        if employee_id:
            found[employee_key(employee_id)] = reference
        return found
    if employee_id:
        found[member_key(employee_id)] = reference
    team_id, channel_id = team_and_channel(activity)
    # A team's install event names the team only; it arrives in the General channel, whose id it is.
    channel_id = channel_id or reference["conversation"].get("id")
    if kind == CHANNEL and team_id and channel_id:
        found[channel_key(team_id, channel_id)] = reference
    elif kind != CHANNEL:
        found[f"chat:{reference['conversation'].get('id', '')}"] = reference
    return found


def channel_reference(base: Reference, channel_id: str, name: str | None) -> Reference:
    """A reference to another channel of the same team, built from any reference into the team."""
    data = dict(base)
    conversation = dict(data.get("conversation") or {})
    conversation.update(id=channel_id, conversationType=CHANNEL, isGroup=True)
    if name:
        conversation["name"] = name
    else:
        conversation.pop("name", None)
    data["conversation"] = conversation
    return data


def user_id(reference: Reference) -> str | None:
    """The person's Teams user id (MRI, ``29:...``) in a personal-chat reference."""
    user = reference.get("user") or {}
    value = user.get("id")
    return str(value) if value else None

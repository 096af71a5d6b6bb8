"""Buttons and modals: Approve, Reject (with its reason modal), Cancel, and the apply modal.

Every click is acknowledged first and then handed to the core as a neutral command with the
clicker's Slack id; the core finds who that is, decides whether they may act and audits a refusal,
all in the command's one transaction. The door then redraws what the person
is looking at: a card is updated in place (so it cannot be clicked twice), a click from an
ephemeral list gets a private reply, a click on the Home tab republishes it. A second click, or a
replayed request, reaches the core's status check and changes nothing.

Modal submissions are answered in the acknowledgement itself (``response_action``), so the core
is asked before the ack; it answers in milliseconds.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.slack import render
from bot.slack.api import error_code
from bot.slack.door import Ack, Respond, SlackDoor, ephemeral
from bot.slack.forms import (
    FormErrors,
    decode_metadata,
    encode_metadata,
    field_for_refusal,
    read_apply_form,
    read_reason,
)
from bot.slack.identity import NO_EMAIL, Actor
from core.commands import CancelRequest, Command, Decide, DecideClaim, OpenApplyForm, OpenDashboard
from core.domain.compoff import is_claim_number, parse_claim_number
from core.domain.dates import parse_request_id
from core.domain.model import RequestStatus
from core.errors import BadCommand
from core.views import (
    AppliedView,
    ApplyFormView,
    CancelledView,
    CompOffClaimView,
    DecidedView,
    Person,
    RefusalView,
    View,
)

log = logging.getLogger(__name__)


class Surface:
    """Where a click came from: a message (``channel``/``ts``, maybe ephemeral) or the Home tab."""

    def __init__(self, body: dict[str, Any]) -> None:
        container = body.get("container") or {}
        self.home = container.get("type") == "view"
        self.ephemeral = bool(container.get("is_ephemeral"))
        self.channel = str(container.get("channel_id") or (body.get("channel") or {}).get("id") or "")
        self.ts = str(container.get("message_ts") or "")
        self.response_url = str(body.get("response_url") or "")

    def metadata(self) -> dict[str, str]:
        return {"channel": self.channel, "ts": self.ts, "ephemeral": "1" if self.ephemeral else "",
                "home": "1" if self.home else "", "response_url": self.response_url}

    @classmethod
    def from_metadata(cls, data: dict[str, str]) -> Surface:
        body = {"container": {"type": "view" if data.get("home") else "message",
                              "is_ephemeral": bool(data.get("ephemeral")),
                              "channel_id": data.get("channel"), "message_ts": data.get("ts")},
                "response_url": data.get("response_url")}
        return cls(body)

    @property
    def card(self) -> bool:
        """A message posted by the bot that can be updated in place (not ephemeral, not Home)."""
        return not self.home and not self.ephemeral and bool(self.channel and self.ts)


def _clicked_value(body: dict[str, Any]) -> str:
    actions = body.get("actions") or [{}]
    return str(actions[0].get("value") or "")


def _clicked_claim(body: dict[str, Any]) -> int | None:
    """The comp-off claim a button names (its value ``CO-1001``), decided as a request is."""
    value = _clicked_value(body)
    return parse_claim_number(value) if is_claim_number(value) else None


async def _decide_claim(door: SlackDoor, client: AsyncWebClient, respond: Respond | None, surface: Surface,
                        user_id: str, command: DecideClaim) -> None:
    """A claim's Approve, or its Reject with the modal's reason: a card loses its buttons once
    decided; a refusal, or a decision made from a private list, is told in private."""
    asked = await door.ask(client, user_id, command)
    if asked is None:
        refusal = render.notice_text(await door.refuse_stranger(user_id, "compoff decision"))
        if respond is not None:
            await respond(**ephemeral(refusal))
        return
    view = asked[1].view
    if isinstance(view, CompOffClaimView) and surface.card:
        await _update_card(client, surface, render.reply(view))
    else:
        await _reply(client, surface, render.reply(view))


def _clicked_request(body: dict[str, Any]) -> tuple[str, int] | None:
    value = _clicked_value(body)
    try:
        return value, parse_request_id(value)
    except BadCommand:
        log.warning("a button carried '%s', which is not a request id", value)
        return None


def _user(body: dict[str, Any]) -> str:
    return str((body.get("user") or {}).get("id") or "")


async def _run_click(door: SlackDoor, ack: Ack, body: dict[str, Any], client: AsyncWebClient, respond: Respond,
                     command: Callable[[int], Command]) -> tuple[Actor, int, View] | None:
    """Acknowledge a button, then run its command on the clicked request for whoever clicked it:
    who that was, the request and the answer (None: nothing more to do)."""
    await ack()
    clicked = _clicked_request(body)
    if clicked is None:
        return None
    asked = await door.ask(client, _user(body), command(clicked[1]))
    if asked is None:
        refusal = await door.refuse_stranger(_user(body), str((body.get("actions") or [{}])[0].get("action_id") or ""))
        await respond(**ephemeral(render.notice_text(refusal)))
        return None
    actor, answer = asked
    return actor, clicked[1], answer.view


async def handle_approve(door: SlackDoor, ack: Ack, body: dict[str, Any], client: AsyncWebClient,
                         respond: Respond) -> None:
    claim = _clicked_claim(body)
    if claim is not None:
        await ack()
        await _decide_claim(door, client, respond, Surface(body), _user(body), DecideClaim(claim, approve=True))
        return
    click = await _run_click(door, ack, body, client, respond, lambda request_id: Decide(request_id, approve=True))
    if click is None:
        return
    actor, request_id, view = click
    await after_decision(door, client, Surface(body), actor, request_id, view)


async def handle_reject_click(door: SlackDoor, ack: Ack, body: dict[str, Any], client: AsyncWebClient) -> None:
    """Reject asks why first: open the reason modal, remembering which card to update."""
    await ack()
    clicked = _clicked_request(body) if _clicked_claim(body) is None else (_clicked_value(body), 0)
    if clicked is None:
        return
    metadata = encode_metadata({"id": clicked[0], **Surface(body).metadata()})
    modal = render.reject_modal(clicked[0], metadata, required=await door.reject_reason_required())
    try:
        await client.views_open(trigger_id=str(body.get("trigger_id")), view=modal)
    except SlackApiError as error:
        log.warning("views.open for a rejection failed: %s", error_code(error))


async def handle_reject_submit(door: SlackDoor, ack: Ack, body: dict[str, Any], view: dict[str, Any],
                               client: AsyncWebClient) -> None:
    metadata = decode_metadata(view.get("private_metadata"))
    if is_claim_number(metadata.get("id", "")):
        await ack()
        claim = DecideClaim(parse_claim_number(metadata["id"]), approve=False, reason=read_reason(view))
        await _decide_claim(door, client, None, Surface.from_metadata(metadata), _user(body), claim)
        return
    try:
        request_id = parse_request_id(metadata.get("id", ""))
    except BadCommand as error:
        await ack(response_action="update", view=render.info_modal("Reject leave", error.message))
        return
    asked = await door.ask(client, _user(body), Decide(request_id, approve=False, reason=read_reason(view)))
    if asked is None:
        await ack(response_action="update", view=render.info_modal("Reject leave", NO_EMAIL))
        return
    actor, result = asked[0], asked[1].view
    if isinstance(result, RefusalView):
        await ack(response_action="update", view=render.info_modal(f"Reject {metadata['id']}", result.message))
    else:
        await ack()
    await after_decision(door, client, Surface.from_metadata(metadata), actor, request_id, result,
                         tell_refusal=False)


async def after_decision(door: SlackDoor, client: AsyncWebClient, surface: Surface, actor: Actor, request_id: int,
                         view: View, tell_refusal: bool = True) -> None:
    """Redraw what the decider sees, then their Home tab.

    A decided card loses its buttons at once. A refused click on a request that is no longer
    pending still redraws the card in its final state, so that a stale card (say, one whose
    update was still in the outbox) stops offering buttons.
    """
    if isinstance(view, DecidedView):
        if surface.card:
            decider = Person(actor.employee.employee_id, actor.employee.name, actor.email) if actor.employee else None
            await _update_card(client, surface, render.closed_card(view.request, decider))
    elif surface.card:
        current = await door.request_view(actor.email, request_id)
        if current is not None and current.status is not RequestStatus.PENDING:
            await _update_card(client, surface, render.closed_card(current))
    refusal = view.message if isinstance(view, RefusalView) else ""
    if surface.home:
        await door.publish_home(client, actor, notice=refusal or _done(view))
        return
    if (refusal and tell_refusal) or (isinstance(view, DecidedView) and surface.ephemeral):
        await _reply(client, surface, render.reply(view))
    await door.publish_home(client, actor)


async def handle_cancel(door: SlackDoor, ack: Ack, body: dict[str, Any], client: AsyncWebClient,
                        respond: Respond) -> None:
    click = await _run_click(door, ack, body, client, respond, CancelRequest)
    if click is None:
        return
    actor, _request_id, view = click
    surface = Surface(body)
    if surface.home:
        message = view.message if isinstance(view, RefusalView) else _done(view)
        await door.publish_home(client, actor, notice=message)
        return
    await _reply(client, surface, render.reply(view))
    await door.publish_home(client, actor)


async def handle_open_apply(door: SlackDoor, ack: Ack, body: dict[str, Any], client: AsyncWebClient) -> None:
    """The Home tab's "Apply for leave" button."""
    await ack()
    asked = await door.ask(client, _user(body), OpenApplyForm())
    if asked is None:
        return
    actor, form = asked[0], asked[1].view
    if not isinstance(form, ApplyFormView):
        await door.publish_home(client, actor, notice=form.message if isinstance(form, RefusalView) else "")
        return
    try:
        await client.views_open(trigger_id=str(body.get("trigger_id")), view=render.apply_modal(form))
    except SlackApiError as error:
        log.warning("views.open for the apply form failed: %s", error_code(error))


async def handle_open_dashboard(door: SlackDoor, ack: Ack, body: dict[str, Any], client: AsyncWebClient) -> None:
    """The Home tab's "Open dashboard" button: a fresh ``/leave web`` link, in private (the bot's DM
    from Home, which has nowhere else to reply), since each link is personal and works once."""
    await ack()
    asked = await door.ask(client, _user(body), OpenDashboard())
    if asked is None:
        return
    await _confirm(client, asked[0], str(body.get("response_url") or ""), render.reply(asked[1].view))


async def handle_apply_submit(door: SlackDoor, ack: Ack, body: dict[str, Any], view: dict[str, Any],
                              client: AsyncWebClient) -> None:
    """Submit the modal: errors inline on their field, or close it and confirm in private."""
    parsed = read_apply_form(view)
    if isinstance(parsed, FormErrors):
        await ack(response_action="errors", errors=render.field_errors(parsed.errors))
        return
    asked = await door.ask(client, _user(body), parsed, f"slack:view:{view.get('id')}")
    if asked is None:
        await ack(response_action="update", view=render.info_modal("Apply for leave", NO_EMAIL))
        return
    actor, result = asked[0], asked[1].view
    if isinstance(result, RefusalView):
        field = field_for_refusal(result.message, parsed)
        await ack(response_action="errors", errors=render.field_errors({field: result.message}))
        return
    await ack()
    metadata = decode_metadata(view.get("private_metadata"))
    await _confirm(client, actor, metadata.get("response_url", ""), render.reply(result))
    if isinstance(result, AppliedView) and not result.duplicate:
        await door.publish_home(client, actor)


def _done(view: View) -> str:
    """One line for the Home tab's notice after a click worked."""
    if isinstance(view, DecidedView):
        request = view.request
        if request.status is RequestStatus.PENDING:
            holder = "HR" if request.waiting_for == "hr" or request.approver is None else request.approver.name
            return f"You approved {request.number} — now with {holder}."
        return f"{request.number} {request.status.value.lower()}."
    if isinstance(view, CancelledView):
        return f"{view.request.number} cancelled; the days are back in the balance."
    return ""


async def _update_card(client: AsyncWebClient, surface: Surface, card: dict[str, Any]) -> None:
    try:
        await client.chat_update(channel=surface.channel, ts=surface.ts, text=card["text"], blocks=card["blocks"])
    except SlackApiError as error:
        log.warning("chat.update of %s failed: %s", surface.ts, error_code(error))


async def _reply(client: AsyncWebClient, surface: Surface, message: dict[str, Any]) -> None:
    """A private reply through the interaction's ``response_url``."""
    if not surface.response_url:
        return
    await AsyncWebhookClient(surface.response_url, timeout=client.timeout).send_dict(ephemeral(message))


async def _confirm(client: AsyncWebClient, actor: Actor, response_url: str, message: dict[str, Any]) -> None:
    """After a modal: reply where the command was typed, or else in the DM with the bot."""
    if response_url:
        await AsyncWebhookClient(response_url, timeout=client.timeout).send_dict(ephemeral(message))
        return
    try:
        await client.chat_postMessage(channel=actor.user_id, text=message["text"], blocks=message["blocks"])
    except SlackApiError as error:
        log.warning("confirmation DM to %s failed: %s", actor.user_id, error_code(error))

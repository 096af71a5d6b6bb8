"""``/leave``: the slash command, read by the core's grammar, answered in private.

Slack wants an answer within 3 seconds, so the command is acknowledged at once and the reply
follows through the command's ``response_url``. ``/leave apply`` with nothing after it opens the
apply modal instead. An application typed in full carries the command's ``trigger_id`` as its
idempotency key, so a replayed request never files a second application.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack import render
from bot.slack.api import error_code
from bot.slack.door import SOURCE, SlackDoor, ephemeral
from bot.slack.escape import mentioned_user, plain_from_slack
from bot.slack.forms import encode_metadata
from bot.slack.identity import NO_EMAIL, Actor, resolve_actor
from core.commands import (
    ApplyLeave,
    CancelRequest,
    Command,
    Decide,
    Delegate,
    ListRequests,
    OpenApplyForm,
    ShowBalance,
    ShowPending,
)
from core.errors import LeaveError
from core.grammar import parse_command
from core.views import AppliedView, ApplyFormView, RefusalView, ReportView, View

log = logging.getLogger(__name__)

Ack = Callable[..., Awaitable[Any]]
Respond = Callable[..., Awaitable[Any]]

#: Commands after which the asker's Home tab is out of date.
CHANGING = (ApplyLeave, Decide, CancelRequest)


async def handle_leave_command(door: SlackDoor, ack: Ack, command: dict[str, Any], client: AsyncWebClient,
                               respond: Respond) -> None:
    """Acknowledge, then run the command and reply in private (or open the apply modal)."""
    await ack()
    actor = await door.actor(client, str(command.get("user_id", "")))
    if actor is None:
        await respond(**ephemeral(render.notice_text(NO_EMAIL)))
        return
    today = door.today(actor)
    try:
        parsed = parse_command(plain_from_slack(str(command.get("text") or "")), today)
    except LeaveError as error:
        await respond(**ephemeral(render.reply(RefusalView(error.message))))
        return
    if isinstance(parsed, ShowBalance | Delegate):
        parsed = await _with_mentioned_person(door, client, parsed, str(command.get("text") or ""))
    if isinstance(parsed, OpenApplyForm):
        await _open_apply_form(door, client, actor, command, respond)
        return
    key = f"slack:trigger:{command.get('trigger_id')}" if isinstance(parsed, ApplyLeave) else None
    view: View = await door.run(door.service.execute, actor.email, parsed, SOURCE, key)
    actions = render.ListActions(decide=isinstance(parsed, ShowPending), cancel=isinstance(parsed, ListRequests),
                                 today=today)
    await respond(**ephemeral(render.reply(view, actions)))
    if isinstance(view, ReportView):
        await _send_report(client, actor, view)
    if _changed(parsed, view):
        await door.publish_home(client, actor)


def _changed(command: Command, view: View) -> bool:
    if isinstance(view, AppliedView):
        return not view.duplicate
    return isinstance(command, CHANGING) and not isinstance(view, RefusalView)


async def _with_mentioned_person(door: SlackDoor, client: AsyncWebClient, command: ShowBalance | Delegate,
                                 raw_text: str) -> ShowBalance | Delegate:
    """``/leave balance @priya`` arrives as ``<@U123|priya>``: name that person to the core by e-mail."""
    words = raw_text.split()
    mention = next((user for word in words[1:] if (user := mentioned_user(word))), None)
    if mention is None:
        return command
    person = await resolve_actor(door.service, door.run, client, mention)
    return dataclasses.replace(command, person=person.email) if person else command


async def _open_apply_form(door: SlackDoor, client: AsyncWebClient, actor: Actor, command: dict[str, Any],
                           respond: Respond) -> None:
    form = await door.run(door.service.execute, actor.email, OpenApplyForm(), SOURCE)
    if not isinstance(form, ApplyFormView):
        await respond(**ephemeral(render.reply(form)))
        return
    metadata = encode_metadata({"response_url": str(command.get("response_url") or "")})
    try:
        await client.views_open(trigger_id=str(command.get("trigger_id")), view=render.apply_modal(form, metadata))
    except SlackApiError as error:
        # The trigger expires after 3 seconds; fall back on the one-line form.
        log.warning("views.open failed: %s", error_code(error))
        await respond(**ephemeral(render.reply(form)))


async def _send_report(client: AsyncWebClient, actor: Actor, report: ReportView) -> None:
    """The whole CSV, as a file in the asker's DM with the bot."""
    try:
        opened = await client.conversations_open(users=actor.user_id)
        channel = str((opened.get("channel") or {}).get("id"))
        await client.files_upload_v2(channel=channel, content=report.csv_text, filename=report.filename,
                                     title=f"Leave report {report.label}")
    except SlackApiError as error:
        log.warning("report upload for %s failed: %s", actor.user_id, error_code(error))

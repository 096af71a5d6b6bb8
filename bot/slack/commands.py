"""``/leave``: the slash command, read by the core's grammar, answered in private.

Slack wants an answer within 3 seconds, so the command is acknowledged at once and the reply
follows through the command's ``response_url``. ``/leave apply`` with nothing after it opens the
apply modal instead. An application typed in full carries the command's ``trigger_id`` as its
idempotency key, so a replayed request never files a second application.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot import charts
from bot.slack import render
from bot.slack.api import error_code
from bot.slack.door import SOURCE, Ack, Respond, SlackDoor, ephemeral
from bot.slack.escape import mentioned_user, plain_from_slack
from bot.slack.forms import encode_metadata
from bot.slack.identity import Actor, resolve_actor
from core.commands import (
    ApplyLeave,
    CancelRequest,
    Command,
    Decide,
    Delegate,
    ListRequests,
    OpenApplyForm,
    ShowAudit,
    ShowBalance,
    ShowPending,
)
from core.errors import LeaveError
from core.views import AppliedView, ApplyFormView, RefusalView, ReportView, TeamChartView, View

log = logging.getLogger(__name__)

#: Commands after which the asker's Home tab is out of date.
CHANGING = (ApplyLeave, Decide, CancelRequest)


async def handle_leave_command(door: SlackDoor, ack: Ack, command: dict[str, Any], client: AsyncWebClient,
                               respond: Respond) -> None:
    """Acknowledge, then run the command and reply in private (or open the apply modal)."""
    await ack()
    actor = await door.actor(client, str(command.get("user_id", "")))
    if actor is None:
        refusal = await door.refuse_stranger(str(command.get("user_id", "")), str(command.get("text") or ""))
        await respond(**ephemeral(render.notice_text(refusal)))
        return
    today = door.today(actor)
    try:
        typed = plain_from_slack(str(command.get("text") or ""))
        parsed = await door.run(door.service.read_command, actor.email, typed, SOURCE)
    except LeaveError as error:
        await respond(**ephemeral(render.reply(RefusalView(error.message))))
        return
    if isinstance(parsed, ShowBalance | Delegate | ShowAudit):
        parsed = await _with_mentioned_person(door, client, parsed, str(command.get("text") or ""))
    if isinstance(parsed, OpenApplyForm):
        await _open_apply_form(door, client, actor, command, respond)
        return
    key = f"slack:trigger:{command.get('trigger_id')}" if isinstance(parsed, ApplyLeave) else None
    view: View = await door.run(functools.partial(door.service.execute, typed=True), actor.email, parsed, SOURCE, key)
    actions = render.ListActions(decide=isinstance(parsed, ShowPending), cancel=isinstance(parsed, ListRequests),
                                 today=today)
    await respond(**ephemeral(render.reply(view, actions)))
    if isinstance(view, ReportView):
        await _send_report(client, actor, view)
    if isinstance(view, TeamChartView):
        await _send_chart(door, client, actor, view)
    if _changed(parsed, view):
        await door.publish_home(client, actor)


def _changed(command: Command, view: View) -> bool:
    if isinstance(view, AppliedView):
        return not view.duplicate
    return isinstance(command, CHANGING) and not isinstance(view, RefusalView)


async def _with_mentioned_person(door: SlackDoor, client: AsyncWebClient, command: ShowBalance | Delegate | ShowAudit,
                                 raw_text: str) -> ShowBalance | Delegate | ShowAudit:
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
    """Both CSVs, as files in the asker's DM with the bot (one upload), the summary as their comment."""
    try:
        opened = await client.conversations_open(users=actor.user_id)
        channel = str((opened.get("channel") or {}).get("id"))
        files = [{"content": f.text, "filename": f.name, "title": f.name} for f in report.files]
        await client.files_upload_v2(channel=channel, file_uploads=files,
                                     initial_comment=str(render.reply(report)["text"]))
    except SlackApiError as error:
        log.warning("report upload for %s failed: %s", actor.user_id, error_code(error))


async def _send_chart(door: SlackDoor, client: AsyncWebClient, actor: Actor, view: TeamChartView) -> None:
    """The heat map, drawn off the event loop, as a picture in the asker's DM with the bot."""
    drawn = await door.run(charts.picture, view.heatmap, view.scope)
    try:
        opened = await client.conversations_open(users=actor.user_id)
        await client.files_upload_v2(channel=str((opened.get("channel") or {}).get("id")), file=drawn.png,
                                     filename=drawn.filename, title=drawn.title, alt_txt=drawn.alt)
    except SlackApiError as error:
        log.warning("chart upload for %s failed: %s", actor.user_id, error_code(error))

"""``/leave``: the slash command, read by the core's grammar, answered in private.

Slack wants an answer within 3 seconds. A question that only reads (balance, list, pending,
team, holidays, help, plan) and a refusal (words that are not a command, someone unknown) are
answered in the acknowledgement itself, the HTTP response to the command (or the Socket Mode
ack), so the reply needs no second request; should the core not have answered within
:data:`ACK_BUDGET`, the acknowledgement goes out empty and the reply follows through the
command's ``response_url``. Everything else (what changes something, uploads files or opens a
form) is acknowledged at once and answered through ``response_url`` after. ``/leave apply``
with nothing after it opens the apply modal. An application typed in full carries the command's
``trigger_id`` as its idempotency key, so a replayed request never files a second application.
"""

from __future__ import annotations

import asyncio
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
    Help,
    ListRequests,
    OpenApplyForm,
    PlanLeave,
    ShowAudit,
    ShowBalance,
    ShowHolidays,
    ShowPending,
    ShowTeam,
)
from core.errors import LeaveError
from core.views import AppliedView, ApplyFormView, RefusalView, ReportView, TeamChartView, View

log = logging.getLogger(__name__)

#: Commands after which the asker's Home tab is out of date.
CHANGING = (ApplyLeave, Decide, CancelRequest)
#: Commands that only read and answer well within Slack's 3 seconds: answered in the acknowledgement.
QUICK = (Help, ShowBalance, ListRequests, ShowPending, ShowTeam, ShowHolidays, PlanLeave)
#: Seconds a quick command may take before the acknowledgement goes out empty (Slack allows 3).
ACK_BUDGET = 2.0


class Reply:
    """Where the private reply to one ``/leave`` goes: in the acknowledgement while that is still
    open, through ``response_url`` once it has gone.

    Slack takes one acknowledgement per command; whichever of the answer and the deadline comes
    first sends it, and the other then finds it sent.
    """

    def __init__(self, ack: Ack, respond: Respond) -> None:
        self._ack, self._respond = ack, respond
        self._acknowledged = False

    async def acknowledge(self) -> None:
        """Acknowledge empty, unless done already: the reply will follow through ``response_url``."""
        if not self._acknowledged:
            self._acknowledged = True
            await self._ack()

    async def send(self, message: dict[str, Any]) -> None:
        """Reply in private, in the acknowledgement if it is still open."""
        if self._acknowledged:
            await self._respond(**ephemeral(message))
            return
        self._acknowledged = True
        await self._ack({**message, "response_type": "ephemeral"})


async def handle_leave_command(door: SlackDoor, ack: Ack, command: dict[str, Any], client: AsyncWebClient,
                               respond: Respond) -> None:
    """Answer in the acknowledgement when the answer is quick; otherwise acknowledge, then answer.

    The work runs as a task of its own so that it goes on past :data:`ACK_BUDGET`; a failure
    before anything was acknowledged is acknowledged empty before it is passed on (and apologised
    for through ``response_url``).
    """
    reply = Reply(ack, respond)
    work = asyncio.ensure_future(_answer(door, command, client, reply))
    await asyncio.wait({work}, timeout=ACK_BUDGET)
    await reply.acknowledge()
    await work


async def _answer(door: SlackDoor, command: dict[str, Any], client: AsyncWebClient, reply: Reply) -> None:
    """Run the command and reply in private (or open the apply modal)."""
    actor = await door.actor(client, str(command.get("user_id", "")))
    if actor is None:
        refusal = await door.refuse_stranger(str(command.get("user_id", "")), str(command.get("text") or ""))
        await reply.send(render.notice_text(refusal))
        return
    today = door.today(actor)
    try:
        typed = plain_from_slack(str(command.get("text") or ""))
        parsed = await door.run(door.service.read_command, actor.email, typed, SOURCE)
    except LeaveError as error:
        await reply.send(render.reply(RefusalView(error.message)))
        return
    if not isinstance(parsed, QUICK):
        await reply.acknowledge()
    if isinstance(parsed, ShowBalance | Delegate | ShowAudit):
        parsed = await _with_mentioned_person(door, client, parsed, str(command.get("text") or ""))
    if isinstance(parsed, OpenApplyForm):
        await _open_apply_form(door, client, actor, command, reply)
        return
    key = f"slack:trigger:{command.get('trigger_id')}" if isinstance(parsed, ApplyLeave) else None
    view: View = await door.run(functools.partial(door.service.execute, typed=True), actor.email, parsed, SOURCE, key)
    actions = render.ListActions(decide=isinstance(parsed, ShowPending), cancel=isinstance(parsed, ListRequests),
                                 today=today)
    await reply.send(render.reply(view, actions))
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
                           reply: Reply) -> None:
    form = await door.run(door.service.execute, actor.email, OpenApplyForm(), SOURCE)
    if not isinstance(form, ApplyFormView):
        await reply.send(render.reply(form))
        return
    metadata = encode_metadata({"response_url": str(command.get("response_url") or "")})
    try:
        await client.views_open(trigger_id=str(command.get("trigger_id")), view=render.apply_modal(form, metadata))
    except SlackApiError as error:
        # The trigger expires after 3 seconds; fall back on the one-line form.
        log.warning("views.open failed: %s", error_code(error))
        await reply.send(render.reply(form))


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

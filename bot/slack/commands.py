"""``/leave``: the slash command, read by the core's grammar, answered in private.

The core finds the person, reads the line and runs it in one call and one transaction
(:meth:`~core.service.LeaveService.answer`); the door only asks Slack for the person's e-mail the
first time it meets them. Slack wants an answer within 3 seconds. A question that only reads
(balance, list, pending, team, holidays, help, plan) and a refusal (words that are not a command,
someone unknown, someone going too fast) are answered in the acknowledgement itself, the HTTP
response to the command (or the Socket Mode ack), so the reply needs no second request; should
the core not have answered within :data:`ACK_BUDGET`, the acknowledgement goes out empty and the
reply follows through the command's ``response_url``. Everything else (what changes something,
uploads files or opens a form) is acknowledged empty and answered through ``response_url``.
``/leave apply`` with nothing after it opens the apply modal. An application typed in full
carries the command's ``trigger_id`` as its idempotency key, so a replayed request never files a
second application.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import logging
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack import render
from bot.slack.api import error_code
from bot.slack.door import Ack, Respond, SlackDoor, ephemeral
from bot.slack.escape import mentioned_user, plain_from_slack
from bot.slack.forms import encode_metadata
from bot.slack.identity import Actor, resolve_actor
from core.commands import (
    AdjustBalance,
    ApplyLeave,
    CancelRequest,
    Command,
    ConfirmSplit,
    Decide,
    Delegate,
    Help,
    ListRequests,
    PlanLeave,
    ShowAudit,
    ShowBalance,
    ShowHolidays,
    ShowPending,
    ShowTeam,
)
from core.views import AppliedView, ApplyFormView, DocumentsView, FilesView, RefusalView, TeamChartView, View

log = logging.getLogger(__name__)

#: Commands after which the asker's Home tab is out of date.
CHANGING = (ApplyLeave, Decide, CancelRequest, ConfirmSplit)
#: Commands that only read and answer well within Slack's 3 seconds: answered in the acknowledgement.
QUICK = (Help, ShowBalance, ListRequests, ShowPending, ShowTeam, ShowHolidays, PlanLeave)
#: Seconds a quick command may take before the acknowledgement goes out empty. Slack allows 3,
#: counted from its side; the rest is left for the network and for a busy process, whose event
#: loop may wake late (Bolt itself answers 404 once 3 seconds pass without an acknowledgement).
ACK_BUDGET = 1.5


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
    user_id, raw = str(command.get("user_id", "")), str(command.get("text") or "")
    named = await _mentioned_person(door, client, raw)
    # The key only counts for an application: a replayed request never files a second one.
    key = f"slack:trigger:{command.get('trigger_id')}"
    asked = await door.ask(client, user_id, plain_from_slack(raw), key,
                           functools.partial(_naming, named) if named else None)
    if asked is None:
        await reply.send(render.notice_text(await door.refuse_stranger(user_id, raw)))
        return
    actor, answer = asked
    parsed, view = answer.command, answer.view
    if parsed is not None and not isinstance(parsed, QUICK):
        await reply.acknowledge()
    if isinstance(view, ApplyFormView):
        await _open_apply_form(client, command, view, reply)
        return
    if isinstance(view, DocumentsView):
        view = await door.hand_out(view)
    actions = render.ListActions(decide=isinstance(parsed, ShowPending), cancel=isinstance(parsed, ListRequests),
                                 today=door.today(actor))
    await reply.send(render.reply(view, actions))
    if isinstance(view, FilesView):
        await _send_report(client, actor, view)
    if isinstance(view, TeamChartView):
        await _send_chart(door, client, actor, view)
    if _changed(parsed, view):
        await door.publish_home(client, actor)


def _changed(command: Command | None, view: View) -> bool:
    if isinstance(view, AppliedView):
        return not view.duplicate
    return isinstance(command, CHANGING) and not isinstance(view, RefusalView)


async def _mentioned_person(door: SlackDoor, client: AsyncWebClient, raw_text: str) -> str | None:
    """The e-mail of the first person @mentioned after the command's word (``/leave balance @priya``
    arrives as ``<@U123|priya>``), linked on first contact like anyone; None when there is none."""
    mention = next((user for word in raw_text.split()[1:] if (user := mentioned_user(word))), None)
    if mention is None:
        return None
    person = await resolve_actor(door.service, door.run, client, mention)
    return person.email if person else None


def _naming(email: str, command: Command) -> Command:
    """The person that a balance, a delegation, an audit search or an adjustment names, as the e-mail
    Slack gave."""
    if isinstance(command, ShowBalance | Delegate | ShowAudit | AdjustBalance):
        return dataclasses.replace(command, person=email)
    return command


async def _open_apply_form(client: AsyncWebClient, command: dict[str, Any], form: ApplyFormView,
                           reply: Reply) -> None:
    metadata = encode_metadata({"response_url": str(command.get("response_url") or "")})
    try:
        await client.views_open(trigger_id=str(command.get("trigger_id")), view=render.apply_modal(form, metadata))
    except SlackApiError as error:
        # The trigger expires after 3 seconds; fall back on the one-line form.
        log.warning("views.open failed: %s", error_code(error))
        await reply.send(render.reply(form))


async def _send_report(client: AsyncWebClient, actor: Actor, report: FilesView) -> None:
    """A report's (or payroll's) CSVs, as files in the asker's DM with the bot (one upload), the summary as
    their comment."""
    try:
        opened = await client.conversations_open(users=actor.user_id)
        channel = str((opened.get("channel") or {}).get("id"))
        files = [{"content": f.text, "filename": f.name, "title": f.name} for f in report.files]
        await client.files_upload_v2(channel=channel, file_uploads=files,
                                     initial_comment=str(render.reply(report)["text"]))
    except SlackApiError as error:
        log.warning("report upload for %s failed: %s", actor.user_id, error_code(error))


async def _send_chart(door: SlackDoor, client: AsyncWebClient, actor: Actor, view: TeamChartView) -> None:
    """The heat map, drawn off the event loop, as a picture in the asker's DM with the bot. The drawing
    library is loaded by the first picture, not by every worker that only answers in words."""
    from bot import charts

    drawn = await door.run(charts.picture, view.heatmap, view.scope)
    try:
        opened = await client.conversations_open(users=actor.user_id)
        await client.files_upload_v2(channel=str((opened.get("channel") or {}).get("id")), file=drawn.png,
                                     filename=drawn.filename, title=drawn.title, alt_txt=drawn.alt)
    except SlackApiError as error:
        log.warning("chart upload for %s failed: %s", actor.user_id, error_code(error))

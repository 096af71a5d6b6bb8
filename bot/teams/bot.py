"""The Teams activity handler: messages, card actions and installs, translated for the core.

Every incoming activity first resolves who sent it and remembers the conversation it came from
(so notices can reach that person or channel later); then messages go to the core's text
grammar, card actions to :class:`~bot.teams.actions.CardActions`, and installs into a team store
that team's channels for the scheduler's posts. Files attached to a message are supporting
documents, handed in for the sender's request (:mod:`bot.teams.documents`).
"""

from __future__ import annotations

import asyncio
import functools
import html
import logging
import re
from typing import Any

from botbuilder.core import BotAdapter, TurnContext
from botbuilder.core.teams import TeamsActivityHandler, TeamsInfo
from botbuilder.schema import (
    Activity,
    ActivityTypes,
    AdaptiveCardInvokeResponse,
    ChannelAccount,
    InvokeResponse,
)
from botbuilder.schema.teams import ChannelInfo, TeamInfo, TeamsChannelAccount

from bot.documents import FetchFailed
from bot.downloads import DownloadLinks
from bot.teams.actions import CardActions
from bot.teams.cards import CARD_CONTENT_TYPE, Card, refusal_card, welcome_card
from bot.teams.directory import TeamsDirectory
from bot.teams.documents import AttachedFile, attached_files, fetch_attached
from bot.teams.identity import Caller, Run, Sender, Unplaced, identify
from bot.teams.pictures import card_message
from bot.teams.references import (
    PERSONAL,
    addresses_for,
    channel_key,
    channel_reference,
    conversation_type,
    reference_of,
    team_and_channel,
)
from core.commands import HandInDocument, Help
from core.domain.dates import clip
from core.domain.documents import MAX_PER_REQUEST
from core.domain.model import Employee
from core.errors import LeaveError
from core.ports import Conflict, Unavailable
from core.service import UNAVAILABLE, LeaveService
from core.views import DashboardLinkView, DocumentsView, FilesView, HelpView, RefusalView, View

log = logging.getLogger(__name__)

CALLER = "leavebot.caller"
SENDER = "leavebot.sender"
#: What an activity that names no sender at all is told.
NO_SENDER = "I can't tell who you are."
#: What ``web`` is answered with outside a personal chat, where others would read the link.
PERSONAL_LINK = ("Your dashboard link is personal, so I give it only in our 1:1 chat: type web there, or press "
                 "Open dashboard on my welcome card.")
SOURCE = "teams"
#: Activities whose sender is a person worth identifying (and whose conversation is worth keeping).
PEOPLE_ACTIVITIES = (ActivityTypes.message, ActivityTypes.invoke, ActivityTypes.conversation_update,
                     ActivityTypes.installation_update)
_AT_TAG = re.compile(r"</?at>", re.IGNORECASE)


class LeaveTeamsBot(TeamsActivityHandler):
    """The door's handler; with ``emulator`` its senders are resolved for each turn and never linked."""

    def __init__(self, service: LeaveService, directory: TeamsDirectory, actions: CardActions, run: Run,
                 downloads: DownloadLinks, emulator: bool = False) -> None:
        self._service = service
        self._emulator = emulator
        self._directory = directory
        self._actions = actions
        self._run = run
        self._downloads = downloads

    async def on_turn(self, turn_context: TurnContext) -> None:
        """Find the sender and remember the conversation, whatever the activity turns out to be.

        A message or a card action is a command, one transaction in all: the core finds its sender
        in the command's own unit of work (:class:`~bot.teams.identity.Sender`), and the
        conversation is remembered under who that was as soon as the command has run, before the
        answer is drawn (the sender may be among the people its card refreshes for); that costs
        nothing when this process stored it already (:meth:`~bot.teams.directory.TeamsDirectory.remember`).
        A person's own command sends them no notice (they read the reply), so nothing waits for it.
        Any other activity from a person (an install, a member added) looks them up and remembers
        the conversation first.
        """
        activity = turn_context.activity
        if _is_command(activity):
            sender = Sender(turn_context, self._service, self._run, self._emulator,
                            found=functools.partial(self._remember, activity)) if _has_sender(activity) else None
            turn_context.turn_state[SENDER] = sender
            await super().on_turn(turn_context)
            if sender is None or sender.employee is None:  # a channel's conversation is kept whoever spoke
                await self._remember(activity, None)
            return
        if activity.type in PEOPLE_ACTIVITIES:
            try:
                caller = await identify(turn_context, self._service, self._run, emulator=self._emulator)
                employee_id = caller.employee.employee_id if caller and caller.employee else None
                await self._run(self._directory.remember, addresses_for(activity, employee_id))
            except (LeaveError, Unavailable) as error:  # the database is unreachable, say
                if not _is_card_action(activity):
                    raise  # the adapter's turn-error handler says it in a message
                message = error.message if isinstance(error, LeaveError) else UNAVAILABLE
                await turn_context.send_activity(Activity(type=ActivityTypes.invoke_response,
                                                          value=_card_answer(refusal_card(message))))
                return
            turn_context.turn_state[CALLER] = caller
        await super().on_turn(turn_context)

    # -- messages ---------------------------------------------------------------------------

    async def on_message_activity(self, turn_context: TurnContext) -> None:
        sender: Sender | None = turn_context.turn_state.get(SENDER)
        try:
            if sender is None:
                raise Unplaced()
            text = await self._command_text(turn_context)
            files = attached_files(turn_context.activity)
            if files:
                await self._hand_in_all(turn_context, sender, files, text)
                return
            answer = await sender.ask(text)
        except Unplaced:
            message = await self._refuse_stranger(sender, str(turn_context.activity.text or ""))
            await turn_context.send_activity(card_message(refusal_card(message)))
            return
        view = answer.view
        if answer.actor is None:  # someone the core does not know (refused and recorded), or no database
            message = view.message if isinstance(view, RefusalView) else UNAVAILABLE
            await turn_context.send_activity(card_message(refusal_card(message)))
            return
        if isinstance(view, FilesView):
            # A card cannot carry files: it links to them instead (single use, expiring).
            view = await self._run(self._downloads.attach, view)
        elif isinstance(view, DocumentsView):
            view = await self._run(self._downloads.hand_out, view)
        elif isinstance(view, DashboardLinkView) and conversation_type(turn_context.activity) != PERSONAL:
            # A sign-in link signs in whoever follows it first: never shown where others read (the
            # one just made is never used, and expires).
            view = RefusalView(PERSONAL_LINK)
        card = await self._actions.card_for(view, answer.actor, turn_context.activity.from_property.id)
        await turn_context.send_activity(card_message(card))

    async def _hand_in_all(self, turn_context: TurnContext, sender: Sender, files: list[AttachedFile],
                           words: str) -> None:
        """Hand in the files attached to a message, each answered with its own card.

        The sender is looked up first, so that nothing is fetched from Teams for a stranger.

        Raises:
            Unplaced: the directory does not know the sender; nothing was fetched.
        """
        employee = await sender.known()
        if employee is None:
            raise Unplaced()
        for attached in files[:MAX_PER_REQUEST]:
            handed = await self._hand_in(sender, attached, words)
            card = await self._actions.card_for(handed, employee, turn_context.activity.from_property.id)
            await turn_context.send_activity(card_message(card))

    async def _hand_in(self, sender: Sender, attached: AttachedFile, words: str) -> View:
        """A file attached to the message, fetched from Teams and handed in for its sender."""
        try:
            file = await fetch_attached(attached, emulator=self._emulator)
        except FetchFailed as error:
            log.warning("Teams: %s not fetched: %s", attached.name, error)
            return RefusalView(f"{error}; please send it again.")
        return (await sender.ask(HandInDocument(file=file, words=words))).view

    async def _command_text(self, turn_context: TurnContext) -> str:
        """What the person typed, without the bot's @mention; people mentioned become their e-mails.

        ``/leave balance @Priya`` arrives as ``balance <at>Priya</at>`` with a mention entity; the
        core finds people by e-mail, so the mention is replaced by what Teams knows of Priya.
        """
        activity = turn_context.activity
        # Needed in channels and group chats; harmless in a personal chat, where some clients add it too.
        text = (TurnContext.remove_recipient_mention(activity) if activity.recipient else activity.text) or ""
        bot_id = activity.recipient.id if activity.recipient else None
        for mentioned, mention_text in _mentions(activity):
            if mentioned.id == bot_id or not mention_text:
                continue
            email = await self._email_of(turn_context, mentioned)
            if email:
                text = text.replace(mention_text, email)
        return " ".join(html.unescape(_AT_TAG.sub(" ", text)).split())

    async def _email_of(self, turn_context: TurnContext, account: ChannelAccount) -> str | None:
        aad = getattr(account, "aad_object_id", None)
        if aad:
            employee = await self._run(self._service.linked_employee, SOURCE, aad)
            if employee is not None:
                return str(employee.email)
        try:
            member: TeamsChannelAccount = await TeamsInfo.get_member(turn_context, account.id)
        except Exception:
            log.info("Teams: no member info for the mentioned %s", account.id, exc_info=True)
            return None
        email = member.email or member.user_principal_name
        return str(email) if email else None

    # -- card actions -------------------------------------------------------------------------

    async def on_invoke_activity(self, turn_context: TurnContext) -> InvokeResponse:
        """``adaptiveCard/action`` is answered here rather than by the SDK's ``on_adaptive_card_invoke``.

        The SDK serializes that handler's answer once and ``CloudAdapter`` serializes it again,
        which fails on the plain dict the first pass produced; an :class:`InvokeResponse` whose
        body is still the model is serialized once, correctly.
        """
        if not _is_card_action(turn_context.activity):
            response: InvokeResponse = await super().on_invoke_activity(turn_context)
            return response
        value = turn_context.activity.value if isinstance(turn_context.activity.value, dict) else {}
        action = value.get("action")
        if not isinstance(action, dict) or action.get("type") != "Action.Execute":
            return _invoke_error(400, "BadRequest", "expected an Action.Execute")
        try:
            card = await self._card_action(turn_context, action)
        except Exception:
            log.exception("Teams: card action %r failed", action.get("verb"))
            return _invoke_error(500, "InternalError", "LeaveBot could not handle that; please try again.")
        return _card_answer(card)

    async def _card_action(self, turn_context: TurnContext, action: dict[str, Any]) -> Card:
        """The card that replaces the clicked one, for the person who clicked it; a refusal (the
        database out of reach, a link refused) is a card too."""
        sender: Sender | None = turn_context.turn_state.get(SENDER)
        raw = action.get("data")
        data: dict[str, Any] = raw if isinstance(raw, dict) else {}
        verb = str(action.get("verb") or "")
        try:
            if sender is None:
                raise Unplaced()
            return await self._actions.act(sender, turn_context.activity.from_property.id, verb, data)
        except Unplaced:
            attempted = f"{verb} {data.get('requestId') or ''}".strip()
            return refusal_card(await self._refuse_stranger(sender, clip(attempted)))
        except (LeaveError, Unavailable) as error:
            return refusal_card(error.message if isinstance(error, LeaveError) else UNAVAILABLE)

    async def _refuse_stranger(self, sender: Sender | None, attempted: str) -> str:
        """Why someone nothing places in the directory gets no further; their attempt is recorded by the
        core (or, when they flood, the core holds them back and says so)."""
        if sender is None:
            return NO_SENDER
        held = await self._run(self._service.record_stranger, sender.email or sender.user_id, SOURCE, attempted)
        return held.message if held is not None else sender.unknown_message

    async def _remember(self, activity: Activity, employee: Employee | None) -> None:
        """Keep the conversation a command came from, under who sent it; a store that fails is only
        logged, as the command was answered and the next one stores it."""
        entries = addresses_for(activity, employee.employee_id if employee else None)
        try:
            await self._run(self._directory.remember, entries)
        except (Unavailable, Conflict):
            log.warning("Teams: the conversation %s was not remembered", activity.conversation.id, exc_info=True)

    # -- installs -------------------------------------------------------------------------------

    async def on_teams_members_added(self, teams_members_added: list[TeamsChannelAccount], team_info: TeamInfo,
                                     turn_context: TurnContext) -> None:
        if _bot_among(turn_context, teams_members_added):
            await self._installed(turn_context, welcome=True)

    async def on_members_added_activity(self, members_added: list[ChannelAccount],
                                        turn_context: TurnContext) -> None:
        """The same for channels other than Teams (the Emulator)."""
        if _bot_among(turn_context, members_added):
            await self._installed(turn_context, welcome=True)

    async def on_installation_update_add(self, turn_context: TurnContext) -> None:
        await self._installed(turn_context, welcome=False)

    async def on_teams_channel_created(self, channel_info: ChannelInfo, team_info: TeamInfo,
                                       turn_context: TurnContext) -> None:
        if channel_info and channel_info.id and team_info and team_info.id:
            base = reference_of(turn_context.activity)
            entry = {channel_key(team_info.id, channel_info.id): channel_reference(base, channel_info.id,
                                                                                  channel_info.name)}
            await self._run(self._directory.remember, entry)

    async def _installed(self, turn_context: TurnContext, welcome: bool) -> None:
        """Keep a team's channels; greet a person who installed the app for themselves."""
        activity = turn_context.activity
        team_id, _channel = team_and_channel(activity)
        if team_id:
            await self._remember_channels(turn_context, team_id)
            return
        if not welcome or conversation_type(activity) != PERSONAL:
            return
        caller: Caller | None = turn_context.turn_state.get(CALLER)
        if caller is None or caller.employee is None:
            card = refusal_card(caller.unknown_message if caller else NO_SENDER)
        else:
            view = await self._run(self._service.execute, caller.employee.email, Help(), SOURCE)
            card = welcome_card(view) if isinstance(view, HelpView) else refusal_card(
                view.message if isinstance(view, RefusalView) else "Type help to see what I can do.")
        await turn_context.send_activity(card_message(card))

    async def _remember_channels(self, turn_context: TurnContext, team_id: str) -> None:
        """Store a reference for every channel of the team (the scheduler posts digests to one)."""
        try:
            connector = await TeamsInfo.get_teams_connector_client(turn_context)
            # The SDK makes this client afresh with its 100 s time-out; it gets the turn client's own.
            turn_client = turn_context.turn_state[BotAdapter.BOT_CONNECTOR_CLIENT_KEY]
            connector.config.connection.timeout = turn_client.config.connection.timeout
            # The Teams operations of the SDK are synchronous HTTP calls: keep them off the event loop.
            result = await asyncio.get_running_loop().run_in_executor(
                None, connector.teams.get_teams_channels, team_id)
        except Exception:
            log.warning("Teams: could not list the channels of team %s", team_id, exc_info=True)
            return
        base = reference_of(turn_context.activity)
        entries = {
            channel_key(team_id, channel.id): channel_reference(base, channel.id, channel.name)
            for channel in (result.conversations or []) if channel.id
        }
        await self._run(self._directory.remember, entries)
        log.info("Teams: remembered %d channel(s) of team %s", len(entries), team_id)


def _is_card_action(activity: Activity) -> bool:
    return activity.type == ActivityTypes.invoke and activity.name == "adaptiveCard/action"


def _is_command(activity: Activity) -> bool:
    """A message or a card action: what a person asks of the core, who it is found by."""
    return activity.type == ActivityTypes.message or _is_card_action(activity)


def _has_sender(activity: Activity) -> bool:
    return activity.from_property is not None and bool(activity.from_property.id)


def _card_answer(card: Card) -> InvokeResponse:
    """The card that replaces the clicked one, as the answer to the click."""
    return InvokeResponse(status=200,
                          body=AdaptiveCardInvokeResponse(status_code=200, type=CARD_CONTENT_TYPE, value=card))


def _invoke_error(status: int, code: str, message: str) -> InvokeResponse:
    return InvokeResponse(status=status, body=AdaptiveCardInvokeResponse(
        status_code=status, type="application/vnd.microsoft.error", value={"code": code, "message": message}))


def _mentions(activity: Activity) -> list[tuple[ChannelAccount, str]]:
    """The people @mentioned in a message, with the text that stands for each (``<at>Priya</at>``)."""
    found = []
    for entity in TurnContext.get_mentions(activity):
        extra = getattr(entity, "additional_properties", None) or {}
        mentioned = extra.get("mentioned")
        if isinstance(mentioned, dict) and mentioned.get("id"):
            account = ChannelAccount(id=mentioned["id"], name=mentioned.get("name"),
                                     aad_object_id=mentioned.get("aadObjectId"))
            found.append((account, str(extra.get("text") or "")))
    return found


def _bot_among(turn_context: TurnContext, members: list[Any]) -> bool:
    recipient = turn_context.activity.recipient
    return recipient is not None and any(member.id == recipient.id for member in members or [])

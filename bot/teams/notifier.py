"""Proactive Teams messages: the outbox's notices, and posts to channels for the scheduler.

The outbox relay calls :meth:`TeamsNotifier.deliver` from a worker thread; the Bot Framework
calls are coroutines of the adapter, so they run on the server's event loop
(``run_coroutine_threadsafe``) and the worker waits for them. Failures are sorted the way the
relay understands: no stored conversation is :class:`~core.ports.Unreachable` (HR sees it in the
audit log), throttling and outages are :class:`~core.ports.RetryLater` (with Teams'
``Retry-After``), refused credentials are :class:`~core.ports.DeliveryFailed`. In Emulator mode a
stored conversation whose ``serviceUrl`` is not on this machine is never reached: Unreachable.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Awaitable, Callable, Coroutine
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, TypeVar

from botbuilder.core import TurnContext
from botbuilder.integration.aiohttp import CloudAdapter
from botbuilder.schema import ChannelAccount, ConversationParameters
from botframework.connector import Channels
from msrest.exceptions import ClientRequestError, HttpOperationError

from bot.teams import cards
from bot.teams.cards import Card
from bot.teams.directory import TeamsDirectory
from bot.teams.emulator import ForeignServiceUrl
from bot.teams.pictures import card_message
from bot.teams.references import (
    PERSONAL,
    TENANT_KEY,
    Reference,
    employee_key,
    member_key,
    reference_of,
    tenant_of,
    to_reference,
)
from core.domain.reach import CHAT
from core.ports import DeliveryFailed, RetryLater, Unreachable
from core.views import AnyNotice, BalanceNotice, ClaimNotice, Notice, NoticeKind, Person

log = logging.getLogger(__name__)

T = TypeVar("T")
DEFAULT_TIMEOUT_SECONDS = 30.0
#: Teams' codes for "this person or chat no longer has the app": nobody to tell, not a failure.
GONE_CODES = frozenset({"BotNotInConversationRoster", "ConversationBlockedByUser", "ConversationNotFound"})


class TeamsNotifier:
    """A :class:`core.ports.Notifier` for Teams, and the scheduler's way to post to a channel."""

    name = "teams"
    medium = CHAT

    def __init__(self, adapter: CloudAdapter, directory: TeamsDirectory, app_id: str | None,
                 timeout: float = DEFAULT_TIMEOUT_SECONDS) -> None:
        self._adapter = adapter
        self._directory = directory
        self._app_id = app_id or ""
        self._timeout = timeout
        self._loop: asyncio.AbstractEventLoop | None = None
        self._loop_thread: int | None = None

    def bind(self, loop: asyncio.AbstractEventLoop) -> None:
        """Use the server's event loop (called on the loop, at start-up)."""
        self._loop = loop
        self._loop_thread = threading.get_ident()

    def unbind(self) -> None:
        self._loop = None
        self._loop_thread = None

    # -- the outbox -----------------------------------------------------------------------------

    def deliver(self, notice: AnyNotice) -> None:
        if isinstance(notice, BalanceNotice):
            self._send(self._reach(notice.recipient), cards.adjusted_card(notice))
        elif isinstance(notice, ClaimNotice):
            self._send(self._reach(notice.recipient), cards.claim_card(notice))
        elif notice.kind is NoticeKind.APPROVAL_NEEDED:
            self._ask_approver(notice)
        elif notice.kind is NoticeKind.DECIDED:
            reference = self._reach(notice.recipient)
            self._send(reference, cards.request_card(notice.request, self._watchers(notice), to_employee=True,
                                                       today=notice.today))
        elif notice.kind is NoticeKind.REQUEST_CLOSED:
            self._update_cards(notice, cards.request_card(notice.request, self._watchers(notice)))
        elif notice.kind is NoticeKind.REASSIGNED:
            self._reassigned(notice)
        elif notice.kind is NoticeKind.DOCUMENT_ADDED:
            self._send(self._reach(notice.recipient), cards.document_added_card(notice))
        elif notice.kind is NoticeKind.CORRECTED:
            self._send(self._reach(notice.recipient), cards.corrected_card(notice, self._watchers(notice)))

    def _ask_approver(self, notice: Notice) -> None:
        """The approval card, remembered so that it can be updated wherever the request is decided."""
        if any(c.employee_id == notice.recipient.employee_id for c in self._directory.cards(notice.request.id)):
            return  # sent before: the outbox is repeating a delivery it did not get to record
        reference = self._reach(notice.recipient)
        card = cards.approval_card(notice.request, can_decide=True, facts=notice.facts,
                                   balance_after=notice.balance_after, team_out=notice.team_out,
                                   escalation=notice.escalation,
                                   refresh_user_ids=self._watchers(notice), today=notice.today)
        message_id = self._send(reference, card)
        if message_id:
            self._directory.add_card(notice.request.id, notice.recipient.employee_id, reference, message_id)

    def _reassigned(self, notice: Notice) -> None:
        """Tell the employee who holds their request now; take the buttons off the previous holder's card."""
        holder = notice.holder.name if notice.holder else "HR"
        card = cards.request_card(notice.request, self._watchers(notice),
                                  notice=f"{notice.request.number} is now with {holder}.")
        if notice.recipient.employee_id == notice.request.employee.employee_id:
            self._send(self._reach(notice.recipient), card)
        else:
            self._update_cards(notice, card)

    def _update_cards(self, notice: Notice, card: Card) -> None:
        """Replace the recipient's cards about the request (the outcome shown, the buttons gone)."""
        for stored in self._directory.cards(notice.request.id):
            if stored.employee_id != notice.recipient.employee_id:
                continue
            try:
                self._update(stored.reference, stored.message_id, card)
            except Unreachable:
                log.info("Teams: card %s of %s is gone; nothing to update", stored.message_id, notice.request.number)

    def _watchers(self, notice: Notice) -> list[str]:
        approver = notice.request.approver
        return self._directory.refresh_user_ids([approver.employee_id] if approver else [])

    def _reach(self, person: Person) -> Reference:
        """The person's personal chat with the bot, opened from a channel meeting when need be."""
        reference = self._directory.reference(employee_key(person.employee_id))
        if reference is not None:
            return reference
        met = self._directory.reference(member_key(person.employee_id))
        if met is None:
            raise Unreachable(f"{person.name} has not installed LeaveBot in Teams")
        reference = self._call(self._open_personal_chat(met))
        self._directory.remember({employee_key(person.employee_id): reference})
        return reference

    # -- channels -------------------------------------------------------------------------------

    def post_to_channel(self, key: str, card: Card) -> str:
        """Post a card to a stored channel (``channel:<team id>:<channel id>``); returns the message id.

        Raises:
            Unreachable: the bot was never added to that team (or the channel is unknown).
            RetryLater, DeliveryFailed: as for notices.
        """
        reference = self._directory.reference(key)
        if reference is None:
            raise Unreachable(f"no Teams channel {key}: add LeaveBot to the team first")
        return self._send(reference, card)

    def post_to_person(self, person: Person, card: Card) -> str:
        """Post a card to someone's personal chat with the bot (the scheduler's reminders)."""
        return self._send(self._reach(person), card)

    def channels(self) -> dict[str, str]:
        """The stored channels, key to channel name, for choosing where digests go."""
        found = self._directory.references("channel:")
        return {key: str((ref.get("conversation") or {}).get("name") or key) for key, ref in found.items()}

    # -- the connector ----------------------------------------------------------------------------

    def _send(self, reference: Reference, card: Card) -> str:
        async def send(context: TurnContext) -> str:
            response = await context.send_activity(card_message(card))
            return str(response.id) if response is not None and response.id else ""

        return self._call(self._proactive(reference, send))

    def _update(self, reference: Reference, message_id: str, card: Card) -> None:
        async def update(context: TurnContext) -> None:
            activity = card_message(card)
            activity.id = message_id
            await context.update_activity(activity)

        self._call(self._proactive(reference, update))

    async def _proactive(self, reference: Reference, work: Callable[[TurnContext], Awaitable[T]]) -> T:
        """Run ``work`` in a turn on a stored conversation, and let its failure reach the caller.

        The adapter hands a turn's exceptions to its error handler (which only logs them), so
        they are caught here first and raised again once the turn is over.
        """
        done: list[T] = []
        failed: list[Exception] = []

        async def turn(context: TurnContext) -> None:
            # The SDK gives the continuation a made-up id, and messages sent in the turn would
            # reply to it; without one they are new messages (a new thread in a channel).
            context.activity.id = None
            try:
                done.append(await work(context))
            except Exception as error:
                failed.append(error)

        await self._adapter.continue_conversation(to_reference(reference), turn, self._app_id)
        if failed:
            raise failed[0]
        if not done:
            raise RetryLater("the Teams turn ended without running")
        return done[0]

    async def _open_personal_chat(self, met: Reference) -> Reference:
        """Open the bot's personal chat with someone met in a channel (possible once the team has the app)."""
        tenant = tenant_of(met)
        user = met.get("user") or {}
        bot = met.get("bot") or {}
        parameters = ConversationParameters(
            is_group=False,
            bot=ChannelAccount(id=bot.get("id"), name=bot.get("name")),
            members=[ChannelAccount(id=user.get("id"))],
            tenant_id=tenant,
            channel_data={"tenant": {"id": tenant}} if tenant else None,
        )
        opened: list[Reference] = []

        async def keep(context: TurnContext) -> None:
            reference = reference_of(context.activity)
            reference["conversation"] = {"id": context.activity.conversation.id, "conversationType": PERSONAL,
                                         TENANT_KEY: tenant}
            reference["user"], reference["bot"] = user, bot
            opened.append(reference)

        channel = met.get("channelId") or Channels.ms_teams
        await self._adapter.create_conversation(self._app_id, keep, parameters, channel, met.get("serviceUrl"))
        if not opened:
            raise RetryLater("Teams did not open the personal chat")
        return opened[0]

    def _call(self, work: Coroutine[Any, Any, T]) -> T:
        """Run a coroutine on the server's loop from this worker thread, sorting its failures."""
        loop = self._loop
        if loop is None or loop.is_closed():
            work.close()
            raise RetryLater("the Teams door is not running yet")
        if threading.get_ident() == self._loop_thread:
            work.close()
            raise RuntimeError("TeamsNotifier must be called from a worker thread, not the event loop")
        future = asyncio.run_coroutine_threadsafe(work, loop)
        try:
            return future.result(self._timeout)
        except TimeoutError:
            future.cancel()
            raise RetryLater(f"Teams did not answer within {self._timeout:.0f} s") from None
        except HttpOperationError as error:
            raise _sorted(error) from error
        except ForeignServiceUrl as error:
            raise Unreachable(f"not sent: {error}") from error
        except (ClientRequestError, OSError) as error:
            raise RetryLater(f"Teams could not be reached: {error}") from error


def _sorted(error: HttpOperationError) -> Exception:
    """The relay's exception for a connector's HTTP error."""
    response = getattr(error, "response", None)
    status = int(getattr(response, "status_code", 0) or 0)
    code = _error_code(error)
    detail = f"Teams answered {status}{f' {code}' if code else ''}"
    if status == 429 or status >= 500:
        return RetryLater(detail, after=retry_after(getattr(response, "headers", None) or {}))
    if code in GONE_CODES or status == 404:
        return Unreachable(f"{detail}: the app is no longer in that conversation")
    return DeliveryFailed(detail)


def _error_code(error: HttpOperationError) -> str:
    body = getattr(error, "error", None)
    inner = getattr(body, "error", None)
    return str(getattr(inner, "code", "") or "")


def retry_after(headers: Any, now: Callable[[], datetime] = lambda: datetime.now(UTC)) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (seconds or an HTTP date); None without one."""
    value = headers.get("Retry-After") if hasattr(headers, "get") else None
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(str(value))
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now()).total_seconds())

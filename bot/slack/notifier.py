"""The Slack notifier: the outbox's way of telling people about requests, by DM.

It runs in the outbox's worker thread, so it is synchronous (slack-sdk's ``WebClient``). The
outbox records each notice once delivered and retries the rest; the notifier's part is to make a
repeated delivery harmless and to say what a failure means:

* ``APPROVAL_NEEDED``: the card with Approve / Reject, DM'd to the approver and recorded (channel
  and ``ts``) so that it can be updated later, wherever the decision is made. A card already
  recorded for this approver is not posted again.
* ``DECIDED``: the outcome, DM'd to the employee.
* ``REQUEST_CLOSED``: every recorded card of the request is redrawn in its final state (updating
  is idempotent); the approver gets a DM only when someone else decided or cancelled.
* ``DOCUMENT_ADDED``: a DM saying a document was handed in, with the button that opens it; an
  approver's recorded card is redrawn as it reads now, without its "Document due".
* ``CORRECTED``: a DM to the employee and the approver that HR cancelled or shortened leave.
* ``ADJUSTED`` (a :class:`~core.views.BalanceNotice`): a DM to the person whose balance HR changed.

After the message, the recipient's Home tab is republished; that is a courtesy, so its failure
is logged and never turns a delivered notice into a retried one (which would repeat the DM).

Every message carries Slack message metadata naming its outbox delivery (``leavebot_notice``).
When the outbox retries a notice that an earlier round may have sent without recording it (the
process died just after Slack accepted it), the DM's history since then is searched for that
metadata first, and a message found is taken as sent: each notice reaches Slack once.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.clock import SystemClock
from bot.slack import render
from bot.slack.api import delivery_error, error_code
from bot.slack.identity import PLATFORM, slack_user_id
from core.domain.reach import CHAT
from core.ports import Clock, DeliveryFailed, RetryLater, Unreachable
from core.ports.chat import ChatStore
from core.service import LeaveService
from core.views import AnyNotice, BalanceNotice, ClaimNotice, Notice, NoticeKind, Person, RequestView

log = logging.getLogger(__name__)

#: A card that Slack no longer has (deleted, or its DM is gone) is skipped rather than retried.
GONE_MESSAGE_ERRORS = frozenset({"message_not_found", "cant_update_message", "channel_not_found", "is_archived"})
#: The ``event_type`` of the message metadata that names a message's outbox delivery.
NOTICE_EVENT = "leavebot_notice"
HISTORY_PAGE = 200


class SlackNotifier:
    """A :class:`core.ports.Notifier` named ``slack``."""

    name = PLATFORM
    medium = CHAT

    def __init__(self, service: LeaveService, chat: ChatStore, client: WebClient,
                 clock: Clock | None = None) -> None:
        self._service = service
        self._chat = chat
        self._client = client
        self._clock = clock or SystemClock()

    def deliver(self, notice: AnyNotice) -> None:
        """Send one notice; raises what :class:`core.ports.Notifier` documents.

        No answer within ``HTTP_TIMEOUT_SECONDS`` (or no connection at all) is worth another try
        later: the outbox retries it, and repeating a delivery is harmless.
        """
        try:
            if isinstance(notice, BalanceNotice):
                self._post(self._dm_channel(notice.recipient)[1], render.adjusted_message(notice), notice)
            elif isinstance(notice, ClaimNotice):
                self._post(self._dm_channel(notice.recipient)[1], render.claim_message(notice), notice)
            elif notice.kind is NoticeKind.APPROVAL_NEEDED:
                self._send_card(notice)
            elif notice.kind is NoticeKind.DECIDED:
                told = render.decided_message(notice.request, notice.today)
                self._post(self._dm_channel(notice.recipient)[1], told, notice)
            elif notice.kind is NoticeKind.REQUEST_CLOSED:
                self._close(notice)
            elif notice.kind is NoticeKind.REASSIGNED:
                self._reassigned(notice)
            elif notice.kind is NoticeKind.DOCUMENT_ADDED:
                self._post(self._dm_channel(notice.recipient)[1], render.document_added_message(notice), notice)
                self._redraw_approval_card(notice)
            elif notice.kind is NoticeKind.CORRECTED:
                self._post(self._dm_channel(notice.recipient)[1], render.corrected_message(notice), notice)
            else:
                log.warning("no Slack message for notices of kind %s", notice.kind)
                return
        except OSError as error:  # a time-out, a refused or dropped connection (URLError is one too)
            raise RetryLater(f"Slack did not answer: {type(error).__name__}: {error}") from error
        self._refresh_home(notice.recipient)

    # -- the three kinds -----------------------------------------------------------------------

    def _send_card(self, notice: Notice) -> None:
        recipient, request = notice.recipient, notice.request
        cards = self._chat.cards(PLATFORM, request.id)
        if any(employee_id == recipient.employee_id for employee_id, _, _ in cards):
            return  # posted before; the outbox is repeating a delivery it did not get to record
        _, channel = self._dm_channel(recipient)
        posted = self._post(channel, render.approval_card(notice), notice)
        self._chat.add_card(PLATFORM, request.id, recipient.employee_id, str(posted.get("channel") or channel),
                            str(posted.get("ts")), self._clock.now())

    def _close(self, notice: Notice) -> None:
        request = notice.request
        self._update_cards(request, render.closed_card(request))
        decided_by = request.decided_by
        if decided_by is None or decided_by.employee_id != notice.recipient.employee_id:
            self._post(self._dm_channel(notice.recipient)[1], render.closed_message(request), notice)

    def _update_cards(self, request: RequestView, card: dict[str, Any], only_of: str | None = None) -> None:
        """Redraw the request's recorded cards (of one person, with ``only_of``); updating is idempotent."""
        cards = self._chat.cards(PLATFORM, request.id)
        for employee_id, channel, ts in cards:
            if only_of is not None and employee_id != only_of:
                continue
            try:
                self._client.chat_update(channel=channel, ts=ts, text=card["text"], blocks=card["blocks"])
            except SlackApiError as error:
                if error_code(error) in GONE_MESSAGE_ERRORS:
                    log.info("card %s of %s is gone from Slack; not updated", ts, request.number)
                    continue
                raise delivery_error(error, f"chat.update {request.number}") from error

    def _redraw_approval_card(self, notice: Notice) -> None:
        """The approver's card as it reads now: once the document is in, "Document due" leaves the
        card they will click, not only the message that tells them (Teams cards refresh themselves)."""
        seen = self._service.request_seen_by(notice.recipient.email, notice.request.id)
        if seen is not None and seen.approver_notice is not None:
            self._update_cards(seen.request, render.approval_card(seen.approver_notice), notice.recipient.employee_id)

    def _reassigned(self, notice: Notice) -> None:
        """Tell who holds the request now; the previous approver's cards lose their buttons."""
        if notice.recipient.employee_id != notice.request.employee.employee_id:
            self._update_cards(notice.request, render.closed_card(notice.request), notice.recipient.employee_id)
        self._post(self._dm_channel(notice.recipient)[1], render.reassigned_message(notice.request, notice.holder),
                   notice)

    # -- Slack calls ---------------------------------------------------------------------------

    def _dm_channel(self, person: Person) -> tuple[str, str]:
        """``(user id, DM channel id)``, the channel remembered after the first ``conversations.open``."""
        user_id = slack_user_id(self._service, self._client, person)
        key = f"employee:{person.employee_id}"
        channel = self._chat.address(PLATFORM, key)
        if channel:
            return user_id, channel
        try:
            opened = self._client.conversations_open(users=user_id)
        except SlackApiError as error:
            raise delivery_error(error, f"conversations.open {person.email}") from error
        channel = str((opened.get("channel") or {}).get("id") or user_id)
        self._chat.save_address(PLATFORM, key, channel, self._clock.now())
        return user_id, channel

    def _post(self, channel: str, message: dict[str, Any], notice: AnyNotice) -> dict[str, Any]:
        """Post the notice's message (``channel`` and ``ts`` come back), unless it is there already."""
        if notice.sent_since is not None and notice.delivery_id:
            earlier = self._posted_before(channel, notice.delivery_id, notice.sent_since)
            if earlier is not None:
                log.info("notice %s was already in Slack; not posted again", notice.delivery_id)
                return {"channel": channel, "ts": earlier}
        metadata = {"event_type": NOTICE_EVENT, "event_payload": {"delivery": notice.delivery_id}}
        try:
            response = self._client.chat_postMessage(channel=channel, text=message["text"], blocks=message["blocks"],
                                                     metadata=metadata if notice.delivery_id else None)
        except SlackApiError as error:
            raise delivery_error(error, f"chat.postMessage to {channel}") from error
        return dict(response.data) if isinstance(response.data, dict) else {}

    def _posted_before(self, channel: str, delivery_id: str, since: datetime) -> str | None:
        """The ``ts`` of a message in ``channel`` since ``since`` carrying ``delivery_id``, if any."""
        cursor: str | None = None
        while True:
            try:
                page = self._client.conversations_history(channel=channel, oldest=f"{since.timestamp():.6f}",
                                                          include_all_metadata=True, limit=HISTORY_PAGE,
                                                          cursor=cursor)
            except SlackApiError as error:
                failure = delivery_error(error, f"conversations.history of {channel}")
                if isinstance(failure, DeliveryFailed | Unreachable):
                    # Without im:history nothing can be looked up: send it, at worst a second time.
                    log.warning("cannot check for an earlier %s: %s", delivery_id, failure)
                    return None
                raise failure from error
            for message in page.get("messages") or []:
                metadata = message.get("metadata") or {}
                payload = metadata.get("event_payload") or {}
                if metadata.get("event_type") == NOTICE_EVENT and payload.get("delivery") == delivery_id:
                    return str(message.get("ts"))
            cursor = str((page.get("response_metadata") or {}).get("next_cursor") or "") or None
            if cursor is None:
                return None

    def _refresh_home(self, person: Person) -> None:
        try:
            user_id = slack_user_id(self._service, self._client, person)
            page = self._service.home_view(person.email, PLATFORM)
            self._client.views_publish(user_id=user_id, view=render.home(page))
        except Exception as error:  # a stale Home tab is not worth a repeated DM
            log.warning("Home tab of %s not refreshed: %s", person.email, error)

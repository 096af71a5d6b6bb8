"""What every Slack listener shares: the core, a way to run it off the loop, identity, Home, cards.

The listeners (:mod:`bot.slack.commands`, :mod:`bot.slack.actions`) only translate; this object
holds the few things they all need, so each listener stays a short read.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.downloads import DownloadLinks
from bot.slack import render
from bot.slack.api import error_code
from bot.slack.identity import NO_EMAIL, Actor, answer_as, resolve_actor
from bot.slack.runner import Runner
from core.commands import Command
from core.errors import LeaveError
from core.ports import Clock
from core.service import Answer, LeaveService
from core.views import DocumentsView, RequestView

log = logging.getLogger(__name__)

SOURCE = "slack"
#: Bolt's ``ack`` and ``respond``, as the listeners receive them.
Ack = Callable[..., Awaitable[Any]]
Respond = Callable[..., Awaitable[Any]]


@dataclass(frozen=True)
class SlackDoor:
    """The Slack door's dependencies, handed to every listener.

    Attributes:
        service: the core.
        clock: the same clock the core is given, so "tomorrow" means the same day to both.
        run: runs the synchronous core in a worker thread.
        default_time_zone: for people the directory does not know.
        links: where a request's documents are kept for one-time links; None: they are listed only.
    """

    service: LeaveService
    clock: Clock
    run: Runner
    default_time_zone: str = "UTC"
    links: DownloadLinks | None = None

    async def actor(self, client: AsyncWebClient, user_id: str) -> Actor | None:
        return await resolve_actor(self.service, self.run, client, user_id)

    async def ask(self, client: AsyncWebClient, user_id: str, asked: str | Command, key: str | None = None,
                  adjust: Callable[[Command], Command] | None = None) -> tuple[Actor, Answer] | None:
        """Run a command for the Slack user behind ``user_id``, found in the command's own unit of work
        (:func:`~bot.slack.identity.answer_as`); None when Slack gives no e-mail for a stranger."""
        return await answer_as(self.service, self.run, client, user_id, asked, SOURCE, key, adjust)

    async def refuse_stranger(self, user_id: str, attempted: str) -> str:
        """Why someone Slack gives no e-mail for gets no further; the core records the attempt (and
        holds back a flood of them, which is then what they read)."""
        held = await self.run(self.service.record_stranger, user_id, SOURCE, attempted)
        return held.message if held is not None else NO_EMAIL

    def today(self, actor: Actor | None) -> date:
        """The actor's local date (the core reads dates in the employee's time zone too)."""
        zone = actor.employee.time_zone if actor and actor.employee else self.default_time_zone
        return self.clock.now().astimezone(ZoneInfo(zone)).date()

    async def publish_home(self, client: AsyncWebClient, actor: Actor, notice: str = "") -> None:
        """Publish ``actor``'s Home tab; a failure is logged, never shown as a failed action."""
        page = await self.run(self.service.home_view, actor.email, SOURCE)
        try:
            await client.views_publish(user_id=actor.user_id, view=render.home(page, notice))
        except SlackApiError as error:
            log.warning("views.publish for %s failed: %s", actor.user_id, error_code(error))

    async def hand_out(self, view: DocumentsView) -> DocumentsView:
        """The documents with a one-time link each, made off the event loop (they are stored first)."""
        if self.links is None or not view.files:
            return view
        shown: DocumentsView = await self.run(self.links.hand_out, view)
        return shown

    async def reject_reason_required(self) -> bool:
        """Whether the reason form of a rejection must be filled in: the policy decides, as it does for
        Teams and typed rejections; when it can't be read, the form asks for the reason."""
        try:
            required: bool = await self.run(self.service.reject_reason_required)
        except LeaveError:
            return True
        return required

    async def request_view(self, actor_email: str, request_id: int) -> RequestView | None:
        """The request as it stands now, to redraw a card that ``actor_email`` clicked after the
        decision; None when it isn't theirs to see (nobody is shown a card by clicking)."""
        try:
            seen = await self.run(self.service.request_seen_by, actor_email, request_id)
        except LeaveError:
            return None
        return seen.request if seen is not None else None


def ephemeral(message: dict[str, Any]) -> dict[str, Any]:
    """A reply that only the person who asked can see, adding to (not replacing) what they see."""
    return {**message, "response_type": "ephemeral", "replace_original": False}

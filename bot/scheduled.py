"""The doors' side of scheduled posts: render a job's payload with the door's templates and post it.

A payload is plain JSON written when the job ran (a digest, a who's-out, a reminder); only the
wording happens here. Each door's poster is a :class:`core.ports.jobs.Poster`, its errors sorted
the way that port says, as for the outbox's notices.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import AsyncIterator, Callable, Sequence
from typing import TYPE_CHECKING, Any

from aiohttp import web
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import ConnectionErrorRetryHandler, ServerErrorRetryHandler

from bot.digest_words import digest_picture, post_template, worded
from bot.downloads import DownloadLinks
from bot.runtime import Runtime
from bot.settings import Settings
from bot.slack import render as slack_render
from bot.slack.api import api_base_url, bot_token, delivery_error, timeout
from bot.slack.identity import PLATFORM as SLACK
from bot.slack.identity import slack_user_id
from core.ports import Unreachable
from core.ports.chat import ChatStore
from core.ports.jobs import Poster
from core.service import LeaveService
from core.views import Person
from scheduler import app as scheduler_app
from scheduler.runner import SchedulerRunner
from storage.jobs import Leadership

if TYPE_CHECKING:
    from bot.teams.notifier import TeamsNotifier

SLACK_BLOCK_LIMIT = 50
class SlackPoster:
    """Posts to a channel id, or by DM to an employee (the DM channel remembered as the notifier does)."""

    def __init__(self, service: LeaveService, chat: ChatStore, client: WebClient) -> None:
        self._service = service
        self._chat = chat
        self._client = client

    def message(self, payload: dict[str, Any]) -> dict[str, Any]:
        return slack_render._render(post_template(payload), SLACK_BLOCK_LIMIT, digest=worded(payload))

    def post(self, kind: str, address: str, payload: dict[str, Any]) -> None:
        """The message, then its picture (if it has one) as a file in the same channel.

        A retry after a failed upload posts the message again: a repeated digest beats a digest
        whose picture never arrives.
        """
        message = self.message(payload)
        channel = address if kind == "channel" else self._dm(address)
        try:
            self._client.chat_postMessage(channel=channel, text=message["text"], blocks=message["blocks"])
            drawn = digest_picture(payload)
            if drawn is not None:
                self._client.files_upload_v2(channel=channel, file=drawn.png, filename=drawn.filename,
                                             title=drawn.title, alt_txt=drawn.alt)
        except SlackApiError as error:
            raise delivery_error(error, f"posting to {channel}") from error

    def _dm(self, employee_id: str) -> str:
        employee = self._service.employee(employee_id)
        if employee is None:
            raise Unreachable(f"no employee {employee_id}")
        channel = self._chat.address(SLACK, f"employee:{employee_id}")
        if channel:
            return channel
        person = Person(employee.employee_id, employee.name, employee.email)
        user_id = slack_user_id(self._service, self._client, person)
        try:
            opened = self._client.conversations_open(users=user_id)
        except SlackApiError as error:
            raise delivery_error(error, f"conversations.open {employee.email}") from error
        return str((opened.get("channel") or {}).get("id") or user_id)


def posting_client(settings: Settings) -> WebClient:
    """A Web API client that hands every 429 back at once, so the sender can learn the rate
    (:meth:`core.service.LeaveService.deliver_posts` paces itself) instead of the client sleeping
    through it unseen."""
    return WebClient(token=bot_token(settings), base_url=api_base_url(settings), timeout=timeout(settings),
                     retry_handlers=[ConnectionErrorRetryHandler(), ServerErrorRetryHandler(max_retry_count=1)])


def build_runner(runtime: Runtime, settings: Settings, teams_notifier: TeamsNotifier | None,
                 extra: Sequence[Callable[[], None]] = (), email: Poster | None = None) -> SchedulerRunner:
    """The scheduler of this process: database leadership, and a poster for each enabled door.

    ``email`` is the e-mail door's poster (:func:`bot.email.door.email_poster`; None: e-mail off),
    made by the caller since that door imports this module for its digests' wording.
    """
    posters: dict[str, Poster] = {}
    if settings.slack_enabled:
        posters["slack"] = SlackPoster(runtime.service, runtime.chat, posting_client(settings))
    if teams_notifier is not None and settings.teams_auth_enabled:
        from bot.teams.posting import TeamsPoster  # the Bot Framework's libraries, only where Teams is on

        links = DownloadLinks(runtime.downloads, runtime.clock, settings.public_url)
        posters["teams"] = TeamsPoster(runtime.service, teams_notifier, links if links.public else None)
    if email is not None:
        posters["email"] = email
    holder = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
    return SchedulerRunner(runtime.service, runtime.clock, Leadership(runtime.engine, holder), posters, extra,
                           watch=runtime.watch)


def scheduling(runtime: Runtime, settings: Settings, teams_notifier: TeamsNotifier | None,
               email: Poster | None = None) -> Callable[[web.Application], AsyncIterator[None]]:
    """An aiohttp cleanup context that runs the scheduler while ``leavebot serve`` serves."""

    async def context(app: web.Application) -> AsyncIterator[None]:
        runner = build_runner(runtime, settings, teams_notifier, email=email)
        ticking = scheduler_app.start(runner)
        yield
        await scheduler_app.stop(ticking, runner)

    return context

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
from datetime import date, datetime
from typing import Any

from aiohttp import web
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import ConnectionErrorRetryHandler, ServerErrorRetryHandler

from bot import charts
from bot.charts import Picture
from bot.digest_words import empty_sections, nothing_line
from bot.downloads import DownloadLinks
from bot.rendering import format_span
from bot.runtime import Runtime
from bot.settings import Settings
from bot.slack import render as slack_render
from bot.slack.api import api_base_url, bot_token, delivery_error, timeout
from bot.slack.identity import PLATFORM as SLACK
from bot.slack.identity import slack_user_id
from bot.teams import cards as teams_cards
from bot.teams import pictures
from bot.teams.notifier import TeamsNotifier
from bot.teams.pictures import CardPicture, PictureLinks
from core.domain.heatmap import HeatMap
from core.domain.lists import shorter
from core.domain.text import format_day
from core.ports import Unreachable
from core.ports.chat import ChatStore
from core.ports.jobs import Poster
from core.service import LeaveService
from core.views import Person
from scheduler import app as scheduler_app
from scheduler.runner import SchedulerRunner
from storage.jobs import Leadership

TEMPLATES = {"hr_digest", "whos_out", "approval_reminder", "document_reminder"}
SLACK_BLOCK_LIMIT = 50
#: What a digest's picture covers: the whole organisation, counts only.
CHART_SCOPE = "all departments"


def _day(text: str) -> str:
    return format_day(date.fromisoformat(text))


def worded(payload: dict[str, Any]) -> dict[str, Any]:
    """The payload with the dates put into words (``when``, ``start_day``...) for the templates."""

    def rows(value: Any) -> Any:
        if isinstance(value, list):
            return [rows(v) for v in value]
        if isinstance(value, dict):
            row = {k: rows(v) for k, v in value.items()}
            if "start" in row and "end" in row:
                row["when"] = format_span(date.fromisoformat(row["start"]), date.fromisoformat(row["end"]),
                                          row.get("half") or None)
            if "start" in row:
                row["start_day"] = _day(row["start"])
            if "day" in row:
                row["day_label"] = _day(row["day"])
            if "back_on" in row:
                row["back_day"] = _day(row["back_on"])
            if "expires_on" in row:
                row["expires_day"] = _day(row["expires_on"])
            if "worked_on" in row:
                row["worked_day"] = _day(row["worked_on"])
            if "failed_at" in row:
                row["failed_day"] = format_day(datetime.fromisoformat(row["failed_at"]).date())
            return row
        return value

    shaped: dict[str, Any] = rows(payload)
    if "week_of" in shaped:
        shaped["week_day"] = _day(shaped["week_of"])
    if shaped.get("kind") == "hr_digest":  # its empty sections are folded into one line
        shaped["empty"], shaped["nothing"] = empty_sections(shaped), nothing_line(shaped)
    return shaped


def digest_picture(payload: dict[str, Any]) -> Picture | None:
    """The heat map of a digest that has one (the HR digest), drawn."""
    chart = payload.get("chart")
    return charts.picture(HeatMap.from_payload(chart), CHART_SCOPE) if isinstance(chart, dict) else None


def _template(payload: dict[str, Any]) -> str:
    kind = str(payload.get("kind"))
    if kind not in TEMPLATES:
        raise ValueError(f"no template for a scheduled post of kind {kind!r}")
    return f"{kind}.j2"


class SlackPoster:
    """Posts to a channel id, or by DM to an employee (the DM channel remembered as the notifier does)."""

    def __init__(self, service: LeaveService, chat: ChatStore, client: WebClient) -> None:
        self._service = service
        self._chat = chat
        self._client = client

    def message(self, payload: dict[str, Any]) -> dict[str, Any]:
        return slack_render._render(_template(payload), SLACK_BLOCK_LIMIT, digest=worded(payload))

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


class TeamsPoster:
    """Posts to a stored Teams channel, or to an employee's personal chat, through the notifier.

    Args:
        picture_links: where a digest's heat map is kept for the card to link to; None (no public
            address) to send it inside the card when it fits.
    """

    def __init__(self, service: LeaveService, notifier: TeamsNotifier,
                 picture_links: PictureLinks | None = None) -> None:
        self._service = service
        self._notifier = notifier
        self._picture_links = picture_links

    def card(self, payload: dict[str, Any]) -> dict[str, Any]:
        """The post's card, its lists cut shorter when the message would be too large for Teams
        (:func:`bot.teams.pictures.fitted`). A picture inside the card is kept only beside the whole
        lists: it repeats their counts, so it is the first thing to go."""
        template = _template(payload)

        def render(drawn: CardPicture | None, rows: int | None) -> dict[str, Any]:
            digest = worded(payload if rows is None else shorter(payload, rows))
            return teams_cards.render(template, digest=digest, picture=drawn)

        chart = payload.get("chart")
        if not isinstance(chart, dict):
            return pictures.fitted(lambda rows: render(None, rows))
        return pictures.pictured(
            lambda drawn: render(drawn, None) if drawn.inline else pictures.fitted(lambda rows: render(drawn, rows)),
            HeatMap.from_payload(chart), CHART_SCOPE, links=self._picture_links,
            lifetime=pictures.DIGEST_LIFETIME, instead=pictures.DIGEST_INSTEAD)

    def post(self, kind: str, address: str, payload: dict[str, Any]) -> None:
        card = self.card(payload)
        if kind == "channel":
            self._notifier.post_to_channel(address, card)
            return
        employee = self._service.employee(address)
        if employee is None:
            raise Unreachable(f"no employee {address}")
        self._notifier.post_to_person(Person(employee.employee_id, employee.name, employee.email), card)


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

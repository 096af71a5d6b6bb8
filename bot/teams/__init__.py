"""The Microsoft Teams door: Bot Framework messages at ``/api/messages``, Adaptive Cards with
Universal Actions, proactive notices from stored conversation references, and the app package.

Every botbuilder import of the project lives in this package, so that moving to the SDK's
successor touches nothing else. The composition root calls :func:`mount_teams` (only when an app
id is configured or the Emulator mode is asked for) and hands the returned notifier to the outbox
relay (and to the scheduler, for channel posts).
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
from collections.abc import AsyncIterator

from aiohttp import web
from botbuilder.schema import Activity

from bot.clock import SystemClock
from bot.downloads import DownloadLinks
from bot.server import call_core
from bot.settings import Settings
from bot.teams.actions import CardActions
from bot.teams.adapter import TeamsConfig, make_adapter
from bot.teams.bot import LeaveTeamsBot
from bot.teams.directory import EMULATOR_PLATFORM, PLATFORM, TeamsDirectory
from bot.teams.emulator import request_refusal, service_url_refusal
from bot.teams.notifier import TeamsNotifier
from bot.teams.package import TeamsPackageError, build_teams_package, default_manifest_dir, package_for
from core.ports import Clock
from core.ports.chat import ChatStore
from core.ports.downloads import Downloads
from core.service import LeaveService

__all__ = [
    "TeamsConfig", "TeamsNotifier", "TeamsPackageError", "build_teams_package", "default_manifest_dir", "mount_teams",
    "package_for",
]

log = logging.getLogger(__name__)

ROUTE = "/api/messages"
TEAMS_NOTIFIER = web.AppKey("teams_notifier", TeamsNotifier)


def mount_teams(app: web.Application, service: LeaveService, chat: ChatStore, downloads: Downloads,
                settings: Settings, *, config: TeamsConfig | None = None, clock: Clock | None = None) -> TeamsNotifier:
    """Add ``POST /api/messages`` to the shared app and return the door's notifier.

    With an app id every request needs a Bot Framework token. Without one the door is the
    Emulator's, and only when ``TEAMS_EMULATOR`` asks for it: requests from this machine that came
    through no proxy, answered at loopback URLs only, their senders never linked to anyone.

    Args:
        chat: where the door keeps its conversation references and the cards it posted.
        downloads: where the files of its links are kept (HR's report, pictures of cards).
        config: the Bot Framework configuration; by default built from the ``MICROSOFT_APP_*``
            settings (give one to use a national cloud's endpoints).
        clock: the time stamped on stored references and download links; the system clock by
            default.

    Raises:
        ValueError: neither an app id nor ``TEAMS_EMULATOR``: the door would be open to anyone.
    """
    config = config or TeamsConfig.from_settings(settings)
    emulator = not config.authenticated
    if emulator and not settings.teams_emulator:
        raise ValueError("Teams needs MICROSOFT_APP_ID (or TEAMS_EMULATOR=true for the local Emulator)")
    clock = clock or SystemClock()
    adapter = make_adapter(config, timeout=settings.http_timeout_seconds)
    run = functools.partial(call_core, app)
    directory = TeamsDirectory(service, chat, clock, EMULATOR_PLATFORM if emulator else PLATFORM)
    links = DownloadLinks(downloads, clock, settings.public_url)
    # A Teams client fetches a linked picture itself, so only an absolute link will do.
    actions = CardActions(service, directory, run, picture_links=links if links.public else None,
                          document_links=links)
    bot = LeaveTeamsBot(service, directory, actions, run, links, emulator=emulator)
    # A proactive turn makes up to three calls (a token, a new chat, the message).
    notifier = TeamsNotifier(adapter, directory, config.APP_ID, timeout=3 * settings.http_timeout_seconds)
    app[TEAMS_NOTIFIER] = notifier
    _say_mode(config, emulator)

    async def messages(request: web.Request) -> web.StreamResponse:
        refusal = request_refusal(request.remote, request.headers) if emulator else None
        if refusal is not None:
            return _error(403, refusal)
        if "application/json" not in request.headers.get("Content-Type", ""):
            return _error(415, "expected an Activity as application/json")
        try:
            body = await request.json()
        except (json.JSONDecodeError, UnicodeDecodeError):
            return _error(400, "the body is not JSON")
        if not _is_activity(body):
            return _error(400, "the body is not an Activity")
        refusal = service_url_refusal(body.get("serviceUrl")) if emulator else None
        if refusal is not None:
            return _error(403, refusal)
        response = await adapter.process(request, bot)
        return response if response is not None else web.Response(status=201)

    async def bind_loop(app: web.Application) -> AsyncIterator[None]:
        notifier.bind(asyncio.get_running_loop())
        yield
        notifier.unbind()

    app.router.add_post(ROUTE, messages)
    app.cleanup_ctx.append(bind_loop)
    return notifier


def _is_activity(body: object) -> bool:
    """True when the SDK can read ``body`` as an Activity (it raises deep inside otherwise: a 500)."""
    if not isinstance(body, dict) or not isinstance(body.get("type"), str) or not body["type"]:
        return False
    try:
        Activity().deserialize(body)
    except Exception:  # msrest raises its own errors and whatever a junk value makes it trip on
        return False
    return True


def _say_mode(config: TeamsConfig, emulator: bool) -> None:
    """The one start-up line that tells the operator how ``/api/messages`` is guarded."""
    if emulator:
        log.warning("Teams: Emulator mode (TEAMS_EMULATOR=true, no MICROSOFT_APP_ID): /api/messages runs WITHOUT "
                    "authentication for this machine only (loopback, no proxy headers) and answers loopback "
                    "service URLs only")
    else:
        log.info("Teams: on at %s with Bot Framework authentication for app %s", ROUTE, config.APP_ID)


def _error(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status)

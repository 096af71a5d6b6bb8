"""The Microsoft Teams door: Bot Framework messages at ``/api/messages``, Adaptive Cards with
Universal Actions, proactive notices from stored conversation references, and the app package.

Every botbuilder import of the project lives in this package, so that moving to the SDK's
successor touches nothing else. The composition root calls :func:`mount_teams` and hands the
returned notifier to the outbox relay (and to the scheduler, for channel posts).
"""

from __future__ import annotations

import asyncio
import functools
import ipaddress
import json
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
from bot.teams.directory import TeamsDirectory
from bot.teams.notifier import TeamsNotifier
from bot.teams.package import TeamsPackageError, build_teams_package, default_manifest_dir, package_for
from core.ports import Clock, UnitOfWorkFactory
from core.service import LeaveService

__all__ = [
    "TeamsConfig", "TeamsNotifier", "TeamsPackageError", "build_teams_package", "default_manifest_dir", "mount_teams",
    "package_for",
]

ROUTE = "/api/messages"
TEAMS_NOTIFIER = web.AppKey("teams_notifier", TeamsNotifier)


def mount_teams(app: web.Application, service: LeaveService, uow_factory: UnitOfWorkFactory, settings: Settings,
                *, config: TeamsConfig | None = None, clock: Clock | None = None) -> TeamsNotifier:
    """Add ``POST /api/messages`` to the shared app and return the door's notifier.

    Args:
        config: the Bot Framework configuration; by default built from the ``MICROSOFT_APP_*``
            settings (give one to use a national cloud's endpoints).
        clock: the time stamped on stored references and used for the approver's facts; the
            system clock by default.
    """
    config = config or TeamsConfig.from_settings(settings)
    clock = clock or SystemClock()
    adapter = make_adapter(config, timeout=settings.http_timeout_seconds)
    run = functools.partial(call_core, app)
    directory = TeamsDirectory(uow_factory, clock)
    links = DownloadLinks(uow_factory, clock, settings.public_url)
    # A Teams client fetches a linked picture itself, so only an absolute link will do.
    actions = CardActions(service, directory, uow_factory, clock, run, picture_links=links if links.public else None)
    bot = LeaveTeamsBot(service, directory, actions, run, links)
    # A proactive turn makes up to three calls (a token, a new chat, the message).
    notifier = TeamsNotifier(adapter, directory, config.APP_ID, timeout=3 * settings.http_timeout_seconds)
    app[TEAMS_NOTIFIER] = notifier
    authenticated = config.authenticated

    async def messages(request: web.Request) -> web.StreamResponse:
        if not authenticated and not _loopback(request.remote):
            # Without an app id nothing proves a request came from the Bot Framework; only the
            # Emulator on this machine may talk to the bot then.
            return _error(403, "Teams runs without authentication (MICROSOFT_APP_ID unset): local requests only")
        if "application/json" not in request.headers.get("Content-Type", ""):
            return _error(415, "expected an Activity as application/json")
        try:
            body = await request.json()
        except (json.JSONDecodeError, UnicodeDecodeError):
            return _error(400, "the body is not JSON")
        if not _is_activity(body):
            return _error(400, "the body is not an Activity")
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


def _loopback(remote: str | None) -> bool:
    try:
        return remote is not None and ipaddress.ip_address(remote).is_loopback
    except ValueError:
        return False


def _error(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status)

"""The Slack door: ``/leave``, modals, approval cards, App Home, over HTTP or Socket Mode.

The composition root wires it with one of two calls:

* :func:`mount_slack` adds ``POST /slack/events`` to the shared aiohttp app (``SLACK_BOT_TOKEN``
  and ``SLACK_SIGNING_SECRET`` set) and returns the notifier for the outbox;
* :func:`run_socket_mode` serves the same listeners over Socket Mode (``SLACK_APP_TOKEN`` set) until
  it is cancelled; :func:`make_notifier` gives the outbox its notifier in that case.

``SLACK_API_URL`` points every Web API call anywhere, which is all the tests change.
"""

from __future__ import annotations

import asyncio
import contextlib
from concurrent.futures import ThreadPoolExecutor

from aiohttp import web
from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp

from bot.clock import SystemClock
from bot.settings import Settings
from bot.slack.api import async_client, sync_client
from bot.slack.app import EVENTS_PATH, add_events_route, build_bolt_app
from bot.slack.door import SlackDoor
from bot.slack.notifier import SlackNotifier
from bot.slack.runner import app_runner, executor_runner
from core.ports import Clock, Notifier, UnitOfWorkFactory
from core.service import LeaveService

__all__ = ["BOLT_APP", "EVENTS_PATH", "make_notifier", "mount_slack", "run_socket_mode", "socket_mode_handler"]

BOLT_APP = web.AppKey("slack_bolt_app", AsyncApp)
SOCKET_MODE_WORKERS = 8


def make_notifier(service: LeaveService, uow_factory: UnitOfWorkFactory, settings: Settings, *,
                  clock: Clock | None = None) -> Notifier:
    """The ``slack`` notifier for the outbox (synchronous; it runs in a worker thread)."""
    return SlackNotifier(service, uow_factory, sync_client(settings), clock=clock,
                         default_time_zone=settings.timezone)


def mount_slack(app: web.Application, service: LeaveService, uow_factory: UnitOfWorkFactory, settings: Settings,
                *, clock: Clock | None = None) -> Notifier:
    """Serve Slack at ``POST /slack/events`` on ``app``; return the notifier for the outbox.

    Args:
        app: the shared server from :func:`bot.server.create_app` (its pool runs the core).
        service: the core.
        uow_factory: where the door keeps its cards and DM addresses.
        settings: ``SLACK_BOT_TOKEN``, ``SLACK_SIGNING_SECRET`` and ``SLACK_API_URL`` are used.
        clock: the clock the service was given (relative dates in typed commands); the real one
            by default.
    """
    if settings.slack_signing_secret is None:
        raise ValueError("SLACK_SIGNING_SECRET is needed to serve Slack over HTTP")
    door = SlackDoor(service, uow_factory, clock or SystemClock(), app_runner(app), settings.timezone)
    bolt_app = build_bolt_app(door, async_client(settings), settings.slack_signing_secret.get_secret_value())
    app[BOLT_APP] = bolt_app
    add_events_route(app, bolt_app)
    return make_notifier(service, uow_factory, settings, clock=clock)


def socket_mode_handler(service: LeaveService, uow_factory: UnitOfWorkFactory, settings: Settings,
                        executor: ThreadPoolExecutor, *, clock: Clock | None = None) -> AsyncSocketModeHandler:
    """The Socket Mode handler over the same listeners, authenticated with ``SLACK_APP_TOKEN``."""
    if settings.slack_app_token is None:
        raise ValueError("SLACK_APP_TOKEN is needed for Socket Mode")
    door = SlackDoor(service, uow_factory, clock or SystemClock(), executor_runner(executor), settings.timezone)
    # Socket Mode requests are not signed (the websocket is authenticated instead); bolt skips the check.
    secret = settings.slack_signing_secret.get_secret_value() if settings.slack_signing_secret else ""
    bolt_app = build_bolt_app(door, async_client(settings), secret)
    return AsyncSocketModeHandler(bolt_app, app_token=settings.slack_app_token.get_secret_value())


async def run_socket_mode(service: LeaveService, uow_factory: UnitOfWorkFactory, settings: Settings, *,
                          clock: Clock | None = None) -> None:
    """Serve Slack over Socket Mode until cancelled (no public URL needed)."""
    executor = ThreadPoolExecutor(max_workers=SOCKET_MODE_WORKERS, thread_name_prefix="leavebot-slack")
    handler = socket_mode_handler(service, uow_factory, settings, executor, clock=clock)
    try:
        await handler.connect_async()
        await asyncio.Event().wait()
    finally:
        with contextlib.suppress(Exception):
            await handler.close_async()
        executor.shutdown(wait=False, cancel_futures=True)

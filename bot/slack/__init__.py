"""The Slack door: ``/leave``, modals, approval cards, App Home, over HTTP or Socket Mode.

The composition root wires it with one of two calls:

* :func:`mount_slack` adds ``POST /slack/events`` to the shared aiohttp app (``SLACK_BOT_TOKEN``
  and ``SLACK_SIGNING_SECRET`` set) and returns the notifier for the outbox;
* :func:`run_socket_mode` serves the same listeners over Socket Mode (``SLACK_APP_TOKEN`` set) until
  it is cancelled, and then stops without dropping what it took; :func:`make_notifier` gives the
  outbox its notifier in that case.

``SLACK_API_URL`` points every Web API call anywhere, which is all the tests change.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
from concurrent.futures import ThreadPoolExecutor

from aiohttp import web
from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.socket_mode.aiohttp import SocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest

from bot.clock import SystemClock
from bot.downloads import DownloadLinks
from bot.settings import Settings
from bot.shutdown import RequestWork, counting
from bot.slack.api import async_client, sync_client
from bot.slack.app import EVENTS_PATH, add_events_route, build_bolt_app
from bot.slack.door import SlackDoor
from bot.slack.notifier import SlackNotifier
from bot.slack.runner import Runner, app_runner, executor_runner
from core.ports import Clock, Notifier
from core.ports.chat import ChatStore
from core.ports.downloads import Downloads
from core.service import LeaveService

__all__ = ["BOLT_APP", "EVENTS_PATH", "make_notifier", "mount_slack", "run_socket_mode", "socket_mode_handler"]

BOLT_APP = web.AppKey("slack_bolt_app", AsyncApp)
SOCKET_MODE_WORKERS = 8


def make_notifier(service: LeaveService, chat: ChatStore, settings: Settings, *,
                  clock: Clock | None = None) -> Notifier:
    """The ``slack`` notifier for the outbox (synchronous; it runs in a worker thread); it keeps its
    cards and DM channels in ``chat``."""
    return SlackNotifier(service, chat, sync_client(settings), clock=clock)


def mount_slack(app: web.Application, service: LeaveService, chat: ChatStore, settings: Settings,
                *, clock: Clock | None = None, downloads: Downloads | None = None) -> Notifier:
    """Serve Slack at ``POST /slack/events`` on ``app``; return the notifier for the outbox.

    Args:
        app: the shared server from :func:`bot.server.create_app` (its pool runs the core).
        service: the core.
        chat: where the door keeps its cards and DM channels.
        settings: ``SLACK_BOT_TOKEN``, ``SLACK_SIGNING_SECRET`` and ``SLACK_API_URL`` are used.
        clock: the clock the service was given (relative dates in typed commands); the real one
            by default.
        downloads: where a request's documents are kept for their one-time links (served by
            :func:`bot.downloads.mount_downloads`); without it they are only listed.
    """
    if settings.slack_signing_secret is None:
        raise ValueError("SLACK_SIGNING_SECRET is needed to serve Slack over HTTP")
    door = _door(service, clock or SystemClock(), app_runner(app), settings, downloads)
    bolt_app = build_bolt_app(door, async_client(settings), settings.slack_signing_secret.get_secret_value())
    app[BOLT_APP] = bolt_app
    add_events_route(app, bolt_app)
    return make_notifier(service, chat, settings, clock=clock)


class CountedSocketModeHandler(AsyncSocketModeHandler):
    """Bolt's Socket Mode handler, with the tasks each envelope starts counted in ``work``.

    A listener acknowledges and goes on working in a task of its own, which a stop must wait for;
    the connection's own loops (receiving, pinging, reconnecting) are started outside
    :meth:`handle`, so they are never counted: they end when the websocket is closed.
    """

    def __init__(self, app: AsyncApp, app_token: str, work: RequestWork) -> None:
        super().__init__(app, app_token=app_token)
        self.work = work

    async def handle(self, client: SocketModeClient, req: SocketModeRequest) -> None:  # type: ignore[override]
        with counting(self.work):
            await super().handle(client, req)


def socket_mode_handler(service: LeaveService, settings: Settings,
                        executor: ThreadPoolExecutor, work: RequestWork, *,
                        clock: Clock | None = None, downloads: Downloads | None = None) -> CountedSocketModeHandler:
    """The Socket Mode handler over the same listeners, authenticated with ``SLACK_APP_TOKEN``."""
    if settings.slack_app_token is None:
        raise ValueError("SLACK_APP_TOKEN is needed for Socket Mode")
    door = _door(service, clock or SystemClock(), executor_runner(executor), settings, downloads)
    # Socket Mode requests are not signed (the websocket is authenticated instead); bolt skips the check.
    secret = settings.slack_signing_secret.get_secret_value() if settings.slack_signing_secret else ""
    bolt_app = build_bolt_app(door, async_client(settings), secret)
    return CountedSocketModeHandler(bolt_app, settings.slack_app_token.get_secret_value(), work)


def _door(service: LeaveService, clock: Clock, run: Runner, settings: Settings,
          downloads: Downloads | None) -> SlackDoor:
    links = DownloadLinks(downloads, clock, settings.public_url) if downloads is not None else None
    return SlackDoor(service, clock, run, settings.timezone, links)


async def run_socket_mode(service: LeaveService, settings: Settings, *,
                          clock: Clock | None = None, work: RequestWork | None = None,
                          downloads: Downloads | None = None) -> None:
    """Serve Slack over Socket Mode until cancelled (no public URL needed), then stop gracefully.

    Cancelling closes the websocket first, so that Slack sends new envelopes to another connection
    (another replica); then the listeners already started finish, up to ``SHUTDOWN_TIMEOUT``, and
    the pool they run the core in is shut down: a use case already running finishes, one still
    queued never starts.

    Args:
        work: where the tasks the envelopes start are counted: the server's
            (:func:`bot.shutdown.work_of`), so that its shutdown waits for them before the outbox's
            last round. Tasks are counted only under the task factory of :func:`bot.shutdown.install`.
    """
    work = work if work is not None else RequestWork()
    executor = ThreadPoolExecutor(max_workers=SOCKET_MODE_WORKERS, thread_name_prefix="leavebot-slack")
    handler = socket_mode_handler(service, settings, executor, work, clock=clock, downloads=downloads)
    try:
        await handler.connect_async()
        await asyncio.Event().wait()
    finally:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + settings.shutdown_timeout
        with contextlib.suppress(Exception):
            await handler.close_async()
        await work.finish(deadline)
        await loop.run_in_executor(None, functools.partial(executor.shutdown, wait=True, cancel_futures=True))

"""The shared aiohttp application that every HTTP door is mounted on.

The core is synchronous; the doors are async. Use cases therefore run in a bounded thread pool
sized to the database connection pool (:func:`call_core`), so that a burst of Slack or Teams
traffic waits for a connection in order instead of piling up threads or blocking the event loop.
What must answer at once never waits in that pool: acknowledgements are sent from the event loop
(a Slack command's within its budget, whatever the pool is doing), and ``/health`` pings the
database from the loop's default executor. Each worker of a server of several
(:mod:`bot.workers`) has a pool, and a connection pool, of its own.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import logging
import os
import signal
import socket
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, TypeVar

from aiohttp import web
from sqlalchemy import Engine

from bot import shutdown
from bot.clock import SystemClock
from bot.listening import claiming
from bot.observability.access import SafeAccessLogger
from bot.observability.http import install_observability
from bot.observability.metrics import Telemetry
from core.service import LeaveService
from storage.engine import ping
from storage.uow import uow_factory

if TYPE_CHECKING:
    from bot.workers import Worker

log = logging.getLogger(__name__)

T = TypeVar("T")

ENGINE = web.AppKey("engine", Engine)
SERVICE = web.AppKey("service", LeaveService)
EXECUTOR = web.AppKey("executor", ThreadPoolExecutor)
DOORS = web.AppKey("doors", dict[str, str])
PING_TIMEOUT = web.AppKey("ping_timeout", float)

DEFAULT_PING_TIMEOUT_SECONDS = 2.0
DEFAULT_SHUTDOWN_TIMEOUT_SECONDS = 25.0
#: The largest request body read (aiohttp answers 413 past it, before any door sees it). Slack and
#: Bot Framework payloads are a few kilobytes; nothing is uploaded through the bot.
MAX_BODY_BYTES = 1024 * 1024
#: Use-case threads when the engine's pool does not say its size.
DEFAULT_THREADS = 8


def create_app(
    engine: Engine,
    *,
    service: LeaveService | None = None,
    doors: Mapping[str, str] | None = None,
    ping_timeout: float = DEFAULT_PING_TIMEOUT_SECONDS,
    threads: int | None = None,
    telemetry: Telemetry | None = None,
    metrics_token: str | None = None,
    metrics_port: int | socket.socket | None = None,
) -> web.Application:
    """The application with ``/health`` and ``/metrics``; doors add their routes to it.

    Args:
        engine: the database to report on (and whose pool sizes the worker threads).
        service: the core service that the doors call; None for an app that only reports health.
        doors: each platform's configured state (``"off"``, ``"configured"``...), reported as is
            by ``/health`` without probing the platform.
        ping_timeout: how long ``/health`` waits for the database before calling it unreachable.
        threads: threads for use cases; defaults to the connection pool's size, since a thread
            beyond it would only wait for a connection.
        telemetry: the metrics that the service feeds (the runtime's); by default, new ones that
            report this database's outbox and calendar failures.
        metrics_token: the bearer token ``/metrics`` asks for (``METRICS_TOKEN``); None: open.
        metrics_port: serve ``/metrics`` on 127.0.0.1 at this port instead (``METRICS_PORT``), or
            on this socket bound there (a worker's, :class:`bot.workers.Worker`).
    """
    app = web.Application(client_max_size=MAX_BODY_BYTES)
    app[ENGINE] = engine
    if service is not None:
        app[SERVICE] = service
    app[DOORS] = dict(doors or {})
    app[PING_TIMEOUT] = ping_timeout
    app[EXECUTOR] = ThreadPoolExecutor(
        max_workers=threads or _pool_size(engine), thread_name_prefix="leavebot-core"
    )
    app.cleanup_ctx.append(_shutdown_executor)
    app.router.add_get("/health", health)
    if telemetry is None:
        telemetry = Telemetry()
        clock = SystemClock()
        telemetry.watch_database(service or LeaveService(uow_factory(engine), clock), clock)
    install_observability(app, telemetry, metrics_token=metrics_token, metrics_port=metrics_port)
    return app


async def call_core(app: web.Application, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run a synchronous use case in the app's bounded pool, off the event loop.

    The work runs in a copy of the caller's context, so that its log lines (and the outbox events
    it writes) keep the request id.
    """
    loop = asyncio.get_running_loop()
    context = contextvars.copy_context()
    return await loop.run_in_executor(app[EXECUTOR], context.run, functools.partial(function, *args, **kwargs))


async def health(request: web.Request) -> web.Response:
    """200 when the database answers, 503 when it does not; doors are reported, not probed. The
    process id says which worker answered (a server may have several, :mod:`bot.workers`).

    The ping runs in the loop's default executor rather than the use-case pool, so that a pool
    saturated by slow use cases does not make a healthy replica look dead.
    """
    app = request.app
    timeout = app[PING_TIMEOUT]
    loop = asyncio.get_running_loop()
    try:
        alive = await asyncio.wait_for(
            loop.run_in_executor(None, functools.partial(ping, app[ENGINE], timeout_seconds=timeout)),
            timeout=timeout + 1.0,
        )
    except TimeoutError:
        alive = False
    doors: dict[str, str] = app[DOORS]
    checks = {"database": "ok" if alive else "unreachable", **doors}
    if not alive:
        log.warning("health: database unreachable")
    body = {"status": "ok" if alive else "error", "checks": checks, "pid": os.getpid()}
    return web.json_response(body, status=200 if alive else 503)


def run_server(app: web.Application, host: str, port: int,
               shutdown_timeout: float = DEFAULT_SHUTDOWN_TIMEOUT_SECONDS, *, worker: Worker | None = None) -> None:
    """Serve until SIGTERM or Ctrl-C, then stop gracefully within ``shutdown_timeout`` seconds:
    no new connections, requests in flight and the work they started finish (:mod:`bot.shutdown`).

    As one ``worker`` of several, accept on the sockets the parent bound, stop on the first
    SIGTERM alone (the parent turns Ctrl-C into that), and tell the parent once started.
    """
    shutdown.install(app, shutdown_timeout)
    if worker is None:
        from bot.workers import bind

        with claiming(port):  # before the app starts its scheduler: a busy port is one line, nothing to undo
            listeners = bind(host, port)
        print(f"Listening on http://{host}:{port} (health: /health)", flush=True)
        web.run_app(app, sock=list(listeners), print=None, shutdown_timeout=shutdown_timeout, **access_logging())
        return
    app.on_startup.append(_serving_as(worker))
    web.run_app(app, sock=list(worker.listeners), print=None, shutdown_timeout=shutdown_timeout,
                handle_signals=False, **access_logging())


def access_logging() -> dict[str, Any]:
    """How the server logs each request: to this module's logger, with the tokens of feed and
    download paths left out (:mod:`bot.observability.access`)."""
    return {"access_log": log, "access_log_class": SafeAccessLogger}


def _serving_as(worker: Worker) -> Callable[[web.Application], Awaitable[None]]:
    """The last start-up step of a worker: the stop signal, then word to the parent."""

    async def started(app: web.Application) -> None:
        loop = asyncio.get_running_loop()

        def stop() -> None:
            # Any later SIGTERM is the same request again (see bot.workers), ignored; one that
            # arrived with the first is already queued, and finds the handler gone.
            if loop.remove_signal_handler(signal.SIGTERM):
                signal.signal(signal.SIGTERM, signal.SIG_IGN)
                raise web.GracefulExit()

        loop.add_signal_handler(signal.SIGTERM, stop)
        worker.started()

    return started


async def _shutdown_executor(app: web.Application) -> AsyncIterator[None]:
    yield
    # A use case already running finishes (it is one transaction); one still queued never starts.
    stop = functools.partial(app[EXECUTOR].shutdown, wait=True, cancel_futures=True)
    await asyncio.get_running_loop().run_in_executor(None, stop)


def _pool_size(engine: Engine) -> int:
    size = getattr(engine.pool, "size", None)
    return int(size()) if callable(size) else DEFAULT_THREADS

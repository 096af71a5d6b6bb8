"""What the aiohttp app adds for observability: request ids, HTTP metrics and ``GET /metrics``.

``/metrics`` tells anyone who can reach it how busy the company's leave is; it can be kept to the
scraper with a bearer token (``METRICS_TOKEN``), or moved off the public port to a port of its own
on the loopback interface (``METRICS_PORT``), or both.
"""

from __future__ import annotations

import asyncio
import hmac
import socket
import time
from collections.abc import AsyncIterator, Awaitable, Callable

from aiohttp import web
from prometheus_client.exposition import choose_encoder

from bot.observability.context import REQUEST_ID_HEADER, accepted_request_id, current_request_id, set_request_id
from bot.observability.metrics import Telemetry

TELEMETRY = web.AppKey("telemetry", Telemetry)
#: The bearer token a scrape must carry, or None when ``/metrics`` is open.
METRICS_TOKEN = web.AppKey("metrics_token", str)
METRICS_PATH = "/metrics"
#: Where ``/metrics`` listens when it has a port of its own: this machine only.
METRICS_HOST = "127.0.0.1"
#: The route label of a request that matched no route, so that scanners cannot mint label values.
UNMATCHED = "unmatched"

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def install_observability(app: web.Application, telemetry: Telemetry, *, metrics_token: str | None = None,
                          metrics_port: int | socket.socket | None = None) -> None:
    """Give every request an id (echoed as ``X-Request-Id``), count and time it, serve ``/metrics``.

    The middleware goes first so that whatever other middlewares answer (a refusal, a limit)
    is counted and carries the id too.

    Args:
        metrics_token: when set, a scrape without ``Authorization: Bearer`` and this token gets 401.
        metrics_port: when set, ``/metrics`` is served on ``127.0.0.1`` at this port, while the
            app runs, and not on the app itself; or on this socket, bound there already (the
            workers of one server share the one their parent bound, :mod:`bot.workers`).
    """
    app[TELEMETRY] = telemetry
    app.middlewares.insert(0, _observed)
    app.on_response_prepare.append(_echo_request_id)
    if metrics_port is None:
        _add_metrics(app, telemetry, metrics_token)
    else:
        app.cleanup_ctx.append(_metrics_listener(telemetry, metrics_token, metrics_port))


def _add_metrics(app: web.Application, telemetry: Telemetry, token: str | None) -> None:
    app[TELEMETRY] = telemetry
    if token is not None:
        app[METRICS_TOKEN] = token
    app.router.add_get(METRICS_PATH, metrics)


def _metrics_listener(telemetry: Telemetry, token: str | None,
                      port: int | socket.socket) -> Callable[[web.Application], AsyncIterator[None]]:
    """``/metrics`` alone, on the loopback interface, for as long as the main app runs."""

    async def listening(app: web.Application) -> AsyncIterator[None]:
        scrape = web.Application()
        _add_metrics(scrape, telemetry, token)
        runner = web.AppRunner(scrape, access_log=None)
        await runner.setup()
        site = (web.SockSite(runner, port) if isinstance(port, socket.socket)
                else web.TCPSite(runner, METRICS_HOST, port))
        await site.start()
        yield
        await runner.cleanup()

    return listening


@web.middleware
async def _observed(request: web.Request, handler: Handler) -> web.StreamResponse:
    # Set for the rest of this request's task, not reset on the way out: aiohttp logs (and Sentry
    # reports) an unhandled error after the handler has returned, and they should carry the id too.
    set_request_id(accepted_request_id(request.headers.get(REQUEST_ID_HEADER)))
    started = time.perf_counter()
    status = 500  # what an error that escapes every handler becomes
    try:
        response = await handler(request)
        status = response.status
        return response
    except web.HTTPException as error:
        status = error.status
        raise
    finally:
        route = request.match_info.route.resource
        label = route.canonical if route is not None else UNMATCHED
        request.app[TELEMETRY].http_answered(request.method, label, status, time.perf_counter() - started)


async def _echo_request_id(request: web.Request, response: web.StreamResponse) -> None:
    request_id = current_request_id()
    if request_id is not None:
        response.headers[REQUEST_ID_HEADER] = request_id


async def metrics(request: web.Request) -> web.Response:
    """The app's metrics in the Prometheus text format (or OpenMetrics, when the scraper asks).

    Rendering reads the database, so it runs off the event loop. With a token configured, a scrape
    that does not carry it gets 401 (compared in constant time, so that timing tells nothing).
    """
    token = request.app.get(METRICS_TOKEN)
    if token is not None and not _bearer_is(request.headers.get("Authorization", ""), token):
        return web.Response(status=401, text="Unauthorized\n", headers={"WWW-Authenticate": 'Bearer realm="metrics"'})
    encode, content_type = choose_encoder(request.headers.get("Accept", ""))
    registry = request.app[TELEMETRY].registry
    body = await asyncio.get_running_loop().run_in_executor(None, encode, registry)
    return web.Response(body=body, headers={"Content-Type": content_type})


def _bearer_is(authorization: str, token: str) -> bool:
    scheme, _, offered = authorization.partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(offered.strip().encode(), token.encode())

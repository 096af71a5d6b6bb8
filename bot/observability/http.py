"""What the aiohttp app adds for observability: request ids, HTTP metrics and ``GET /metrics``."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

from aiohttp import web
from prometheus_client.exposition import choose_encoder

from bot.observability.context import REQUEST_ID_HEADER, accepted_request_id, current_request_id, set_request_id
from bot.observability.metrics import Telemetry

TELEMETRY = web.AppKey("telemetry", Telemetry)
#: The route label of a request that matched no route, so that scanners cannot mint label values.
UNMATCHED = "unmatched"

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def install_observability(app: web.Application, telemetry: Telemetry) -> None:
    """Give every request an id (echoed as ``X-Request-Id``), count and time it, serve ``/metrics``.

    The middleware goes first so that whatever other middlewares answer (a refusal, a limit)
    is counted and carries the id too.
    """
    app[TELEMETRY] = telemetry
    app.middlewares.insert(0, _observed)
    app.on_response_prepare.append(_echo_request_id)
    app.router.add_get("/metrics", metrics)


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

    Rendering reads the database, so it runs off the event loop.
    """
    encode, content_type = choose_encoder(request.headers.get("Accept", ""))
    registry = request.app[TELEMETRY].registry
    body = await asyncio.get_running_loop().run_in_executor(None, encode, registry)
    return web.Response(body=body, headers={"Content-Type": content_type})

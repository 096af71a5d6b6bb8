"""``GET /calendar/{token}.ics``: approved leave as an iCalendar feed, for calendar apps to subscribe to.

The token is the only credential, so an unknown token, a revoked one and a malformed path all get
the same bare 404: nothing tells a guesser which tokens exist or once existed.
"""

from __future__ import annotations

from datetime import UTC, timedelta

from aiohttp import web

from bot.runtime import Runtime
from bot.server import call_core
from core.service import LeaveService
from core.views import Feed

SERVICE = web.AppKey("feed_service", LeaveService)
SUFFIX = ".ics"
NOT_FOUND = "Not found\n"


def mount_feeds(app: web.Application, runtime: Runtime) -> None:
    """Serve the feeds of ``runtime``'s service on ``app``."""
    app[SERVICE] = runtime.service
    app.router.add_get("/calendar/{name}", serve_feed)


async def serve_feed(request: web.Request) -> web.Response:
    name = request.match_info["name"]
    token = name[: -len(SUFFIX)] if name.endswith(SUFFIX) else ""
    feed = await call_core(request.app, request.app[SERVICE].feed, token) if token else None
    if feed is None:
        return web.Response(status=404, text=NOT_FOUND)
    return web.Response(body=to_ics(feed), content_type="text/calendar", charset="utf-8",
                        headers={"Cache-Control": "private, max-age=300"})


def to_ics(feed: Feed) -> bytes:
    """All-day (``VALUE=DATE``) events with stable UIDs; DTSTAMP is when the leave was decided.

    icalendar is loaded by the first feed served, not by every worker at start."""
    from icalendar import Calendar
    from icalendar import Event as IcsEvent

    calendar = Calendar()
    calendar.add("prodid", "-//LeaveBot//Leave feed//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", feed.name)
    for item in feed.items:
        event = IcsEvent()
        event.add("uid", item.uid)
        event.add("summary", item.title)
        event.add("dtstart", item.first)
        event.add("dtend", item.last + timedelta(days=1))
        event.add("dtstamp", item.stamp.astimezone(UTC))
        event.add("transp", "OPAQUE")
        calendar.add_component(event)
    return bytes(calendar.to_ical())

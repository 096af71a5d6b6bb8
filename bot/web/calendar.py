"""The team calendar page: who is out on each day of a month, as the signed-in person may see it.

The core decides whom the viewer sees and whether a leave type shows (the rules of ``/leave team``,
:meth:`core.service.LeaveService.team_month`); this page only reads the month and the filters from
the query string and draws the grid. The subscribe button gets the viewer their own calendar feed,
as ``/leave feed`` does in chat.
"""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode

from aiohttp import web

from bot.server import call_core
from bot.web.door import door_of
from bot.web.forms import posted
from bot.web.render import page_error, render
from bot.web.session import viewer
from core.commands import ShowFeed
from core.errors import LeaveError
from core.views import FeedView, RefusalView, TeamMonthView

routes = web.RouteTableDef()

SOURCE = "web"
PATH = "/web/calendar"
TITLE = "Team calendar"
NOT_DONE = "Nothing was done; try again."


@routes.get(PATH)
async def calendar_page(request: web.Request) -> web.StreamResponse:
    person = await viewer(request)
    query = request.query
    try:
        month = await call_core(request.app, door_of(request).service.team_month, person.email, query.get("month"),
                                SOURCE, query.get("department"), query.get("location"))
    except LeaveError as error:
        raise page_error(request, web.HTTPBadRequest, error.message, viewer=person, title=TITLE) from None
    return render(request, "calendar.j2", viewer=person, view=month, previous=month_link(month, forward=False),
                  next=month_link(month, forward=True))


@routes.post(f"{PATH}/feed")
async def new_feed(request: web.Request) -> web.StreamResponse:
    """A new link to the viewer's own feed, shown once on the page this POST answers (it is a secret,
    so it travels in no cookie and no redirect); earlier links of theirs stop, as in chat."""
    person, _ = await posted(request)
    answer = await call_core(request.app, door_of(request).service.answer, person.email, ShowFeed(), SOURCE)
    view = answer.view if answer is not None else None
    if not isinstance(view, FeedView):
        message = view.message if isinstance(view, RefusalView) else NOT_DONE
        raise page_error(request, web.HTTPForbidden, message, viewer=person, title=TITLE)
    url = view.url or f"{request.scheme}://{request.host}{view.path}"
    return render(request, "calendar_feed.j2", viewer=person, view=view, url=url,
                  webcal="webcal://" + url.split("://", 1)[1])


def month_link(view: TeamMonthView, *, forward: bool) -> str:
    """The calendar of the month after (or before) ``view``'s, with the same filters."""
    first = view.month
    shown = (first + timedelta(days=31) if forward else first - timedelta(days=1)).replace(day=1)
    chosen = {"month": f"{shown:%Y-%m}"}
    if view.department:
        chosen["department"] = view.department
    if view.location:
        chosen["location"] = view.location
    return f"{PATH}?{urlencode(chosen)}"

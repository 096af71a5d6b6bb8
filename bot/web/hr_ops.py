"""HR's jobs and outbox page: the scheduled jobs' last runs and problems (``leavebot jobs list``), the
outbox events waiting (failed ones first, with why), and the calendar syncs refused for good."""

from __future__ import annotations

from aiohttp import web

from bot.web.hr import desk_view, hr_page
from bot.web.session import viewer
from core.commands import ShowOps

routes = web.RouteTableDef()


@routes.get("/web/hr/ops")
async def ops_page(request: web.Request) -> web.StreamResponse:
    person = await viewer(request)
    return hr_page(request, "hr_ops.j2", person, view=await desk_view(request, person, ShowOps()))

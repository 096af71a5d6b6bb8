"""What the pages behind an e-mail's links share: the service they reach, and how a refused link reads.

Each page (:mod:`bot.email.decide`, :mod:`bot.email.pages`) answers a GET with a confirmation and
does its one thing on the POST; a link that cannot be used gets the same page from both, with the
status a browser or a mail client's probe can act on.
"""

from __future__ import annotations

from aiohttp import web

from bot.web.render import render
from core.errors import LeaveError, LinkRefused
from core.service import LeaveService

SERVICE = web.AppKey("email_links_service", LeaveService)
TITLES = {"unknown": "Link not valid", "used": "Link already used", "expired": "Link expired"}


def mount_links(app: web.Application, service: LeaveService, routes: web.RouteTableDef) -> None:
    """Serve one kind of link's pages on ``app`` (their security headers come with the web door's)."""
    app[SERVICE] = service
    app.router.add_routes(routes)


def link_refused(request: web.Request, error: LeaveError, *, status: int, title: str, hint: str) -> web.Response:
    """The refusal page: 404 for an unknown link, 410 for a used or expired one; any other refusal
    (what the link asked for was refused) with ``status`` and ``title``. ``hint`` says how to do it in chat."""
    if isinstance(error, LinkRefused):
        status = web.HTTPNotFound.status_code if error.reason == "unknown" else web.HTTPGone.status_code
        title = TITLES.get(error.reason, "Link refused")
    return render(request, "email_refusal.j2", status=status, title=title, message=error.message, hint=hint)

"""The e-mail's link back to chat: ``/email/notify/<token>`` (its ``List-Unsubscribe`` link).

``GET`` only shows whose notices would move and where they go now (mail scanners and a mail
client's unsubscribe probe fetch links, so a GET changes nothing); its button POSTs back to the
same address, which switches the link's holder to chat notices through the core, once.

As for the Approve/Reject pages (:mod:`bot.email.decide`), the token in the path is the
credential (random, single-use, bound to one person and to this one change), so no session or
CSRF token is involved: a forged POST would need the token itself.
"""

from __future__ import annotations

from aiohttp import web

from bot.email.link_pages import SERVICE, link_refused, mount_links
from bot.server import call_core
from bot.web.render import render
from core.errors import LeaveError
from core.service import LeaveService

PATH = "/email/notify/{token}"
HINT = "Where your notices go can also be changed in chat: /leave notify chat, email or both."

routes = web.RouteTableDef()


def mount_notify(app: web.Application, service: LeaveService) -> None:
    """Serve the "switch to chat" pages on ``app``."""
    mount_links(app, service, routes)


@routes.get(PATH)
async def confirm_page(request: web.Request) -> web.StreamResponse:
    try:
        now = await call_core(request.app, request.app[SERVICE].notify_link, request.match_info["token"])
    except LeaveError as error:
        return _refused(request, error)
    return render(request, "email_notify.j2", view=now, action=request.path)


@routes.post(PATH)
async def switch(request: web.Request) -> web.StreamResponse:
    try:
        now = await call_core(request.app, request.app[SERVICE].switch_to_chat, request.match_info["token"])
    except LeaveError as error:
        return _refused(request, error)
    return render(request, "email_notified.j2", view=now)


def _refused(request: web.Request, error: LeaveError) -> web.Response:
    """403 for a switch refused (no chat account); a link that cannot be used as :func:`link_refused` says."""
    return link_refused(request, error, status=web.HTTPForbidden.status_code, title="Not changed", hint=HINT)

"""Signing in with a link from chat, and signing out.

``/leave web`` gives a person a link ``/web/sign-in/<token>`` that works once, for a short while.
Opening it (a GET) only shows a "Sign in" button and uses nothing up: chat apps and mail scanners
fetch links to preview them. The button POSTs back to the same address, which redeems the link and
starts the session. Attempts are braked per client address by the core (429 past the limit), so
that nobody can try tokens by the thousand.
"""

from __future__ import annotations

from aiohttp import web

from bot.server import call_core
from bot.web.door import door_of
from bot.web.forms import from_this_site, posted
from bot.web.render import page_error, render
from bot.web.session import SIGNED_OUT, current_viewer, end_session, start_session
from core.errors import LeaveError, LinkRefused

routes = web.RouteTableDef()

HOME = "/web/"
SOURCE = "web"
#: A used or expired link is gone for good (410); anything else is a bad link (400).
GONE = frozenset({"used", "expired"})


@routes.get("/web/sign-in/{token}")
async def sign_in_page(request: web.Request) -> web.StreamResponse:
    door = door_of(request)
    try:
        visitor = await call_core(request.app, door.service.check_sign_in, request.match_info["token"],
                                  _client(request))
    except LeaveError as error:
        raise _refused(request, error) from None
    return render(request, "sign_in.j2", name=visitor.name, action=request.path)


@routes.post("/web/sign-in/{token}")
async def sign_in(request: web.Request) -> web.StreamResponse:
    door = door_of(request)
    if not from_this_site(request):
        raise page_error(request, web.HTTPForbidden, "Sign in from the link's own page.", title="Sign-in refused")
    try:
        visitor = await call_core(request.app, door.service.sign_in, request.match_info["token"], SOURCE,
                                  _client(request))
    except LeaveError as error:
        raise _refused(request, error) from None
    response = web.HTTPSeeOther(HOME)
    await start_session(request, response, visitor.employee_id)
    raise response


@routes.post("/web/sign-out")
async def sign_out(request: web.Request) -> web.StreamResponse:
    viewer, _ = await posted(request)
    await call_core(request.app, door_of(request).service.sign_out, viewer.employee_id, SOURCE)
    response = web.HTTPSeeOther(SIGNED_OUT)
    await end_session(request, response)
    raise response


@routes.get(SIGNED_OUT)
async def signed_out(request: web.Request) -> web.StreamResponse:
    if await current_viewer(request) is not None:
        raise web.HTTPSeeOther(HOME)
    return render(request, "signed_out.j2")


def _refused(request: web.Request, error: LeaveError) -> web.HTTPException:
    """The page of a refused sign-in: 410 for a used or expired link, 429 for a flood, 400 otherwise."""
    if isinstance(error, LinkRefused):
        status: type[web.HTTPException] = web.HTTPGone if error.reason in GONE else web.HTTPBadRequest
    elif getattr(error, "retry_after", None) is not None:
        status = web.HTTPTooManyRequests
    else:
        status = web.HTTPForbidden
    return page_error(request, status, error.message, title="Sign-in refused")


def _client(request: web.Request) -> str:
    """Who is trying, for the brake: the client's address (as the proxy in front reports it)."""
    return request.remote or "unknown"

"""Mounting the web door on the shared server: its pages, its static files, its security headers.

Each page module of this package exposes ``routes`` (a :class:`aiohttp.web.RouteTableDef`);
:func:`install_web` adds every one of them, so a new page is a new module and nothing else.
The security headers cover the door's pages and the e-mail links' pages (``/email/``): no inline
script or style (the Content Security Policy), no framing, no referrer (a sign-in link carries its
token in the path), HSTS when the server is reached over https, and no caching of what is personal.
"""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware
from multidict import CIMultiDict

from bot import web as package
from bot.web.door import DOOR, WebDoor
from bot.web.render import NO_STORE
from core.ports import Clock
from core.ports.web import WebSessions
from core.service import LeaveService

STATIC = Path(__file__).parent / "static"
STATIC_PREFIX = "/web/static/"
#: The paths whose responses get the security headers.
GUARDED = ("/web/", "/email/")
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; "
       "form-action 'self'; base-uri 'none'")
HEADERS = {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
           "X-Frame-Options": "DENY"}
HSTS = "max-age=31536000; includeSubDomains"


def install_web(app: web.Application, service: LeaveService, *, public_url: str | None, secure: bool,
                sessions: WebSessions, clock: Clock) -> None:
    """Serve the dashboard on ``app``: every page module's routes, ``/web/static/``, the headers.

    Args:
        public_url: where people reach the server (links in pages); None: paths on this server.
        secure: the server is reached over https: cookies are Secure and browsers get HSTS.
        sessions: where sessions are kept (each call a short transaction).
        clock: what sessions expire by.
    """
    app[DOOR] = WebDoor(service, sessions, clock, public_url, secure)
    app.middlewares.append(security_headers(secure))
    app.router.add_get("/web", _to_home)
    for routes in page_routes():
        app.router.add_routes(routes)
    app.router.add_static(STATIC_PREFIX, STATIC)


def page_routes() -> list[web.RouteTableDef]:
    """The ``routes`` of every module of this package that has them, in the modules' name order."""
    found = []
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda info: info.name):
        routes = getattr(importlib.import_module(f"{package.__name__}.{info.name}"), "routes", None)
        if isinstance(routes, web.RouteTableDef):
            found.append(routes)
    return found


def security_headers(secure: bool) -> Middleware:
    """The middleware adding the security headers to the guarded paths' responses, errors included."""

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        if not request.path.startswith(GUARDED):
            return await handler(request)
        try:
            response = await handler(request)
        except web.HTTPException as error:
            _guard(error.headers, request.path, secure)
            raise
        _guard(response.headers, request.path, secure)
        return response

    return middleware


def _guard(headers: CIMultiDict[str], path: str, secure: bool) -> None:
    headers.update(HEADERS)
    if secure:
        headers["Strict-Transport-Security"] = HSTS
    if not path.startswith(STATIC_PREFIX):
        headers.setdefault("Cache-Control", NO_STORE)


async def _to_home(request: web.Request) -> web.StreamResponse:
    raise web.HTTPPermanentRedirect("/web/")

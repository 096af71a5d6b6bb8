"""Sessions of the web door: started by a redeemed sign-in link, kept in a cookie, checked on every request.

The cookie holds a random session id; the store keeps only its SHA-256 (:mod:`core.ports.web`).
A session ends when its person signs out, after :data:`IDLE` without a request, :data:`ABSOLUTE` after
it started whatever happens, or as soon as its person is no longer active in the directory; all of
it is checked on the server at each request. The CSRF token of a session is derived from its id by
HMAC, so it is secret, differs per session and needs no storage.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from aiohttp import web

from bot.server import call_core
from bot.web.door import door_of
from core.ports.web import WebSession

COOKIE = "leavebot_session"
IDLE = timedelta(minutes=30)
ABSOLUTE = timedelta(hours=12)
#: How stale ``last_seen_at`` may get before a request writes it again: a page's burst of requests
#: costs one write, and the idle expiry is still accurate to the minute.
TOUCH_EVERY = timedelta(minutes=1)
SIGNED_OUT = "/web/signed-out"
_SESSION_BYTES = 32


@dataclass(frozen=True)
class Viewer:
    """The signed-in person, as every page sees them."""

    employee_id: str
    email: str
    name: str
    is_hr: bool
    is_manager: bool
    csrf_token: str
    time_zone: str  # IANA: the reader's "today" on the pages


_VIEWER = web.RequestKey("leavebot_viewer", Viewer)


def session_hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode("utf-8")).hexdigest()


def csrf_token_of(session_id: str) -> str:
    """The session's CSRF token: an HMAC of a fixed label keyed by the (secret) session id."""
    return hmac.new(session_id.encode("utf-8"), b"leavebot csrf", hashlib.sha256).hexdigest()


def expired(session: WebSession, now: datetime) -> bool:
    return now - session.last_seen_at >= IDLE or now - session.created_at >= ABSOLUTE


async def viewer(request: web.Request) -> Viewer:
    """The person signed in by the request's cookie.

    Raises:
        web.HTTPSeeOther: to the signed-out page, when there is no session, it expired, or its person
            is no longer active (the session is then ended).
    """
    known = request.get(_VIEWER)
    if known is not None:
        return known
    found = await current_viewer(request)
    if found is None:
        raise web.HTTPSeeOther(SIGNED_OUT)
    request[_VIEWER] = found
    return found


async def current_viewer(request: web.Request) -> Viewer | None:
    """:func:`viewer`, or None instead of the redirect."""
    session_id = request.cookies.get(COOKIE, "")
    if not session_id:
        return None
    door = door_of(request)
    key = session_hash(session_id)
    session = await call_core(request.app, door.sessions.get, key)
    if session is None:
        return None
    now = door.clock.now()
    if expired(session, now):
        await call_core(request.app, door.sessions.end, key)
        return None
    visitor = await call_core(request.app, door.service.visitor, session.employee_id)
    if visitor is None:
        await call_core(request.app, door.sessions.end, key)
        return None
    if now - session.last_seen_at >= TOUCH_EVERY:
        await call_core(request.app, door.sessions.touch, key, now)
    return Viewer(visitor.employee_id, visitor.email, visitor.name, visitor.is_hr, visitor.is_manager,
                  csrf_token_of(session_id), visitor.time_zone)


async def start_session(request: web.Request, response: web.StreamResponse, employee_id: str) -> None:
    """Start a session for ``employee_id`` and give ``response`` its cookie; the browser's earlier
    session (if any) and stale sessions go."""
    door = door_of(request)
    now = door.clock.now()
    earlier = request.cookies.get(COOKIE, "")
    if earlier:
        await call_core(request.app, door.sessions.end, session_hash(earlier))
    session_id = secrets.token_urlsafe(_SESSION_BYTES)
    await call_core(request.app, door.sessions.purge, now - IDLE, now - ABSOLUTE)
    await call_core(request.app, door.sessions.start, WebSession(session_hash(session_id), employee_id, now, now))
    response.set_cookie(COOKIE, session_id, path="/", httponly=True, samesite="Lax", secure=door.secure)


async def end_session(request: web.Request, response: web.StreamResponse) -> None:
    """End the request's session (if any) and clear its cookie on ``response``."""
    session_id = request.cookies.get(COOKIE, "")
    if session_id:
        await call_core(request.app, door_of(request).sessions.end, session_hash(session_id))
    response.del_cookie(COOKIE, path="/")

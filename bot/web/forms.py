"""Reading what a page POSTs: every form carries the session's CSRF token, checked before anything else.

A form from another site cannot know the token (it is derived from the session id, which only the
HttpOnly cookie holds), so a POST without it, or with a wrong one, is refused with 403 and changes
nothing. SameSite=Lax on the cookie is a second, independent guard.
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from urllib.parse import urlsplit

from aiohttp import web
from multidict import MultiDictProxy

from bot.web.door import door_of
from bot.web.render import page_error
from bot.web.session import Viewer, viewer

CSRF_FIELD = "csrf"
#: ``Sec-Fetch-Site`` values of a request made by this server's own pages (or typed by the person).
SAME_SITE = frozenset({"same-origin", "none"})
REFUSED = "This form could not be accepted (it was out of date or not sent from this site). Nothing was changed; " \
          "reload the page and try again."

Form = MultiDictProxy[str | bytes | bytearray | web.FileField]


async def posted(request: web.Request) -> tuple[Viewer, Form]:
    """The signed-in person and their form, once its CSRF token is checked.

    Raises:
        web.HTTPSeeOther: not signed in (to the signed-out page).
        web.HTTPForbidden: the token is missing or wrong (a page saying so).
    """
    person = await viewer(request)
    form = await request.post()
    token = form.get(CSRF_FIELD)
    if not from_this_site(request) or not isinstance(token, str) or not hmac.compare_digest(
            token.encode("utf-8"), person.csrf_token.encode("utf-8")):
        raise page_error(request, web.HTTPForbidden, REFUSED, viewer=person)
    return person, form


def from_this_site(request: web.Request) -> bool:
    """Whether the browser says the POST comes from a page of this server. It guards the sign-in,
    which has no session to hold a token yet, against another site signing a visitor in as someone
    else, and backs up the CSRF token everywhere else.

    Browsers say it with ``Sec-Fetch-Site``; those without it, with ``Origin`` (which, under this
    door's ``Referrer-Policy: no-referrer``, may be ``null``: not trusted). A client that sends
    neither (not a browser) has no cookies of a victim to abuse.
    """
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None:
        return site in SAME_SITE
    origin = request.headers.get("Origin")
    if origin is None:
        return True
    public = door_of(request).public_url
    return urlsplit(origin).netloc in {request.host, urlsplit(public).netloc if public else request.host}


def text_field(form: Mapping[str, object], name: str) -> str:
    """A text field of ``form`` (or of a query), stripped; "" when absent or not text (a file sent in its place)."""
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""

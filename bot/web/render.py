"""Pages of the web door: templates under ``bot/templates/web/``, autoescaped, extending ``web/base.j2``.

A page that changes something answers its POST with a redirect (POST-redirect-GET), so that
reloading the next page repeats nothing; what the change came to travels to that page in a
short-lived cookie (:func:`redirect_with_flash`) and is shown once. The flash is only ever shown as
escaped text, so a forged cookie can at worst show its own words.
"""

from __future__ import annotations

import base64
import binascii
from functools import cache
from typing import Any

from aiohttp import web
from jinja2 import Environment, PrefixLoader

from bot.rendering import template_environment

FOLDER = "web"
FLASH_COOKIE = "leavebot_flash"
#: Longer flashes are cut: a cookie has room for about 4 KB.
FLASH_LIMIT = 1000
NO_STORE = "no-store"


@cache
def environment() -> Environment:
    """The web door's templates, autoescaped for HTML (the project's one way to make an environment),
    named as under ``bot/templates``: ``web/base.j2``, ``web/_forms.j2``..."""
    env = template_environment("web", autoescape=True)
    assert env.loader is not None
    env.loader = PrefixLoader({FOLDER: env.loader})
    return env


def render(request: web.Request, template: str, *, viewer: Any = None, status: int = 200,
           **context: Any) -> web.Response:
    """The page ``bot/templates/web/<template>`` (``"me.j2"`` or ``"web/me.j2"``) for ``viewer`` (None on
    pages for the signed out).

    A flash left by the previous response is shown, then cleared. Pages are never stored by the
    browser or a proxy (:data:`NO_STORE`): they are personal, and some carry a token.
    """
    flash = read_flash(request)
    name = template if template.startswith(f"{FOLDER}/") else f"{FOLDER}/{template}"
    html = environment().get_template(name).render(viewer=viewer, flash=flash, path=request.path, **context)
    response = web.Response(text=html, status=status, content_type="text/html", charset="utf-8")
    response.headers["Cache-Control"] = NO_STORE
    if flash is not None:
        response.del_cookie(FLASH_COOKIE, path="/web/")
    return response


def page_error(request: web.Request, error: type[web.HTTPException], message: str, *, viewer: Any = None,
               title: str = "Not done") -> web.HTTPException:
    """An HTTP error to raise whose body is the refusal page with ``message``."""
    page = render(request, "_refusal.j2", viewer=viewer, message=message, title=title, status=error.status_code)
    return error(text=page.text, content_type="text/html", headers={"Cache-Control": NO_STORE})


def redirect_with_flash(location: str, message: str) -> web.HTTPSeeOther:
    """A 303 to ``location`` that shows ``message`` there, once: ``raise`` or return it from a POST handler."""
    redirect = web.HTTPSeeOther(location)
    encoded = base64.urlsafe_b64encode(message[:FLASH_LIMIT].encode("utf-8")).decode("ascii")
    redirect.set_cookie(FLASH_COOKIE, encoded, path="/web/", httponly=True, samesite="Strict", max_age=60)
    return redirect


def read_flash(request: web.Request) -> str | None:
    encoded = request.cookies.get(FLASH_COOKIE, "")
    if not encoded:
        return None
    try:
        return base64.urlsafe_b64decode(encoded.encode("ascii")).decode("utf-8")[:FLASH_LIMIT] or None
    except (binascii.Error, UnicodeError, ValueError):
        return None

"""The web dashboard as the tests serve it: the shared server app with the web door installed, and
sign-in links obtained the way a person gets one, by typing ``web`` at the terminal door."""

from __future__ import annotations

import io
import re

from aiohttp import web
from sqlalchemy import Engine

from bot.cli.chat import run_chat
from bot.server import create_app
from bot.web.app import install_web
from core.ports import Clock
from core.service import LeaveService
from storage.web_sessions import SqlWebSessions

#: The link in the terminal's answer to ``web``: a full URL, or a path when PUBLIC_URL is unset.
LINK = re.compile(r"(?:https?://\S+)?/web/sign-in/[A-Za-z0-9_-]+")


def web_app(engine: Engine, service: LeaveService, clock: Clock, public_url: str | None = None) -> web.Application:
    """The server ``leavebot serve`` runs, with the web door on the test's database and clock."""
    app = create_app(engine, service=service)
    install_web(app, service, public_url=public_url, secure=(public_url or "").startswith("https://"),
                sessions=SqlWebSessions(engine), clock=clock)
    return app


def chat_link(service: LeaveService, email: str) -> str:
    """The sign-in link that ``/leave web`` answers ``email`` with, read from the terminal door's reply."""
    out = io.StringIO()
    assert run_chat(service, email, io.StringIO("web\n"), out) == 0
    found = LINK.search(out.getvalue())
    assert found is not None, out.getvalue()
    return found.group(0)


def token_of(link: str) -> str:
    return link.rsplit("/", 1)[1]

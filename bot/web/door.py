"""What every page of the web door reaches through its application: the :class:`WebDoor`."""

from __future__ import annotations

from dataclasses import dataclass

from aiohttp import web

from core.ports import Clock
from core.ports.web import WebSessions
from core.service import LeaveService


@dataclass(frozen=True)
class WebDoor:
    """The service the pages call, the sessions store, the clock that expires sessions, and where
    people reach the server (``public_url``; ``secure`` when that is https, so cookies say Secure
    and browsers are told to keep to https)."""

    service: LeaveService
    sessions: WebSessions
    clock: Clock
    public_url: str | None = None
    secure: bool = False


DOOR = web.AppKey("web_door", WebDoor)


def door_of(request: web.Request) -> WebDoor:
    return request.app[DOOR]

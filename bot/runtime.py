"""What the composition root wires once and hands to whatever serves: the :class:`Runtime`.

It lives apart from :mod:`bot.main` so that the pieces the root mounts (the scheduler, the calendar
feeds) can name it without importing the root that imports them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from sqlalchemy import Engine

from bot.delivery import OutboxDelivery
from bot.observability.context import watched
from core.observation import Watcher
from core.ports import Clock, UnitOfWorkFactory
from core.ports.chat import ChatStore
from core.ports.downloads import Downloads
from core.ports.web import WebSessions
from core.service import LeaveService
from storage.chat import SqlChatStore
from storage.downloads import SqlDownloads
from storage.web_sessions import SqlWebSessions

if TYPE_CHECKING:
    from bot.observability.metrics import Telemetry


@dataclass
class Runtime:
    """Everything a command needs, wired once: the service, its database, the outbox delivery, the
    metrics that the service and the scheduler feed (None for a one-shot command, which nothing
    scrapes), and the stores only the doors use, made from the same database on first use."""

    service: LeaveService
    engine: Engine
    uow_factory: UnitOfWorkFactory
    clock: Clock
    delivery: OutboxDelivery
    telemetry: Telemetry | None = None

    @property
    def watch(self) -> Watcher:
        """The watcher of work run beside the service's own (the scheduler's jobs): the metrics' when kept."""
        return self.telemetry.watch if self.telemetry is not None else watched

    @cached_property
    def chat(self) -> ChatStore:
        """The doors' own addresses and cards (no part of the core's unit of work), in the same database."""
        return SqlChatStore(self.engine)

    @cached_property
    def downloads(self) -> Downloads:
        """The files the doors hand out by link (no part of the core's unit of work), in the same database."""
        return SqlDownloads(self.engine)

    @cached_property
    def web_sessions(self) -> WebSessions:
        """Who is signed in to the web dashboard (no part of the core's unit of work), in the same database."""
        return SqlWebSessions(self.engine)

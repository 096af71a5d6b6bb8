"""What the composition root wires once and hands to whatever serves: the :class:`Runtime`.

It lives apart from :mod:`bot.main` so that the pieces the root mounts (the scheduler, the calendar
feeds) can name it without importing the root that imports them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import Engine

from bot.delivery import OutboxDelivery
from bot.observability.context import watched
from core.observation import Watcher
from core.ports import Clock, UnitOfWorkFactory
from core.service import LeaveService

if TYPE_CHECKING:
    from bot.observability.metrics import Telemetry


@dataclass
class Runtime:
    """Everything a command needs, wired once: the service, its database, the outbox delivery and
    the metrics that the service and the scheduler feed (None for a one-shot command, which
    nothing scrapes)."""

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

"""What the composition root wires once and hands to whatever serves: the :class:`Runtime`.

It lives apart from :mod:`bot.main` so that the pieces the root mounts (the scheduler, the calendar
feeds) can name it without importing the root that imports them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Engine

from bot.delivery import OutboxDelivery
from bot.observability.metrics import Telemetry
from core.ports import Clock, UnitOfWorkFactory
from core.service import LeaveService


@dataclass
class Runtime:
    """Everything a command needs, wired once: the service, its database, the outbox delivery and
    the metrics that the service and the scheduler feed."""

    service: LeaveService
    engine: Engine
    uow_factory: UnitOfWorkFactory
    clock: Clock
    delivery: OutboxDelivery
    telemetry: Telemetry = field(default_factory=Telemetry)

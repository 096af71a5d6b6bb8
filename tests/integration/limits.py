"""What the limits tests of the Slack and Teams doors share: a braked core."""

from __future__ import annotations

from collections.abc import Callable

from core.ports import UnitOfWork
from core.service import LeaveService
from core.shared.limits import RateLimit
from tests.unit.fakes import FixedClock

#: 3 actions at once, then one a second; the tests' clock stands still, so the 4th waits.
FLOOD_LIMIT = RateLimit(per_minute=60, burst=3)
SLOW_DOWN = "You're going a bit fast \u2014 try again in 1 second."


def braked(uow_factory: Callable[[], UnitOfWork], clock: FixedClock) -> LeaveService:
    """The core on an already seeded database, with the brake on."""
    return LeaveService(uow_factory, clock, default_time_zone="Asia/Kolkata", rate_limit=FLOOD_LIMIT)

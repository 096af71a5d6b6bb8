"""Helpers of the scheduler tests: recording posters, pending requests, runners on one database."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from core.domain.amount import Amount
from core.domain.model import LeaveRequest, RequestStatus
from core.ports import UnitOfWork
from core.service import LeaveService
from scheduler.runner import AlwaysLeader, Leader, SchedulerRunner
from tests.unit.fakes import FixedClock


class RecordingPoster:
    """A platform that accepts every post and remembers it; ``die_after`` simulates a killed leader."""

    def __init__(self, die_after: int | None = None) -> None:
        self.posts: list[tuple[str, str, dict[str, Any]]] = []
        self.die_after = die_after
        self._lock = threading.Lock()

    def post(self, kind: str, address: str, payload: dict[str, Any]) -> None:
        with self._lock:
            if self.die_after is not None and len(self.posts) >= self.die_after:
                raise KeyboardInterrupt("the leader was killed")
            self.posts.append((kind, address, payload))

    def of_kind(self, kind: str) -> list[tuple[str, str, dict[str, Any]]]:
        return [p for p in self.posts if p[2]["kind"] == kind]


def add_pending(uow_factory: Callable[[], UnitOfWork], employee: str, approver: str | None, start: date,
                created: datetime) -> int:
    with uow_factory() as uow:
        added = uow.requests.add(LeaveRequest(employee_id=employee, type_key="casual", start=start, end=start,
                                              days=Amount.days(1), status=RequestStatus.PENDING, created_at=created,
                                              approver_id=approver, year_days={start.year: Amount.days(1)}))
        uow.commit()
    assert added.id is not None
    return added.id


def runner(service: LeaveService, clock: FixedClock, posters: dict[str, Any],
           leader: Leader | None = None) -> SchedulerRunner:
    """A scheduler over ``service`` (the organisation in Asia/Kolkata) that waits out nothing."""
    return SchedulerRunner(service, clock, leader or AlwaysLeader(), posters, sleep=lambda seconds: None)


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)

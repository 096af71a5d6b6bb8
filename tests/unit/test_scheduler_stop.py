"""Stopping the scheduler: a tick in progress finishes first, then the leadership is given up, and
no later tick takes it back (so that another replica can lead at once)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

from core.ports import UnitOfWork
from core.service import LeaveService
from scheduler.runner import SchedulerRunner
from tests.unit.fakes import FixedClock


class HeldLeader:
    """A leadership check that holds the tick until ``go`` is set, and records what happened."""

    def __init__(self) -> None:
        self.entered = threading.Event()
        self.go = threading.Event()
        self.events: list[str] = []

    def acquire(self, now: datetime) -> bool:
        self.entered.set()
        self.go.wait(timeout=30)
        self.events.append("tick")
        return False

    def release(self) -> None:
        self.events.append("release")


def no_database() -> UnitOfWork:
    raise AssertionError("a follower's tick does not read the database")


def tick_in_progress() -> tuple[HeldLeader, SchedulerRunner, threading.Thread]:
    """A runner whose tick has started (in a thread) and is held in its leadership check."""
    leader = HeldLeader()
    clock = FixedClock(datetime(2026, 11, 25, tzinfo=UTC))
    scheduler = SchedulerRunner(LeaveService(no_database, clock), clock, leader, {})
    ticking = threading.Thread(target=scheduler.tick)
    ticking.start()
    assert leader.entered.wait(timeout=30)
    return leader, scheduler, ticking


def test_stop_waits_for_the_tick_in_progress_then_releases_and_later_ticks_do_nothing() -> None:
    leader, scheduler, ticking = tick_in_progress()
    stopping = threading.Thread(target=scheduler.stop)
    stopping.start()
    stopping.join(timeout=0.2)
    assert stopping.is_alive() and leader.events == []  # still waiting for the tick
    leader.go.set()
    ticking.join(timeout=30)
    stopping.join(timeout=30)
    assert leader.events == ["tick", "release"]
    assert scheduler.tick().leader is False
    assert leader.events == ["tick", "release"]  # the late tick did not ask for the leadership again


def test_a_tick_that_does_not_finish_does_not_keep_the_leadership() -> None:
    leader, scheduler, ticking = tick_in_progress()
    scheduler.stop(wait=0.05)
    assert leader.events == ["release"]
    leader.go.set()
    ticking.join(timeout=30)

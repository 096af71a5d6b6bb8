"""One leader at a time: MariaDB's GET_LOCK, or SQLite's lease row that expires when its holder dies."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Engine

from storage.engine import is_mysql
from storage.jobs import Leadership
from tests.integration.scheduler.helpers import at


def test_only_one_scheduler_leads_and_another_takes_over_when_it_goes(engine: Engine) -> None:
    now = at(2026, 11, 30, 4)
    first, second = Leadership(engine, "a"), Leadership(engine, "b")
    assert first.acquire(now) is True
    assert second.acquire(now) is False
    assert first.acquire(now + timedelta(minutes=1)) is True  # renewed / still held
    if is_mysql(engine):
        first.release()  # the connection holding the lock goes, as when the process dies
    else:
        now += timedelta(minutes=10)  # the leader stopped renewing: its lease ran out
    assert second.acquire(now) is True
    assert first.acquire(now) is False
    second.release()
    assert first.acquire(now) is True
    first.release()

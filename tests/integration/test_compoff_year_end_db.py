"""Comp-off credits across the 2026 year end through ``LeaveService`` on SQLite and MariaDB: the
story of :func:`tests.unit.test_compoff_year_end.year_end_story`, with the ledger's uniqueness
enforced by the database (several credits move, a second year end writes nothing more)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from core.ports import UnitOfWork
from tests.unit.fakes import FixedClock
from tests.unit.test_compoff_year_end import year_end_story


def test_credits_keep_their_window_across_the_year_end(uow_factory: Callable[[], UnitOfWork]) -> None:
    year_end_story(uow_factory, FixedClock(datetime(2026, 11, 10, 4, 30, tzinfo=UTC)))

"""A unit of work that lost a race runs again from the start, a few times, then gives up."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import pytest

from core.ports import Conflict, Unavailable
from core.shared.transactions import ATTEMPTS, in_unit_of_work


class Units:
    """A unit-of-work factory that counts how many units were opened."""

    def __init__(self) -> None:
        self.opened = 0

    @contextlib.contextmanager
    def __call__(self) -> Iterator[Any]:
        self.opened += 1
        yield self.opened


def losing(times: int, error: Exception | None = None) -> Any:
    def work(uow: int) -> str:
        if uow <= times:
            raise error or Conflict("deadlock")
        return f"done in unit {uow}"

    return work


def test_a_lost_race_runs_again_in_a_fresh_unit_with_growing_pauses() -> None:
    units, pauses = Units(), []
    assert in_unit_of_work(units, losing(2), sleep=pauses.append) == "done in unit 3"
    assert units.opened == 3
    assert len(pauses) == 2 and 0 <= pauses[0] <= 0.05 and 0 <= pauses[1] <= 0.1


def test_the_last_lost_race_is_raised() -> None:
    units, pauses = Units(), []
    with pytest.raises(Conflict):
        in_unit_of_work(units, losing(ATTEMPTS), sleep=pauses.append)
    assert units.opened == ATTEMPTS and len(pauses) == ATTEMPTS - 1


def test_an_unreachable_database_is_not_retried() -> None:
    units, pauses = Units(), []
    with pytest.raises(Unavailable):
        in_unit_of_work(units, losing(1, Unavailable("gone")), sleep=pauses.append)
    assert units.opened == 1 and pauses == []

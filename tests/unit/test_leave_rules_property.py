"""Every leave rule at once, on the fakes: random weeks keep every figure equal to the ledger
(:mod:`tests.leave_rules_scenario`)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from core.service import LeaveService
from tests.leave_rules_scenario import World, calendar_types, dates, play, policy
from tests.unit.conftest import ORG_CSV
from tests.unit.fakes import FakeStore, FixedClock


@pytest.mark.parametrize("seed", range(8))
def test_random_weeks_of_every_rule_keep_every_figure_equal_to_the_ledger(seed: int) -> None:
    store, clock = FakeStore(), FixedClock(datetime(2026, 11, 25, 4, 30, tzinfo=UTC))
    document = policy()
    service = LeaveService(store, clock, default_time_zone="Asia/Kolkata")
    service.load_policy(document, "test")
    service.import_employees(ORG_CSV)
    world = World(service, clock, lambda: list(store.committed.ledger), lambda: list(store.committed.requests.values()),
                  frozenset(dates(document, "holidays")), dates(document, "optional_holidays"),
                  calendar_types(document))
    play(world, seed, steps=60)

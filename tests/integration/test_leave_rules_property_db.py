"""Every leave rule at once, on SQLite and MariaDB: random weeks keep every figure equal to the
ledger (:mod:`tests.leave_rules_scenario`)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from core.domain.model import LeaveRequest, LedgerEntry
from core.ports import UnitOfWork
from core.service import LeaveService
from tests.leave_rules_scenario import PEOPLE, World, calendar_types, dates, play, policy
from tests.unit.conftest import ORG_CSV
from tests.unit.fakes import FixedClock


@pytest.mark.parametrize("seed", range(2))
def test_random_weeks_of_every_rule_keep_every_figure_equal_to_the_ledger(
        uow_factory: Callable[[], UnitOfWork], clock: FixedClock, seed: int) -> None:
    document = policy()
    service = LeaveService(uow_factory, clock, default_time_zone="Asia/Kolkata")
    service.load_policy(document, "test")
    service.import_employees(ORG_CSV)

    def ledger() -> list[LedgerEntry]:
        with uow_factory() as uow:
            return [e for person in PEOPLE.values() for e in uow.ledger.entries(person)]

    def requests() -> list[LeaveRequest]:
        with uow_factory() as uow:
            return uow.requests.search(employee_ids=list(PEOPLE.values()))

    world = World(service, clock, ledger, requests, frozenset(dates(document, "holidays")),
                  dates(document, "optional_holidays"), calendar_types(document))
    play(world, seed, steps=30)

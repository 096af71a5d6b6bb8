"""LedgerRepository: append-only, oldest first, and a once-only source refused a second time."""

from __future__ import annotations

from datetime import date

import pytest

from core.domain.amount import Amount
from core.domain.model import EntryKind, LedgerEntry, Source
from core.ports import UnitOfWorkFactory
from tests.contract.builders import NOW, REFUSED, added, entry, grant, leave, seed, without_id


def test_entries_oldest_first_by_year_and_the_years(uow_factory: UnitOfWorkFactory) -> None:
    seed(uow_factory)
    [request_id] = added(uow_factory, leave("E1", date(2026, 12, 1)))
    taken = entry("E1", 2026, EntryKind.LEAVE_TAKEN, "-1", Source.request(request_id))
    with uow_factory() as uow:
        assert uow.ledger.years() == []
        uow.ledger.add(grant("E1", 2027))
        uow.ledger.add(grant("E1", 2026))
        uow.ledger.add(taken)
        uow.ledger.add(grant("E2", 2025))
        uow.commit()
    with uow_factory() as uow:
        assert without_id(uow.ledger.entries("E1")) == [grant("E1", 2027), grant("E1", 2026), taken]
        assert without_id(uow.ledger.entries("E1", 2026)) == [grant("E1", 2026), taken]
        assert uow.ledger.entries("E1", 2024) == []
        assert uow.ledger.entries("H1") == []
        assert uow.ledger.years() == [2025, 2026, 2027]


def test_a_once_only_source_is_refused_a_second_time(uow_factory: UnitOfWorkFactory) -> None:
    seed(uow_factory)
    with uow_factory() as uow:
        uow.ledger.add(grant("E1", 2026))
        uow.commit()
    with pytest.raises(REFUSED), uow_factory() as uow:
        uow.ledger.add(grant("E1", 2026, days="10"))
    with uow_factory() as uow:
        uow.ledger.add(grant("E2", 2026))  # the same source for someone else
        uow.ledger.add(grant("E1", 2027))  # and another period
        uow.commit()
    with uow_factory() as uow:
        assert without_id(uow.ledger.entries("E1")) == [grant("E1", 2026), grant("E1", 2027)]


def test_a_request_may_write_the_same_kind_again(uow_factory: UnitOfWorkFactory) -> None:
    seed(uow_factory)
    [request_id] = added(uow_factory, leave("E1", date(2026, 12, 1), date(2026, 12, 2)))
    reversal = entry("E1", 2026, EntryKind.REVERSAL, "1", Source.request(request_id))
    with uow_factory() as uow:
        uow.ledger.add(reversal)
        uow.ledger.add(reversal)  # each partial cancel reverses some days
        uow.commit()
    with uow_factory() as uow:
        assert without_id(uow.ledger.entries("E1")) == [reversal, reversal]


def test_an_amount_in_hours_is_refused(uow_factory: UnitOfWorkFactory) -> None:
    seed(uow_factory)
    hours = LedgerEntry("E1", "casual", 2026, EntryKind.ADJUSTMENT, Amount.hours(4), NOW,
                        grant("E1", 2026).source)
    with uow_factory() as uow:
        with pytest.raises(ValueError, match="hours"):
            uow.ledger.add(hours)
        assert uow.ledger.entries("E1") == []

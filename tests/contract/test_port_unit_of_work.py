"""The unit of work: what is committed is seen by the next one; what is not leaves nothing."""

from __future__ import annotations

from datetime import date

import pytest

from core.domain.model import AuditEntry, Event
from core.ports import UnitOfWorkFactory
from tests.contract.builders import NOW, grant, leave, person, seed


def test_work_left_without_commit_leaves_nothing(uow_factory: UnitOfWorkFactory) -> None:
    seed(uow_factory)
    with uow_factory() as uow:
        uow.employees.save(person("E9", "new@x.test"))
        request = uow.requests.add(leave("E1", date(2026, 12, 1)))
        uow.ledger.add(grant("E1", 2026))
        uow.audit.add(AuditEntry(NOW, "system", "import"))
        uow.outbox.add(Event("request_created", {"request_id": 1}), NOW)
        uow.chat.save_address("slack", "employee:E1", "D1", NOW)
    with uow_factory() as uow:
        assert uow.employees.get("E9") is None
        assert request.id is not None and uow.requests.get(request.id) is None
        assert uow.ledger.entries("E1") == []
        assert uow.audit.since() == []
        assert uow.outbox.depth() == (0, None)
        assert uow.chat.address("slack", "employee:E1") is None


def test_an_exception_leaves_nothing_and_passes_through(uow_factory: UnitOfWorkFactory) -> None:
    with pytest.raises(KeyError), uow_factory() as uow:
        uow.employees.save(person("E9", "new@x.test"))
        raise KeyError("boom")
    with uow_factory() as uow:
        assert uow.employees.all() == []


def test_a_unit_of_work_reads_its_own_writes_and_the_next_one_sees_them_once_committed(
    uow_factory: UnitOfWorkFactory,
) -> None:
    with uow_factory() as uow:
        uow.employees.save(person("E9", "new@x.test"))
        assert uow.employees.get("E9") == person("E9", "new@x.test")
        uow.commit()
    with uow_factory() as uow:
        assert uow.employees.get("E9") == person("E9", "new@x.test")

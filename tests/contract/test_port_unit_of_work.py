"""The unit of work: what is committed is seen by the next one; what is not leaves nothing; one opened
read-only reads and refuses to write."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.exc import DBAPIError

from core.domain.model import AuditEntry, Event
from core.ports import UnitOfWorkFactory
from tests.contract.builders import NOW, grant, leave, person, seed
from tests.unit.fakes import ReadOnlyWrite

#: How a read-only unit of work refuses a write: the fakes when it would land, the databases at once.
WRITE_REFUSED = (ReadOnlyWrite, DBAPIError)


def test_work_left_without_commit_leaves_nothing(uow_factory: UnitOfWorkFactory) -> None:
    seed(uow_factory)
    with uow_factory() as uow:
        uow.employees.save(person("E9", "new@x.test"))
        request = uow.requests.add(leave("E1", date(2026, 12, 1)))
        uow.ledger.add(grant("E1", 2026))
        uow.audit.add(AuditEntry(NOW, "system", "import"))
        uow.outbox.add(Event("request_created", {"request_id": 1}), NOW)
        uow.channels.save("slack", "digest:hr", "C1", NOW)
    with uow_factory() as uow:
        assert uow.employees.get("E9") is None
        assert request.id is not None and uow.requests.get(request.id) is None
        assert uow.ledger.entries("E1") == []
        assert uow.audit.since() == []
        assert uow.outbox.depth() == (0, None)
        assert uow.channels.address("slack", "digest:hr") is None


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


def test_a_read_only_unit_of_work_reads_what_is_committed_and_refuses_any_write(
    uow_factory: UnitOfWorkFactory,
) -> None:
    seed(uow_factory)
    with uow_factory(read_only=True) as uow:
        assert uow.read_only
        assert uow.employees.get("E1") == person("E1", "ananya@x.test", manager_id="M1")
    with pytest.raises(WRITE_REFUSED), uow_factory(read_only=True) as uow:
        uow.audit.add(AuditEntry(NOW, "system", "import"))
        uow.commit()
    with uow_factory() as uow:  # the next unit of work writes as usual
        assert not uow.read_only and uow.audit.since() == []
        uow.audit.add(AuditEntry(NOW, "system", "import"))
        uow.commit()
    with uow_factory(read_only=True) as uow:
        assert [entry.action for entry in uow.audit.since()] == ["import"]

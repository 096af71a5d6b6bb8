"""AuditRepository: oldest first, every filter narrowing, a limit keeping the latest entries."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from core.domain.model import AuditEntry
from core.ports import AuditQuery, UnitOfWorkFactory
from tests.contract.builders import NOW, added, leave, seed


def at(minutes: int, actor: str, action: str, request_id: int | None = None) -> AuditEntry:
    return AuditEntry(NOW + timedelta(minutes=minutes), actor, action, request_id=request_id, source="slack",
                      detail=f"{action} by {actor}")


def test_since_is_inclusive_and_oldest_first(uow_factory: UnitOfWorkFactory) -> None:
    entries = [at(2, "system", "accrual"), at(0, "hr@x.test", "import"), at(1, "system", "year_end")]
    with uow_factory() as uow:
        for written in entries:
            uow.audit.add(written)
        uow.commit()
    with uow_factory() as uow:
        assert [replace(e, id=None) for e in uow.audit.since()] == [entries[1], entries[2], entries[0]]
        assert [e.action for e in uow.audit.since(NOW + timedelta(minutes=1))] == ["year_end", "accrual"]
        assert uow.audit.since(NOW + timedelta(minutes=3)) == []


def test_search_filters_and_count(uow_factory: UnitOfWorkFactory) -> None:
    seed(uow_factory)
    mine, theirs = added(uow_factory, leave("E1", date(2026, 12, 1)), leave("E2", date(2026, 12, 1)))
    with uow_factory() as uow:
        uow.audit.add(at(0, "ananya@x.test", "request", mine))
        uow.audit.add(at(1, "boss@x.test", "approve", mine))
        uow.audit.add(at(2, "rahul@x.test", "request", theirs))
        uow.audit.add(at(3, "system", "accrual"))
        uow.commit()
    with uow_factory() as uow:
        def actions(**fields: object) -> list[str]:
            query = AuditQuery(**fields)  # type: ignore[arg-type]
            found = [e.action for e in uow.audit.search(query)]
            assert uow.audit.count(query) == len(found)
            return found

        assert actions(actor="Boss@X.test") == ["approve"]  # e-mails match in any case
        assert actions(actor="system") == ["accrual"]
        assert actions(employee="ananya@x.test") == ["request", "approve"]  # about her requests
        assert actions(person="ananya@x.test") == ["request", "approve"]
        assert actions(person="boss@x.test") == ["approve"]
        assert actions(request_id=theirs) == ["request"]
        assert actions(action="request") == ["request", "request"]
        assert actions(since=NOW + timedelta(minutes=1), until=NOW + timedelta(minutes=3)) == ["approve", "request"]
        assert actions(action="request", employee="rahul@x.test") == ["request"]
        assert actions(actor="nobody@x.test") == []


def test_a_limit_keeps_the_latest_still_oldest_first_and_count_ignores_it(uow_factory: UnitOfWorkFactory) -> None:
    with uow_factory() as uow:
        for minute in range(5):
            uow.audit.add(at(minute, "system", f"job{minute}"))
        uow.commit()
    with uow_factory() as uow:
        latest = AuditQuery(actor="system", limit=2)
        assert [e.action for e in uow.audit.search(latest)] == ["job3", "job4"]
        assert uow.audit.count(latest) == 5
        assert uow.audit.search(AuditQuery(limit=0)) == []
        assert len(uow.audit.search(AuditQuery(limit=10))) == 5

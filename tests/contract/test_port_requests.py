"""RequestRepository: ids on insert, compare-and-set updates, and searches newest first."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from core.domain.amount import Amount
from core.domain.model import RequestStatus
from core.ports import UnitOfWorkFactory
from tests.contract.builders import NOW, added, leave, seed


def test_add_returns_the_request_with_an_id_that_get_finds(uow_factory: UnitOfWorkFactory) -> None:
    seed(uow_factory)
    with uow_factory() as uow:
        first = uow.requests.add(leave("E1", date(2026, 12, 1), date(2026, 12, 2), reason="wedding"))
        second = uow.requests.add(leave("E2", date(2026, 12, 1)))
        uow.commit()
    assert first.id is not None and second.id is not None and first.id != second.id
    with uow_factory() as uow:
        assert uow.requests.get(first.id) == first
        assert uow.requests.lock(second.id) == second
        assert uow.requests.get(first.id + second.id + 1) is None


def test_days_in_hours_are_refused(uow_factory: UnitOfWorkFactory) -> None:
    """The ``days`` column keeps no unit: hours would be read back as that many days."""
    seed(uow_factory)
    [request_id] = added(uow_factory, leave("E1", date(2026, 12, 1)))
    with uow_factory() as uow:
        with pytest.raises(ValueError, match="a leave request keeps days, not hours: 4 hours was not written"):
            uow.requests.add(leave("E2", date(2026, 12, 1), days=Amount.hours(4)))
        stored = uow.requests.get(request_id)
        assert stored is not None
        with pytest.raises(ValueError, match="not hours"):
            uow.requests.update(replace(stored, days=Amount.hours(4)), expected=RequestStatus.PENDING)
        assert uow.requests.search() == [stored]


def test_by_idempotency_key(uow_factory: UnitOfWorkFactory) -> None:
    seed(uow_factory)
    [request_id] = added(uow_factory, leave("E1", date(2026, 12, 1), idempotency_key="slack:abc"))
    with uow_factory() as uow:
        found = uow.requests.by_idempotency_key("slack:abc")
        assert found is not None and found.id == request_id
        assert uow.requests.by_idempotency_key("slack:other") is None


def test_update_writes_only_when_the_status_is_still_the_expected_one(uow_factory: UnitOfWorkFactory) -> None:
    seed(uow_factory)
    [request_id] = added(uow_factory, leave("E1", date(2026, 12, 1)))
    with uow_factory() as uow:
        request = uow.requests.lock(request_id)
        assert request is not None
        approved = replace(request, status=RequestStatus.APPROVED, decided_by="M1", decided_at=NOW)
        assert uow.requests.update(approved, expected=RequestStatus.PENDING) is True
        rejected = replace(request, status=RequestStatus.REJECTED, decided_by="M1")
        assert uow.requests.update(rejected, expected=RequestStatus.PENDING) is False  # lost to the approval
        uow.commit()
    with uow_factory() as uow:
        assert uow.requests.get(request_id) == approved


def test_a_request_read_is_a_copy_changed_only_through_update(uow_factory: UnitOfWorkFactory) -> None:
    seed(uow_factory)
    [request_id] = added(uow_factory, leave("E1", date(2026, 12, 1), idempotency_key="k1"))
    with uow_factory() as uow:
        for read in (uow.requests.search()[0], uow.requests.by_idempotency_key("k1"), uow.requests.get(request_id)):
            assert read is not None
            read.status = RequestStatus.CANCELLED
        stored = uow.requests.get(request_id)
        assert stored is not None and stored.status is RequestStatus.PENDING
        stored.status = RequestStatus.APPROVED
        assert uow.requests.update(stored, expected=RequestStatus.PENDING) is True
        stored.status = RequestStatus.CANCELLED  # after the update: not written
        again = uow.requests.get(request_id)
        assert again is not None and again.status is RequestStatus.APPROVED


def test_a_request_never_added_cannot_be_updated(uow_factory: UnitOfWorkFactory) -> None:
    with uow_factory() as uow, pytest.raises(ValueError, match="never added"):
        uow.requests.update(leave("E1", date(2026, 12, 1)), expected=RequestStatus.PENDING)


def test_search_is_newest_first(uow_factory: UnitOfWorkFactory) -> None:
    seed(uow_factory)
    ids = added(
        uow_factory,
        leave("E1", date(2026, 12, 1), created_at=NOW - timedelta(days=2)),
        leave("E1", date(2026, 12, 2), created_at=NOW),
        leave("E2", date(2026, 12, 3), created_at=NOW - timedelta(days=1)),
    )
    with uow_factory() as uow:
        assert [r.id for r in uow.requests.search()] == [ids[1], ids[2], ids[0]]


def test_search_filters_combine(uow_factory: UnitOfWorkFactory) -> None:
    seed(uow_factory)
    ids = added(
        uow_factory,
        leave("E1", date(2026, 12, 1), date(2026, 12, 3)),
        leave("E1", date(2026, 12, 10), status=RequestStatus.APPROVED),
        leave("E2", date(2026, 12, 3), approver_id="H1"),
    )
    with uow_factory() as uow:
        def found(**filters: object) -> set[int | None]:
            return {r.id for r in uow.requests.search(**filters)}  # type: ignore[arg-type]

        assert found(employee_ids=["E1"]) == {ids[0], ids[1]}
        assert found(employee_ids=[]) == set()
        assert found(statuses=[RequestStatus.PENDING]) == {ids[0], ids[2]}
        assert found(statuses=[RequestStatus.PENDING], employee_ids=["E1", "E2"], approver_id="M1") == {ids[0]}
        assert found(approver_id="H1") == {ids[2]}
        # Overlapping a range, ends included.
        assert found(overlapping=(date(2026, 12, 3), date(2026, 12, 9))) == {ids[0], ids[2]}
        assert found(overlapping=(date(2026, 12, 4), date(2026, 12, 9))) == set()
        assert found(overlapping=(date(2026, 12, 10), date(2026, 12, 10))) == {ids[1]}


def test_requests_are_counted_by_type_for_one_person_and_the_statuses_asked(uow_factory: UnitOfWorkFactory) -> None:
    seed(uow_factory)
    added(
        uow_factory,
        leave("E1", date(2026, 12, 1)),
        leave("E1", date(2026, 12, 2), status=RequestStatus.APPROVED),
        leave("E1", date(2026, 12, 3), status=RequestStatus.CANCELLED),
        replace(leave("E1", date(2026, 12, 4)), type_key="sick"),
        leave("E2", date(2026, 12, 1)),
    )
    counted = (RequestStatus.PENDING, RequestStatus.APPROVED)
    with uow_factory() as uow:
        assert uow.requests.count_by_type("E1", counted) == {"casual": 2, "sick": 1}
        assert uow.requests.count_by_type("E1", [RequestStatus.CANCELLED]) == {"casual": 1}
        assert uow.requests.count_by_type("E3", counted) == {}

"""Outbox: events due oldest first, claimed under a lease, their targets settled once."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.domain.model import Event
from core.ports import UnitOfWorkFactory
from tests.contract.builders import NOW

LEASE = timedelta(minutes=5)


def written(new_uow: UnitOfWorkFactory, *names: str) -> list[int]:
    """Add one event per name, a minute apart; their ids, oldest first."""
    with new_uow() as uow:
        for minute, name in enumerate(names):
            uow.outbox.add(Event(name, {"request_id": minute + 1, "who": "E1"}), NOW + timedelta(minutes=minute))
        uow.commit()
    with new_uow() as uow:
        return [item.id for item in uow.outbox.due(NOW + timedelta(days=1), limit=len(names))]


def test_due_lists_undelivered_events_oldest_first_up_to_the_limit(uow_factory: UnitOfWorkFactory) -> None:
    first, second, _ = written(uow_factory, "request_created", "request_approved", "request_cancelled")
    with uow_factory() as uow:
        items = uow.outbox.due(NOW + timedelta(hours=1), limit=2)
        assert [item.id for item in items] == [first, second]
        assert items[0].event == Event("request_created", {"request_id": 1, "who": "E1"})
        assert (items[0].attempts, items[0].created_at, items[0].resumed) == (0, NOW, False)
        assert uow.outbox.depth() == (3, NOW)


def test_a_claim_holds_the_event_until_its_lease_runs_out(uow_factory: UnitOfWorkFactory) -> None:
    [event_id] = written(uow_factory, "request_created")
    with uow_factory() as uow:
        claimed = uow.outbox.claim(event_id, NOW, NOW + LEASE)
        assert claimed is not None and claimed.id == event_id and not claimed.resumed
        uow.commit()
    with uow_factory() as uow:
        assert uow.outbox.claim(event_id, NOW + timedelta(minutes=1), NOW + LEASE * 2) is None  # taken
        assert uow.outbox.due(NOW + timedelta(minutes=1), limit=10) == []
        again = uow.outbox.claim(event_id, NOW + LEASE, NOW + LEASE * 2)  # the lease ran out
        assert again is not None and again.resumed  # an earlier round may have sent some notices
        assert again.created_at == NOW


def test_claiming_what_is_delivered_or_unknown_gets_nothing(uow_factory: UnitOfWorkFactory) -> None:
    [event_id] = written(uow_factory, "request_created")
    with uow_factory() as uow:
        assert uow.outbox.mark_delivered(event_id, NOW) is True
        assert uow.outbox.claim(event_id, NOW, NOW + LEASE) is None
        assert uow.outbox.claim(event_id + 1, NOW, NOW + LEASE) is None
        with pytest.raises(ValueError, match="lease"):
            uow.outbox.claim(event_id, NOW, NOW)


def test_targets_are_settled_once_and_the_first_outcome_wins(uow_factory: UnitOfWorkFactory) -> None:
    [event_id] = written(uow_factory, "request_created")
    with uow_factory() as uow:
        assert uow.outbox.done_targets(event_id) == set()
        uow.outbox.settle_target(event_id, "slack:E1", "delivered", NOW)
        uow.outbox.settle_target(event_id, "slack:E1", "failed", NOW, "second worker")
        uow.outbox.settle_target(event_id, "teams:E1", "unreachable", NOW)
        with pytest.raises(ValueError, match="outcome"):
            uow.outbox.settle_target(event_id, "slack:M1", "lost", NOW)
        uow.commit()
    with uow_factory() as uow:
        assert uow.outbox.done_targets(event_id) == {"slack:E1", "teams:E1"}


def test_delivered_once_and_no_longer_waiting(uow_factory: UnitOfWorkFactory) -> None:
    first, second = written(uow_factory, "request_created", "request_approved")
    with uow_factory() as uow:
        assert uow.outbox.mark_delivered(first, NOW) is True
        uow.commit()
    with uow_factory() as uow:
        assert uow.outbox.mark_delivered(first, NOW) is False  # another worker got there first
        assert [item.id for item in uow.outbox.due(NOW + timedelta(hours=1), limit=10)] == [second]
        assert uow.outbox.depth() == (1, NOW + timedelta(minutes=1))
        assert uow.outbox.mark_delivered(second, NOW) is True
        assert uow.outbox.depth() == (0, None)


def test_a_failed_attempt_is_counted_and_retried_at_its_time(uow_factory: UnitOfWorkFactory) -> None:
    [event_id] = written(uow_factory, "request_created")
    retry_at = NOW + timedelta(minutes=10)
    with uow_factory() as uow:
        uow.outbox.mark_failed(event_id, "slack said 503", retry_at)
        uow.commit()
    with uow_factory() as uow:
        assert uow.outbox.due(retry_at - timedelta(seconds=1), limit=10) == []
        [item] = uow.outbox.due(retry_at, limit=10)
        assert item.attempts == 1
        assert uow.outbox.depth() == (1, NOW)  # waiting, though not due


def test_a_failure_after_delivery_changes_nothing(uow_factory: UnitOfWorkFactory) -> None:
    [event_id] = written(uow_factory, "request_created")
    with uow_factory() as uow:
        uow.outbox.mark_delivered(event_id, NOW)
        uow.outbox.mark_failed(event_id, "late", NOW + timedelta(minutes=10))
        uow.commit()
    with uow_factory() as uow:
        assert uow.outbox.depth() == (0, None)
        assert uow.outbox.due(NOW + timedelta(days=1), limit=10) == []

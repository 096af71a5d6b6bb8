"""DecisionRepository and DelegationRepository: one decision per level, delegations latest start first."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from core.domain.model import Decision, Delegation
from core.ports import UnitOfWorkFactory
from tests.contract.builders import NOW, REFUSED, added, leave, seed


def decision(request_id: int, level: int, role: str, decided_by: str, minutes: int = 0) -> Decision:
    return Decision(request_id, level, role, decided_by, approved=True, at=NOW + timedelta(minutes=minutes),
                    note=f"ok at level {level}")


def test_decisions_of_a_request_oldest_first(uow_factory: UnitOfWorkFactory) -> None:
    seed(uow_factory)
    request_id, other_id = added(uow_factory, leave("E1", date(2026, 12, 1), levels=("manager", "hr")),
                                 leave("E2", date(2026, 12, 1)))
    with uow_factory() as uow:
        uow.decisions.add(decision(request_id, 0, "manager", "M1"))
        uow.decisions.add(decision(other_id, 0, "manager", "M1", minutes=1))
        uow.decisions.add(decision(request_id, 1, "hr", "H1", minutes=2))
        uow.commit()
    with uow_factory() as uow:
        assert uow.decisions.for_request(request_id) == [decision(request_id, 0, "manager", "M1"),
                                                         decision(request_id, 1, "hr", "H1", minutes=2)]
        assert uow.decisions.for_request(other_id) == [decision(other_id, 0, "manager", "M1", minutes=1)]
        assert uow.decisions.for_request(other_id + request_id) == []


def test_a_level_is_decided_once(uow_factory: UnitOfWorkFactory) -> None:
    seed(uow_factory)
    [request_id] = added(uow_factory, leave("E1", date(2026, 12, 1)))
    with uow_factory() as uow:
        uow.decisions.add(decision(request_id, 0, "manager", "M1"))
        uow.commit()
    with pytest.raises(REFUSED), uow_factory() as uow:
        uow.decisions.add(decision(request_id, 0, "manager", "H1", minutes=1))
    with uow_factory() as uow:
        assert [d.decided_by for d in uow.decisions.for_request(request_id)] == ["M1"]


def away(delegator: str, delegate: str, start: date, days: int = 6) -> Delegation:
    return Delegation(delegator, delegate, start, start + timedelta(days=days), NOW)


def test_delegations_by_delegator_and_delegate_latest_start_first(uow_factory: UnitOfWorkFactory) -> None:
    seed(uow_factory)
    with uow_factory() as uow:
        december = uow.delegations.add(away("M1", "E1", date(2026, 12, 1)))
        january = uow.delegations.add(away("M1", "E2", date(2027, 1, 4)))
        hr = uow.delegations.add(away("H1", "E1", date(2026, 12, 20)))
        uow.commit()
    assert december.id is not None and january.id is not None and hr.id is not None
    assert len({december.id, january.id, hr.id}) == 3
    with uow_factory() as uow:
        assert uow.delegations.of("M1") == [january, december]
        assert uow.delegations.to("E1") == [hr, december]
        assert uow.delegations.of("E1") == []


def test_a_delegation_ending_before_it_starts_is_refused(uow_factory: UnitOfWorkFactory) -> None:
    seed(uow_factory)
    with uow_factory() as uow:
        with pytest.raises(ValueError, match="before it starts"):
            uow.delegations.add(away("M1", "E1", date(2026, 12, 1), days=-1))
        assert uow.delegations.of("M1") == []


def test_remove_a_delegation_and_again(uow_factory: UnitOfWorkFactory) -> None:
    seed(uow_factory)
    with uow_factory() as uow:
        first = uow.delegations.add(away("M1", "E1", date(2026, 12, 1)))
        kept = uow.delegations.add(away("M1", "E2", date(2026, 12, 8)))
        uow.commit()
    assert first.id is not None
    with uow_factory() as uow:
        uow.delegations.remove(first.id)
        uow.delegations.remove(first.id)  # gone already: nothing happens
        uow.commit()
    with uow_factory() as uow:
        assert uow.delegations.of("M1") == [kept]
        assert uow.delegations.to("E1") == []

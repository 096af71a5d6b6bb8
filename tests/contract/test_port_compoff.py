"""CompOffClaims: a claim is kept whole with a fresh id, read by person and day, changed only from
the status expected, and listed as pending for the approver or HR at the level it waits at."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from core.domain.compoff import CompOffClaim
from core.domain.model import HalfDay, RequestStatus
from core.ports import UnitOfWorkFactory
from tests.contract.builders import NOW, seed


def claim(employee_id: str, day: date, **changes: object) -> CompOffClaim:
    made = CompOffClaim(employee_id, day, "release <cut-over>", RequestStatus.PENDING, NOW, approver_id="M1",
                        levels=("manager", "hr"))
    return replace(made, **changes)  # type: ignore[arg-type]


def test_a_claim_is_kept_whole_and_read_by_person_and_day(uow_factory: UnitOfWorkFactory) -> None:
    seed(uow_factory)
    with uow_factory() as uow:
        first = uow.compoff.add(claim("E1", date(2026, 11, 21), half=HalfDay.SECOND))
        second = uow.compoff.add(claim("E1", date(2026, 11, 14)))
        other = uow.compoff.add(claim("E2", date(2026, 11, 21)))
        uow.commit()
    assert len({first.id, second.id, other.id}) == 3 and None not in (first.id, second.id, other.id)
    with uow_factory() as uow:
        assert uow.compoff.get(first.id or 0) == first
        assert uow.compoff.for_employee("E1") == [second, first]
        assert uow.compoff.for_employee("E1", date(2026, 11, 21), date(2026, 11, 21)) == [first]
        assert uow.compoff.get((other.id or 0) + 100) is None


def test_a_claim_changes_only_from_the_status_expected(uow_factory: UnitOfWorkFactory) -> None:
    seed(uow_factory)
    with uow_factory() as uow:
        made = uow.compoff.add(claim("E1", date(2026, 11, 21)))
        uow.commit()
    decided = replace(made, status=RequestStatus.APPROVED, level=2, decided_by="H1",
                      decided_at=NOW + timedelta(hours=1), decision_note="thanks")
    with uow_factory() as uow:
        assert uow.compoff.lock(made.id or 0) == made
        assert uow.compoff.update(decided, expected=RequestStatus.PENDING)
        uow.commit()
    with uow_factory() as uow:
        assert not uow.compoff.update(replace(decided, status=RequestStatus.REJECTED), expected=RequestStatus.PENDING)
        assert uow.compoff.get(made.id or 0) == decided


def test_pending_claims_are_listed_for_the_level_they_wait_at(uow_factory: UnitOfWorkFactory) -> None:
    seed(uow_factory)
    with uow_factory() as uow:
        at_manager = uow.compoff.add(claim("E1", date(2026, 11, 21)))
        at_hr = uow.compoff.add(claim("E2", date(2026, 11, 21), level=1))
        nobody = uow.compoff.add(claim("E2", date(2026, 11, 22), approver_id=None))
        uow.compoff.add(claim("E2", date(2026, 11, 14), status=RequestStatus.APPROVED, level=2))
        uow.commit()
    with uow_factory() as uow:
        assert uow.compoff.pending_for("M1") == [at_manager]
        assert uow.compoff.pending_for(None) == [at_hr, nobody]
        assert uow.compoff.pending_for("E1") == []


def test_a_claim_not_committed_is_not_kept(uow_factory: UnitOfWorkFactory) -> None:
    seed(uow_factory)
    with uow_factory() as uow:
        made = uow.compoff.add(claim("E1", date(2026, 11, 21)))
    with uow_factory() as uow:
        assert uow.compoff.get(made.id or 0) is None

"""What the contract cases store: a small organisation, requests and ledger entries, on one fixed day."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.exc import IntegrityError

from core.domain.amount import Amount
from core.domain.model import (
    Employee,
    EmployeeStatus,
    EntryKind,
    LeaveRequest,
    LedgerEntry,
    RequestStatus,
    Role,
    Source,
    SourceKind,
)
from core.ports import UnitOfWorkFactory

NOW = datetime(2026, 11, 25, 4, 30, tzinfo=UTC)

#: How a store refuses a second row where the port allows one (a once-only ledger source, a second
#: decision on a level): the port names no error, so the fakes raise ValueError and the databases
#: their integrity error. Either way the unit of work must not be committed.
REFUSED = (ValueError, IntegrityError)


def person(employee_id: str, email: str, manager_id: str | None = None, role: Role = Role.EMPLOYEE,
           department: str = "Engineering") -> Employee:
    return Employee(
        employee_id=employee_id,
        email=email,
        first_name="Ananya",
        last_name=f"Iyer-{employee_id}",
        manager_id=manager_id,
        role=role,
        department=department,
        location="Bengaluru",
        region="INDIA",
        joining_date=date(2022, 7, 11),
        status=EmployeeStatus.ACTIVE,
        time_zone="Asia/Kolkata",
    )


def seed(new_uow: UnitOfWorkFactory) -> None:
    """A manager (M1) with two reports (E1, E2), and an HR admin (H1) in People."""
    with new_uow() as uow:
        uow.employees.save(person("M1", "boss@x.test", role=Role.MANAGER))
        uow.employees.save(person("E1", "ananya@x.test", manager_id="M1"))
        uow.employees.save(person("E2", "rahul@x.test", manager_id="M1"))
        uow.employees.save(person("H1", "hr@x.test", role=Role.HR_ADMIN, department="People"))
        uow.commit()


def leave(employee_id: str, start: date, end: date | None = None, **changes: Any) -> LeaveRequest:
    """A pending casual leave from ``start`` to ``end`` (one day without it), for M1 to decide."""
    last = end or start
    values: dict[str, Any] = {
        "employee_id": employee_id,
        "type_key": "casual",
        "start": start,
        "end": last,
        "days": Amount.days((last - start).days + 1),
        "status": RequestStatus.PENDING,
        "created_at": NOW,
        "approver_id": "M1",
    }
    values.update(changes)
    return LeaveRequest(**values)


def added(new_uow: UnitOfWorkFactory, *requests: LeaveRequest) -> list[int]:
    """Store the requests in one committed unit of work; their ids."""
    with new_uow() as uow:
        ids = [uow.requests.add(request).id for request in requests]
        uow.commit()
    assert all(found is not None for found in ids)
    return [found for found in ids if found is not None]


def entry(employee_id: str, year: int, kind: EntryKind, days: str, source: Source,
          type_key: str = "casual") -> LedgerEntry:
    return LedgerEntry(employee_id, type_key, year, kind, Amount.days(Decimal(days)), NOW, source)


def grant(employee_id: str, year: int, days: str = "12") -> LedgerEntry:
    """A year's allocation: a source that writes once."""
    return entry(employee_id, year, EntryKind.ALLOCATION, days, Source(SourceKind.ALLOCATION, str(year)))


def without_id(entries: list[LedgerEntry]) -> list[LedgerEntry]:
    """Entries as written, whatever ids the store gave them."""
    return [replace(found, id=None) for found in entries]

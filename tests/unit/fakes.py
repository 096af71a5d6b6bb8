"""In-memory stand-ins of the storage ports, so that core rules are tested in microseconds.

A commit copies the working state over the committed one; leaving the block without a commit
throws the working state away, as a real transaction would.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from types import TracebackType
from typing import Any, Self

from core.model import AuditEntry, Employee, EntryKind, Event, Holiday, LeaveRequest, LedgerEntry, RequestStatus
from core.policy import Policy, parse_policy


@dataclass
class State:
    employees: dict[str, Employee] = field(default_factory=dict)
    policies: list[dict[str, Any]] = field(default_factory=list)
    holidays: list[Holiday] = field(default_factory=list)
    requests: dict[int, LeaveRequest] = field(default_factory=dict)
    ledger: list[LedgerEntry] = field(default_factory=list)
    audit: list[AuditEntry] = field(default_factory=list)
    outbox: list[Event] = field(default_factory=list)


class FakeEmployees:
    def __init__(self, state: State) -> None:
        self.s = state

    def get(self, employee_id: str) -> Employee | None:
        return self.s.employees.get(employee_id)

    lock = get

    def by_email(self, email: str) -> Employee | None:
        return next((e for e in self.s.employees.values() if e.email == email.lower()), None)

    def all(self) -> list[Employee]:
        return list(self.s.employees.values())

    def reports_of(self, manager_id: str) -> list[Employee]:
        return [e for e in self.s.employees.values() if e.manager_id == manager_id]

    def hr_admins(self) -> list[Employee]:
        return [e for e in self.s.employees.values() if e.is_hr]

    def save(self, employee: Employee) -> None:
        self.s.employees[employee.employee_id] = employee


class FakePolicies:
    def __init__(self, state: State) -> None:
        self.s = state

    def current(self) -> Policy | None:
        return parse_policy(self.s.policies[-1]) if self.s.policies else None

    def current_document(self) -> dict[str, Any] | None:
        return self.s.policies[-1] if self.s.policies else None

    def save(self, document: dict[str, Any], source: str, at: datetime) -> None:
        self.s.policies.append(document)


class FakeHolidays:
    def __init__(self, state: State) -> None:
        self.s = state

    def between(self, region: str, start: date, end: date) -> list[Holiday]:
        return [h for h in self.s.holidays if h.region == region and start <= h.day <= end]

    def replace(self, region: str, source: str, holidays: Sequence[Holiday], year: int | None = None) -> None:
        self.s.holidays = [
            h for h in self.s.holidays
            if not (h.region == region and h.source == source and (year is None or h.day.year == year))
        ] + list(holidays)


class FakeRequests:
    def __init__(self, state: State) -> None:
        self.s = state

    def add(self, request: LeaveRequest) -> LeaveRequest:
        stored = replace(request, id=len(self.s.requests) + 1)
        self.s.requests[stored.id or 0] = stored
        return stored

    def get(self, request_id: int) -> LeaveRequest | None:
        found = self.s.requests.get(request_id)
        return replace(found) if found else None

    lock = get

    def by_idempotency_key(self, key: str) -> LeaveRequest | None:
        return next((r for r in self.s.requests.values() if r.idempotency_key == key), None)

    def update(self, request: LeaveRequest, expected: RequestStatus) -> bool:
        assert request.id is not None
        if self.s.requests[request.id].status is not expected:
            return False
        self.s.requests[request.id] = request
        return True

    def search(
        self,
        employee_ids: Iterable[str] | None = None,
        statuses: Iterable[RequestStatus] | None = None,
        approver_id: str | None = None,
        overlapping: tuple[date, date] | None = None,
    ) -> list[LeaveRequest]:
        ids = set(employee_ids) if employee_ids is not None else None
        wanted = set(statuses) if statuses is not None else None
        found = [
            r for r in self.s.requests.values()
            if (ids is None or r.employee_id in ids)
            and (wanted is None or r.status in wanted)
            and (approver_id is None or r.approver_id == approver_id)
            and (overlapping is None or (r.start <= overlapping[1] and r.end >= overlapping[0]))
        ]
        return sorted(found, key=lambda r: (r.created_at, r.id or 0), reverse=True)


class FakeLedger:
    def __init__(self, state: State) -> None:
        self.s = state

    def add(self, entry: LedgerEntry) -> None:
        if entry.period is not None:
            key = (entry.employee_id, entry.type_key, entry.kind, entry.period)
            assert all((e.employee_id, e.type_key, e.kind, e.period) != key for e in self.s.ledger), key
        self.s.ledger.append(entry)

    def entries(self, employee_id: str, year: int | None = None) -> list[LedgerEntry]:
        return [e for e in self.s.ledger if e.employee_id == employee_id and (year is None or e.year == year)]

    def has_allocation(self, employee_id: str, year: int) -> bool:
        return any(
            e.employee_id == employee_id and e.year == year and e.kind is EntryKind.ALLOCATION for e in self.s.ledger
        )


class FakeAudit:
    def __init__(self, state: State) -> None:
        self.s = state

    def add(self, entry: AuditEntry) -> None:
        self.s.audit.append(entry)

    def since(self, since: datetime | None = None) -> list[AuditEntry]:
        return [a for a in self.s.audit if since is None or a.at >= since]


class FakeOutbox:
    def __init__(self, state: State) -> None:
        self.s = state

    def add(self, event: Event, at: datetime) -> None:
        self.s.outbox.append(event)

    def pending(self) -> list[tuple[int, Event]]:
        return list(enumerate(self.s.outbox, start=1))


class FakeUnitOfWork:
    def __init__(self, store: FakeStore) -> None:
        self._store = store

    def __enter__(self) -> Self:
        self._work = copy.deepcopy(self._store.committed)
        self.employees = FakeEmployees(self._work)
        self.policies = FakePolicies(self._work)
        self.holidays = FakeHolidays(self._work)
        self.requests = FakeRequests(self._work)
        self.ledger = FakeLedger(self._work)
        self.audit = FakeAudit(self._work)
        self.outbox = FakeOutbox(self._work)
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        return None

    def commit(self) -> None:
        self._store.committed = copy.deepcopy(self._work)
        self._store.commits += 1


@dataclass
class FakeStore:
    """The committed state, shared by every unit of work made from it."""

    committed: State = field(default_factory=State)
    commits: int = 0

    def __call__(self) -> FakeUnitOfWork:
        return FakeUnitOfWork(self)


@dataclass
class FixedClock:
    at: datetime

    def now(self) -> datetime:
        return self.at

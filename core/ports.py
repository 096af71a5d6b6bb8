"""What the core needs from the world, as Protocols. ``storage/`` and the doors implement them.

A use case opens one :class:`UnitOfWork` (one transaction), reads and changes what it needs
through the repositories, and commits. Storage raises :class:`Conflict` for a deadlock or a
lock wait time-out so that the core can run the whole unit of work again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from types import TracebackType
from typing import Any, Protocol, Self

from core.model import (
    AuditEntry,
    Employee,
    Event,
    Holiday,
    LeaveRequest,
    LedgerEntry,
    RequestStatus,
)
from core.policy import Policy


class Conflict(Exception):
    """A transaction lost a race (deadlock, lock time-out); running it again is safe."""


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware, in UTC."""
        ...


class EmployeeRepository(Protocol):
    def get(self, employee_id: str) -> Employee | None: ...

    def lock(self, employee_id: str) -> Employee | None:
        """Like :meth:`get`, holding a row lock until the transaction ends."""
        ...

    def by_email(self, email: str) -> Employee | None:
        """Case-insensitive lookup by e-mail."""
        ...

    def all(self) -> list[Employee]: ...

    def reports_of(self, manager_id: str) -> list[Employee]: ...

    def hr_admins(self) -> list[Employee]: ...

    def save(self, employee: Employee) -> None:
        """Insert or replace the employee with this ``employee_id``."""
        ...


class PolicyRepository(Protocol):
    def current(self) -> Policy | None: ...

    def current_document(self) -> dict[str, Any] | None: ...

    def save(self, document: dict[str, Any], source: str, at: datetime) -> None:
        """Store a document already checked by :func:`core.policy.parse_policy`."""
        ...


class HolidayRepository(Protocol):
    def between(self, region: str, start: date, end: date) -> list[Holiday]: ...

    def replace(self, region: str, source: str, holidays: Sequence[Holiday], year: int | None = None) -> None:
        """Replace the holidays of one region and source (and one year, when given)."""
        ...


class RequestRepository(Protocol):
    def add(self, request: LeaveRequest) -> LeaveRequest:
        """Insert and return the request with its id set."""
        ...

    def get(self, request_id: int) -> LeaveRequest | None: ...

    def lock(self, request_id: int) -> LeaveRequest | None: ...

    def by_idempotency_key(self, key: str) -> LeaveRequest | None: ...

    def update(self, request: LeaveRequest, expected: RequestStatus) -> bool:
        """Write the request's state if it is still ``expected``; False when it was not."""
        ...

    def search(
        self,
        employee_ids: Iterable[str] | None = None,
        statuses: Iterable[RequestStatus] | None = None,
        approver_id: str | None = None,
        overlapping: tuple[date, date] | None = None,
    ) -> list[LeaveRequest]:
        """Requests matching every given filter, newest first."""
        ...


class LedgerRepository(Protocol):
    def add(self, entry: LedgerEntry) -> None: ...

    def entries(self, employee_id: str, year: int | None = None) -> list[LedgerEntry]: ...

    def has_allocation(self, employee_id: str, year: int) -> bool: ...


class AuditRepository(Protocol):
    def add(self, entry: AuditEntry) -> None: ...

    def since(self, since: datetime | None = None) -> list[AuditEntry]:
        """Entries at or after ``since``, oldest first."""
        ...


class Outbox(Protocol):
    def add(self, event: Event, at: datetime) -> None: ...

    def pending(self) -> list[tuple[int, Event]]: ...


class UnitOfWork(Protocol):
    employees: EmployeeRepository
    policies: PolicyRepository
    holidays: HolidayRepository
    requests: RequestRepository
    ledger: LedgerRepository
    audit: AuditRepository
    outbox: Outbox

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Roll back whatever was not committed; map lost races to :class:`Conflict`."""
        ...

    def commit(self) -> None: ...


UnitOfWorkFactory = Callable[[], UnitOfWork]

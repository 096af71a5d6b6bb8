"""What the core needs from the world, as Protocols. ``storage/`` and the doors implement them.

May import: :mod:`core.domain`, :mod:`core.policy`, :mod:`core.views` (the doors may import this
package: they implement some of its ports).

A use case opens one :class:`UnitOfWork` (one transaction), reads and changes what it needs
through the repositories, and commits. Storage raises :class:`Conflict` for a deadlock or a
lock wait time-out so that the core can run the whole unit of work again, and
:class:`Unavailable` when the database cannot be reached at all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from types import TracebackType
from typing import Any, Protocol, Self

from core.domain.model import (
    AuditEntry,
    Decision,
    Delegation,
    Employee,
    Event,
    Holiday,
    LeaveRequest,
    LedgerEntry,
    RequestStatus,
)
from core.policy.rules import Policy
from core.ports.calendars import CalendarLinks, FeedTokens
from core.ports.downloads import Downloads
from core.ports.jobs import JobStore
from core.views import Notice


class Conflict(Exception):
    """A transaction lost a race (deadlock, lock time-out); running it again is safe."""


class Unavailable(Exception):
    """The database cannot be reached (refused, lost or timed-out connection); nothing was written.

    Running the work again at once would only fail again, so it is refused; the engine reconnects
    by itself once the database is back.
    """


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

    def in_department(self, department: str) -> list[Employee]:
        """The people whose department is exactly ``department`` (leavers too), by employee id."""
        ...

    def hr_admins(self) -> list[Employee]: ...

    def save(self, employee: Employee) -> None:
        """Insert or replace the employee with this ``employee_id``."""
        ...

    def by_chat_id(self, platform: str, user_id: str) -> Employee | None:
        """The employee linked to a Slack user id (``slack``) or Teams AAD object id (``teams``)."""
        ...

    def link_chat_id(self, employee_id: str, platform: str, user_id: str) -> None:
        """Remember the link found on first contact, so the platform is asked only once."""
        ...


class PolicyRepository(Protocol):
    def current(self) -> Policy | None:
        """The version loaded last, whatever its ``effective_from``."""
        ...

    def in_force(self, on: date) -> Policy | None:
        """The version in force on a date: the newest whose ``effective_from`` is on or before it
        (the oldest version for dates before every ``effective_from``)."""
        ...

    def current_document(self) -> dict[str, Any] | None: ...

    def save(self, document: dict[str, Any], source: str, at: datetime) -> None:
        """Store a document already checked by :func:`core.policy.rules.parse_policy`."""
        ...


class HolidayRepository(Protocol):
    def between(self, region: str, start: date, end: date) -> list[Holiday]: ...

    def replace(self, region: str, source: str, holidays: Sequence[Holiday], start: date | None = None,
                end: date | None = None) -> None:
        """Replace the holidays of one region and source dated between ``start`` and ``end`` (open
        ends when None) by ``holidays``."""
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

    def entries(self, employee_id: str, year: int | None = None) -> list[LedgerEntry]:
        """The employee's entries (of one year when given), oldest first."""
        ...

    def years(self) -> list[int]:
        """Every leave year that has entries, ascending (for catching up on year ends)."""
        ...


class DecisionRepository(Protocol):
    def add(self, decision: Decision) -> None: ...

    def for_request(self, request_id: int) -> list[Decision]:
        """Oldest first."""
        ...


class DelegationRepository(Protocol):
    def add(self, delegation: Delegation) -> Delegation: ...

    def of(self, delegator_id: str) -> list[Delegation]:
        """The delegator's delegations, latest start first."""
        ...

    def to(self, delegate_id: str) -> list[Delegation]:
        """The delegations naming this delegate, latest start first."""
        ...

    def remove(self, delegation_id: int) -> None: ...


@dataclass(frozen=True)
class AuditQuery:
    """Which audit entries to find; every field given narrows the search.

    Attributes:
        actor: the e-mail (or ``system``) of whoever acted.
        employee: the e-mail of the employee whose requests the entries are about.
        person: an e-mail matched as the actor or as the employee (``/leave audit @person``).
        request_id: one request's entries.
        action: one action (``approve``, ``rate_limited``...).
        since: entries at or after this instant.
        until: entries before this instant.
        limit: at most this many, the latest ones; None for all.
    """

    actor: str | None = None
    employee: str | None = None
    person: str | None = None
    request_id: int | None = None
    action: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    limit: int | None = None


class AuditRepository(Protocol):
    def add(self, entry: AuditEntry) -> None: ...

    def since(self, since: datetime | None = None) -> list[AuditEntry]:
        """Entries at or after ``since``, oldest first."""
        ...

    def search(self, query: AuditQuery) -> list[AuditEntry]:
        """The entries that match, oldest first (with a limit: the latest ones, still oldest first)."""
        ...

    def count(self, query: AuditQuery) -> int:
        """How many entries match, ignoring the limit."""
        ...


@dataclass(frozen=True)
class OutboxItem:
    """An event taken for delivery.

    ``resumed`` is True when an earlier round took it and did not finish (a failure to retry, or
    a worker that died): notices may then have gone out without being recorded, and a door that
    can look up what it sent since ``created_at`` should do so before sending again.
    ``correlation`` is the request id of the work that wrote the event, for its delivery's log lines.
    """

    id: int
    event: Event
    attempts: int
    created_at: datetime | None = None
    resumed: bool = False
    correlation: str | None = None


class Outbox(Protocol):
    """Domain events, written with the change that caused them, delivered after commit.

    An event fans out to several targets (one per door and recipient); each target is recorded
    once delivered so that a retry after a partial failure never repeats what already went out.
    """

    def add(self, event: Event, at: datetime) -> None: ...

    def due(self, at: datetime, limit: int) -> list[OutboxItem]:
        """Undelivered events whose retry time has come, oldest first."""
        ...

    def claim(self, event_id: int, at: datetime, lease_until: datetime) -> OutboxItem | None:
        """Take the event for one delivery round, if it is still undelivered and due at ``at``.

        Claiming moves its next attempt to ``lease_until`` (a conditional update, committed by the
        caller at once), so no other worker or replica takes it meanwhile while no lock is held
        during the slow calls to the platforms; a worker that dies simply lets the lease run out.
        None when another worker got it first.
        """
        ...

    def done_targets(self, event_id: int) -> set[str]:
        """Targets already settled (delivered, unreachable or given up) for this event."""
        ...

    def settle_target(self, event_id: int, target: str, outcome: str, at: datetime, detail: str = "") -> None:
        """Record a target's final outcome: ``delivered``, ``unreachable`` or ``failed``."""
        ...

    def mark_delivered(self, event_id: int, at: datetime) -> bool:
        """Every target settled; False when it was already marked."""
        ...

    def mark_failed(self, event_id: int, error: str, retry_at: datetime) -> None:
        """A transient failure: count the attempt and try again at ``retry_at``."""
        ...

    def depth(self) -> tuple[int, datetime | None]:
        """How many events wait for delivery, and when the oldest was written."""
        ...


class ChatDirectory(Protocol):
    """Where the doors reach people and channels, kept in the database (never in memory).

    ``addresses``: per platform and key (``employee:E3``, ``channel:hr``...), an opaque text the
    door understands (a Teams conversation reference as JSON, a Slack DM channel id).
    ``cards``: the messages posted about a request, so a door can update them in place after a
    decision made anywhere.
    """

    def save_address(self, platform: str, key: str, address: str, at: datetime) -> None: ...

    def address(self, platform: str, key: str) -> str | None: ...

    def addresses(self, platform: str, prefix: str = "") -> dict[str, str]: ...

    def add_card(self, platform: str, request_id: int, employee_id: str, address: str, message_id: str,
                 at: datetime) -> None: ...

    def cards(self, platform: str, request_id: int) -> list[tuple[str, str, str]]:
        """``(employee_id, address, message_id)`` of every card posted about the request."""
        ...


class Notifier(Protocol):
    """A door's way of telling someone about a request (Slack DM, Teams message...).

    ``deliver`` returns when the notice went out. It raises :class:`Unreachable` when the person
    cannot be reached on this platform (recorded, not retried), :class:`RetryLater` for throttling
    or an outage, :class:`DeliveryFailed` for a permanent refusal; anything else is retried.
    A notifier may declare ``kinds`` (a set of :class:`~core.views.NoticeKind`) to receive only
    those; without it, it receives every notice meant for people (:data:`core.delivery.relay.PEOPLE_KINDS`).
    """

    name: str

    def deliver(self, notice: Notice) -> None: ...


class Unreachable(Exception):
    """The recipient has no address on this platform (not in the workspace, never installed the app)."""


class RetryLater(Exception):
    """Try again later; ``after`` seconds when the platform said so (``Retry-After``)."""

    def __init__(self, message: str, after: float | None = None) -> None:
        super().__init__(message)
        self.after = after


class DeliveryFailed(Exception):
    """A permanent refusal (bad credentials, forbidden): retrying cannot help."""


class UnitOfWork(Protocol):
    employees: EmployeeRepository
    policies: PolicyRepository
    holidays: HolidayRepository
    requests: RequestRepository
    ledger: LedgerRepository
    audit: AuditRepository
    outbox: Outbox
    chat: ChatDirectory
    decisions: DecisionRepository
    delegations: DelegationRepository
    jobs: JobStore
    calendars: CalendarLinks
    feeds: FeedTokens
    downloads: Downloads

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

"""What the core needs from the world, as Protocols. ``storage/`` and the doors implement them.

May import: :mod:`core.domain`, :mod:`core.policy`, :mod:`core.views` (the doors may import this
package: they implement some of its ports).

A use case opens one :class:`UnitOfWork` (one transaction), reads and changes what it needs
through the repositories, and commits. Storage raises :class:`Conflict` for a deadlock or a
lock wait time-out so that the core can run the whole unit of work again, and
:class:`Unavailable` when the database cannot be reached at all.

The unit of work carries only what the core reads or writes. What only the doors keep (how a door
reaches a person, the cards it posted, files handed out by link) is no part of it: those stores
(:mod:`core.ports.chat`, :mod:`core.ports.downloads`) run short transactions of their own and are
handed to the doors by the composition root.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
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
from core.ports.compoff import CompOffClaims
from core.ports.documents import DocumentRepository
from core.ports.jobs import JobStore
from core.ports.links import LinkTokens
from core.ports.offers import SplitOffers
from core.views import AnyNotice, WaitingLine


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
        """Insert and return the request with its id set.

        Raises:
            ValueError: for days counted in hours (stored requests count in days), here or on update.
        """
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

    def count_by_type(self, employee_id: str, statuses: Iterable[RequestStatus]) -> dict[str, int]:
        """How many of the person's requests with one of ``statuses`` there are of each type key (the
        types with none left out): one narrow count, for the limits on times taken, read by every balance."""
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

    def waiting(self, limit: int) -> list[WaitingLine]:
        """Up to ``limit`` undelivered events for HR to look at: those that failed first (most tries
        first), then the oldest."""
        ...


#: Every key of a digest's channel starts with this (``digest:hr``, ``digest:dept:<Department>``);
#: the other addresses of the same table are the doors' own (:class:`core.ports.chat.ChatStore`).
CHANNEL_KEYS = "digest:"


def is_channel_key(key: str) -> bool:
    """True for the key of a digest's channel, in any case (MySQL compares keys without case)."""
    return key[:len(CHANNEL_KEYS)].lower() == CHANNEL_KEYS


class DigestChannels(Protocol):
    """Where the scheduled digests are posted, per platform: the only addresses the core reads.

    Keys start with :data:`CHANNEL_KEYS`: ``digest:hr`` for the HR digest, ``digest:dept:<Department>``
    for a department's who's-out; the address is a Slack channel id, or the key of a Teams channel
    the bot was added to. A policy's ``channels`` (and ``leavebot channels set``) write them; the
    scheduled jobs read them to choose where their posts go. Any other key is refused
    (``ValueError``): how the doors reach people is theirs, outside the unit of work.
    """

    def save(self, platform: str, key: str, address: str, at: datetime) -> None: ...

    def address(self, platform: str, key: str) -> str | None: ...

    def all(self, platform: str) -> dict[str, str]:
        """Every channel of the platform, by key."""
        ...


class Notifier(Protocol):
    """A door's way of telling someone about a request or their balance (Slack DM, Teams message...).

    ``deliver`` returns when the notice went out. It raises :class:`Unreachable` when the person
    cannot be reached on this platform (recorded, not retried), :class:`RetryLater` for throttling
    or an outage, :class:`DeliveryFailed` for a permanent refusal; anything else is retried.
    A notifier may declare ``kinds`` (a set of :class:`~core.views.NoticeKind`) to receive only
    those; without it, it receives every notice meant for people (:data:`core.delivery.relay.PEOPLE_KINDS`).
    A notifier that reaches people by a ``medium`` (``chat``, ``email``) declares it, and receives
    only the notices of people who want to hear by it (:class:`core.domain.reach.Reach`).
    """

    name: str

    def deliver(self, notice: AnyNotice) -> None: ...


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
    channels: DigestChannels
    decisions: DecisionRepository
    delegations: DelegationRepository
    jobs: JobStore
    calendars: CalendarLinks
    feeds: FeedTokens
    documents: DocumentRepository
    offers: SplitOffers
    compoff: CompOffClaims
    links: LinkTokens

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

    @property
    def read_only(self) -> bool:
        """Opened to look only: the database refuses any write in it (loudly: a write there is a
        bug), and no two such units of work hold each other up. Work that may come to a write checks
        this first (:func:`core.shared.transactions.before_writing`)."""
        ...


class UnitOfWorkFactory(Protocol):
    def __call__(self, *, read_only: bool = False) -> UnitOfWork:
        """A new unit of work; ``read_only`` for work that only looks (SQLite then takes no write
        lock, MySQL runs a ``READ ONLY`` transaction)."""
        ...

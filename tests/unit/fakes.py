"""In-memory stand-ins of the storage ports, so that core rules are tested in microseconds.

A commit copies the working state over the committed one; leaving the block without a commit
throws the working state away, as a real transaction would. There are no locks: the fakes serve
one thread, so ``claim`` only re-checks that the event is still due and undelivered, and moves its
next attempt to the end of the lease, as the SQL version does.
"""

from __future__ import annotations

import copy
import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

from core import ports
from core.domain.amount import Amount, Unit
from core.domain.compoff import CompOffClaim
from core.domain.documents import Document
from core.domain.links import LinkToken
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
from core.domain.splits import SplitOffer
from core.policy.rules import Policy, parse_policy
from core.ports import OutboxItem
from core.ports import calendars as calendar
from core.ports.compoff import CompOffClaims
from core.ports.documents import DocumentRepository
from core.ports.jobs import JobStore
from core.ports.links import LinkTokens
from core.ports.offers import SplitOffers
from core.shared.audit import actor_key
from core.views import WaitingLine
from tests.unit.calendar_fakes import FakeCalendarLinks, FakeFeedTokens
from tests.unit.compoff_fakes import FakeCompOffClaims
from tests.unit.document_fakes import FakeDocuments
from tests.unit.link_fakes import FakeLinkTokens
from tests.unit.offer_fakes import FakeSplitOffers
from tests.unit.scheduler_fakes import FakeJobStore

CHAT_ID_FIELDS = {"slack": "slack_user_id", "teams": "teams_aad_object_id"}
OUTCOMES = frozenset({"delivered", "unreachable", "failed"})


@dataclass
class OutboxRow:
    """One outbox event and its delivery state, as the ``outbox`` and ``outbox_targets`` tables keep it."""

    id: int
    event: Event
    created_at: datetime
    attempts: int = 0
    next_attempt_at: datetime | None = None
    delivered_at: datetime | None = None
    last_error: str | None = None
    #: target -> (outcome, detail), in the order they were settled.
    targets: dict[str, tuple[str, str]] = field(default_factory=dict)

    @property
    def name(self) -> str:
        """The event's name, so tests can read ``state.outbox`` as a list of events."""
        return self.event.name

    def is_due(self, at: datetime) -> bool:
        return self.delivered_at is None and (self.next_attempt_at is None or self.next_attempt_at <= at)


@dataclass
class State:
    employees: dict[str, Employee] = field(default_factory=dict)
    policies: list[dict[str, Any]] = field(default_factory=list)
    holidays: list[Holiday] = field(default_factory=list)
    requests: dict[int, LeaveRequest] = field(default_factory=dict)
    ledger: list[LedgerEntry] = field(default_factory=list)
    audit: list[AuditEntry] = field(default_factory=list)
    outbox: list[OutboxRow] = field(default_factory=list)
    #: The digests' channels, by (platform, key).
    channels: dict[tuple[str, str], str] = field(default_factory=dict)
    decisions: list[Decision] = field(default_factory=list)
    delegations: list[Delegation] = field(default_factory=list)
    #: The last delegation id given out: ids are never reused, even after a removal.
    delegation_ids: int = 0
    #: The scheduler's job runs and planned posts (see tests/unit/scheduler_fakes.py).
    jobs: dict[str, Any] = field(default_factory=dict)
    calendar_links: dict[tuple[int, str, int], calendar.CalendarLink] = field(default_factory=dict)
    calendar_failures: dict[tuple[int, str], calendar.CalendarFailure] = field(default_factory=dict)
    feed_tokens: dict[str, calendar.FeedToken] = field(default_factory=dict)
    documents: list[Document] = field(default_factory=list)
    #: Offers of unpaid leave waiting for their ``yes``, by employee id.
    offers: dict[str, SplitOffer] = field(default_factory=dict)
    #: Comp-off claims, by id.
    compoff: dict[int, CompOffClaim] = field(default_factory=dict)
    #: One-time links, by token hash.
    links: dict[str, LinkToken] = field(default_factory=dict)


class FakeEmployees:
    def __init__(self, state: State) -> None:
        self.s = state

    def get(self, employee_id: str) -> Employee | None:
        return self.s.employees.get(employee_id)

    lock = get

    def by_email(self, email: str) -> Employee | None:
        key = email.strip().lower()
        return next((e for e in self.s.employees.values() if e.email == key), None)

    def all(self) -> list[Employee]:
        return list(self.s.employees.values())

    def reports_of(self, manager_id: str) -> list[Employee]:
        return [e for e in self.s.employees.values() if e.manager_id == manager_id]

    def in_department(self, department: str) -> list[Employee]:
        return sorted((e for e in self.s.employees.values() if e.department == department),
                      key=lambda e: e.employee_id)

    def hr_admins(self) -> list[Employee]:
        return [e for e in self.s.employees.values() if e.is_hr]

    def save(self, employee: Employee) -> None:
        """Like the SQL version: the e-mail is kept in lower case, as every look-up compares it."""
        self.s.employees[employee.employee_id] = replace(employee, email=employee.email.strip().lower())

    def by_chat_id(self, platform: str, user_id: str) -> Employee | None:
        field_name = _chat_field(platform)
        return next((e for e in self.s.employees.values() if getattr(e, field_name) == user_id), None)

    def link_chat_id(self, employee_id: str, platform: str, user_id: str) -> None:
        """Like the SQL version: the id moves away from whoever had it (the column is unique)."""
        field_name = _chat_field(platform)
        if employee_id not in self.s.employees:
            raise ValueError(f"no employee '{employee_id}' to link to {platform} user {user_id}")
        for other in list(self.s.employees.values()):
            if other.employee_id != employee_id and getattr(other, field_name) == user_id:
                self.s.employees[other.employee_id] = _with_chat_id(other, platform, None)
        self.s.employees[employee_id] = _with_chat_id(self.s.employees[employee_id], platform, user_id)


def _with_chat_id(employee: Employee, platform: str, user_id: str | None) -> Employee:
    if platform == "slack":
        return replace(employee, slack_user_id=user_id)
    return replace(employee, teams_aad_object_id=user_id)


def _chat_field(platform: str) -> str:
    try:
        return CHAT_ID_FIELDS[platform]
    except KeyError:
        raise ValueError(f"unknown chat platform '{platform}'") from None


class FakePolicies:
    """``State.policies`` holds the documents in load order; a version's id is its place there."""

    def __init__(self, state: State) -> None:
        self.s = state
        self._parsed: dict[int, Policy] = {}  # documents are never rewritten: parse each once

    def current(self) -> Policy | None:
        return self._policy(len(self.s.policies) - 1) if self.s.policies else None

    def in_force(self, on: date) -> Policy | None:
        """The newest version (by ``effective_from``, then load order) in force on ``on``; the
        oldest one for dates before every ``effective_from``."""
        if not self.s.policies:
            return None
        versions = sorted((self._policy(i).effective_from, i) for i in range(len(self.s.policies)))
        in_force = [i for effective_from, i in versions if effective_from <= on]
        return self._policy(in_force[-1] if in_force else versions[0][1])

    def _policy(self, index: int) -> Policy:
        if index not in self._parsed:
            self._parsed[index] = parse_policy(self.s.policies[index])
        return self._parsed[index]

    def current_document(self) -> dict[str, Any] | None:
        return self.s.policies[-1] if self.s.policies else None

    def save(self, document: dict[str, Any], source: str, at: datetime) -> None:
        """Kept as JSON data, as the SQL version stores it (so YAML's dates come back as ISO text)."""
        parse_policy(document)  # the SQL version reads effective_from from it, and so refuses a bad one
        self.s.policies.append(json.loads(json.dumps(document, default=str)))


class FakeHolidays:
    def __init__(self, state: State) -> None:
        self.s = state

    def between(self, region: str, start: date, end: date) -> list[Holiday]:
        found = [h for h in self.s.holidays if h.region == region and start <= h.day <= end]
        return sorted(found, key=lambda h: (h.day, h.location or ""))

    def replace(self, region: str, source: str, holidays: Sequence[Holiday], start: date | None = None,
                end: date | None = None) -> None:
        """Like the SQL version: stored under ``region`` and ``source``; one per day and location."""
        outside = [h.day for h in holidays if h.day < (start or h.day) or h.day > (end or h.day)]
        if outside:
            raise ValueError(f"holiday on {outside[0]} is outside the range replaced ({start} to {end})")
        kept = [
            h for h in self.s.holidays
            if not (h.region == region and h.source == source and (start or h.day) <= h.day <= (end or h.day))
        ]
        added = {(h.location, h.day): replace(h, region=region, source=source) for h in holidays}
        self.s.holidays = kept + list(added.values())


def _days_only(amount: Amount, keeper: str) -> None:
    """Like the SQL stores, whose ``days`` columns keep no unit: an amount in hours is refused."""
    if amount.unit is not Unit.DAYS:
        raise ValueError(f"{keeper} keeps days, not {amount.unit}: {amount.text()} was not written")


def _request_figure(request: LeaveRequest) -> None:
    """Like the SQL stores: a request keeps hours only with the time range that says they are hours."""
    if request.time_range is None or request.days.unit is not Unit.HOURS:
        _days_only(request.days, "a leave request")


class FakeRequests:
    """Reads and writes copy, as rows do: a request changes only through :meth:`update`."""

    def __init__(self, state: State) -> None:
        self.s = state

    def add(self, request: LeaveRequest) -> LeaveRequest:
        _request_figure(request)
        stored = replace(request, id=len(self.s.requests) + 1)
        self.s.requests[stored.id or 0] = stored
        return replace(stored)

    def get(self, request_id: int) -> LeaveRequest | None:
        found = self.s.requests.get(request_id)
        return replace(found) if found else None

    lock = get

    def by_idempotency_key(self, key: str) -> LeaveRequest | None:
        return next((replace(r) for r in self.s.requests.values() if r.idempotency_key == key), None)

    def update(self, request: LeaveRequest, expected: RequestStatus) -> bool:
        if request.id is None:
            raise ValueError("cannot update a request that was never added")
        stored = self.s.requests.get(request.id)
        _request_figure(request)
        if stored is None or stored.status is not expected:
            return False
        self.s.requests[request.id] = replace(request)
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
            replace(r) for r in self.s.requests.values()
            if (ids is None or r.employee_id in ids)
            and (wanted is None or r.status in wanted)
            and (approver_id is None or r.approver_id == approver_id)
            and (overlapping is None or (r.start <= overlapping[1] and r.end >= overlapping[0]))
        ]
        return sorted(found, key=lambda r: (r.created_at, r.id or 0), reverse=True)

    def count_by_type(self, employee_id: str, statuses: Iterable[RequestStatus]) -> dict[str, int]:
        return dict(Counter(r.type_key for r in self.search(employee_ids=[employee_id], statuses=statuses)))


class FakeLedger:
    def __init__(self, state: State) -> None:
        self.s = state

    def add(self, entry: LedgerEntry) -> None:
        """Like the SQL version: days only, and a once-only source refused a second time (the
        database's unique key; ValueError here, as the port names no error)."""
        _days_only(entry.amount, "the ledger")
        if entry.source.once_key is not None:  # UNIQUE(employee_id, type_key, kind, source_kind, once_key)
            key = (entry.employee_id, entry.type_key, entry.kind, entry.source)
            if any((e.employee_id, e.type_key, e.kind, e.source) == key for e in self.s.ledger):
                raise ValueError(f"ledger entry {key} was written already")
        self.s.ledger.append(entry)

    def entries(self, employee_id: str, year: int | None = None) -> list[LedgerEntry]:
        return [e for e in self.s.ledger if e.employee_id == employee_id and (year is None or e.year == year)]

    def years(self) -> list[int]:
        return sorted({e.year for e in self.s.ledger})


class FakeDecisions:
    def __init__(self, state: State) -> None:
        self.s = state

    def add(self, decision: Decision) -> None:
        key = (decision.request_id, decision.level)
        if any((d.request_id, d.level) == key for d in self.s.decisions):  # UNIQUE(request_id, level)
            raise ValueError(f"level {decision.level} of request {decision.request_id} was decided already")
        self.s.decisions.append(decision)

    def for_request(self, request_id: int) -> list[Decision]:
        return [d for d in self.s.decisions if d.request_id == request_id]


class FakeDelegations:
    def __init__(self, state: State) -> None:
        self.s = state

    def add(self, delegation: Delegation) -> Delegation:
        if delegation.end < delegation.start:
            raise ValueError(f"a delegation cannot end ({delegation.end}) before it starts ({delegation.start})")
        self.s.delegation_ids += 1
        stored = replace(delegation, id=self.s.delegation_ids)
        self.s.delegations.append(stored)
        return stored

    def of(self, delegator_id: str) -> list[Delegation]:
        return _latest_first(d for d in self.s.delegations if d.delegator_id == delegator_id)

    def to(self, delegate_id: str) -> list[Delegation]:
        return _latest_first(d for d in self.s.delegations if d.delegate_id == delegate_id)

    def remove(self, delegation_id: int) -> None:
        self.s.delegations = [d for d in self.s.delegations if d.id != delegation_id]


def _latest_first(delegations: Iterable[Delegation]) -> list[Delegation]:
    return sorted(delegations, key=lambda d: (d.start, d.id or 0), reverse=True)


class FakeAudit:
    def __init__(self, state: State) -> None:
        self.s = state

    def add(self, entry: AuditEntry) -> None:
        self.s.audit.append(entry)

    def since(self, since: datetime | None = None) -> list[AuditEntry]:
        return self.search(ports.AuditQuery(since=since))

    def search(self, query: ports.AuditQuery) -> list[AuditEntry]:
        found = sorted((a for a in self.s.audit if self._matches(a, query)), key=lambda a: a.at)
        return found if query.limit is None else found[len(found) - min(query.limit, len(found)):]

    def count(self, query: ports.AuditQuery) -> int:
        return sum(1 for a in self.s.audit if self._matches(a, query))

    def _matches(self, entry: AuditEntry, query: ports.AuditQuery) -> bool:
        def about(email: str) -> bool:
            request = self.s.requests.get(entry.request_id or 0)
            owner = self.s.employees.get(request.employee_id) if request else None
            return owner is not None and owner.email == email.lower()

        return all((
            query.actor is None or entry.actor == actor_key(query.actor),
            query.employee is None or about(query.employee),
            query.person is None or entry.actor == actor_key(query.person) or about(query.person),
            query.request_id is None or entry.request_id == query.request_id,
            query.action is None or entry.action == query.action,
            query.since is None or entry.at >= query.since,
            query.until is None or entry.at < query.until,
        ))


class FakeOutbox:
    def __init__(self, state: State) -> None:
        self.s = state

    def add(self, event: Event, at: datetime) -> None:
        self.s.outbox.append(OutboxRow(id=len(self.s.outbox) + 1, event=event, created_at=at))

    def row(self, event_id: int) -> OutboxRow:
        """The stored row, for tests that look at the delivery state."""
        return self.s.outbox[event_id - 1]

    def due(self, at: datetime, limit: int) -> list[OutboxItem]:
        return [_item(r) for r in self.s.outbox if r.is_due(at)][:limit]

    def claim(self, event_id: int, at: datetime, lease_until: datetime) -> OutboxItem | None:
        """Take the event until ``lease_until`` if it is undelivered and due at ``at``."""
        if lease_until <= at:
            raise ValueError(f"the lease must end after the claim: {lease_until} is not after {at}")
        found = self.row(event_id) if 0 < event_id <= len(self.s.outbox) else None
        if found is None or not found.is_due(at):
            return None
        resumed = found.next_attempt_at is not None  # an earlier round took it (see OutboxItem.resumed)
        found.next_attempt_at = lease_until
        return _item(found, resumed)

    def done_targets(self, event_id: int) -> set[str]:
        return set(self.row(event_id).targets)

    def settle_target(self, event_id: int, target: str, outcome: str, at: datetime, detail: str = "") -> None:
        if outcome not in OUTCOMES:
            raise ValueError(f"unknown outcome {outcome!r}: use one of {', '.join(sorted(OUTCOMES))}")
        self.row(event_id).targets.setdefault(target, (outcome, detail))

    def mark_delivered(self, event_id: int, at: datetime) -> bool:
        row = self.row(event_id)
        if row.delivered_at is not None:
            return False
        row.delivered_at, row.attempts, row.last_error = at, row.attempts + 1, None
        return True

    def mark_failed(self, event_id: int, error: str, retry_at: datetime) -> None:
        row = self.row(event_id)
        if row.delivered_at is None:
            row.attempts, row.last_error, row.next_attempt_at = row.attempts + 1, error, retry_at

    def depth(self) -> tuple[int, datetime | None]:
        waiting = [r.created_at for r in self.s.outbox if r.delivered_at is None]
        return len(waiting), min(waiting, default=None)

    def waiting(self, limit: int) -> list[WaitingLine]:
        rows = sorted((r for r in self.s.outbox if r.delivered_at is None), key=lambda r: (-r.attempts, r.created_at))
        return [WaitingLine(r.id, r.event.name, r.created_at, r.attempts, r.next_attempt_at, r.last_error)
                for r in rows[:limit]]


def _item(row: OutboxRow, resumed: bool = False) -> OutboxItem:
    return OutboxItem(id=row.id, event=row.event, attempts=row.attempts, created_at=row.created_at, resumed=resumed)


class FakeDigestChannels:
    """Like the SQL version: only keys under ``CHANNEL_KEYS`` (ValueError for any other)."""

    def __init__(self, state: State) -> None:
        self.s = state

    def save(self, platform: str, key: str, address: str, at: datetime) -> None:
        self.s.channels[(platform, _channel_key(key))] = address

    def address(self, platform: str, key: str) -> str | None:
        return self.s.channels.get((platform, _channel_key(key)))

    def all(self, platform: str) -> dict[str, str]:
        return {key: address for (p, key), address in sorted(self.s.channels.items()) if p == platform}


def _channel_key(key: str) -> str:
    if not ports.is_channel_key(key):
        raise ValueError(f"{key!r} is not a digest's channel")
    return key


class ReadOnlyWrite(AssertionError):
    """A write in a read-only unit of work, which a database refuses: a bug, failing the test."""


class FakeUnitOfWork:
    # Typed as the ports (a Protocol's attributes are mutable, hence invariant), so that mypy
    # accepts a FakeStore wherever the core wants a UnitOfWorkFactory.
    employees: ports.EmployeeRepository
    policies: ports.PolicyRepository
    holidays: ports.HolidayRepository
    requests: ports.RequestRepository
    ledger: ports.LedgerRepository
    audit: ports.AuditRepository
    outbox: ports.Outbox
    channels: ports.DigestChannels
    decisions: ports.DecisionRepository
    delegations: ports.DelegationRepository
    jobs: JobStore
    calendars: calendar.CalendarLinks
    feeds: calendar.FeedTokens
    documents: DocumentRepository
    offers: SplitOffers
    compoff: CompOffClaims
    links: LinkTokens

    def __init__(self, store: FakeStore, read_only: bool = False) -> None:
        self._store = store
        self._read_only = read_only

    @property
    def read_only(self) -> bool:
        return self._read_only

    def __enter__(self) -> Self:
        self._work = copy.deepcopy(self._store.committed)
        self._seen = copy.deepcopy(self._work) if self._read_only else None
        self.employees = FakeEmployees(self._work)
        self.policies = FakePolicies(self._work)
        self.holidays = FakeHolidays(self._work)
        self.requests = FakeRequests(self._work)
        self.ledger = FakeLedger(self._work)
        self.audit = FakeAudit(self._work)
        self.outbox = FakeOutbox(self._work)
        self.channels = FakeDigestChannels(self._work)
        self.decisions = FakeDecisions(self._work)
        self.delegations = FakeDelegations(self._work)
        self.jobs = FakeJobStore(self._work.jobs, self._work.ledger, self._work.requests)
        self.calendars = FakeCalendarLinks(self._work)
        self.feeds = FakeFeedTokens(self._work)
        self.documents = FakeDocuments(self._work)
        self.offers = FakeSplitOffers(self._work)
        self.compoff = FakeCompOffClaims(self._work)
        self.links = FakeLinkTokens(self._work)
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._seen is not None and self._work != self._seen:
            raise ReadOnlyWrite("something was written in a read-only unit of work")

    def commit(self) -> None:
        if self._read_only:
            raise ReadOnlyWrite("a read-only unit of work was committed")
        self._store.committed = copy.deepcopy(self._work)
        self._store.commits += 1


@dataclass
class FakeStore:
    """The committed state, shared by every unit of work made from it."""

    committed: State = field(default_factory=State)
    commits: int = 0

    def __call__(self, *, read_only: bool = False) -> FakeUnitOfWork:
        return FakeUnitOfWork(self, read_only)


@dataclass
class FixedClock:
    at: datetime

    def now(self) -> datetime:
        return self.at


if TYPE_CHECKING:  # lets mypy prove that the fakes implement the ports (mypy tests/unit/fakes.py)

    def _implements_ports(store: FakeStore) -> ports.UnitOfWorkFactory:
        return store

"""The nouns of leave management: people, requests, ledger entries, audit rows and events.

Plain dataclasses so that every rule over them can be tested without a database; the storage
package maps them to tables and back.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

#: Request ids are shown to people as ``LV-<id + offset>`` so that the first ids look like
#: ``LV-1001`` rather than ``LV-1``.
REQUEST_NUMBER_OFFSET = 1000


class Role(enum.StrEnum):
    EMPLOYEE = "EMPLOYEE"
    MANAGER = "MANAGER"
    HR_ADMIN = "HR_ADMIN"


class EmployeeStatus(enum.StrEnum):
    ACTIVE = "ACTIVE"
    INACTIVE = "INACTIVE"


class RequestStatus(enum.StrEnum):
    PENDING = "PENDING"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"
    CANCELLED = "CANCELLED"


class HalfDay(enum.StrEnum):
    FIRST = "FIRST"
    SECOND = "SECOND"


class EntryKind(enum.StrEnum):
    """Kinds of ledger entries; the sign of ``days`` says which way each one moves."""

    ALLOCATION = "ALLOCATION"  # + a granted type's days for the year (pro-rata for joiners and leavers)
    ACCRUAL = "ACCRUAL"  # + a monthly type's days for one month
    CARRIED_IN = "CARRIED_IN"  # + unused days brought from the year before
    CARRIED_OUT = "CARRIED_OUT"  # - the same days, leaving the year they came from
    EXPIRY = "EXPIRY"  # - unused days lost at year end, or carried days not used in time
    LEAVE_TAKEN = "LEAVE_TAKEN"  # - approved leave
    REVERSAL = "REVERSAL"  # + approved leave cancelled (wholly or some days)

    @property
    def entitles(self) -> bool:
        """Entries that make up what a person is entitled to, as opposed to what they took."""
        return self in (EntryKind.ALLOCATION, EntryKind.ACCRUAL, EntryKind.CARRIED_IN)


@dataclass(frozen=True)
class Employee:
    employee_id: str
    email: str
    first_name: str
    last_name: str
    manager_id: str | None
    role: Role
    department: str
    location: str
    region: str
    joining_date: date
    status: EmployeeStatus
    time_zone: str
    slack_user_id: str | None = None
    teams_aad_object_id: str | None = None
    leaving_date: date | None = None

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def is_active(self) -> bool:
        return self.status is EmployeeStatus.ACTIVE

    @property
    def is_hr(self) -> bool:
        return self.role is Role.HR_ADMIN


@dataclass(frozen=True)
class Holiday:
    day: date
    name: str
    region: str
    location: str | None = None  # None: every location of the region
    source: str = "policy"

    def applies_to(self, region: str, location: str) -> bool:
        if self.region != region:
            return False
        return self.location is None or self.location.casefold() == location.casefold()


@dataclass
class LeaveRequest:
    """One application for leave. ``id`` is None until storage assigns one."""

    employee_id: str
    type_key: str
    start: date
    end: date
    days: Decimal
    status: RequestStatus
    created_at: datetime
    half: HalfDay | None = None
    reason: str = ""
    document_ref: str | None = None
    document_due: bool = False
    approver_id: str | None = None
    decided_by: str | None = None
    decided_at: datetime | None = None
    decision_note: str = ""
    idempotency_key: str | None = None
    #: Working days per leave year; each year's share is charged to that year's balance.
    year_days: dict[int, Decimal] = field(default_factory=dict)
    #: The approval chain (``manager``, ``hr``); empty when approved at once. ``level`` is the step
    #: waiting for a decision.
    levels: tuple[str, ...] = ("manager",)
    level: int = 0
    #: Warnings for the approver (team limit reached, blackout needing HR).
    flags: tuple[str, ...] = ()
    #: Days taken back by a partial cancel; they no longer count.
    cancelled_dates: frozenset[date] = frozenset()
    id: int | None = None

    @property
    def number(self) -> str:
        """The human id shown in every reply, e.g. ``LV-1042``."""
        return format_request_number(self.id or 0)

    @property
    def is_decided(self) -> bool:
        return self.status is not RequestStatus.PENDING

    @property
    def current_level(self) -> str | None:
        return self.levels[self.level] if self.level < len(self.levels) else None

    def covers(self, day: date) -> bool:
        """True when ``day`` is inside the request and was not cancelled."""
        return self.start <= day <= self.end and day not in self.cancelled_dates

    def overlaps(self, start: date, end: date, half: HalfDay | None) -> bool:
        """True when this request and the given span claim the same working time.

        Two half days on the same date overlap only when they claim the same half; days taken back
        by a partial cancel are free again.
        """
        first, last = max(self.start, start), min(self.end, end)
        if last < first:
            return False
        if self.half and half and self.start == self.end == start == end:
            return self.half == half
        day = first
        while day <= last:
            if day not in self.cancelled_dates:
                return True
            day += timedelta(days=1)
        return False


def format_request_number(request_id: int) -> str:
    return f"LV-{request_id + REQUEST_NUMBER_OFFSET}"


@dataclass(frozen=True)
class LedgerEntry:
    employee_id: str
    type_key: str
    year: int
    kind: EntryKind
    days: Decimal
    created_at: datetime
    request_id: int | None = None
    note: str = ""
    #: Set on periodic entries (``"2026"`` for a year's allocation); unique per employee, type
    #: and kind, so that running a periodic job twice cannot add a second entry.
    period: str | None = None
    id: int | None = None


@dataclass(frozen=True)
class Decision:
    """One level's decision on a request; a chain of levels records one each."""

    request_id: int
    level: int
    role: str  # the level: ``manager`` or ``hr``
    decided_by: str
    approved: bool
    at: datetime
    note: str = ""


@dataclass(frozen=True)
class Delegation:
    """Who decides for ``delegator_id`` between two dates (while they are away)."""

    delegator_id: str
    delegate_id: str
    start: date
    end: date
    created_at: datetime
    id: int | None = None

    def active_on(self, day: date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True)
class AuditEntry:
    at: datetime
    actor: str  # e-mail of the person, or "system"
    action: str
    outcome: str = "ok"  # "ok" or "refused"
    request_id: int | None = None
    detail: str = ""
    source: str = ""  # the door: cli, console, slack, teams, scheduler
    id: int | None = None


@dataclass(frozen=True)
class Event:
    """A domain event, written to the outbox in the same transaction as the change."""

    name: str
    payload: dict[str, object] = field(default_factory=dict)

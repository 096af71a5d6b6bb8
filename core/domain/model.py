"""The nouns of leave management: people, requests, ledger entries, audit rows and events.

Plain dataclasses so that every rule over them can be tested without a database; the storage
package maps them to tables and back.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from core.domain.amount import Amount
from core.domain.hours import TimeRange
from core.domain.reach import NotifyBy, Reach

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
    """Kinds of ledger entries; the sign of the amount says which way each one moves, and
    :data:`core.balances.ledger.COUNTED` which part of a balance it counts towards."""

    ALLOCATION = "ALLOCATION"  # + a granted type's days for the year (pro-rata for joiners and leavers)
    ACCRUAL = "ACCRUAL"  # + a monthly type's days for one month
    CARRIED_IN = "CARRIED_IN"  # + unused days brought from the year before
    CARRIED_OUT = "CARRIED_OUT"  # - the same days, leaving the year they came from
    EXPIRY = "EXPIRY"  # - unused days lost at year end, or carried days not used in time
    LEAVE_TAKEN = "LEAVE_TAKEN"  # - approved leave
    REVERSAL = "REVERSAL"  # + approved leave cancelled (wholly or some days)
    ADJUSTMENT = "ADJUSTMENT"  # +/- a correction by HR
    COMP_OFF = "COMP_OFF"  # + days earned by working on a day off
    ENCASHMENT = "ENCASHMENT"  # - unused days paid out instead of taken


class SourceKind(enum.StrEnum):
    """What wrote a ledger entry: the first half of its :class:`Source`."""

    REQUEST = "request"  # a leave request's approval, cancel or shortening
    ALLOCATION = "allocation"  # a year's grant
    ACCRUAL = "accrual"  # a month's accrual
    YEAR_END = "year_end"  # the year-end carry-forward and expiry, and the expiry of carried days
    ADJUSTMENT = "adjustment"  # an HR correction
    COMP_OFF = "comp_off"  # a comp-off claim
    ENCASHMENT = "encashment"  # a payout of unused days

    @property
    def once(self) -> bool:
        """Whether one source may write each kind of entry only once (per person and type).

        Periodic jobs and one-off grants are written once, so a job run twice adds nothing; a
        request may be shortened more than once, each time reversing some of its days.
        """
        return self is not SourceKind.REQUEST


@dataclass(frozen=True)
class Source:
    """Where a ledger entry came from: a kind and that source's own id.

    ``id`` is the request's id for a request, the period for periodic entries (``"2026"`` for a
    year's grant and its year end, ``"2026-03"`` for a month's accrual, ``"2025-carry"`` for the
    expiry of days carried out of 2025), and the claim's, adjustment's or payout's id otherwise.
    """

    kind: SourceKind
    id: str

    @classmethod
    def request(cls, request_id: int) -> Source:
        return cls(SourceKind.REQUEST, str(request_id))

    @property
    def once_key(self) -> str | None:
        """What the ledger keeps unique per person, type, entry kind and source kind; ``None`` repeats."""
        return self.id if self.kind.once else None


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
    #: What leave-type eligibility reads (:mod:`core.policy.eligibility`); None when the directory
    #: does not say, and then no rule on it excludes the person.
    gender: str | None = None  # female, male or other
    employment_type: str | None = None  # lower case
    confirmation_date: date | None = None  # probation ends
    #: How they asked to hear of their notices (:mod:`core.domain.reach`); None: the default.
    notify_by: NotifyBy | None = None

    @property
    def reach(self) -> Reach:
        return Reach(self.notify_by, chat_linked=bool(self.slack_user_id or self.teams_aad_object_id))

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
    #: A state's holiday (``holidays sync --subdiv KA``): it applies only where the region's
    #: ``locations`` map the person's location to this subdivision. None: every subdivision.
    subdivision: str | None = None

    def applies_to(self, region: str, location: str, subdivision: str | None = None) -> bool:
        """Whether the holiday is off for someone of ``region`` at ``location``, which the policy
        maps to ``subdivision`` (None: to none, so no state's holiday applies)."""
        if self.region != region:
            return False
        if self.subdivision is not None and self.subdivision.casefold() != (subdivision or "").casefold():
            return False
        return self.location is None or self.location.casefold() == location.casefold()


@dataclass
class LeaveRequest:
    """One application for leave. ``id`` is None until storage assigns one."""

    employee_id: str
    type_key: str
    start: date
    end: date
    #: The working days asked for, as charged: whole days, or half a day on a half-day request.
    days: Amount
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
    year_days: dict[int, Amount] = field(default_factory=dict)
    #: The approval chain (``manager``, ``hr``); empty when approved at once. ``level`` is the step
    #: waiting for a decision.
    levels: tuple[str, ...] = ("manager",)
    level: int = 0
    #: Warnings for the approver (team limit reached, blackout needing HR).
    flags: tuple[str, ...] = ()
    #: Days taken back by a partial cancel; they no longer count.
    cancelled_dates: frozenset[date] = frozenset()
    #: The hours of its one day, for a type counted in hours (``days`` and ``year_days`` are then hours).
    time_range: TimeRange | None = None
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
    """One append-only movement of a person's days of one type in one leave year.

    ``source`` names what wrote it; the ledger refuses a second entry of the same kind from the
    same source when that source writes once (:attr:`SourceKind.once`), so a periodic job run
    twice cannot add an entry twice. ``valid_from``/``valid_until`` record when a credit may be
    used, for credits that expire. Balances do not read the window: expiry is applied by the job
    that writes an expiry entry for what is left (as the year end and the expiry of carried days
    do), so a balance stays a plain sum of entries.
    """

    employee_id: str
    type_key: str
    year: int
    kind: EntryKind
    amount: Amount
    created_at: datetime
    source: Source
    note: str = ""
    valid_from: date | None = None
    valid_until: date | None = None
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

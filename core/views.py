"""Neutral view models: what a use case answers. Each door renders them with its own templates."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from core.domain.heatmap import HeatMap
from core.domain.model import HalfDay, RequestStatus


@dataclass(frozen=True)
class Person:
    employee_id: str
    name: str
    email: str


@dataclass(frozen=True)
class BalanceRow:
    """One type's year: ``available = entitled - taken - pending - lapsed``; the ledger sums to
    ``available + pending``."""

    type_key: str
    code: str
    name: str
    entitled: Decimal
    taken: Decimal
    pending: Decimal
    #: Days that left the year: expired at year end, or carried into the next year.
    lapsed: Decimal = Decimal(0)
    #: Carried-forward days that will expire on ``expires_on`` unless used before.
    expiring: Decimal = Decimal(0)
    expires_on: date | None = None
    #: Days still to accrue by the year's end; leave later in the year may already count on them.
    to_accrue: Decimal = Decimal(0)

    @property
    def available(self) -> Decimal:
        return self.entitled - self.taken - self.pending - self.lapsed


@dataclass(frozen=True)
class BalanceView:
    person: Person
    year: int
    rows: tuple[BalanceRow, ...]


@dataclass(frozen=True)
class RequestView:
    id: int
    number: str
    employee: Person
    type_key: str
    type_name: str
    start: date
    end: date
    half: HalfDay | None
    days: Decimal
    status: RequestStatus
    reason: str
    approver: Person | None
    document_due: bool = False
    decided_by: Person | None = None
    decided_at: datetime | None = None
    decision_note: str = ""
    created_at: datetime | None = None
    #: The level a pending request waits at: ``manager`` or ``hr``.
    waiting_for: str | None = None
    #: Warnings for the approver (team limit, blackout).
    flags: tuple[str, ...] = ()
    #: Days given back by a partial cancel.
    cancelled_dates: tuple[date, ...] = ()


@dataclass(frozen=True)
class HelpView:
    balance: BalanceView | None = None


@dataclass(frozen=True)
class ApplyFormView:
    """The door's apply form: the types the person may choose from, as (key, label)."""

    leave_types: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class AppliedView:
    request: RequestView
    #: Days left in each year the request touches, after this request.
    available_after: dict[int, Decimal] = field(default_factory=dict)
    duplicate: bool = False


@dataclass(frozen=True)
class DecidedView:
    request: RequestView


@dataclass(frozen=True)
class CancelledView:
    request: RequestView
    restored: Decimal


@dataclass(frozen=True)
class RequestListView:
    title: str
    requests: tuple[RequestView, ...]


@dataclass(frozen=True)
class AbsenceView:
    """Someone's leave as another person sees it: ``type_name`` is "Out" unless they may see the type
    (:mod:`core.policy.privacy`); ``back_on`` is their first working day back."""

    person: Person
    type_name: str
    start: date
    end: date
    half: HalfDay | None
    status: RequestStatus
    back_on: date | None = None


@dataclass(frozen=True)
class TeamView:
    day: date
    absences: tuple[AbsenceView, ...]


@dataclass(frozen=True)
class TeamChartView:
    """``/leave team week|month``: the heat map of ``scope`` (one department, or all for HR)."""

    heatmap: HeatMap
    scope: str


@dataclass(frozen=True)
class QuietView:
    """HR's list of people with no leave from ``since`` to ``until``, as (department, person)."""

    since: date
    until: date
    department: str | None
    people: tuple[tuple[str, Person], ...]


@dataclass(frozen=True)
class HolidayRow:
    day: date
    name: str


@dataclass(frozen=True)
class HolidaysView:
    year: int
    region: str
    holidays: tuple[HolidayRow, ...]


@dataclass(frozen=True)
class ReportFile:
    """One file of a report: its name and its text (a CSV)."""

    name: str
    text: str


@dataclass(frozen=True)
class ReportTotal:
    """The days of one leave type taken in a report's period, everyone together."""

    type_key: str
    name: str
    days: Decimal


@dataclass(frozen=True)
class ReportLink:
    """Where a door put one of a report's files: a download link (Teams) or a path written (terminal)."""

    name: str
    location: str
    expires_at: datetime | None = None


@dataclass(frozen=True)
class ReportView:
    """HR's report: leave taken per person and type in the period, and balances on its last day.

    ``files`` holds the two CSVs (taken first); ``people`` counts those who took leave in it.
    ``links`` is filled by a door that hands the files out itself rather than attaching them.
    """

    label: str
    start: date
    end: date
    department: str | None
    people: int
    totals: tuple[ReportTotal, ...]
    files: tuple[ReportFile, ...]
    links: tuple[ReportLink, ...] = ()


@dataclass(frozen=True)
class CheckView:
    name: str  # notice, overlap, balance, blackout, team_limit
    ok: bool
    message: str = ""


@dataclass(frozen=True)
class PlanView:
    """What an application would give, without making it."""

    type_name: str
    start: date
    end: date
    half: HalfDay | None
    days: Decimal
    holidays: tuple[HolidayRow, ...]
    available_after: dict[int, Decimal]
    checks: tuple[CheckView, ...]
    approval: tuple[str, ...]
    flags: tuple[str, ...] = ()
    expiring: Decimal = Decimal(0)
    expires_on: date | None = None

    @property
    def would_pass(self) -> bool:
        return all(check.ok for check in self.checks)


@dataclass(frozen=True)
class DelegationView:
    """``delegate`` decides for the asker from ``start`` to ``end``; None: delegations ended."""

    delegate: Person | None
    start: date | None = None
    end: date | None = None
    ended: int = 0


@dataclass(frozen=True)
class FeedView:
    """A new link to the asker's own calendar feed: its path on this server (``/calendar/TOKEN.ics``),
    and the full link when the server's public address is known. The link is shown this once;
    ``replaced`` says that an earlier link of theirs stopped working."""

    person: Person
    path: str
    replaced: bool = False
    url: str | None = None


class NoticeKind(enum.StrEnum):
    APPROVAL_NEEDED = "approval_needed"  # to the approver: the card with Approve / Reject
    DECIDED = "decided"  # to the employee: the outcome
    REQUEST_CLOSED = "request_closed"  # to the approver: decided, cancelled or shortened; update the cards
    REASSIGNED = "reassigned"  # to the employee and the previous approver: who holds the request now
    CALENDAR = "calendar"  # to calendar targets only: bring the employee's calendars in line with the request


@dataclass(frozen=True)
class Notice:
    """Something a door must tell one person, built from an outbox event.

    ``key`` is unique within the event (e.g. ``approval_needed:E2``), so a door's delivery of it
    is recorded once and never repeated.
    """

    key: str
    kind: NoticeKind
    recipient: Person
    request: RequestView
    #: For the approver: days left in each year the request touches, once it is approved.
    available_after: dict[int, Decimal] = field(default_factory=dict)
    #: For the approver: who else in the team is out during the request.
    team_out: tuple[AbsenceView, ...] = ()
    #: Short facts for the approver, e.g. "Applied 12 days ahead", "Document due".
    facts: tuple[str, ...] = ()
    #: For REASSIGNED: who holds the request now (None: HR).
    holder: Person | None = None
    #: Set by the outbox for each door: the (event, target) this delivery is, which a door may
    #: attach to what it sends so as to recognise it later.
    delivery_id: str = ""
    #: Set by the outbox when an earlier round may have sent this notice without recording it: a
    #: door that can look up what it sent since then should, rather than send it twice.
    sent_since: datetime | None = None


@dataclass(frozen=True)
class AuditLine:
    """One audit entry as HR reads it; ``request`` is the id as shown (``LV-1042``)."""

    at: datetime
    actor: str
    action: str
    outcome: str
    request: str | None
    source: str
    detail: str


@dataclass(frozen=True)
class AuditView:
    """``/leave audit``: the newest matching entries first; ``total`` counts all that match."""

    person: Person | None
    period: str | None
    entries: tuple[AuditLine, ...]
    total: int

    @property
    def title(self) -> str:
        """``Audit log for Ananya Iyer, 2026-11``: what was searched."""
        who = f" for {self.person.name}" if self.person else ""
        return f"Audit log{who}{f', {self.period}' if self.period else ''}"

    @property
    def cut(self) -> str:
        """The line that says the reply shows only part of what matched; empty when it shows all."""
        if self.total <= len(self.entries):
            return ""
        return (f"Showing {len(self.entries)} of {self.total} \u2014 narrow the search: "
                "/leave audit @person PERIOD")


@dataclass(frozen=True)
class RefusalView:
    message: str


View = (
    HelpView | ApplyFormView | AppliedView | DecidedView | CancelledView | RequestListView
    | TeamView | HolidaysView | BalanceView | ReportView | RefusalView | PlanView | DelegationView | FeedView
    | TeamChartView | QuietView | AuditView
)

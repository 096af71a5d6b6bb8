"""Neutral view models: what a use case answers. Each door renders them with its own templates."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from core.model import HalfDay, RequestStatus


@dataclass(frozen=True)
class Person:
    employee_id: str
    name: str
    email: str


@dataclass(frozen=True)
class BalanceRow:
    type_key: str
    code: str
    name: str
    entitled: Decimal
    taken: Decimal
    pending: Decimal

    @property
    def available(self) -> Decimal:
        return self.entitled - self.taken - self.pending


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
    person: Person
    type_name: str
    start: date
    end: date
    half: HalfDay | None
    status: RequestStatus


@dataclass(frozen=True)
class TeamView:
    day: date
    absences: tuple[AbsenceView, ...]


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
class ReportView:
    label: str
    filename: str
    csv_text: str
    rows: int


@dataclass(frozen=True)
class RefusalView:
    message: str


View = (
    HelpView | ApplyFormView | AppliedView | DecidedView | CancelledView | RequestListView
    | TeamView | HolidaysView | BalanceView | ReportView | RefusalView
)

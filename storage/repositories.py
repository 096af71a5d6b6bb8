"""The repositories of :mod:`core.ports`, over SQLAlchemy Core and one open connection.

Each repository works inside the transaction its unit of work began; none commits. Rows are
converted to and from the core dataclasses here and nowhere else, so the core never sees a row,
a naive datetime or a JSON string.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Row, and_, delete, exists, insert, select, update

from core import ports
from core.model import (
    AuditEntry,
    Employee,
    EmployeeStatus,
    EntryKind,
    Event,
    HalfDay,
    Holiday,
    LeaveRequest,
    LedgerEntry,
    RequestStatus,
    Role,
)
from core.policy import Policy, parse_policy
from storage.tables import (
    audit_log,
    employees,
    leave_requests,
    ledger_entries,
    outbox,
    policy_versions,
)
from storage.tables import holidays as holiday_table

ALL_LOCATIONS = ""  # how a region-wide holiday (location None) is stored; see tables.holidays


def _to_json(value: Any) -> str:
    """JSON for a text column; dates and Decimals become strings rather than failing."""
    return json.dumps(value, default=str, sort_keys=True)


class SqlEmployeeRepository:
    """The directory of people; e-mails are stored lower case so look-ups ignore case."""

    def __init__(self, connection: Connection) -> None:
        self._conn = connection

    def get(self, employee_id: str) -> Employee | None:
        row = self._conn.execute(select(employees).where(employees.c.employee_id == employee_id)).first()
        return _employee(row) if row else None

    def lock(self, employee_id: str) -> Employee | None:
        query = select(employees).where(employees.c.employee_id == employee_id).with_for_update()
        row = self._conn.execute(query).first()
        return _employee(row) if row else None

    def by_email(self, email: str) -> Employee | None:
        row = self._conn.execute(select(employees).where(employees.c.email == email.strip().lower())).first()
        return _employee(row) if row else None

    def all(self) -> list[Employee]:
        rows = self._conn.execute(select(employees).order_by(employees.c.employee_id))
        return [_employee(row) for row in rows]

    def reports_of(self, manager_id: str) -> list[Employee]:
        query = select(employees).where(employees.c.manager_id == manager_id).order_by(employees.c.employee_id)
        return [_employee(row) for row in self._conn.execute(query)]

    def hr_admins(self) -> list[Employee]:
        query = select(employees).where(employees.c.role == Role.HR_ADMIN.value).order_by(employees.c.employee_id)
        return [_employee(row) for row in self._conn.execute(query)]

    def save(self, employee: Employee) -> None:
        """Insert or update by ``employee_id``; select-then-write works the same on every database."""
        values = {
            "email": employee.email.strip().lower(),
            "first_name": employee.first_name,
            "last_name": employee.last_name,
            "manager_id": employee.manager_id,
            "role": employee.role.value,
            "department": employee.department,
            "location": employee.location,
            "region": employee.region,
            "joining_date": employee.joining_date,
            "status": employee.status.value,
            "time_zone": employee.time_zone,
            "slack_user_id": employee.slack_user_id,
            "teams_aad_object_id": employee.teams_aad_object_id,
            "updated_at": datetime.now(UTC),
        }
        present = self._conn.execute(
            select(employees.c.employee_id).where(employees.c.employee_id == employee.employee_id)
        ).first()
        if present:
            self._conn.execute(update(employees).where(employees.c.employee_id == employee.employee_id).values(values))
        else:
            self._conn.execute(insert(employees).values(employee_id=employee.employee_id, **values))


def _employee(row: Row[Any]) -> Employee:
    return Employee(
        employee_id=row.employee_id,
        email=row.email,
        first_name=row.first_name,
        last_name=row.last_name,
        manager_id=row.manager_id,
        role=Role(row.role),
        department=row.department,
        location=row.location,
        region=row.region,
        joining_date=row.joining_date,
        status=EmployeeStatus(row.status),
        time_zone=row.time_zone,
        slack_user_id=row.slack_user_id,
        teams_aad_object_id=row.teams_aad_object_id,
    )


class SqlPolicyRepository:
    """Every policy ever loaded, kept as JSON; the newest one is in force."""

    def __init__(self, connection: Connection) -> None:
        self._conn = connection

    def current(self) -> Policy | None:
        document = self.current_document()
        return None if document is None else parse_policy(document)

    def current_document(self) -> dict[str, Any] | None:
        query = select(policy_versions.c.document).order_by(policy_versions.c.id.desc()).limit(1)
        text = self._conn.execute(query).scalar()
        if text is None:
            return None
        document: dict[str, Any] = json.loads(text)
        return document

    def save(self, document: dict[str, Any], source: str, at: datetime) -> None:
        # default=str turns the dates that YAML parses into ISO strings, which parse_policy accepts.
        self._conn.execute(
            insert(policy_versions).values(
                loaded_at=at, source=source[:255], document=json.dumps(document, default=str)
            )
        )


class SqlHolidayRepository:
    def __init__(self, connection: Connection) -> None:
        self._conn = connection

    def between(self, region: str, start: date, end: date) -> list[Holiday]:
        """Holidays of ``region`` from ``start`` to ``end`` inclusive, in date order."""
        query = (
            select(holiday_table)
            .where(holiday_table.c.region == region, holiday_table.c.day >= start, holiday_table.c.day <= end)
            .order_by(holiday_table.c.day, holiday_table.c.location, holiday_table.c.id)
        )
        return [
            Holiday(
                day=row.day,
                name=row.name,
                region=row.region,
                location=row.location if row.location != ALL_LOCATIONS else None,
                source=row.source,
            )
            for row in self._conn.execute(query)
        ]

    def replace(self, region: str, source: str, holidays: Sequence[Holiday], year: int | None = None) -> None:
        """Delete the region's holidays from ``source`` (only ``year``'s, when given), then insert.

        The given holidays are stored under ``region`` and ``source`` whatever their own fields
        say, so that a later replace finds and removes exactly them; with ``year``, holidays of
        other years are ignored (their rows were not deleted, so they would collide).
        """
        condition = and_(holiday_table.c.region == region, holiday_table.c.source == source)
        if year is not None:
            condition = and_(
                condition, holiday_table.c.day >= date(year, 1, 1), holiday_table.c.day <= date(year, 12, 31)
            )
        self._conn.execute(delete(holiday_table).where(condition))
        rows = {
            (h.location or ALL_LOCATIONS, h.day): {
                "region": region,
                "location": h.location or ALL_LOCATIONS,
                "day": h.day,
                "name": h.name[:255],
                "source": source,
            }
            for h in holidays
            if year is None or h.day.year == year
        }
        if rows:
            self._conn.execute(insert(holiday_table), list(rows.values()))


class SqlRequestRepository:
    def __init__(self, connection: Connection) -> None:
        self._conn = connection

    def add(self, request: LeaveRequest) -> LeaveRequest:
        """Insert, set ``request.id`` on the object passed in, and return that same object."""
        result = self._conn.execute(
            insert(leave_requests).values(
                employee_id=request.employee_id,
                idempotency_key=request.idempotency_key,
                created_at=request.created_at,
                **_request_state(request),
            )
        )
        key = result.inserted_primary_key
        assert key is not None  # a single-row insert always reports its key
        request.id = int(key[0])
        return request

    def get(self, request_id: int) -> LeaveRequest | None:
        row = self._conn.execute(select(leave_requests).where(leave_requests.c.id == request_id)).first()
        return _request(row) if row else None

    def lock(self, request_id: int) -> LeaveRequest | None:
        query = select(leave_requests).where(leave_requests.c.id == request_id).with_for_update()
        row = self._conn.execute(query).first()
        return _request(row) if row else None

    def by_idempotency_key(self, key: str) -> LeaveRequest | None:
        query = select(leave_requests).where(leave_requests.c.idempotency_key == key)
        row = self._conn.execute(query).first()
        return _request(row) if row else None

    def update(self, request: LeaveRequest, expected: RequestStatus) -> bool:
        """Compare-and-set on the status, so that two deciders cannot both win."""
        if request.id is None:
            raise ValueError("cannot update a request that was never added")
        result = self._conn.execute(
            update(leave_requests)
            .where(leave_requests.c.id == request.id, leave_requests.c.status == expected.value)
            .values(_request_state(request))
        )
        # The MySQL dialect counts matched (not changed) rows, so an unchanged row still counts.
        return result.rowcount == 1

    def search(
        self,
        employee_ids: Iterable[str] | None = None,
        statuses: Iterable[RequestStatus] | None = None,
        approver_id: str | None = None,
        overlapping: tuple[date, date] | None = None,
    ) -> list[LeaveRequest]:
        query = select(leave_requests)
        if employee_ids is not None:
            query = query.where(leave_requests.c.employee_id.in_(list(employee_ids)))
        if statuses is not None:
            query = query.where(leave_requests.c.status.in_([s.value for s in statuses]))
        if approver_id is not None:
            query = query.where(leave_requests.c.approver_id == approver_id)
        if overlapping is not None:
            start, end = overlapping
            query = query.where(leave_requests.c.start_date <= end, leave_requests.c.end_date >= start)
        query = query.order_by(leave_requests.c.created_at.desc(), leave_requests.c.id.desc())
        return [_request(row) for row in self._conn.execute(query)]


def _request_state(request: LeaveRequest) -> dict[str, Any]:
    """The columns that a decision, a cancellation or an edit may change."""
    return {
        "type_key": request.type_key,
        "start_date": request.start,
        "end_date": request.end,
        "half": request.half.value if request.half else None,
        "days": request.days,
        "year_days": _to_json({str(year): str(days) for year, days in request.year_days.items()}),
        "status": request.status.value,
        "reason": request.reason,
        "document_ref": request.document_ref,
        "document_due": request.document_due,
        "approver_id": request.approver_id,
        "decided_by": request.decided_by,
        "decided_at": request.decided_at,
        "decision_note": request.decision_note,
    }


def _request(row: Row[Any]) -> LeaveRequest:
    return LeaveRequest(
        id=int(row.id),
        employee_id=row.employee_id,
        type_key=row.type_key,
        start=row.start_date,
        end=row.end_date,
        days=Decimal(row.days),
        status=RequestStatus(row.status),
        created_at=row.created_at,
        half=HalfDay(row.half) if row.half else None,
        reason=row.reason,
        document_ref=row.document_ref,
        document_due=bool(row.document_due),
        approver_id=row.approver_id,
        decided_by=row.decided_by,
        decided_at=row.decided_at,
        decision_note=row.decision_note,
        idempotency_key=row.idempotency_key,
        year_days={int(year): Decimal(days) for year, days in json.loads(row.year_days).items()},
    )


class SqlLedgerRepository:
    """Append-only: entries are added, never changed or removed."""

    def __init__(self, connection: Connection) -> None:
        self._conn = connection

    def add(self, entry: LedgerEntry) -> None:
        """Append an entry; a second entry with the same non-NULL period is refused by the database."""
        self._conn.execute(
            insert(ledger_entries).values(
                employee_id=entry.employee_id,
                type_key=entry.type_key,
                year=entry.year,
                kind=entry.kind.value,
                days=entry.days,
                period=entry.period,
                request_id=entry.request_id,
                note=entry.note,
                created_at=entry.created_at,
            )
        )

    def entries(self, employee_id: str, year: int | None = None) -> list[LedgerEntry]:
        """The employee's entries (of one year, when given) in the order they were written."""
        query = select(ledger_entries).where(ledger_entries.c.employee_id == employee_id)
        if year is not None:
            query = query.where(ledger_entries.c.year == year)
        return [_ledger_entry(row) for row in self._conn.execute(query.order_by(ledger_entries.c.id))]

    def has_allocation(self, employee_id: str, year: int) -> bool:
        query = select(
            exists().where(
                ledger_entries.c.employee_id == employee_id,
                ledger_entries.c.year == year,
                ledger_entries.c.kind == EntryKind.ALLOCATION.value,
            )
        )
        return bool(self._conn.execute(query).scalar())


def _ledger_entry(row: Row[Any]) -> LedgerEntry:
    return LedgerEntry(
        id=int(row.id),
        employee_id=row.employee_id,
        type_key=row.type_key,
        year=row.year,
        kind=EntryKind(row.kind),
        days=Decimal(row.days),
        created_at=row.created_at,
        request_id=int(row.request_id) if row.request_id is not None else None,
        note=row.note,
        period=row.period,
    )


class SqlAuditRepository:
    def __init__(self, connection: Connection) -> None:
        self._conn = connection

    def add(self, entry: AuditEntry) -> None:
        self._conn.execute(
            insert(audit_log).values(
                at=entry.at,
                actor=entry.actor[:255],
                action=entry.action[:64],
                outcome=entry.outcome[:16],
                request_id=entry.request_id,
                detail=entry.detail,
                source=entry.source[:32],
            )
        )

    def since(self, since: datetime | None = None) -> list[AuditEntry]:
        query = select(audit_log)
        if since is not None:
            query = query.where(audit_log.c.at >= since)
        query = query.order_by(audit_log.c.at, audit_log.c.id)
        return [
            AuditEntry(
                id=int(row.id),
                at=row.at,
                actor=row.actor,
                action=row.action,
                outcome=row.outcome,
                request_id=int(row.request_id) if row.request_id is not None else None,
                detail=row.detail,
                source=row.source,
            )
            for row in self._conn.execute(query)
        ]


class SqlOutbox:
    """Domain events written in the business transaction, delivered after it commits.

    Payloads go through JSON, so dates and Decimals come back as strings.
    """

    def __init__(self, connection: Connection) -> None:
        self._conn = connection

    def add(self, event: Event, at: datetime) -> None:
        self._conn.execute(
            insert(outbox).values(name=event.name[:64], payload=_to_json(event.payload), created_at=at, attempts=0)
        )

    def pending(self, due_at: datetime | None = None, limit: int | None = None) -> list[tuple[int, Event]]:
        """Undelivered events, oldest first; with ``due_at``, only those whose retry time has come."""
        query = select(outbox.c.id, outbox.c.name, outbox.c.payload).where(outbox.c.delivered_at.is_(None))
        if due_at is not None:
            query = query.where((outbox.c.next_attempt_at.is_(None)) | (outbox.c.next_attempt_at <= due_at))
        query = query.order_by(outbox.c.id)
        if limit is not None:
            query = query.limit(limit)
        return [(int(row.id), Event(row.name, json.loads(row.payload))) for row in self._conn.execute(query)]

    def mark_delivered(self, event_id: int, at: datetime) -> bool:
        """Record a delivery; False when the event was already delivered (by another worker)."""
        result = self._conn.execute(
            update(outbox)
            .where(outbox.c.id == event_id, outbox.c.delivered_at.is_(None))
            .values(delivered_at=at, attempts=outbox.c.attempts + 1, last_error=None)
        )
        return result.rowcount == 1

    def mark_failed(self, event_id: int, error: str, retry_at: datetime) -> None:
        """Record a failed attempt and when to try again."""
        self._conn.execute(
            update(outbox)
            .where(outbox.c.id == event_id, outbox.c.delivered_at.is_(None))
            .values(attempts=outbox.c.attempts + 1, last_error=error, next_attempt_at=retry_at)
        )

    def attempts(self, event_id: int) -> int:
        """How many delivery attempts were made, to compute the next back-off."""
        value = self._conn.execute(select(outbox.c.attempts).where(outbox.c.id == event_id)).scalar()
        return int(value or 0)


if TYPE_CHECKING:  # lets mypy prove that every class implements its port

    def _implements_ports(
        connection: Connection,
    ) -> tuple[
        ports.EmployeeRepository,
        ports.PolicyRepository,
        ports.HolidayRepository,
        ports.RequestRepository,
        ports.LedgerRepository,
        ports.AuditRepository,
        ports.Outbox,
    ]:
        return (
            SqlEmployeeRepository(connection),
            SqlPolicyRepository(connection),
            SqlHolidayRepository(connection),
            SqlRequestRepository(connection),
            SqlLedgerRepository(connection),
            SqlAuditRepository(connection),
            SqlOutbox(connection),
        )


__all__ = [
    "ALL_LOCATIONS",
    "SqlAuditRepository",
    "SqlEmployeeRepository",
    "SqlHolidayRepository",
    "SqlLedgerRepository",
    "SqlOutbox",
    "SqlPolicyRepository",
    "SqlRequestRepository",
]

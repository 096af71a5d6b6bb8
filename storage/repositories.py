"""The repositories of :mod:`core.ports`, over SQLAlchemy Core and one open connection.

Each repository works inside the transaction its unit of work began; none commits. Rows are
converted to and from the core dataclasses in the storage package only (here, and in
:mod:`storage.policies`, :mod:`storage.approvals`, :mod:`storage.outbox` and :mod:`storage.chat`),
so the core never sees a row, a naive datetime or a JSON string.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import Column, ColumnElement, Connection, Row, func, insert, select, update

from core import ports
from core.domain.amount import Amount, Unit
from core.domain.hours import TimeRange
from core.domain.model import (
    Employee,
    EmployeeStatus,
    EntryKind,
    HalfDay,
    LeaveRequest,
    LedgerEntry,
    RequestStatus,
    Role,
    Source,
    SourceKind,
)
from core.domain.reach import NotifyBy
from storage.cache import Kind, Stamps
from storage.json_columns import to_json
from storage.tables import (
    employees,
    leave_requests,
    ledger_entries,
)


class SqlEmployeeRepository:
    """The directory of people; e-mails are stored lower case so look-ups ignore case.

    One use case asks for the same people several times (the actor by e-mail, then by id for the
    approval chain and again for the reply), so the repository keeps an identity map of the people
    it has read, for its unit of work only: each person costs one look-up per transaction. A
    look-up by id, e-mail or chat id (and the list of HR admins) is answered from the process's
    cache while the directory's stamp holds (:mod:`storage.cache`), so a command's people cost no
    query at all once read. Every write to the directory clears the map and is read fresh for the
    rest of the transaction, and :meth:`lock` always reads the row from the database (as it stands
    under the lock) and refreshes the map with it.
    """

    def __init__(self, connection: Connection, stamps: Stamps) -> None:
        self._conn = connection
        self._stamps = stamps
        self._by_id: dict[str, Employee | None] = {}
        self._id_by_email: dict[str, str | None] = {}

    def get(self, employee_id: str) -> Employee | None:
        if employee_id not in self._by_id:
            found = self._stamps.cached(Kind.EMPLOYEES, ("id", employee_id),
                                        lambda: self._one(employees.c.employee_id == employee_id))
            self._by_id[employee_id] = self._seen(found) if found else None
        return self._by_id[employee_id]

    def lock(self, employee_id: str) -> Employee | None:
        query = select(employees).where(employees.c.employee_id == employee_id).with_for_update()
        row = self._conn.execute(query).first()
        self._by_id[employee_id] = self._seen(_employee(row)) if row else None
        return self._by_id[employee_id]

    def by_email(self, email: str) -> Employee | None:
        key = email.strip().lower()
        if key not in self._id_by_email:
            found = self._stamps.cached(Kind.EMPLOYEES, ("email", key), lambda: self._one(employees.c.email == key))
            self._id_by_email[key] = self._seen(found).employee_id if found else None
        known = self._id_by_email[key]
        return self._by_id.get(known) if known is not None else None

    def _one(self, condition: ColumnElement[bool]) -> Employee | None:
        row = self._conn.execute(select(employees).where(condition)).first()
        return self._kept(_employee(row)) if row else None

    def _kept(self, employee: Employee) -> Employee:
        """An employee just read from the database, kept by the process under their id and e-mail too."""
        self._stamps.keep(Kind.EMPLOYEES, ("id", employee.employee_id), employee)
        self._stamps.keep(Kind.EMPLOYEES, ("email", employee.email), employee)
        return employee

    def _seen(self, employee: Employee) -> Employee:
        """An employee just read, remembered by id and e-mail (replacing an older read)."""
        earlier = self._by_id.get(employee.employee_id)
        if earlier is not None and earlier.email != employee.email:
            self._id_by_email.pop(earlier.email, None)  # the row changed since: its old e-mail is stale
        self._by_id[employee.employee_id] = employee
        self._id_by_email[employee.email] = employee.employee_id
        return employee

    def _forget(self) -> None:
        """A write to the directory: whatever was remembered may be stale now."""
        self._stamps.changed(Kind.EMPLOYEES)
        self._by_id.clear()
        self._id_by_email.clear()

    def all(self) -> list[Employee]:
        rows = self._conn.execute(select(employees).order_by(employees.c.employee_id))
        return [_employee(row) for row in rows]

    def reports_of(self, manager_id: str) -> list[Employee]:
        query = select(employees).where(employees.c.manager_id == manager_id).order_by(employees.c.employee_id)
        return [self._seen(self._kept(_employee(row))) for row in self._conn.execute(query)]

    def in_department(self, department: str) -> list[Employee]:
        """Read through ``ix_employees_department_employee_id``; MySQL compares without case, so the
        exact match is made here."""
        query = select(employees).where(employees.c.department == department).order_by(employees.c.employee_id)
        return [found for found in map(_employee, self._conn.execute(query)) if found.department == department]

    def hr_admins(self) -> list[Employee]:
        return [self._seen(found) for found in self._stamps.cached(Kind.EMPLOYEES, "hr admins", self._read_hr_admins)]

    def _read_hr_admins(self) -> tuple[Employee, ...]:
        query = select(employees).where(employees.c.role == Role.HR_ADMIN.value).order_by(employees.c.employee_id)
        return tuple(self._kept(_employee(row)) for row in self._conn.execute(query))

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
            "leaving_date": employee.leaving_date,
            "gender": employee.gender,
            "employment_type": employee.employment_type,
            "confirmation_date": employee.confirmation_date,
            "notify_by": employee.notify_by.value if employee.notify_by else None,
            "updated_at": datetime.now(UTC),
        }
        self._forget()
        present = self._conn.execute(
            select(employees.c.employee_id).where(employees.c.employee_id == employee.employee_id)
        ).first()
        if present:
            self._conn.execute(update(employees).where(employees.c.employee_id == employee.employee_id).values(values))
        else:
            self._conn.execute(insert(employees).values(employee_id=employee.employee_id, **values))

    def by_chat_id(self, platform: str, user_id: str) -> Employee | None:
        """The employee linked to this chat user; None when nobody is (yet)."""
        column = _chat_column(platform)
        found = self._stamps.cached(Kind.EMPLOYEES, ("chat", platform, user_id), lambda: self._one(column == user_id))
        return self._seen(found) if found else None

    def link_chat_id(self, employee_id: str, platform: str, user_id: str) -> None:
        """Link the chat user to the employee, taking the id away from anyone who had it.

        The columns are unique, so a stale link (a Slack account handed to a new hire, an
        e-mail moved to another person) must be cleared first or the update would be refused.

        Raises:
            ValueError: for a platform other than ``slack`` or ``teams``, or an unknown employee.
        """
        column = _chat_column(platform)
        if self.lock(employee_id) is None:  # checked first, so a refused link takes nothing away
            raise ValueError(f"no employee '{employee_id}' to link to {platform} user {user_id}")
        self._forget()
        now = datetime.now(UTC)
        self._conn.execute(
            update(employees)
            .where(column == user_id, employees.c.employee_id != employee_id)
            .values({column: None, employees.c.updated_at: now})
        )
        self._conn.execute(
            update(employees)
            .where(employees.c.employee_id == employee_id)
            .values({column: user_id, employees.c.updated_at: now})
        )


#: Which column of ``employees`` holds each platform's user id.
CHAT_ID_COLUMNS = {"slack": employees.c.slack_user_id, "teams": employees.c.teams_aad_object_id}


def _chat_column(platform: str) -> Column[Any]:
    try:
        return CHAT_ID_COLUMNS[platform]
    except KeyError:
        raise ValueError(f"unknown chat platform '{platform}': use one of {', '.join(CHAT_ID_COLUMNS)}") from None


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
        leaving_date=row.leaving_date,
        gender=row.gender,
        employment_type=row.employment_type,
        confirmation_date=row.confirmation_date,
        notify_by=NotifyBy(row.notify_by) if row.notify_by else None,
    )


class SqlRequestRepository:
    """Leave requests. One person's pending requests and their counts by type, which every balance
    reads, are kept per process under the person's stamp (:meth:`storage.cache.Stamps.for_person`);
    every add and update stamps the person anew."""

    def __init__(self, connection: Connection, stamps: Stamps) -> None:
        self._conn = connection
        self._stamps = stamps

    def add(self, request: LeaveRequest) -> LeaveRequest:
        """Insert, set ``request.id`` on the object passed in, and return that same object."""
        self._stamps.person_changed(request.employee_id)
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
        self._stamps.person_changed(request.employee_id)
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
        if employee_ids is not None and statuses is not None and approver_id is None and overlapping is None:
            people = list(employee_ids)
            if len(people) == 1:  # one person's requests in some states: what a balance asks for
                wanted = frozenset(statuses)
                kept = self._stamps.for_person(people[0], ("requests", wanted),
                                               lambda: tuple(self._search(people, wanted, None, None)))
                return [copy.deepcopy(request) for request in kept]  # a request is mutable; the kept ones stay as read
        return self._search(employee_ids, statuses, approver_id, overlapping)

    def _search(
        self,
        employee_ids: Iterable[str] | None,
        statuses: Iterable[RequestStatus] | None,
        approver_id: str | None,
        overlapping: tuple[date, date] | None,
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

    def count_by_type(self, employee_id: str, statuses: Iterable[RequestStatus]) -> dict[str, int]:
        wanted = frozenset(statuses)

        def count() -> tuple[tuple[str, int], ...]:
            query = (select(leave_requests.c.type_key, func.count())
                     .where(leave_requests.c.employee_id == employee_id,
                            leave_requests.c.status.in_(sorted(s.value for s in wanted)))
                     .group_by(leave_requests.c.type_key))
            return tuple((str(type_key), int(counted)) for type_key, counted in self._conn.execute(query))

        return dict(self._stamps.for_person(employee_id, ("counts", wanted), count))


def _request_state(request: LeaveRequest) -> dict[str, Any]:
    """The columns that a decision, a cancellation or an edit may change."""
    return {
        "type_key": request.type_key,
        "start_date": request.start,
        "end_date": request.end,
        "half": request.half.value if request.half else None,
        "days": _request_figure(request, request.days),
        "year_days": to_json({str(year): str(_request_figure(request, days))
                              for year, days in request.year_days.items()}),
        "status": request.status.value,
        "reason": request.reason,
        "document_ref": request.document_ref,
        "document_due": request.document_due,
        "approver_id": request.approver_id,
        "decided_by": request.decided_by,
        "decided_at": request.decided_at,
        "decision_note": request.decision_note,
        "levels": _levels_text(request.levels),
        "level": request.level,
        "flags": to_json(list(request.flags)) if request.flags else None,
        "cancelled_dates": to_json(sorted(d.isoformat() for d in request.cancelled_dates))
        if request.cancelled_dates
        else None,
        "start_time": f"{request.time_range.start:%H:%M}" if request.time_range else None,
        "end_time": f"{request.time_range.end:%H:%M}" if request.time_range else None,
    }


def _request_figure(request: LeaveRequest, amount: Amount) -> Decimal:
    """A request's ``days`` figure: hours for a request with a time range (the columns that say it
    is one), else days (:func:`_days_column`)."""
    if request.time_range is not None and amount.unit is Unit.HOURS:
        return amount.value
    return _days_column(amount, "a leave request")


def _days_column(amount: Amount, keeper: str) -> Decimal:
    """The figure a ``days`` column holds for ``amount``.

    Every stored type counts in days and the columns keep no unit, so an amount in hours is refused
    rather than read back later as that many days.

    Raises:
        ValueError: for an amount in hours.
    """
    if amount.unit is not Unit.DAYS:
        raise ValueError(f"{keeper} keeps days, not {amount.unit}: {amount.text()} was not written")
    return amount.value


#: How many characters the comma-joined approval chain may take (``leave_requests.levels``).
LEVELS_LENGTH = 64


def _levels_text(levels: tuple[str, ...]) -> str:
    """``("manager", "hr")`` as ``"manager,hr"``; refuses what could not be read back the same.

    Raises:
        ValueError: for an empty level name, one with a comma, or a chain too long for the column.
    """
    if any(not level or "," in level for level in levels):
        raise ValueError(f"approval levels {levels!r}: a level name must be non-empty and without commas")
    text = ",".join(levels)
    if len(text) > LEVELS_LENGTH:
        raise ValueError(f"approval levels {levels!r} take more than {LEVELS_LENGTH} characters")
    return text


def _request(row: Row[Any]) -> LeaveRequest:
    hours = (TimeRange(time.fromisoformat(row.start_time), time.fromisoformat(row.end_time))
             if row.start_time else None)
    unit = Unit.HOURS if hours else Unit.DAYS
    return LeaveRequest(
        id=int(row.id),
        employee_id=row.employee_id,
        type_key=row.type_key,
        start=row.start_date,
        end=row.end_date,
        days=Amount(Decimal(row.days), unit),
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
        year_days={int(year): Amount(Decimal(days), unit) for year, days in json.loads(row.year_days).items()},
        levels=tuple(row.levels.split(",")) if row.levels else (),
        level=int(row.level),
        flags=tuple(json.loads(row.flags)) if row.flags else (),
        cancelled_dates=frozenset(date.fromisoformat(d) for d in json.loads(row.cancelled_dates))
        if row.cancelled_dates
        else frozenset(),
        time_range=hours,
    )


class SqlLedgerRepository:
    """Append-only: entries are added, never changed or removed. A person's entries of a year, which
    every balance reads, are kept per process under the person's stamp, which every add renews."""

    def __init__(self, connection: Connection, stamps: Stamps) -> None:
        self._conn = connection
        self._stamps = stamps

    def add(self, entry: LedgerEntry) -> None:
        """Append an entry; a second one of a kind from a source that writes once is refused by the database.

        Raises:
            ValueError: for an amount in hours: the ``days`` column has no unit to tell them apart.
        """
        days = _days_column(entry.amount, "the ledger")
        self._stamps.person_changed(entry.employee_id)
        self._conn.execute(
            insert(ledger_entries).values(
                employee_id=entry.employee_id,
                type_key=entry.type_key,
                year=entry.year,
                kind=entry.kind.value,
                days=days,
                source_kind=entry.source.kind.value,
                source_id=entry.source.id,
                once_key=entry.source.once_key,
                valid_from=entry.valid_from,
                valid_until=entry.valid_until,
                note=entry.note,
                created_at=entry.created_at,
            )
        )

    def entries(self, employee_id: str, year: int | None = None) -> list[LedgerEntry]:
        """The employee's entries (of one year, when given), oldest first: in the order written."""
        query = select(ledger_entries).where(ledger_entries.c.employee_id == employee_id)
        if year is not None:
            query = query.where(ledger_entries.c.year == year)

        def read() -> tuple[LedgerEntry, ...]:
            return tuple(_ledger_entry(row) for row in self._conn.execute(query.order_by(ledger_entries.c.id)))

        return list(self._stamps.for_person(employee_id, ("ledger", year), read))

    def years(self) -> list[int]:
        """Every leave year that has entries, ascending."""
        query = select(ledger_entries.c.year).distinct().order_by(ledger_entries.c.year)
        return [int(year) for year in self._conn.execute(query).scalars()]


def _ledger_entry(row: Row[Any]) -> LedgerEntry:
    return LedgerEntry(
        id=int(row.id),
        employee_id=row.employee_id,
        type_key=row.type_key,
        year=row.year,
        kind=EntryKind(row.kind),
        amount=Amount(Decimal(row.days)),
        created_at=row.created_at,
        source=Source(SourceKind(row.source_kind), row.source_id),
        note=row.note,
        valid_from=row.valid_from,
        valid_until=row.valid_until,
    )


if TYPE_CHECKING:  # lets mypy prove that every class implements its port
    from storage.approvals import SqlDecisionRepository, SqlDelegationRepository
    from storage.audit import SqlAuditRepository
    from storage.cache import ProcessCache
    from storage.chat import SqlDigestChannels
    from storage.outbox import SqlOutbox
    from storage.policies import SqlHolidayRepository, SqlPolicyRepository

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
        ports.DigestChannels,
        ports.DecisionRepository,
        ports.DelegationRepository,
    ]:
        stamps = Stamps(connection, ProcessCache())
        return (
            SqlEmployeeRepository(connection, stamps),
            SqlPolicyRepository(connection, stamps),
            SqlHolidayRepository(connection, stamps),
            SqlRequestRepository(connection, stamps),
            SqlLedgerRepository(connection, stamps),
            SqlAuditRepository(connection),
            SqlOutbox(connection),
            SqlDigestChannels(connection),
            SqlDecisionRepository(connection),
            SqlDelegationRepository(connection),
        )


__all__ = [
    "SqlEmployeeRepository",
    "SqlLedgerRepository",
    "SqlRequestRepository",
]

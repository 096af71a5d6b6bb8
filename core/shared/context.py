"""What every use case shares: the command's context (who asks, when, from where), local dates, the
policy in force, people and views."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from core.balances.entitlement import entries_for, grants, missing
from core.domain.amount import NO_DAYS, Amount
from core.domain.approvals import resolve_approver
from core.domain.model import AuditEntry, Employee, LeaveRequest, LedgerEntry, RequestStatus
from core.domain.workdays import charged_dates, dated_days, holiday_dates
from core.errors import LeaveError, NotAllowed, UnknownEmployee
from core.policy.counting import Counting, skipped
from core.policy.rules import Policy
from core.ports import Clock, UnitOfWork
from core.shared.transactions import before_writing
from core.views import Person, RequestView


def local_today(clock: Clock, time_zone: str) -> date:
    """Today's calendar date where the person is, not where the server is."""
    return clock.now().astimezone(ZoneInfo(time_zone)).date()


def person(employee: Employee) -> Person:
    return Person(employee_id=employee.employee_id, name=employee.name, email=employee.email, reach=employee.reach)


def policy_in_force(uow: UnitOfWork, on: date) -> Policy:
    """The policy version in force on a date (requests are judged by the version of their dates)."""
    policy = uow.policies.in_force(on)
    if policy is None:
        raise LeaveError("No leave policy is loaded yet; an HR admin can run `leavebot policies load`.")
    return policy


def latest_policy(uow: UnitOfWork) -> Policy:
    """The version loaded last: for names and labels, which any version can give."""
    policy = uow.policies.current()
    if policy is None:
        raise LeaveError("No leave policy is loaded yet; an HR admin can run `leavebot policies load`.")
    return policy


def policy_on(uow: UnitOfWork) -> Callable[[date], Policy]:
    """:func:`policy_in_force` as a function of the date, looking each date up once."""
    return functools.cache(lambda on: policy_in_force(uow, on))


def ensure_entitlement(uow: UnitOfWork, employee: Employee, year: int, through: date, at: datetime,
                       entries: list[LedgerEntry] | None = None) -> int:
    """Write the year's grants and accruals whose period has begun by ``through``; how many.

    The caller holds the employee's row lock, so two transactions cannot both write a period (and
    the ledger's unique key on the period would refuse the second anyway). ``entries`` are the
    year's entries when the caller has just read them under that lock (else they are read here).
    """
    if entries is None:
        entries = uow.ledger.entries(employee.employee_id, year)
    found = missing(grants(policy_on(uow), employee, year, through), entries)
    for entry in entries_for(employee, found, at):
        uow.ledger.add(entry)
    return len(found)


def is_away(uow: UnitOfWork, person: Employee, day: date) -> bool:
    """On approved leave that day (a half day counts: the decision can wait for no one)."""
    taken = uow.requests.search(employee_ids=[person.employee_id], statuses=[RequestStatus.APPROVED],
                                overlapping=(day, day))
    return any(r.covers(day) for r in taken)


def delegate_of(uow: UnitOfWork, person: Employee, day: date) -> Employee | None:
    active = next((d for d in uow.delegations.of(person.employee_id) if d.active_on(day)), None)
    return uow.employees.get(active.delegate_id) if active else None


def approver_for(uow: UnitOfWork, employee: Employee, day: date) -> Employee | None:
    """Who decides for ``employee`` on ``day``, with cover for approvers who are away.

    The HR admins are read only when nobody in the reporting line can decide.
    """

    def hr_admins() -> Iterator[Employee]:
        yield from uow.employees.hr_admins()

    return resolve_approver(employee, uow.employees.get, hr_admins(), day,
                            is_away=lambda p, d: is_away(uow, p, d), delegate_of=lambda p, d: delegate_of(uow, p, d))


def acting_for(uow: UnitOfWork, actor: Employee, day: date) -> set[str]:
    """The people whose delegate ``actor`` is on ``day``."""
    return {d.delegator_id for d in uow.delegations.to(actor.employee_id) if d.active_on(day)}


def days_taken_between(uow: UnitOfWork, employee: Employee, type_key: str, start: date, end: date) -> Amount:
    """Working days of approved leave of one type dated from ``start`` to ``end`` (partial cancels
    and the employee's weekends and holidays left out)."""
    taken = NO_DAYS
    requests = uow.requests.search(employee_ids=[employee.employee_id], statuses=[RequestStatus.APPROVED],
                                   overlapping=(start, end))
    for request in requests:
        if request.type_key == type_key:
            taken += Amount(sum(request_days(uow, employee, request, start, end).values(), Decimal(0)))
    return taken


def request_days(uow: UnitOfWork, employee: Employee, request: LeaveRequest, start: date,
                 end: date) -> dict[date, Decimal]:
    """The days of a request dated from ``start`` to ``end``, each with what it counts.

    Counted as the application was (the policy in force on its first day, the employee's weekend
    and holidays), less the days a partial cancel gave back: summed over a year, this is what the
    request's ledger entries charged to that year. A type with the sandwich rule counts the
    weekends and holidays between its days too, judged over the whole request; a type counted in
    calendar days counts every date. A request in hours counts no day (nor did its ledger).
    """
    first, last = max(request.start, start), min(request.end, end)
    policy = policy_in_force(uow, request.start)
    region = policy.regions.get(employee.region)
    if region is None or last < first or request.time_range is not None:
        return {}
    leave_type = policy.leave_types.get(request.type_key)
    if leave_type is None or not leave_type.limits.sandwich:
        off = holiday_dates(uow.holidays.between(region.key, first, last), region.key, employee.location,
                            region.subdivision_of(employee.location))
        weekend, skip = skipped(leave_type.counting if leave_type else Counting(), region.weekend, off)
        return dated_days(first, last, request.half, weekend, skip | request.cancelled_dates)
    off = holiday_dates(uow.holidays.between(region.key, request.start, request.end), region.key, employee.location,
                        region.subdivision_of(employee.location))
    charged = charged_dates(request.start, request.end, request.half, region.weekend, off, sandwich=True,
                            cancelled=request.cancelled_dates)
    return {day: weight for day, weight in charged.items() if first <= day <= last}


def find_person(uow: UnitOfWork, ref: str) -> Employee:
    """Resolve what a person typed to name someone: e-mail, employee id, ``@name`` or a Slack mention."""
    text = ref.strip()
    if text.startswith("<@") and text.endswith(">"):
        slack_id = text[2:-1].split("|", 1)[0]
        found = uow.employees.by_chat_id("slack", slack_id)
    elif "@" in text.lstrip("@"):
        found = uow.employees.by_email(text)
    else:
        handle = text.lstrip("@").casefold()
        found = uow.employees.get(text.lstrip("@")) or next(
            (e for e in uow.employees.all() if e.email.split("@", 1)[0].casefold() == handle), None
        )
    if found is None:
        raise UnknownEmployee(f"I can't find '{ref}' in the directory; use their e-mail address.")
    return found


@dataclass
class Presenter:
    """Turns requests into views, looking each person up once per use case.

    ``reader`` is who will read the views, when one person will: a request waiting for their own
    decision then says so (rather than naming them to themself), and decision stamps are in their
    time zone.
    """

    uow: UnitOfWork
    _people: dict[str, Employee | None] = field(default_factory=dict)
    _policy: Policy | None = None
    reader: Employee | None = None

    @property
    def policy(self) -> Policy:
        if self._policy is None:
            self._policy = latest_policy(self.uow)
        return self._policy

    def employee(self, employee_id: str | None) -> Employee | None:
        if employee_id is None:
            return None
        if employee_id not in self._people:
            self._people[employee_id] = self.uow.employees.get(employee_id)
        return self._people[employee_id]

    def person(self, employee_id: str | None) -> Person | None:
        found = self.employee(employee_id)
        return person(found) if found else None

    def approver(self, request: LeaveRequest) -> Employee | None:
        """Who decides the level a pending request waits at: its named approver, else (the HR
        step) the one active HR admin other than its employee; None when HR has several, or none."""
        if request.approver_id is not None or request.status is not RequestStatus.PENDING:
            return self.employee(request.approver_id)
        on_duty = [hr for hr in self.uow.employees.hr_admins()
                   if hr.is_active and hr.employee_id != request.employee_id]
        return on_duty[0] if len(on_duty) == 1 else None

    def request(self, request: LeaveRequest) -> RequestView:
        assert request.id is not None
        leave_type = self.policy.leave_types.get(request.type_key)
        found = self.employee(request.employee_id)
        employee = person(found) if found else None
        approver = self.approver(request)
        reader = self.reader
        return RequestView(
            id=request.id,
            number=request.number,
            employee=employee or Person(request.employee_id, request.employee_id, ""),
            type_key=request.type_key,
            type_name=leave_type.name if leave_type else request.type_key,
            start=request.start,
            end=request.end,
            half=request.half,
            days=request.days,
            status=request.status,
            reason=request.reason,
            approver=person(approver) if approver else None,
            document_due=request.document_due,
            decided_by=self.person(request.decided_by),
            decided_at=(in_zone(request.decided_at, reader.time_zone) if reader and request.decided_at
                        else request.decided_at),
            decision_note=request.decision_note,
            created_at=request.created_at,
            waiting_for=request.current_level if request.status is RequestStatus.PENDING else None,
            flags=request.flags,
            cancelled_dates=tuple(sorted(request.cancelled_dates)),
            back_dated=found is not None and is_back_dated(request, found.time_zone),
            yours_to_decide=reader is not None and self._waits_for(request, approver, reader),
            approved_by=self._approved_before(request),
            reject_reason_required=request.status is RequestStatus.PENDING and self.policy.reject_reason_required,
            paid=leave_type.paid if leave_type else True,
            time_range=request.time_range,
        )

    def _approved_before(self, request: LeaveRequest) -> tuple[Person, ...]:
        """Who approved the steps before the one a pending request waits at (the HR step's card says
        so); decisions are read only for a request past its first step."""
        if request.status is not RequestStatus.PENDING or request.level == 0 or request.id is None:
            return ()
        deciders = [d.decided_by for d in self.uow.decisions.for_request(request.id)
                    if d.approved and d.level < request.level]
        return tuple(found for employee_id in dict.fromkeys(deciders) if (found := self.person(employee_id)))

    @staticmethod
    def _waits_for(request: LeaveRequest, approver: Employee | None, reader: Employee) -> bool:
        """The request waits for ``reader``'s decision: they are its approver, or it waits for HR
        and they are one of HR."""
        if request.status is not RequestStatus.PENDING or reader.employee_id == request.employee_id:
            return False
        if approver is not None:
            return approver.employee_id == reader.employee_id
        return reader.is_hr


def is_back_dated(request: LeaveRequest, time_zone: str) -> bool:
    """Filed after the leave began: its first day is before the day it was filed, where its employee is."""
    return request.start < in_zone(request.created_at, time_zone).date()


def in_zone(moment: datetime, time_zone: str) -> datetime:
    """``moment`` (stored in UTC) as the clock on the wall reads it in ``time_zone``."""
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(ZoneInfo(time_zone))


@dataclass(frozen=True)
class CommandContext:
    """One command's circumstances, resolved once, in the command's unit of work, before it runs.

    Every chat command's use case takes this and the command (:data:`core.service.HANDLERS`), so
    that none of them looks the actor up again or reads the clock for their date.

    Attributes:
        uow: the command's unit of work: everything it reads and writes, committed together.
        actor: who asked, as the directory knows them (active; read once per command).
        today: the actor's local date, which their words and their rules are read in.
        source: the door it came through (``slack``, ``teams``, ``console``...), for the audit log.
        idempotency_key: the door's key for an application that a platform may send twice.
        public_url: where people reach this server, for complete links (calendar feeds).
        email_enabled: whether this server sends e-mail (``/leave notify`` says when it does not).
    """

    uow: UnitOfWork
    clock: Clock
    actor: Employee
    today: date
    source: str
    idempotency_key: str | None = None
    public_url: str | None = None
    email_enabled: bool = False

    def presenter(self) -> Presenter:
        """A :class:`Presenter` that knows the actor already: their own requests cost no look-up."""
        return Presenter(self.uow, {self.actor.employee_id: self.actor}, reader=self.actor)


def refuse(uow: UnitOfWork, error: NotAllowed | LeaveError, audit: AuditEntry) -> LeaveError:
    """Record a refused attempt in its own commit and hand back the error to raise.

    In a read-only unit of work the work is first run again in one that writes
    (:func:`core.shared.transactions.before_writing`): a refusal is always recorded.
    """
    before_writing(uow)
    uow.audit.add(audit)
    uow.commit()
    error.audited = True
    return error

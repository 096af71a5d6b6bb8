"""Small helpers that every use case shares: local dates, the policy in force, people and views."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from core.balances.entitlement import entries_for, grants, missing
from core.domain.approvals import resolve_approver
from core.domain.model import AuditEntry, Employee, LeaveRequest, LedgerEntry, RequestStatus
from core.domain.workdays import dated_days, holiday_dates
from core.errors import LeaveError, NotAllowed, UnknownEmployee
from core.policy.rules import Policy
from core.policy.validation import validate_employee
from core.ports import Clock, UnitOfWork
from core.views import Person, RequestView


def local_today(clock: Clock, time_zone: str) -> date:
    """Today's calendar date where the person is, not where the server is."""
    return clock.now().astimezone(ZoneInfo(time_zone)).date()


def person(employee: Employee) -> Person:
    return Person(employee_id=employee.employee_id, name=employee.name, email=employee.email)


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


def actor_employee(uow: UnitOfWork, email: str) -> Employee:
    return validate_employee(uow.employees.by_email(email), email)


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


def days_taken_between(uow: UnitOfWork, employee: Employee, type_key: str, start: date, end: date) -> Decimal:
    """Working days of approved leave of one type dated from ``start`` to ``end`` (partial cancels
    and the employee's weekends and holidays left out)."""
    taken = Decimal(0)
    requests = uow.requests.search(employee_ids=[employee.employee_id], statuses=[RequestStatus.APPROVED],
                                   overlapping=(start, end))
    for request in requests:
        if request.type_key == type_key:
            taken += sum(request_days(uow, employee, request, start, end).values(), Decimal(0))
    return taken


def request_days(uow: UnitOfWork, employee: Employee, request: LeaveRequest, start: date,
                 end: date) -> dict[date, Decimal]:
    """The days of a request dated from ``start`` to ``end``, each with what it counts.

    Counted as the application was (the policy in force on its first day, the employee's weekend
    and holidays), less the days a partial cancel gave back: summed over a year, this is what the
    request's ledger entries charged to that year.
    """
    first, last = max(request.start, start), min(request.end, end)
    region = policy_in_force(uow, request.start).regions.get(employee.region)
    if region is None or last < first:
        return {}
    off = holiday_dates(uow.holidays.between(region.key, first, last), region.key, employee.location)
    return dated_days(first, last, request.half, region.weekend, off | request.cancelled_dates)


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
    """Turns requests into views, looking each person up once per use case."""

    uow: UnitOfWork
    _people: dict[str, Employee | None] = field(default_factory=dict)
    _policy: Policy | None = None

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

    def request(self, request: LeaveRequest) -> RequestView:
        assert request.id is not None
        leave_type = self.policy.leave_types.get(request.type_key)
        employee = self.person(request.employee_id)
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
            approver=self.person(request.approver_id),
            document_due=request.document_due,
            decided_by=self.person(request.decided_by),
            decided_at=request.decided_at,
            decision_note=request.decision_note,
            created_at=request.created_at,
            waiting_for=request.current_level if request.status is RequestStatus.PENDING else None,
            flags=request.flags,
            cancelled_dates=tuple(sorted(request.cancelled_dates)),
        )


def refuse(uow: UnitOfWork, error: NotAllowed | LeaveError, audit: AuditEntry) -> LeaveError:
    """Record a refused attempt in its own commit and hand back the error to raise."""
    uow.audit.add(audit)
    uow.commit()
    error.audited = True
    return error

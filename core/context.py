"""Small helpers that every use case shares: local dates, the policy in force, people and views."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from core.errors import LeaveError, NotAllowed, UnknownEmployee
from core.ledger import allocation_entries
from core.model import AuditEntry, Employee, LeaveRequest
from core.policy import Policy
from core.ports import Clock, UnitOfWork
from core.validation import validate_employee
from core.views import Person, RequestView


def local_today(clock: Clock, time_zone: str) -> date:
    """Today's calendar date where the person is, not where the server is."""
    return clock.now().astimezone(ZoneInfo(time_zone)).date()


def person(employee: Employee) -> Person:
    return Person(employee_id=employee.employee_id, name=employee.name, email=employee.email)


def policy_in_force(uow: UnitOfWork) -> Policy:
    policy = uow.policies.current()
    if policy is None:
        raise LeaveError("No leave policy is loaded yet; an HR admin can run `leavebot policies load`.")
    return policy


def actor_employee(uow: UnitOfWork, email: str) -> Employee:
    return validate_employee(uow.employees.by_email(email), email)


def ensure_allocation(uow: UnitOfWork, employee: Employee, policy: Policy, year: int, at: datetime) -> None:
    """Grant the year's allocation the first time a year is needed.

    The caller holds the employee's row lock, so two transactions cannot both grant it (and the
    ledger's unique key on the period would refuse the second anyway).
    """
    if not uow.ledger.has_allocation(employee.employee_id, year):
        for entry in allocation_entries(employee.employee_id, policy.types_for(employee.region), year, at):
            uow.ledger.add(entry)


def find_person(uow: UnitOfWork, ref: str) -> Employee:
    """Resolve what a person typed to name someone: e-mail, employee id, ``@name`` or a Slack mention."""
    text = ref.strip()
    if text.startswith("<@") and text.endswith(">"):
        slack_id = text[2:-1].split("|", 1)[0]
        found = next((e for e in uow.employees.all() if e.slack_user_id == slack_id), None)
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
    policy: Policy
    _people: dict[str, Employee | None] = field(default_factory=dict)

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
        )


def refuse(uow: UnitOfWork, error: NotAllowed | LeaveError, audit: AuditEntry) -> LeaveError:
    """Record a refused attempt in its own commit and hand back the error to raise."""
    uow.audit.add(audit)
    uow.commit()
    return error

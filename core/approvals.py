"""Who decides a request, and whether a given person may.

The approver is the employee's manager; a manager who is inactive is passed over for the next
one up; with nobody left, an HR admin. An HR admin may decide any request; nobody decides
their own.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from core.errors import NotAllowed
from core.model import Employee, LeaveRequest


def resolve_approver(
    employee: Employee,
    lookup: Callable[[str], Employee | None],
    hr_admins: Sequence[Employee],
) -> Employee | None:
    """The active person who decides this employee's requests, or None if nobody can."""
    seen = {employee.employee_id}
    manager_id = employee.manager_id
    while manager_id and manager_id not in seen:
        seen.add(manager_id)
        manager = lookup(manager_id)
        if manager is None:
            break
        if manager.is_active:
            return manager
        manager_id = manager.manager_id
    others = [hr for hr in hr_admins if hr.is_active and hr.employee_id != employee.employee_id]
    return min(others, key=lambda hr: hr.employee_id) if others else None


def check_can_decide(actor: Employee, request: LeaveRequest) -> None:
    """Raise :class:`NotAllowed` unless ``actor`` may decide ``request``."""
    if actor.employee_id == request.employee_id:
        raise NotAllowed(f"You cannot decide your own request {request.number}; it waits for your approver.")
    if actor.employee_id == request.approver_id or actor.is_hr:
        return
    raise NotAllowed(
        f"You are not the approver of {request.number}; only the employee's approver or HR may decide it."
    )


def is_in_reporting_line(manager: Employee, employee: Employee, lookup: Callable[[str], Employee | None]) -> bool:
    """True when ``employee`` reports to ``manager``, directly or further down."""
    seen: set[str] = set()
    manager_id = employee.manager_id
    while manager_id and manager_id not in seen:
        if manager_id == manager.employee_id:
            return True
        seen.add(manager_id)
        boss = lookup(manager_id)
        manager_id = boss.manager_id if boss else None
    return False

"""Who decides a request, and whether a given person may.

The approver is the employee's manager. A manager who is inactive, or on approved leave on the
day a decision is needed, is covered by their delegate for that day, else by their own manager
(and so on up), else by an HR admin. An HR admin may decide any request; nobody decides their
own.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from datetime import date
from typing import Protocol

from core.domain.model import Employee
from core.errors import AlreadyDecided, NotAllowed

Lookup = Callable[[str], Employee | None]
IsAway = Callable[[Employee, date], bool]
DelegateOf = Callable[[Employee, date], Employee | None]


class Decidable(Protocol):
    """What deciding reads of a thing that waits for approval: a leave request or a comp-off claim."""

    @property
    def employee_id(self) -> str: ...

    @property
    def approver_id(self) -> str | None: ...

    @property
    def decided_by(self) -> str | None: ...

    @property
    def number(self) -> str: ...

    @property
    def current_level(self) -> str | None: ...


def resolve_approver(
    employee: Employee,
    lookup: Lookup,
    hr_admins: Iterable[Employee],
    day: date | None = None,
    is_away: IsAway | None = None,
    delegate_of: DelegateOf | None = None,
) -> Employee | None:
    """The person who decides this employee's requests on ``day``, or None if nobody can.

    ``hr_admins`` is gone through only when nobody in the reporting line can decide, so a caller
    may pass a generator that reads them only then.
    """

    def can_decide(person: Employee) -> bool:
        away = is_away is not None and day is not None and is_away(person, day)
        return person.is_active and not away and person.employee_id != employee.employee_id

    seen = {employee.employee_id}
    manager_id = employee.manager_id
    while manager_id and manager_id not in seen:
        seen.add(manager_id)
        manager = lookup(manager_id)
        if manager is None:
            break
        if can_decide(manager):
            return manager
        delegate = delegate_of(manager, day) if delegate_of is not None and day is not None else None
        if delegate is not None and can_decide(delegate):
            return delegate
        manager_id = manager.manager_id
    others = sorted((hr for hr in hr_admins if hr.is_active and hr.employee_id != employee.employee_id),
                    key=lambda hr: (not can_decide(hr), hr.employee_id))
    return others[0] if others else None


def check_can_decide(actor: Employee, request: Decidable,
                     acting_for: Collection[str] | Callable[[], Collection[str]] = (),
                     decided_before: bool | Callable[[], bool] = False) -> None:
    """Raise unless ``actor`` may decide the level ``request`` waits at.

    ``acting_for`` holds the people whose delegate ``actor`` is today; ``decided_before`` says the
    actor already decided an earlier level of this request. Either may be a function that reads it,
    called only when the rule gets that far (an approver deciding their own level needs neither).
    """
    if actor.employee_id == request.employee_id:
        raise NotAllowed(f"You cannot decide your own request {request.number}; it waits for your approver.")
    if actor.is_hr:
        return
    if request.current_level == "hr":
        if decided_before() if callable(decided_before) else decided_before:
            raise AlreadyDecided(f"You already approved {request.number}; it now waits for HR.")
        raise NotAllowed(f"{request.number} waits for HR's approval; only an HR admin may decide it now.")
    if request.approver_id is not None and (
        actor.employee_id == request.approver_id
        or request.approver_id in (acting_for() if callable(acting_for) else acting_for)
    ):
        return
    raise NotAllowed(
        f"You are not the approver of {request.number}; only the employee's approver or HR may decide it."
    )


def may_see(viewer: Employee, request: Decidable,
             acting_for: Collection[str] | Callable[[], Collection[str]] = (),
             deciders: Collection[str] | Callable[[], Collection[str]] = ()) -> bool:
    """Whether ``viewer`` may learn that ``request`` exists and how it stands.

    Its employee, its approver (or the approver's delegate today), whoever decided a level of it
    and HR admins may; anyone else is told only that it isn't theirs, the same words as for an id
    that does not exist, so that a refusal never tells who decided, when, or that it exists.
    ``acting_for`` and ``deciders`` (employee ids) may be functions, called only when needed.
    """
    if viewer.is_hr or viewer.employee_id in (request.employee_id, request.approver_id, request.decided_by):
        return True
    if viewer.employee_id in (deciders() if callable(deciders) else deciders):
        return True
    return request.approver_id is not None and request.approver_id in (
        acting_for() if callable(acting_for) else acting_for)


def managers_of(subject: Employee, lookup: Lookup) -> set[str]:
    """The ids of everyone above ``subject`` in their reporting line (a loop in the directory ends it)."""
    found: set[str] = set()
    manager_id = subject.manager_id
    while manager_id and manager_id not in found and manager_id != subject.employee_id:
        found.add(manager_id)
        boss = lookup(manager_id)
        manager_id = boss.manager_id if boss else None
    return found


def is_in_reporting_line(manager: Employee, employee: Employee, lookup: Lookup) -> bool:
    """True when ``employee`` reports to ``manager``, directly or further down."""
    return manager.employee_id in managers_of(employee, lookup)

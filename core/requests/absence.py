"""What others are told about a person's absence: out (or the type, for those who may see it), the
half, and the day they are back.

``/leave team``, the approver's "also out" list and the who's-out channel post all describe other
people's leave, so they are built here, through the one privacy rule of :mod:`core.policy.privacy`.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, timedelta

from core.domain.model import Employee, HalfDay, LeaveRequest
from core.policy.privacy import OUT, may_see_type
from core.policy.rules import Policy
from core.ports import UnitOfWork
from core.shared.context import person
from core.shared.work_calendar import WorkCalendar
from core.views import AbsenceView

#: How far past a request's end the back-on date is looked for (weekends and a run of holidays).
BACK_SEARCH = timedelta(days=31)


def back_on(request: LeaveRequest, off_days: set[date], day: date) -> date:
    """The first working day the person is back, counting from ``day`` (inside or before the leave).

    A morning off (first half) is back the same afternoon, so that day; days given back by a partial
    cancel end the absence early; weekends and holidays after the leave are skipped.
    """
    if request.half is HalfDay.FIRST and request.start == request.end:
        return request.start
    current = max(day, request.start)
    while request.covers(current) or (current in off_days and current <= request.end):
        current += timedelta(days=1)
    while current in off_days:
        current += timedelta(days=1)
    return current


class TypeViewer:
    """:func:`core.policy.privacy.may_see_type` for one viewer over many requests, their delegations read once.

    Args:
        viewer: who looks; :data:`core.policy.privacy.CHANNEL` for a channel post or a shared feed.
        on: the day whose delegations count (the viewer's today, or the day being looked at).
    """

    def __init__(self, uow: UnitOfWork, viewer: Employee | None, public_types: Collection[str], on: date) -> None:
        self._uow, self._viewer, self._public = uow, viewer, public_types
        self._covering = {d.delegator_id for d in uow.delegations.to(viewer.employee_id)
                          if d.active_on(on)} if viewer is not None else set()

    def sees(self, request: LeaveRequest, subject: Employee) -> bool:
        return may_see_type(self._viewer, subject, request.type_key, self._public, lookup=self._uow.employees.get,
                            approver_id=request.approver_id, covering=self._covering)

    def label(self, request: LeaveRequest, subject: Employee, type_name: str) -> str:
        """The type's name when the viewer may see it, else :data:`core.policy.privacy.OUT`."""
        return type_name if self.sees(request, subject) else OUT


class Absences:
    """Absences as one viewer may see them, over the dates ``start`` to ``end``.

    Args:
        viewer: who looks; :data:`core.policy.privacy.CHANNEL` for a channel post.
        on: the day whose delegations count for the viewer.
    """

    def __init__(self, uow: UnitOfWork, policy: Policy, viewer: Employee | None, on: date,
                 start: date, end: date) -> None:
        self._policy = policy
        self._types = TypeViewer(uow, viewer, policy.privacy.public_types, on)
        self._calendar = WorkCalendar(uow, policy, start, end + BACK_SEARCH)

    def type_label(self, request: LeaveRequest, subject: Employee) -> str:
        """The type's name for those who may see it, else :data:`core.policy.privacy.OUT`."""
        leave_type = self._policy.leave_types.get(request.type_key)
        return self._types.label(request, subject, leave_type.name if leave_type else request.type_key)

    def back_on(self, request: LeaveRequest, subject: Employee, day: date) -> date:
        return back_on(request, self._calendar.off_days(subject), day)

    def view(self, request: LeaveRequest, subject: Employee, day: date) -> AbsenceView:
        """One absence as seen on ``day``."""
        return AbsenceView(person=person(subject), type_name=self.type_label(request, subject), start=request.start,
                           end=request.end, half=request.half, status=request.status,
                           back_on=self.back_on(request, subject, day))

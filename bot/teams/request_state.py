"""A request as one person should see it on a card right now: for a card's refresh, or after a
decision that was refused because someone else made it first.

Read-only. Who may decide is the core's rule (:func:`core.domain.approvals.check_can_decide`); what the
approver is shown beside the request is the core's too (:func:`core.delivery.notices.notices_for`), so
a refreshed card says exactly what the card sent by the outbox said.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.delivery.notices import notices_for
from core.domain.approvals import check_can_decide, may_see
from core.domain.model import Employee, Event, LeaveRequest, RequestStatus
from core.errors import LeaveError
from core.ports import Clock, UnitOfWork, UnitOfWorkFactory
from core.shared.context import Presenter, acting_for, local_today
from core.shared.transactions import in_unit_of_work
from core.views import Notice, RequestView


@dataclass(frozen=True)
class RequestState:
    request: RequestView
    can_decide: bool
    #: For someone who may decide: the facts, balance and team absences the approver is shown.
    approver_notice: Notice | None = None


def request_state(uow_factory: UnitOfWorkFactory, clock: Clock, viewer: Employee,
                  request_id: int) -> RequestState | None:
    """The request as ``viewer`` may see it; None when there is no such request or it isn't theirs to see.

    The employee, the approver (or their delegate), whoever decided a level and HR admins may
    (:func:`core.domain.approvals.may_see`).
    """

    def look(uow: UnitOfWork) -> RequestState | None:
        request = uow.requests.get(request_id)
        if request is None or request.id is None:
            return None
        deciders = {d.decided_by for d in uow.decisions.for_request(request.id)}
        may_decide = request.status is RequestStatus.PENDING and _may_decide(uow, clock, viewer, request, deciders)
        if not (may_decide or may_see(viewer, request, deciders=deciders)):
            return None
        try:
            view = Presenter(uow).request(request)
        except LeaveError:
            return None
        if not may_decide:
            return RequestState(view, can_decide=False)
        notices = notices_for(uow, clock, Event(name="leave.pending", payload={"request_id": request_id}))
        mine = next((n for n in notices if n.recipient.employee_id == viewer.employee_id), None)
        return RequestState(view, can_decide=True, approver_notice=mine or (notices[0] if notices else None))

    return in_unit_of_work(uow_factory, look)


def _may_decide(uow: UnitOfWork, clock: Clock, viewer: Employee, request: LeaveRequest,
                deciders: set[str]) -> bool:
    """The core's own check, with the same delegations and earlier decisions the decision would use."""
    try:
        check_can_decide(viewer, request, acting_for(uow, viewer, local_today(clock, viewer.time_zone)),
                         decided_before=viewer.employee_id in deciders)
    except LeaveError:
        return False
    return True

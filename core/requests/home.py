"""A person's home page: their balances, their upcoming and pending leave, their comp-off claims,
and their approval queue (requests and claims).

One read for a door that keeps a page per person (the Slack App Home tab), published when the
person opens it and again after any change that concerns them. It shows what the replies to
``balance``, ``list`` and ``pending`` would, no more: the same balance, the same requests and claims.
"""

from __future__ import annotations

from datetime import date

from core.compoff.claims import claims_of, claims_waiting_for
from core.domain.model import Employee, LeaveRequest, RequestStatus, Role
from core.errors import LeaveError
from core.ports import Clock, UnitOfWork
from core.requests.queries import balance, waiting_for
from core.shared.context import Presenter, local_today
from core.views import HomeView

#: Who is shown the approval queue even while nothing waits in it.
APPROVER_ROLES = (Role.MANAGER, Role.HR_ADMIN)
#: How to greet someone whose name is not known.
NO_NAME = "there"


def home_of(uow: UnitOfWork, clock: Clock, employee: Employee) -> HomeView:
    """``employee``'s home page on their local today.

    When their balance cannot be read (no policy is loaded yet, say) the page says why and shows
    nothing else, as the ``balance`` reply would refuse.
    """
    today = local_today(clock, employee.time_zone)
    greeting = employee.first_name or NO_NAME
    try:
        balances = balance(uow, clock, employee)
    except LeaveError as error:
        return refused_home(error.message, today, employee)
    presenter = Presenter(uow, reader=employee)
    mine = uow.requests.search(employee_ids=[employee.employee_id])
    upcoming = sorted((r for r in mine if _upcoming(r, today)), key=lambda r: (r.start, r.id or 0))
    queue = tuple(presenter.request(r) for r in waiting_for(uow, employee))
    queue_claims = claims_waiting_for(presenter, employee)
    return HomeView(
        name=greeting,
        today=today,
        balance=balances,
        upcoming=tuple(presenter.request(r) for r in upcoming),
        queue=queue,
        show_queue=bool(queue or queue_claims) or employee.role in APPROVER_ROLES,
        claims=claims_of(presenter, employee),
        queue_claims=queue_claims,
    )


def refused_home(problem: str, today: date, employee: Employee | None = None) -> HomeView:
    """The page of someone it can't be shown to (the directory does not list them, the database is
    out of reach): a greeting and why."""
    name = employee.first_name if employee is not None else ""
    return HomeView(name=name or NO_NAME, today=today, problems=(problem,),
                    show_queue=employee is not None and employee.role in APPROVER_ROLES)


def _upcoming(request: LeaveRequest, today: date) -> bool:
    """Pending, or approved and not over yet: what the person may still be waiting for or cancel."""
    if request.status is RequestStatus.PENDING:
        return True
    return request.status is RequestStatus.APPROVED and request.end >= today

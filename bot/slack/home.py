"""The App Home tab: my balances, my upcoming and pending leave, and my approval queue.

Gathered from the core with the same commands a person could type (``balance``, ``list``,
``pending``), so the Home tab never knows more than the replies do. It is published when the
tab is opened and again after any change that affects its owner: a decision, a cancellation, a
new request to decide.
"""

from __future__ import annotations

from datetime import date

from bot.slack import render
from core.commands import ListRequests, ShowBalance, ShowPending
from core.domain.model import Employee, RequestStatus, Role
from core.service import LeaveService
from core.views import BalanceView, RefusalView, RequestListView, RequestView

SOURCE = "slack"
APPROVER_ROLES = (Role.MANAGER, Role.HR_ADMIN)


def gather(service: LeaveService, email: str, employee: Employee | None, today: date,
           notice: str = "") -> render.HomeData:
    """What ``email``'s Home tab shows on ``today`` (their local date); blocking, run it in a worker."""
    problems: list[str] = []
    # The door reads on the person's behalf: not held against their rate limit.
    balance = service.execute(email, ShowBalance(), SOURCE, counted=False)
    if isinstance(balance, RefusalView):
        problems.append(balance.message)
    mine = service.execute(email, ListRequests(), SOURCE, counted=False) if not problems else None
    pending = service.execute(email, ShowPending(), SOURCE, counted=False) if not problems else None
    upcoming = sorted(
        (r for r in _requests(mine) if _upcoming(r, today)),
        key=lambda r: (r.start, r.id),
    )
    queue = _requests(pending)
    name = employee.first_name if employee else (balance.person.name if isinstance(balance, BalanceView) else "")
    return render.HomeData(
        name=name or "there",
        balance=balance if isinstance(balance, BalanceView) else None,
        upcoming=tuple(upcoming),
        queue=queue,
        show_queue=bool(queue) or (employee is not None and employee.role in APPROVER_ROLES),
        today=today,
        notice=notice,
        problems=tuple(problems),
    )


def _requests(view: object) -> tuple[RequestView, ...]:
    return view.requests if isinstance(view, RequestListView) else ()


def _upcoming(request: RequestView, today: date) -> bool:
    if request.status is RequestStatus.PENDING:
        return True
    return request.status is RequestStatus.APPROVED and request.end >= today

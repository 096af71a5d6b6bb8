"""Who hears of a comp-off claim, from its outbox events (``compoff.pending``, ``.approved``, ``.rejected``).

The approver (every active HR admin but the claimant, at an HR level) is asked while it waits; the
claimant is told once it is decided. The doors render :class:`~core.views.ClaimNotice` with the
same Approve / Reject buttons as a leave request's card.
"""

from __future__ import annotations

from core.compoff.claims import claim_view, comp_off_type
from core.domain.compoff import CompOffClaim
from core.domain.model import Event, RequestStatus
from core.ports import UnitOfWork
from core.shared.context import Presenter, person
from core.views import ClaimNotice, NoticeKind, Person

#: The outbox events of claims start with this.
EVENT_PREFIX = "compoff."


def claim_notices(uow: UnitOfWork, event: Event) -> list[ClaimNotice]:
    """The notices of one claim event; none for a claim gone or already past the state it announces."""
    found = uow.compoff.get(int(str(event.payload.get("claim_id"))))
    if found is None or f"{EVENT_PREFIX}{found.status.value.lower()}" != event.name:
        return []
    presenter = Presenter(uow)
    employee = presenter.employee(found.employee_id)
    if employee is None:
        return []
    leave_type = comp_off_type(presenter.policy, employee)
    assert leave_type.comp_off is not None
    view = claim_view(presenter, found, leave_type.comp_off.expires_after_days)
    if found.status is RequestStatus.PENDING:
        return [ClaimNotice(f"{NoticeKind.APPROVAL_NEEDED.value}:{found.level}:{who.employee_id}",
                            NoticeKind.APPROVAL_NEEDED, who, view)
                for who in _deciders(uow, presenter, found)]
    return [ClaimNotice(f"{NoticeKind.DECIDED.value}:{employee.employee_id}", NoticeKind.DECIDED, person(employee),
                        view)]


def _deciders(uow: UnitOfWork, presenter: Presenter, found: CompOffClaim) -> list[Person]:
    if found.current_level == "manager" and found.approver_id:
        approver = presenter.person(found.approver_id)
        return [approver] if approver else []
    return [person(hr) for hr in uow.employees.hr_admins() if hr.is_active and hr.employee_id != found.employee_id]

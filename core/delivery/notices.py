"""Who must be told what about an outbox event, as neutral notices for the doors to render."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from zoneinfo import ZoneInfo

from core.compoff.notices import EVENT_PREFIX, claim_notices
from core.domain.model import Employee, Event, LeaveRequest, RequestStatus
from core.domain.text import counted
from core.policy.rules import Policy
from core.ports import Clock, UnitOfWork
from core.requests import corrections, documents
from core.requests.absence import Absences
from core.requests.assessment import year_balances
from core.requests.queries import team_members
from core.shared.context import Presenter, latest_policy, local_today, person
from core.shared.escalations import last_step
from core.views import AbsenceView, AnyNotice, Escalation, Notice, NoticeKind, RequestView


def notices_for(uow: UnitOfWork, clock: Clock, event: Event) -> Sequence[AnyNotice]:
    """The notices an event calls for; none for events that concern nobody (or a vanished request)."""
    if event.name.startswith(EVENT_PREFIX):
        return claim_notices(uow, event)
    if event.name == corrections.ADJUSTED:
        adjusted = uow.employees.get(str(event.payload.get("employee_id")))
        return corrections.adjustment_notices(event, person(adjusted) if adjusted else None)
    request_id = event.payload.get("request_id")
    request = uow.requests.get(int(str(request_id))) if request_id is not None else None
    if request is None:
        return []
    presenter = Presenter(uow)
    view = presenter.request(request)
    if event.name == "leave.pending" and request.status is RequestStatus.PENDING:
        return _approval_needed(uow, clock, presenter, request, view)
    if event.name in ("leave.cancelled", "leave.shortened"):
        corrected = _corrected(uow, presenter, request, view, event)
        if corrected:
            return corrected + _calendar(presenter, request, view, event)
    if event.name in ("leave.approved", "leave.rejected", "leave.cancelled", "leave.shortened"):
        return _closed(uow, clock, presenter, request, view, event) + _calendar(presenter, request, view, event)
    if event.name == "leave.reassigned" and request.status is RequestStatus.PENDING:
        return _reassigned(uow, clock, presenter, request, view, event)
    if event.name == documents.HANDED_IN:
        return _document_added(uow, presenter, request, view, event)
    return []


def approval_notice(uow: UnitOfWork, clock: Clock, request_id: int, viewer_email: str) -> Notice | None:
    """What the approver's card shows beside a pending request, for someone who may decide it and
    looks again (a card refreshed or redrawn): their own notice, or the approver's for someone
    deciding in the approver's place (HR, a delegate). None once the request is no longer pending.
    """
    request = uow.requests.get(request_id)
    if request is None or request.status is not RequestStatus.PENDING:
        return None
    presenter = Presenter(uow)
    notices = _approval_needed(uow, clock, presenter, request, presenter.request(request))
    viewer = viewer_email.casefold()
    return next((n for n in notices if n.recipient.email.casefold() == viewer), notices[0] if notices else None)


def _approvers(uow: UnitOfWork, request: LeaveRequest) -> list[str]:
    """The approver, or every HR admin when the request has none."""
    if request.approver_id:
        return [request.approver_id]
    hrs = uow.employees.hr_admins()
    return [hr.employee_id for hr in hrs if hr.is_active and hr.employee_id != request.employee_id]


def _approval_needed(uow: UnitOfWork, clock: Clock, presenter: Presenter, request: LeaveRequest,
                     view: RequestView) -> list[Notice]:
    employee = presenter.employee(request.employee_id)
    if employee is None:
        return []
    policy = latest_policy(uow)
    pending = uow.requests.search(employee_ids=[employee.employee_id], statuses=[RequestStatus.PENDING])
    leave_type = policy.leave_types.get(request.type_key)
    today = local_today(clock, employee.time_zone)
    filed = request.created_at.astimezone(ZoneInfo(employee.time_zone)).date()
    # Pending requests (this one included) are already held: the rows ``balance`` shows the employee.
    # Unpaid leave has no balance to show: the card says "unpaid" instead; a type per occurrence or
    # in hours has none either, and the request's note says how it counts.
    after = (year_balances(uow, employee, leave_type, request.year_days, today, pending)
             if leave_type and leave_type.paid and leave_type.counting.yearly else {})
    facts = _facts(request, filed)
    escalation = _escalation(uow, presenter, request, (today - filed).days)
    return [
        Notice(
            key=f"{NoticeKind.APPROVAL_NEEDED.value}:{approver_id}",
            kind=NoticeKind.APPROVAL_NEEDED,
            recipient=person(approver),
            request=view,
            balance_after=after,
            escalation=_told_to(escalation, approver_id),
            team_out=_team_out(uow, policy, employee, request, approver, local_today(clock, approver.time_zone)),
            facts=facts,
            today=local_today(clock, approver.time_zone),
        )
        for approver_id in _approvers(uow, request)
        if (approver := presenter.employee(approver_id)) is not None
    ]


def _reassigned(uow: UnitOfWork, clock: Clock, presenter: Presenter, request: LeaveRequest, view: RequestView,
                event: Event) -> list[Notice]:
    """The new holder gets the card; the employee and the previous approver are told who has it."""
    holder = presenter.person(request.approver_id)
    notices = _approval_needed(uow, clock, presenter, request, view)
    previous = event.payload.get("from")
    for key, employee_id in (("employee", request.employee_id), ("previous", previous)):
        recipient = presenter.person(str(employee_id)) if employee_id else None
        if recipient:
            notices.append(Notice(key=f"{NoticeKind.REASSIGNED.value}:{key}:{recipient.employee_id}",
                                  kind=NoticeKind.REASSIGNED, recipient=recipient, request=view, holder=holder))
    return notices


def _closed(uow: UnitOfWork, clock: Clock, presenter: Presenter, request: LeaveRequest, view: RequestView,
            event: Event) -> list[Notice]:
    notices: list[Notice] = []
    if not request.levels:
        return notices  # approved at once: nobody has a card, and the employee saw the reply
    if request.status in (RequestStatus.APPROVED, RequestStatus.REJECTED):
        employee, row = presenter.person(request.employee_id), presenter.employee(request.employee_id)
        if employee and row:
            notices.append(Notice(key=f"decided:{request.employee_id}", kind=NoticeKind.DECIDED,
                                  recipient=employee, request=view, today=local_today(clock, row.time_zone)))
    # Everyone who held a card about it: the approvers of each level, and whoever decided one.
    holders = dict.fromkeys([*_approvers(uow, request), *(d.decided_by for d in uow.decisions.for_request(
        request.id or 0))])
    for approver_id in holders:
        recipient = presenter.person(approver_id)
        if recipient:
            notices.append(Notice(key=f"{NoticeKind.REQUEST_CLOSED.value}:{approver_id}",
                                  kind=NoticeKind.REQUEST_CLOSED, recipient=recipient, request=view))
    return notices


def _corrected(uow: UnitOfWork, presenter: Presenter, request: LeaveRequest, view: RequestView,
               event: Event) -> list[Notice]:
    """When someone else (HR) cancelled or shortened the leave, the employee and whoever approved it
    are told who did it and what the request counts now, and every approver's card is redrawn (as
    for any close). None when the employee did it themselves: :func:`_closed` then does."""
    employee = presenter.employee(request.employee_id)
    actor = str(event.payload.get("actor") or "").casefold()
    if employee is None or not actor or actor == employee.email.casefold():
        return []
    by = next((person(e) for e in uow.employees.hr_admins() if e.email.casefold() == actor), None)
    told = [request.employee_id, *([request.decided_by] if request.decided_by else [])]
    notices = [Notice(key=f"{NoticeKind.CORRECTED.value}:{employee_id}", kind=NoticeKind.CORRECTED,
                      recipient=recipient, request=view, by=by)
               for employee_id in dict.fromkeys(told)
               if (recipient := presenter.person(employee_id)) is not None and recipient.email.casefold() != actor]
    holders = dict.fromkeys([*_approvers(uow, request), *(d.decided_by for d in uow.decisions.for_request(
        request.id or 0))])
    return notices + [Notice(key=f"{NoticeKind.REQUEST_CLOSED.value}:{approver_id}", kind=NoticeKind.REQUEST_CLOSED,
                             recipient=recipient, request=view)
                      for approver_id in holders if (recipient := presenter.person(approver_id)) is not None]


def _calendar(presenter: Presenter, request: LeaveRequest, view: RequestView, event: Event) -> list[Notice]:
    """One notice for the calendar targets whenever approved leave appears, changes or goes away.

    Sent whatever the approval chain (leave approved at once needs its event too); the target
    reads the request's state when it runs, so late or repeated deliveries converge.
    """
    employee = presenter.person(request.employee_id)
    if employee is None or event.name == "leave.rejected":
        return []
    return [Notice(key=f"{NoticeKind.CALENDAR.value}:{request.employee_id}", kind=NoticeKind.CALENDAR,
                   recipient=employee, request=view)]


def _team_out(uow: UnitOfWork, policy: Policy, employee: Employee, request: LeaveRequest, approver: Employee,
              today: date) -> tuple[AbsenceView, ...]:
    """Who else in the team is out during the request, as ``approver`` may see them (on ``today``)."""
    others = {e.employee_id: e for e in team_members(uow, employee) if e.employee_id != employee.employee_id}
    overlapping = uow.requests.search(employee_ids=list(others), statuses=[RequestStatus.PENDING,
                                                                           RequestStatus.APPROVED],
                                      overlapping=(request.start, request.end))
    seen = Absences(uow, policy, approver, today, request.start, max((r.end for r in overlapping),
                                                                     default=request.end))
    by_date = sorted(overlapping, key=lambda r: (r.start, r.end, others[r.employee_id].name))
    return tuple(seen.view(r, others[r.employee_id], max(r.start, request.start)) for r in by_date)


def _escalation(uow: UnitOfWork, presenter: Presenter, request: LeaveRequest, waited: int) -> Escalation | None:
    """Why a request that went up for want of an answer reached whoever holds it now; None when it
    was not escalated, or has moved on since for another reason (a manager away)."""
    step = last_step(uow, request.id) if request.id is not None else None
    if step is None or step.holder != request.approver_id:
        return None
    return Escalation(unanswered=presenter.person(step.unanswered), working_days=step.working_days,
                      waited_days=max(0, waited))


def _told_to(escalation: Escalation | None, reader_id: str) -> Escalation | None:
    """The escalation as ``reader_id`` reads it: the one who had the request is not named to themself."""
    if escalation is None or escalation.unanswered is None or escalation.unanswered.employee_id != reader_id:
        return escalation
    return replace(escalation, by_reader=True)


def _facts(request: LeaveRequest, filed: date) -> tuple[str, ...]:
    """Short facts for the approver; how far ahead it was applied counts from the day it was filed."""
    ahead = (request.start - filed).days
    facts = [f"Applied {counted(ahead)} ahead" if ahead >= 0 else f"Applied {counted(-ahead)} after the start"]
    facts.append(request.days.text("working"))
    if request.document_due:
        facts.append("Document due: none attached yet")
    elif request.document_ref:
        facts.append(f"Document: {request.document_ref}")
    return tuple(facts)


def _document_added(uow: UnitOfWork, presenter: Presenter, request: LeaveRequest, view: RequestView,
                    event: Event) -> list[Notice]:
    """Whoever holds the request now and whoever decided a level of it hear of a document handed in,
    with a way to open it; HR when nobody does (leave approved at once)."""
    kept = {d.id: d for d in uow.documents.for_request(request.id or 0)}
    document = kept.get(int(str(event.payload.get("document_id") or 0)))
    if document is None:
        return []
    holders = _approvers(uow, request) if request.status is RequestStatus.PENDING else []
    holders += [d.decided_by for d in uow.decisions.for_request(request.id or 0)]
    if not holders:
        holders = [hr.employee_id for hr in uow.employees.hr_admins() if hr.is_active]
    info = documents.document_info(document)
    return [
        Notice(key=f"{NoticeKind.DOCUMENT_ADDED.value}:{document.id}:{employee_id}", kind=NoticeKind.DOCUMENT_ADDED,
               recipient=recipient, request=view, document=info)
        for employee_id in dict.fromkeys(holders)
        if employee_id != request.employee_id and (recipient := presenter.person(employee_id)) is not None
    ]

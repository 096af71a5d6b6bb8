"""The use cases that change a request: apply, decide, cancel.

Each runs inside one unit of work: the state change, its ledger entries, its audit row and its
outbox event are committed together or not at all.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from core.approvals import check_can_decide, resolve_approver
from core.commands import ApplyLeave, CancelRequest, Decide
from core.context import (
    Presenter,
    actor_employee,
    ensure_allocation,
    local_today,
    policy_in_force,
    refuse,
)
from core.errors import AlreadyDecided, CannotCancel, LeaveError, NotAllowed, RequestNotFound
from core.ledger import balance_rows, request_entries
from core.model import AuditEntry, EntryKind, Event, LeaveRequest, RequestStatus, format_request_number
from core.ports import Clock, UnitOfWork
from core.text import format_day
from core.validation import (
    validate_balance,
    validate_dates,
    validate_notice,
    validate_overlap,
    validate_working_days,
)
from core.views import AppliedView, CancelledView, DecidedView
from core.workdays import days_by_year, holiday_dates

ACTIVE = (RequestStatus.PENDING, RequestStatus.APPROVED)


def apply_leave(
    uow: UnitOfWork, clock: Clock, actor_email: str, command: ApplyLeave, source: str,
    idempotency_key: str | None = None,
) -> AppliedView:
    """Validate the application step by step, then record it as pending for the approver."""
    now = clock.now()
    actor = actor_employee(uow, actor_email)
    # The lock comes first: a platform's retry racing the original waits here, then sees it.
    employee = uow.employees.lock(actor.employee_id) or actor
    if idempotency_key:
        earlier = uow.requests.by_idempotency_key(idempotency_key)
        if earlier is not None:
            return AppliedView(request=Presenter(uow, policy_in_force(uow)).request(earlier), duplicate=True)
    policy = policy_in_force(uow)
    leave_type = policy.find_type(employee.region, command.leave_type)
    region = policy.regions[employee.region]
    today = local_today(clock, employee.time_zone)
    validate_dates(command.start, command.end, command.half, today)
    in_span = uow.holidays.between(region.key, command.start, command.end)
    holidays = holiday_dates(in_span, region.key, employee.location)
    year_days = days_by_year(command.start, command.end, command.half, region.weekend, holidays)
    total = validate_working_days(year_days, command.start, command.end)
    validate_notice(leave_type, command.start, today)
    mine = uow.requests.search(employee_ids=[employee.employee_id], statuses=ACTIVE)
    validate_overlap(mine, command.start, command.end, command.half)
    for year in year_days:
        ensure_allocation(uow, employee, policy, year, now)
    entries = uow.ledger.entries(employee.employee_id)
    rows = {
        year: next(r for r in balance_rows([leave_type], entries, mine, year))
        for year in year_days
    }
    validate_balance(leave_type, year_days, rows)
    approver = resolve_approver(employee, uow.employees.get, uow.employees.hr_admins())
    request = uow.requests.add(
        LeaveRequest(
            employee_id=employee.employee_id,
            type_key=leave_type.key,
            start=command.start,
            end=command.end,
            half=command.half,
            days=total,
            year_days=year_days,
            status=RequestStatus.PENDING,
            created_at=now,
            reason=command.reason.strip(),
            document_ref=command.document_ref,
            document_due=leave_type.needs_document(total) and not command.document_ref,
            approver_id=approver.employee_id if approver else None,
            idempotency_key=idempotency_key,
        )
    )
    _record(uow, now, actor.email, "apply", request, source, f"{leave_type.key} {total} day(s)")
    uow.commit()
    available_after = {year: rows[year].available - days for year, days in year_days.items()}
    return AppliedView(request=Presenter(uow, policy).request(request), available_after=available_after)


def decide(uow: UnitOfWork, clock: Clock, actor_email: str, command: Decide, source: str) -> DecidedView:
    """Approve or reject; only the approver or an HR admin, only once."""
    now = clock.now()
    action = "approve" if command.approve else "reject"
    actor = actor_employee(uow, actor_email)
    request = uow.requests.lock(command.request_id)
    if request is None:
        raise refuse(uow, _not_found(command.request_id), _audit(now, actor.email, action, None, source,
                                                                   "refused", "no such request"))
    presenter = Presenter(uow, policy_in_force(uow))
    if request.is_decided:
        raise refuse(uow, _already_decided(presenter, request), _audit(now, actor.email, action, request.id,
                                                                         source, "refused", "already decided"))
    try:
        check_can_decide(actor, request)
    except NotAllowed as error:
        raise refuse(uow, error, _audit(now, actor.email, action, request.id, source, "refused",
                                        error.message)) from None
    decided = replace(
        request,
        status=RequestStatus.APPROVED if command.approve else RequestStatus.REJECTED,
        decided_by=actor.employee_id,
        decided_at=now,
        decision_note=command.reason.strip(),
    )
    if not uow.requests.update(decided, expected=RequestStatus.PENDING):
        raise LeaveError(f"{request.number} changed while you were deciding; look at it again.")
    if command.approve:
        for entry in request_entries(decided, EntryKind.LEAVE_TAKEN, now):
            uow.ledger.add(entry)
    _record(uow, now, actor.email, action, decided, source, command.reason.strip())
    uow.commit()
    return DecidedView(request=presenter.request(decided))


def cancel(uow: UnitOfWork, clock: Clock, actor_email: str, command: CancelRequest, source: str) -> CancelledView:
    """Withdraw a pending request, or an approved one that has not started; days come back."""
    now = clock.now()
    actor = actor_employee(uow, actor_email)
    request = uow.requests.lock(command.request_id)
    if request is None or (request.employee_id != actor.employee_id and not actor.is_hr):
        raise _not_found(command.request_id)
    employee = uow.employees.get(request.employee_id) or actor
    if request.status not in ACTIVE:
        raise CannotCancel(f"{request.number} is already {request.status.value.lower()}; nothing to cancel.")
    today = local_today(clock, employee.time_zone)
    if request.status is RequestStatus.APPROVED and request.start <= today:
        raise CannotCancel(
            f"{request.number} started on {format_day(request.start)}; leave that has begun can't be cancelled "
            "here. Ask HR to shorten it."
        )
    cancelled = replace(request, status=RequestStatus.CANCELLED)
    if not uow.requests.update(cancelled, expected=request.status):
        raise LeaveError(f"{request.number} changed while you were cancelling; look at it again.")
    if request.status is RequestStatus.APPROVED:
        for entry in request_entries(cancelled, EntryKind.REVERSAL, now):
            uow.ledger.add(entry)
    _record(uow, now, actor.email, "cancel", cancelled, source, f"was {request.status.value}")
    uow.commit()
    return CancelledView(request=Presenter(uow, policy_in_force(uow)).request(cancelled), restored=request.days)


def _record(uow: UnitOfWork, now: datetime, actor: str, action: str, request: LeaveRequest, source: str,
            detail: str) -> None:
    """The audit row and the outbox event of one state change, in the caller's transaction."""
    assert request.id is not None
    uow.audit.add(_audit(now, actor, action, request.id, source, "ok", detail))
    uow.outbox.add(
        Event(
            name=f"leave.{request.status.value.lower()}",
            payload={
                "request_id": request.id,
                "number": request.number,
                "employee_id": request.employee_id,
                "approver_id": request.approver_id,
                "decided_by": request.decided_by,
                "status": request.status.value,
                "actor": actor,
            },
        ),
        at=now,
    )


def _audit(now: datetime, actor: str, action: str, request_id: int | None, source: str, outcome: str,
           detail: str) -> AuditEntry:
    return AuditEntry(at=now, actor=actor, action=action, outcome=outcome, request_id=request_id,
                      detail=detail, source=source)


def _not_found(request_id: int) -> RequestNotFound:
    return RequestNotFound(f"There is no request {format_request_number(request_id)} of yours; see /leave list.")


def _already_decided(presenter: Presenter, request: LeaveRequest) -> AlreadyDecided:
    who = presenter.person(request.decided_by)
    at = request.decided_at
    when = f" on {format_day(at.date())} at {at:%H:%M} UTC" if at else ""
    verb = request.status.value.lower()
    by = f" by {who.name}" if who else ""
    return AlreadyDecided(f"{request.number} was already {verb}{by}{when}.")

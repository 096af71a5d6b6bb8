"""The use cases that change a request: apply, decide, cancel (wholly or some days).

Each runs inside one unit of work: the state change, its ledger entries, its audit row and its
outbox event are committed together or not at all.
"""

from __future__ import annotations

import functools
from dataclasses import replace
from datetime import date, datetime, timedelta

from core.commands import ApplyLeave, CancelRequest, Decide
from core.compoff.credits import leave_entries
from core.domain.amount import NO_DAYS, Amount
from core.domain.approvals import check_can_decide, may_see
from core.domain.fields import DOCUMENT, NOTE, REASON, clean
from core.domain.model import (
    AuditEntry,
    Decision,
    Employee,
    EntryKind,
    Event,
    LeaveRequest,
    RequestStatus,
    format_request_number,
)
from core.domain.text import format_day
from core.domain.workdays import each_day, per_year, total_days
from core.errors import AlreadyDecided, BadCommand, CannotCancel, InsufficientBalance, LeaveError, NotAllowed
from core.ports import UnitOfWork
from core.requests.assessment import ACTIVE, Assessment, assess
from core.requests.unpaid import offer_split
from core.shared import audit
from core.shared.context import (
    CommandContext,
    Presenter,
    acting_for,
    approver_for,
    in_zone,
    local_today,
    policy_in_force,
    refuse,
    request_days,
)
from core.views import AppliedView, CancelledView, DecidedView


def apply_leave(ctx: CommandContext, command: ApplyLeave) -> AppliedView:
    """Validate the application step by step, then record it for its approval chain."""
    command = replace(command, reason=clean(command.reason, REASON),
                      document_ref=(clean(command.document_ref, DOCUMENT) or None) if command.document_ref else None)
    uow, actor = ctx.uow, ctx.actor
    # The lock comes first: a platform's retry racing the original waits here, then sees it.
    employee = uow.employees.lock(actor.employee_id) or actor
    idempotency_key = None
    if ctx.idempotency_key:
        # Scoped to the person, so that nobody can see another's request by guessing a key.
        idempotency_key = scoped_key(employee, ctx.idempotency_key)
        earlier = uow.requests.by_idempotency_key(idempotency_key)
        if earlier is not None:
            return AppliedView(request=ctx.presenter().request(earlier), duplicate=True)
    try:
        request, found = file_application(ctx, employee, command, idempotency_key)
    except InsufficientBalance as short:
        # A paid type short of days: the refusal offers the days it covers plus the rest unpaid.
        raise offer_split(ctx, employee, command, short) from None
    view = ctx.presenter().request(request)  # read before the commit, which then ends the transaction
    uow.commit()
    return AppliedView(request=view, balance_after=found.balance_after(taken=not found.levels))


def scoped_key(employee: Employee, key: str) -> str:
    """A door's idempotency key as a request keeps it: the person's own."""
    return f"{employee.employee_id}:{key}"[:255]


def file_application(ctx: CommandContext, employee: Employee, command: ApplyLeave,
                     idempotency_key: str | None) -> tuple[LeaveRequest, Assessment]:
    """Judge one application of ``employee`` (locked by the caller) and record it, uncommitted: the
    request, its ledger entries when approved at once, its audit row and its outbox event.

    Raises:
        LeaveError: the first check it fails; nothing is recorded.
    """
    uow, clock, actor, source = ctx.uow, ctx.clock, ctx.actor, ctx.source
    now = clock.now()
    found = assess(uow, clock, employee, command, stop_early=True, write_entitlement=True)
    approver = approver_for(uow, employee, found.today) if found.levels[:1] == ("manager",) else None
    approved_at_once = not found.levels
    request = uow.requests.add(
        LeaveRequest(
            employee_id=employee.employee_id,
            type_key=found.leave_type.key,
            start=found.start,
            end=found.end,
            half=command.half,
            days=found.total,
            year_days=found.year_days,
            status=RequestStatus.APPROVED if approved_at_once else RequestStatus.PENDING,
            created_at=now,
            reason=command.reason,
            document_ref=command.document_ref,
            document_due=found.leave_type.needs_document(found.total) and not command.document_ref,
            approver_id=approver.employee_id if approver else None,
            decided_at=now if approved_at_once else None,
            idempotency_key=idempotency_key,
            levels=found.levels,
            flags=found.flags,
            time_range=command.time_range,
        )
    )
    if approved_at_once:
        for entry in leave_entries(uow, request, EntryKind.LEAVE_TAKEN, now):
            uow.ledger.add(entry)
    _record(uow, now, actor.email, "apply", request, source, f"{found.leave_type.key} {found.total.text()}")
    return request, found


def decide(ctx: CommandContext, command: Decide) -> DecidedView:
    """Approve or reject the level the request waits at; only its approver (or their delegate) or
    HR, only once. The request is approved when its last level approves; any rejection ends it.

    Permission comes before state: someone with no part in the request is told it isn't theirs,
    in the same words whether it is pending, decided or was never made (:func:`may_see`).
    """
    command = replace(command, reason=clean(command.reason, NOTE if command.approve else REASON))
    uow, actor, source = ctx.uow, ctx.actor, ctx.source
    now = ctx.clock.now()
    action = "approve" if command.approve else "reject"
    request = uow.requests.lock(command.request_id)
    if request is None or request.id is None:
        raise _refuse_stranger(uow, now, actor, audit.NOT_APPROVER, action, command.request_id, None, source)
    request_id = request.id
    deciders = functools.cache(lambda: {d.decided_by for d in uow.decisions.for_request(request_id)})
    delegators = functools.cache(lambda: acting_for(uow, actor, ctx.today))
    if not may_see(actor, request, delegators, deciders):
        raise _refuse_stranger(uow, now, actor, audit.NOT_APPROVER, action, request_id, request_id, source)
    presenter = ctx.presenter()
    if request.is_decided:
        raise refuse(uow, _already_decided(presenter, request), _audit(now, actor.email, action, request.id,
                                                                         source, "refused", "already decided"))
    try:
        check_can_decide(actor, request, delegators, decided_before=lambda: actor.employee_id in deciders())
    except (NotAllowed, AlreadyDecided) as error:
        raise refuse(uow, error, _audit(now, actor.email, action, request.id, source, "refused",
                                        error.message)) from None
    if not command.approve and not command.reason and presenter.policy.reject_reason_required:
        raise BadCommand(f"Say why you reject {request.number}; {_whose(presenter, request)} will read it: "
                         f"/leave reject {request.number} REASON.")
    decided = _after_decision(uow, actor, request, command, now)
    if not uow.requests.update(decided, expected=RequestStatus.PENDING):
        raise LeaveError(f"{request.number} changed while you were deciding; look at it again.")
    if decided.status is RequestStatus.APPROVED:
        for entry in leave_entries(uow, decided, EntryKind.LEAVE_TAKEN, now):
            uow.ledger.add(entry)
    _record(uow, now, actor.email, action, decided, source, command.reason)
    view = presenter.request(decided)  # read before the commit, which then ends the transaction
    uow.commit()
    return DecidedView(request=view)


def _whose(presenter: Presenter, request: LeaveRequest) -> str:
    """The employee a request is for, by first name (the words of a refusal to their approver)."""
    employee = presenter.employee(request.employee_id)
    return employee.first_name if employee is not None and employee.first_name else "the employee"


def _after_decision(uow: UnitOfWork, actor: Employee, request: LeaveRequest, command: Decide,
                    now: datetime) -> LeaveRequest:
    """Record this level's decision (an HR admin's approval also settles the HR levels after it)
    and return the request as it stands afterwards."""
    assert request.id is not None
    level = request.level
    settles = [level]
    if command.approve and actor.is_hr:
        settles += [i for i in range(level + 1, len(request.levels)) if request.levels[i] == "hr"]
    for settled in settles:
        uow.decisions.add(Decision(request_id=request.id, level=settled, role=request.levels[settled],
                                   decided_by=actor.employee_id, approved=command.approve, at=now,
                                   note=command.reason))
    waiting = [i for i in range(level + 1, len(request.levels)) if i not in settles]
    if command.approve and waiting:
        # On to the next level (HR): any HR admin may take it.
        return replace(request, level=waiting[0], approver_id=None)
    return replace(
        request,
        status=RequestStatus.APPROVED if command.approve else RequestStatus.REJECTED,
        level=len(request.levels),
        decided_by=actor.employee_id,
        decided_at=now,
        decision_note=command.reason,
    )


def cancel(ctx: CommandContext, command: CancelRequest) -> CancelledView:
    """Withdraw a request that has not started, or give back some of its days still to come; HR
    may also give back days of approved leave that has begun (from today, or from the day named)."""
    uow, actor, source = ctx.uow, ctx.actor, ctx.source
    now = ctx.clock.now()
    request = uow.requests.lock(command.request_id)
    if request is None or (request.employee_id != actor.employee_id and not actor.is_hr):
        raise _refuse_stranger(uow, now, actor, audit.NOT_OWNER, "cancel", command.request_id,
                               request.id if request else None, source)
    presenter = ctx.presenter()
    employee = presenter.employee(request.employee_id) or actor
    if request.status not in ACTIVE:
        raise CannotCancel(f"{request.number} is already {request.status.value.lower()}; nothing to cancel.")
    today = local_today(ctx.clock, employee.time_zone)
    # HR corrects approved leave that has begun ("came back early"): from today unless told a day.
    correcting = actor.is_hr and request.status is RequestStatus.APPROVED
    start, onward = command.start, command.onward
    if start is None and correcting and request.start <= today:
        start, onward = _back_at_work(request, today), True
    if start is not None:
        end = command.end or start
        if onward:
            start, end = _onward(request, start)
        span = _span_to_give_back(request, start, end, today, past=correcting)
        removed = _working_days(uow, employee, request, span)
        if total_days(removed) < request.days:
            return _cancel_some(uow, now, actor, request, span, removed, source, presenter)
    elif request.status is RequestStatus.APPROVED and request.start <= today:
        hint = (f" Give back the days still to come instead: /leave cancel {request.number} "
                f"{(today + timedelta(days=1)).isoformat()} to {request.end.isoformat()}; if you came back "
                "early, ask HR to correct it."
                if request.end > today else " If you came back early, ask HR to correct it.")
        raise CannotCancel(
            f"{request.number} started on {format_day(request.start)}; leave that has begun can't be cancelled "
            f"as a whole.{hint}"
        )
    cancelled = replace(request, status=RequestStatus.CANCELLED)
    if not uow.requests.update(cancelled, expected=request.status):
        raise LeaveError(f"{request.number} changed while you were cancelling; look at it again.")
    if request.status is RequestStatus.APPROVED:
        for entry in leave_entries(uow, cancelled, EntryKind.REVERSAL, now):
            uow.ledger.add(entry)
    _record(uow, now, actor.email, "cancel", cancelled, source, f"was {request.status.value}")
    view = presenter.request(cancelled)
    uow.commit()
    return CancelledView(request=view, restored=request.days)


def _back_at_work(request: LeaveRequest, today: date) -> date:
    """The first day HR gives back when not told one: today, while the leave lasts."""
    if request.end < today:
        raise CannotCancel(f"{request.number} ended on {format_day(request.end)}; say from which day to give days "
                           f"back: /leave cancel {request.number} from DATE.")
    return today


def _onward(request: LeaveRequest, start: date) -> tuple[date, date]:
    """``from DATE``: the days from ``start`` (or the request's first day, if later) to its last."""
    if start > request.end:
        raise CannotCancel(f"{request.number} ends on {format_day(request.end)}; nothing of it is left from "
                           f"{format_day(start)}.")
    return max(start, request.start), request.end


def _span_to_give_back(request: LeaveRequest, start: date, end: date, today: date, *,
                       past: bool = False) -> frozenset[date]:
    """The calendar days of a partial cancel, checked: inside the request, and all still to come
    unless ``past`` (HR correcting leave that has begun)."""
    if end < start:
        raise CannotCancel(f"{format_day(end)} is before {format_day(start)}; put the earlier date first.")
    if start < request.start or end > request.end:
        raise CannotCancel(
            f"{request.number} runs from {format_day(request.start)} to {format_day(request.end)}; "
            "choose days inside it."
        )
    if start <= today and not past:
        raise CannotCancel(
            f"Only days still to come can be given back; {format_day(start)} is today or past. "
            "For days already taken, ask HR to correct them."
        )
    return frozenset(each_day(start, end))


def _working_days(uow: UnitOfWork, employee: Employee, request: LeaveRequest,
                  span: frozenset[date]) -> dict[int, Amount]:
    """The working days per year of ``span`` that the request still claims; with the sandwich rule,
    also the weekends and holidays that giving them back leaves no longer sandwiched."""
    policy = policy_in_force(uow, request.start)
    leave_type, leave_year = policy.leave_types.get(request.type_key), policy.leave_year(employee.region)
    if leave_type is not None and leave_type.limits.sandwich:
        before = request_days(uow, employee, request, request.start, request.end)
        after = request_days(uow, employee, replace(request, cancelled_dates=request.cancelled_dates | span),
                             request.start, request.end)
        removed = per_year({day: weight for day, weight in before.items() if day not in after}, leave_year)
    else:
        removed = per_year(request_days(uow, employee, request, min(span), max(span)), leave_year)
    if not removed:
        raise CannotCancel(f"No working day of {request.number} is left to give back between those dates.")
    return removed


def _cancel_some(uow: UnitOfWork, now: datetime, actor: Employee, request: LeaveRequest, span: frozenset[date],
                 removed: dict[int, Amount], source: str, presenter: Presenter) -> CancelledView:
    """Give back some days: the request keeps the rest, the ledger gets a reversal for these."""
    year_days = {y: d - removed.get(y, NO_DAYS) for y, d in request.year_days.items()}
    shortened = replace(
        request,
        cancelled_dates=request.cancelled_dates | span,
        year_days={y: d for y, d in year_days.items() if d},
        days=total_days(year_days),
    )
    if not uow.requests.update(shortened, expected=request.status):
        raise LeaveError(f"{request.number} changed while you were cancelling; look at it again.")
    if request.status is RequestStatus.APPROVED:
        for entry in leave_entries(uow, shortened, EntryKind.REVERSAL, now, removed):
            uow.ledger.add(entry)
    given = total_days(removed)
    _record(uow, now, actor.email, "cancel_days", shortened, source, f"{given.text()} given back",
            event="leave.shortened")
    view = presenter.request(shortened)
    uow.commit()
    return CancelledView(request=view, restored=given)


def _record(uow: UnitOfWork, now: datetime, actor: str, action: str, request: LeaveRequest, source: str,
            detail: str, event: str | None = None) -> None:
    """The audit row and the outbox event of one state change, in the caller's transaction."""
    assert request.id is not None
    uow.audit.add(_audit(now, actor, action, request.id, source, "ok", detail))
    uow.outbox.add(
        Event(
            name=event or f"leave.{request.status.value.lower()}",
            payload={
                "request_id": request.id,
                "number": request.number,
                "employee_id": request.employee_id,
                "approver_id": request.approver_id,
                "decided_by": request.decided_by,
                "status": request.status.value,
                "level": request.current_level,
                "actor": actor,
            },
        ),
        at=now,
    )


def _audit(now: datetime, actor: str, action: str, request_id: int | None, source: str, outcome: str,
           detail: str) -> AuditEntry:
    return AuditEntry(at=now, actor=actor, action=action, outcome=outcome, request_id=request_id,
                      detail=detail, source=source)


def _refuse_stranger(uow: UnitOfWork, now: datetime, actor: Employee, refusal: str, action: str, number: int,
                     request_id: int | None, source: str) -> NotAllowed:
    """Refuse, and record, an attempt on a request that isn't the actor's, or that does not exist.

    Both read alike to the actor, so that nobody learns by trying that an id exists; the log keeps
    the difference (``request_id`` is None for an id that was never used).
    """
    verb = "cancel" if action == "cancel" else "decide"
    listed = "/leave list shows your requests" if verb == "cancel" else "/leave pending lists those waiting for you"
    error = NotAllowed(f"{format_request_number(number)} isn't yours to {verb}; {listed}.", refusal)
    refuse(uow, error, _audit(now, actor.email, refusal, request_id, source, "refused",
                              f"{action} {format_request_number(number)}"))
    return error


def _already_decided(presenter: Presenter, request: LeaveRequest) -> AlreadyDecided:
    who = presenter.person(request.decided_by)
    at = request.decided_at
    if at is not None and presenter.reader is not None:
        at = in_zone(at, presenter.reader.time_zone)
    when = f" on {format_day(at.date())} at {at:%H:%M} {at.tzname() or 'UTC'}" if at else ""
    verb = request.status.value.lower()
    by = f" by {who.name}" if who else (" automatically" if request.status is RequestStatus.APPROVED else "")
    return AlreadyDecided(f"{request.number} was already {verb}{by}{when}.")

"""The use cases of a comp-off claim: make one, and decide it as leave is decided.

A claim names a day the person worked although it was off for them (a weekend day or a holiday
of their region and location). It waits for the approval chain of the comp-off type (the manager,
then HR when the type says ``manager_then_hr``; ``none`` approves it at once), is decided by the
same ``approve ID`` / ``reject ID`` words as leave, and once approved credits the type's balance
(:func:`core.compoff.credits.credit_entry`).
"""

from __future__ import annotations

import functools
from dataclasses import replace
from datetime import date, datetime, timedelta

from core.commands import ClaimCompOff, DecideClaim
from core.compoff.credits import credit_entry
from core.domain.approvals import check_can_decide, may_see
from core.domain.compoff import CompOffClaim, format_claim_number
from core.domain.dates import clip
from core.domain.fields import NOTE, REASON, clean
from core.domain.model import AuditEntry, Employee, Event, RequestStatus
from core.domain.text import format_day
from core.domain.workdays import holiday_dates
from core.errors import AlreadyDecided, BadCommand, LeaveError, NotAllowed
from core.policy.rules import LeaveType, Policy
from core.ports import UnitOfWork
from core.shared import audit
from core.shared.context import CommandContext, Presenter, acting_for, approver_for, policy_in_force, refuse
from core.views import CompOffClaimView

#: The chain each ``approval`` of the comp-off type gives a claim, as for leave.
CLAIM_LEVELS = {"none": (), "manager": ("manager",), "manager_then_hr": ("manager", "hr")}
#: A claim that still stands: one per day worked.
STANDING = (RequestStatus.PENDING, RequestStatus.APPROVED)


class ClaimRefused(LeaveError):
    """A comp-off claim that cannot be made; the message says what to do instead."""


def comp_off_type(policy: Policy, employee: Employee) -> LeaveType:
    """The leave type of the person's region that comp-off claims earn."""
    found = next((t for t in policy.types_for(employee.region) if t.comp_off is not None), None)
    if found is None:
        raise ClaimRefused("Your leave policy has no comp-off type, so there is nothing to claim; ask HR.")
    return found


def check_reason(reason: str) -> None:
    if not reason:
        raise ClaimRefused("Say what you worked on: /leave compoff claim DATE [half-day] REASON.")


def check_day_worked(day: date, today: date, within_days: int) -> None:
    """The day is past (or today) and no older than the policy's ``claim_within_days``."""
    if day > today:
        raise ClaimRefused(f"{format_day(day)} is still to come; claim it once you have worked it.")
    if (today - day).days > within_days:
        raise ClaimRefused(f"{format_day(day)} is more than {within_days} days ago; comp-off must be claimed "
                           f"within {within_days} days of the day worked. Ask HR if it should still count.")


def check_day_off(day: date, weekend: frozenset[int], holidays: set[date]) -> None:
    """The day is a weekend day or a holiday of the person: a working day earns nothing."""
    if day.weekday() not in weekend and day not in holidays:
        raise ClaimRefused(f"{format_day(day)} is a working day for you; comp-off is earned only by working "
                           "on a weekend day or a holiday.")


def check_not_claimed(day: date, claims: list[CompOffClaim]) -> None:
    earlier = next((c for c in claims if c.day == day and c.status in STANDING), None)
    if earlier is not None:
        raise ClaimRefused(f"You already claimed {format_day(day)} as {earlier.number} "
                           f"({earlier.status.value.lower()}); a day is claimed once.")


def claim(ctx: CommandContext, command: ClaimCompOff) -> CompOffClaimView:
    """Check the claim step by step, then record it for its approval chain (credited at once when
    the type needs no approval)."""
    uow, now = ctx.uow, ctx.clock.now()
    reason = clean(command.reason, REASON)
    employee = uow.employees.lock(ctx.actor.employee_id) or ctx.actor  # one claim of a day at a time
    policy = policy_in_force(uow, ctx.today)  # the terms in force when claimed: the day may predate them
    leave_type = comp_off_type(policy, employee)
    terms = leave_type.comp_off
    assert terms is not None
    region = policy.regions[employee.region]
    check_reason(reason)
    check_day_worked(command.day, ctx.today, terms.claim_within_days)
    off = holiday_dates(uow.holidays.between(region.key, command.day, command.day), region.key, employee.location,
                        region.subdivision_of(employee.location))
    check_day_off(command.day, region.weekend, off)
    check_not_claimed(command.day, uow.compoff.for_employee(employee.employee_id, command.day, command.day))
    levels = CLAIM_LEVELS[leave_type.approval]
    approver = approver_for(uow, employee, ctx.today) if levels[:1] == ("manager",) else None
    made = uow.compoff.add(CompOffClaim(
        employee_id=employee.employee_id, day=command.day, half=command.half, reason=reason,
        status=RequestStatus.PENDING if levels else RequestStatus.APPROVED, created_at=now,
        approver_id=approver.employee_id if approver else None, levels=levels,
        decided_at=None if levels else now,
    ))
    if not levels:
        uow.ledger.add(credit_entry(made, terms, leave_type.key, region.leave_year.of(made.day), now))
    _record(uow, now, ctx.actor.email, "compoff_claim", made, ctx.source, f"{command.day.isoformat()} "
                                                                            f"{made.days.text()}")
    view = claim_view(ctx.presenter(), made, terms.expires_after_days)
    uow.commit()
    return view


def decide_claim(ctx: CommandContext, command: DecideClaim) -> CompOffClaimView:
    """Approve or reject the level a claim waits at, with the rules of a leave decision
    (:func:`core.domain.approvals.check_can_decide`); the last approval credits the balance."""
    uow, actor, now = ctx.uow, ctx.actor, ctx.clock.now()
    note = clean(command.reason, NOTE if command.approve else REASON)
    action = "compoff_approve" if command.approve else "compoff_reject"
    found = uow.compoff.lock(command.claim_id)
    delegators = functools.cache(lambda: acting_for(uow, actor, ctx.today))
    if found is None or not may_see(actor, found, delegators):
        number = format_claim_number(command.claim_id)
        error = NotAllowed(f"{number} isn't yours to decide; only the claimant's approver or HR may decide a "
                           "comp-off claim.", audit.NOT_APPROVER)
        raise refuse(uow, error, _audit(now, actor.email, audit.NOT_APPROVER, ctx.source, "refused",
                                        f"{action} {number}"))
    if found.is_decided:
        raise refuse(uow, AlreadyDecided(f"{found.number} was already {found.status.value.lower()}."),
                     _audit(now, actor.email, action, ctx.source, "refused", f"{found.number} already decided"))
    try:
        check_can_decide(actor, found, delegators)
    except (NotAllowed, AlreadyDecided) as error:
        raise refuse(uow, error, _audit(now, actor.email, action, ctx.source, "refused",
                                        f"{found.number}: {error.message}")) from None
    presenter = ctx.presenter()
    if not command.approve and not note and presenter.policy.reject_reason_required:
        raise BadCommand(f"Say why you reject {found.number}: /leave reject {found.number} REASON.")
    policy = policy_in_force(uow, found.created_at.date())
    employee = presenter.employee(found.employee_id) or actor
    leave_type = comp_off_type(policy, employee)
    assert leave_type.comp_off is not None
    decided = _after_decision(found, actor, command.approve, note, now)
    if not uow.compoff.update(decided, expected=RequestStatus.PENDING):
        raise LeaveError(f"{found.number} changed while you were deciding; look at it again.")
    if decided.status is RequestStatus.APPROVED:
        year = policy.regions[employee.region].leave_year.of(decided.day)
        uow.ledger.add(credit_entry(decided, leave_type.comp_off, leave_type.key, year, now))
    _record(uow, now, actor.email, action, decided, ctx.source, clip(note, 150))
    view = claim_view(presenter, decided, leave_type.comp_off.expires_after_days)
    uow.commit()
    return view


def claims_waiting_for(presenter: Presenter, approver: Employee) -> tuple[CompOffClaimView, ...]:
    """The pending claims ``approver`` is asked to decide: their own level's, and for HR those at an
    HR level or with no approver."""
    uow = presenter.uow
    waiting = uow.compoff.pending_for(approver.employee_id)
    if approver.is_hr:
        waiting += [c for c in uow.compoff.pending_for(None) if c.employee_id != approver.employee_id]
    return _views(presenter, waiting)


def claims_of(presenter: Presenter, employee: Employee) -> tuple[CompOffClaimView, ...]:
    """``employee``'s own claims, the latest day worked first, each with its status."""
    return _views(presenter, presenter.uow.compoff.for_employee(employee.employee_id)[::-1])


def _views(presenter: Presenter, claims: list[CompOffClaim]) -> tuple[CompOffClaimView, ...]:
    """The views of ``claims`` whose claimant is still known, in the order given."""
    views = []
    for found in claims:
        employee = presenter.employee(found.employee_id)
        if employee is not None:
            terms = comp_off_type(presenter.policy, employee).comp_off
            assert terms is not None
            views.append(claim_view(presenter, found, terms.expires_after_days))
    return tuple(views)


def _after_decision(found: CompOffClaim, actor: Employee, approve: bool, note: str, at: datetime) -> CompOffClaim:
    """The claim after this level's decision: on to HR, or settled (an HR admin settles every level).

    The manager stays named on a claim gone on to HR, so that they may still see it.
    """
    if approve and not actor.is_hr and found.level + 1 < len(found.levels):
        return replace(found, level=found.level + 1)
    return replace(found, status=RequestStatus.APPROVED if approve else RequestStatus.REJECTED,
                   level=len(found.levels), decided_by=actor.employee_id, decided_at=at, decision_note=note)


def claim_view(presenter: Presenter, found: CompOffClaim, expires_after_days: int) -> CompOffClaimView:
    employee = presenter.person(found.employee_id)
    assert employee is not None
    pending = found.status is RequestStatus.PENDING
    return CompOffClaimView(
        number=found.number, person=employee, day=found.day, half=found.half, days=found.days,
        reason=found.reason, status=found.status,
        waiting_for=presenter.person(found.approver_id) if pending and found.current_level == "manager" else None,
        # Nobody named at the manager level (none to ask, or moved up past the last manager): HR.
        waiting_hr=pending and (found.current_level == "hr" or found.approver_id is None),
        decided_by=presenter.person(found.decided_by),
        note=found.decision_note,
        credit_until=(found.day + timedelta(days=expires_after_days)
                      if found.status is RequestStatus.APPROVED else None),
    )


def _record(uow: UnitOfWork, now: datetime, actor: str, action: str, found: CompOffClaim, source: str,
            detail: str) -> None:
    """The audit row and the outbox event of one change to a claim, in the caller's transaction."""
    assert found.id is not None
    uow.audit.add(_audit(now, actor, action, source, "ok", f"{found.number} {detail}".strip()))
    uow.outbox.add(Event(name=f"compoff.{found.status.value.lower()}", payload={
        "claim_id": found.id, "number": found.number, "employee_id": found.employee_id,
        "approver_id": found.approver_id, "level": found.current_level, "actor": actor,
    }), at=now)


def _audit(now: datetime, actor: str, action: str, source: str, outcome: str, detail: str) -> AuditEntry:
    return AuditEntry(at=now, actor=actor, action=action, outcome=outcome, detail=detail, source=source)

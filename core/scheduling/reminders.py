"""Approval reminders and escalation: the morning nudge to each approver, and the hand-over of
requests that waited too long.

A reminder run covers the approvers of one time zone on one local date (the scheduler runs it at
09:30 there); an approver whose region has the day off is left alone. A request still waiting
after N working days (``escalate_after_working_days`` in the policy file, top level or per leave
type) moves one step up: to the approver's own manager, or to HR when there is none, and the
employee is told through the usual ``leave.reassigned`` event. Each step is recorded as a job
run (``escalation``, ``LV-1042#1``), so it happens once whoever runs it. A request escalated
that day is left out of the day's reminders: its new holder has just had a card saying why it
came to them (:mod:`core.shared.escalations`), and one message about it is enough.

Comp-off claims wait on the same chain and are treated alike: listed beside the requests, moved up
after the comp-off type's N working days (job run ``CO-1001#1``; the new holder gets the claim's
card through a fresh ``compoff.pending`` event), and left out of the day's reminder when moved.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime, time
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from core.compoff.claims import comp_off_type
from core.domain.compoff import CompOffClaim
from core.domain.model import AuditEntry, Employee, Event, LeaveRequest, RequestStatus
from core.domain.text import counted
from core.domain.workdays import holiday_dates, working_dates
from core.errors import LeaveError
from core.policy.rules import Policy
from core.ports import AuditQuery, UnitOfWork
from core.shared.context import latest_policy
from core.shared.escalations import Escalated, escalated_since, escalation_entry, last_step

ESCALATION_JOB = "escalation"
MAX_STEPS = 5
#: The audit action of a claim moved up; its detail starts with the claim's number.
CLAIM_ESCALATED = "compoff.escalated"
#: What waits for an approver's decision.
Waiting = TypeVar("Waiting", LeaveRequest, CompOffClaim)


def escalation_days(uow: UnitOfWork, type_key: str) -> int | None:
    """N from the policy document (the leave type's value wins over the top-level one); None: never."""
    document = uow.policies.current_document() or {}
    for source in ((document.get("leave_types") or {}).get(type_key) or {}, document):
        value = source.get("escalate_after_working_days") if isinstance(source, dict) else None
        if isinstance(value, int) and not isinstance(value, bool) and value > 0:
            return value
    return None


def is_working_day(uow: UnitOfWork, policy: Policy, person: Employee, day: date) -> bool:
    """Neither weekend nor holiday where ``person`` works: nobody is nudged on their day off."""
    region = policy.regions.get(person.region)
    weekend = region.weekend if region else frozenset({5, 6})
    off = holiday_dates(uow.holidays.between(person.region, day, day), person.region, person.location,
                        region.subdivision_of(person.location) if region else None)
    return bool(working_dates(day, day, weekend, off))


def _working_days_between(uow: UnitOfWork, policy: Policy, person: Employee, start: date, end: date) -> int:
    """Working days after ``start`` up to and including ``end``, by ``person``'s calendar."""
    if end <= start:
        return 0
    region = policy.regions.get(person.region)
    weekend = region.weekend if region else frozenset({5, 6})
    off = holiday_dates(uow.holidays.between(person.region, start, end), person.region, person.location,
                        region.subdivision_of(person.location) if region else None)
    return len([d for d in working_dates(start, end, weekend, off) if d > start])


def reminders(uow: UnitOfWork, now: datetime, zone: str, day: date) -> tuple[list[tuple[str, dict[str, Any]]], str]:
    """Escalate what waited too long, then one reminder per approver of ``zone`` with requests or
    comp-off claims waiting.

    Returns ``(approver employee id, payload)`` pairs and a one-line summary.
    """
    policy = latest_policy(uow)
    people = {e.employee_id: e for e in uow.employees.all()}
    approvers = {i: e for i, e in people.items() if e.time_zone == zone and e.is_active}
    pending = uow.requests.search(statuses=[RequestStatus.PENDING])
    moved = [r.number for r in pending if r.approver_id in approvers and escalate(uow, now, policy, people, r)]
    if moved:
        pending = uow.requests.search(statuses=[RequestStatus.PENDING])
    # A request escalated today reached its holder with a card that says why: no reminder repeats it.
    carded = escalated_since(uow, datetime.combine(day, time(0), ZoneInfo(zone)))
    pending = [r for r in pending if r.id not in carded]
    claims = uow.compoff.pending()
    moved_claims = [c.number for c in claims if _claim_holder(c) in approvers
                    and escalate_claim(uow, now, policy, people, c)]
    if moved_claims:
        claims = uow.compoff.pending()
    carded_claims = claims_escalated_since(uow, datetime.combine(day, time(0), ZoneInfo(zone)))
    claims = [c for c in claims if c.number not in carded_claims]
    hr = [i for i, e in approvers.items() if e.is_hr]
    waiting = _by_holder(pending, lambda r: r.approver_id, approvers, hr)
    waiting_claims = _by_holder(claims, _claim_holder, approvers, hr)
    out = []
    for approver_id in sorted(waiting.keys() | waiting_claims.keys()):
        approver = approvers[approver_id]
        if not is_working_day(uow, policy, approver, day):
            continue
        out.append((approver_id, _payload(policy, people, approver, waiting.get(approver_id, []), now,
                                          waiting_claims.get(approver_id, []))))
    moved += moved_claims
    summary = f"{counted(len(out), 'reminder')} in {zone}" + (f"; escalated {', '.join(moved)}" if moved else "")
    return out, summary


def _by_holder(items: list[Waiting], holder_of: Callable[[Waiting], str | None], approvers: dict[str, Employee],
               hr: list[str]) -> dict[str, list[Waiting]]:
    """Each approver of the zone and what waits for them: the named holder, else every HR admin;
    nobody is reminded of their own."""
    waiting: dict[str, list[Waiting]] = {}
    for item in items:
        holder = holder_of(item)
        for who in [holder] if holder else hr:
            if who in approvers and who != item.employee_id:
                waiting.setdefault(who, []).append(item)
    return waiting


def _payload(policy: Policy, people: dict[str, Employee], approver: Employee, requests: list[LeaveRequest],
             now: datetime, claims: list[CompOffClaim]) -> dict[str, Any]:
    rows = []
    for r in sorted(requests, key=lambda r: (r.created_at, r.id or 0)):
        leave_type = policy.leave_types.get(r.type_key)
        rows.append({"id": r.id, "number": r.number, "name": _name(people, r.employee_id),
                     # Unpaid leave says so plainly, as the approver's card does.
                     "type": (leave_type.name + ("" if leave_type.paid else " (unpaid)")) if leave_type else r.type_key,
                     "start": r.start.isoformat(),
                     "end": r.end.isoformat(), "days": r.days.figure, "half": r.half.value if r.half else "",
                     "waiting_days": max(0, (now - r.created_at).days)})
    # The day worked goes as a one-day span, so that the doors word it as they word a request's dates.
    claim_rows = [{"id": c.id, "number": c.number, "name": _name(people, c.employee_id), "start": c.day.isoformat(),
                   "end": c.day.isoformat(), "half": c.half.value if c.half else "", "days": c.days.figure,
                   "reason": c.reason, "waiting_days": max(0, (now - c.created_at).days)}
                  for c in sorted(claims, key=lambda c: (c.created_at, c.id or 0))]
    return {"kind": "approval_reminder", "approver": {"employee_id": approver.employee_id, "name": approver.name,
                                                      "email": approver.email}, "requests": rows,
            "claims": claim_rows, "reject_reason_required": policy.reject_reason_required}


def _name(people: dict[str, Employee], employee_id: str) -> str:
    employee = people.get(employee_id)
    return employee.name if employee else employee_id


def escalate(uow: UnitOfWork, now: datetime, policy: Policy, people: dict[str, Employee],
             request: LeaveRequest) -> bool:
    """Move ``request`` one step up if it waited N working days per step taken; True when moved."""
    limit = escalation_days(uow, request.type_key)
    holder = people.get(request.approver_id or "")
    if limit is None or holder is None or request.id is None:
        return False
    due = _step_due(uow, now, policy, holder, request.number, request.created_at, limit)
    if due is None:
        return False
    step, done, waited = due
    zone = ZoneInfo(holder.time_zone)
    previous = last_step(uow, request.id) if done else None
    held = _working_days_between(uow, policy, holder, previous.at.astimezone(zone).date(),
                                 now.astimezone(zone).date()) if previous else waited
    new_id = _next_holder(people, holder, request.employee_id)
    locked = uow.requests.lock(request.id)
    if locked is None or locked.status is not RequestStatus.PENDING or locked.approver_id != request.approver_id:
        return False
    if not uow.jobs.start(ESCALATION_JOB, step, now):
        return False
    uow.requests.update(replace(locked, approver_id=new_id), expected=RequestStatus.PENDING)
    uow.jobs.finish(ESCALATION_JOB, step, now, "ok", f"{request.approver_id} -> {new_id or 'HR'}")
    uow.outbox.add(Event("leave.reassigned", {"request_id": request.id, "number": request.number,
                                              "from": request.approver_id, "to": new_id}), at=now)
    uow.audit.add(escalation_entry(Escalated(request.id, now, holder.employee_id, new_id, held), waited))
    return True


def _step_due(uow: UnitOfWork, now: datetime, policy: Policy, holder: Employee, number: str, filed: datetime,
              limit: int) -> tuple[str, int, int] | None:
    """The next step of ``number`` (``LV-1042#2``), the steps taken and the working days waited, when
    it waited ``limit`` working days per step taken since ``filed``; None when nothing is due."""
    steps = [f"{number}#{n}" for n in range(1, MAX_STEPS + 1)]
    done = len(uow.jobs.taken(ESCALATION_JOB, steps))
    if done >= MAX_STEPS:
        return None
    zone = ZoneInfo(holder.time_zone)
    waited = _working_days_between(uow, policy, holder, filed.astimezone(zone).date(), now.astimezone(zone).date())
    return (steps[done], done, waited) if waited >= limit * (done + 1) else None


def _next_holder(people: dict[str, Employee], holder: Employee, employee_id: str) -> str | None:
    """The holder's own manager, when active and not the employee; None: HR."""
    manager = people.get(holder.manager_id or "")
    return manager.employee_id if manager and manager.is_active and manager.employee_id != employee_id else None


def _claim_holder(claim: CompOffClaim) -> str | None:
    """Who a claim waits for by name; None: HR (at an HR level, or nobody named)."""
    return claim.approver_id if claim.current_level == "manager" else None


def escalate_claim(uow: UnitOfWork, now: datetime, policy: Policy, people: dict[str, Employee],
                   claim: CompOffClaim) -> bool:
    """Move a comp-off claim one step up as :func:`escalate` moves a request (N from the comp-off
    type); the new holder is asked by a fresh ``compoff.pending`` event, so gets the claim's card."""
    employee = people.get(claim.employee_id)
    holder = people.get(_claim_holder(claim) or "")
    if employee is None or holder is None or claim.id is None:
        return False
    try:
        limit = escalation_days(uow, comp_off_type(policy, employee).key)
    except LeaveError:  # the policy no longer has a comp-off type: nothing says when to move it
        return False
    due = None if limit is None else _step_due(uow, now, policy, holder, claim.number, claim.created_at, limit)
    if due is None:
        return False
    step, _, waited = due
    new_id = _next_holder(people, holder, claim.employee_id)
    locked = uow.compoff.lock(claim.id)
    if locked is None or locked.status is not RequestStatus.PENDING or _claim_holder(locked) != holder.employee_id:
        return False
    if not uow.jobs.start(ESCALATION_JOB, step, now):
        return False
    moved = replace(locked, approver_id=new_id)
    uow.compoff.update(moved, expected=RequestStatus.PENDING)
    uow.jobs.finish(ESCALATION_JOB, step, now, "ok", f"{holder.employee_id} -> {new_id or 'HR'}")
    uow.outbox.add(Event("compoff.pending", {"claim_id": claim.id, "number": claim.number,
                                             "employee_id": claim.employee_id, "approver_id": new_id,
                                             "level": moved.current_level, "actor": "system"}), at=now)
    uow.audit.add(AuditEntry(at=now, actor="system", action=CLAIM_ESCALATED, source="scheduler",
                             detail=f"{claim.number} no answer in {counted(waited, 'working day')}: "
                                    f"{holder.employee_id} -> {new_id or 'HR'}"))
    return True


def claims_escalated_since(uow: UnitOfWork, since: datetime) -> set[str]:
    """The numbers of the claims moved up at or after ``since``."""
    return {e.detail.split(" ", 1)[0] for e in uow.audit.search(AuditQuery(action=CLAIM_ESCALATED, since=since))}

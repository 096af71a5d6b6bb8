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
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from core.domain.model import Employee, Event, LeaveRequest, RequestStatus
from core.domain.text import counted
from core.domain.workdays import holiday_dates, working_dates
from core.policy.rules import Policy
from core.ports import UnitOfWork
from core.shared.context import latest_policy
from core.shared.escalations import Escalated, escalated_since, escalation_entry, last_step

ESCALATION_JOB = "escalation"
MAX_STEPS = 5


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
    off = holiday_dates(uow.holidays.between(person.region, day, day), person.region, person.location)
    return bool(working_dates(day, day, weekend, off))


def _working_days_between(uow: UnitOfWork, policy: Policy, person: Employee, start: date, end: date) -> int:
    """Working days after ``start`` up to and including ``end``, by ``person``'s calendar."""
    if end <= start:
        return 0
    region = policy.regions.get(person.region)
    weekend = region.weekend if region else frozenset({5, 6})
    off = holiday_dates(uow.holidays.between(person.region, start, end), person.region, person.location)
    return len([d for d in working_dates(start, end, weekend, off) if d > start])


def reminders(uow: UnitOfWork, now: datetime, zone: str, day: date) -> tuple[list[tuple[str, dict[str, Any]]], str]:
    """Escalate what waited too long, then one reminder per approver of ``zone`` with requests waiting.

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
    waiting: dict[str, list[LeaveRequest]] = {}
    hr = [i for i, e in approvers.items() if e.is_hr]
    for request in pending:
        holders = [request.approver_id] if request.approver_id else hr
        for holder in holders:
            if holder in approvers and holder != request.employee_id:
                waiting.setdefault(holder, []).append(request)
    out = []
    for approver_id, requests in sorted(waiting.items()):
        approver = approvers[approver_id]
        if not is_working_day(uow, policy, approver, day):
            continue
        out.append((approver_id, _payload(policy, people, approver, requests, now)))
    summary = f"{counted(len(out), 'reminder')} in {zone}" + (f"; escalated {', '.join(moved)}" if moved else "")
    return out, summary


def _payload(policy: Policy, people: dict[str, Employee], approver: Employee, requests: list[LeaveRequest],
             now: datetime) -> dict[str, Any]:
    rows = []
    for r in sorted(requests, key=lambda r: (r.created_at, r.id or 0)):
        employee = people.get(r.employee_id)
        leave_type = policy.leave_types.get(r.type_key)
        rows.append({"id": r.id, "number": r.number, "name": employee.name if employee else r.employee_id,
                     "type": leave_type.name if leave_type else r.type_key, "start": r.start.isoformat(),
                     "end": r.end.isoformat(), "days": r.days.figure, "half": r.half.value if r.half else "",
                     "waiting_days": max(0, (now - r.created_at).days)})
    return {"kind": "approval_reminder", "approver": {"employee_id": approver.employee_id, "name": approver.name,
                                                      "email": approver.email}, "requests": rows,
            "reject_reason_required": policy.reject_reason_required}


def escalate(uow: UnitOfWork, now: datetime, policy: Policy, people: dict[str, Employee],
             request: LeaveRequest) -> bool:
    """Move ``request`` one step up if it waited N working days per step taken; True when moved."""
    limit = escalation_days(uow, request.type_key)
    holder = people.get(request.approver_id or "")
    if limit is None or holder is None or request.id is None:
        return False
    steps = [f"{request.number}#{n}" for n in range(1, MAX_STEPS + 1)]
    done = len(uow.jobs.taken(ESCALATION_JOB, steps))
    if done >= MAX_STEPS:
        return False
    zone = ZoneInfo(holder.time_zone)
    today = now.astimezone(zone).date()
    waited = _working_days_between(uow, policy, holder, request.created_at.astimezone(zone).date(), today)
    if waited < limit * (done + 1):
        return False
    previous = last_step(uow, request.id) if done else None
    held = _working_days_between(uow, policy, holder, previous.at.astimezone(zone).date(), today) \
        if previous else waited
    manager = people.get(holder.manager_id or "")
    new_id = manager.employee_id if manager and manager.is_active and manager.employee_id != request.employee_id \
        else None
    locked = uow.requests.lock(request.id)
    if locked is None or locked.status is not RequestStatus.PENDING or locked.approver_id != request.approver_id:
        return False
    if not uow.jobs.start(ESCALATION_JOB, steps[done], now):
        return False
    uow.requests.update(replace(locked, approver_id=new_id), expected=RequestStatus.PENDING)
    uow.jobs.finish(ESCALATION_JOB, steps[done], now, "ok", f"{request.approver_id} -> {new_id or 'HR'}")
    uow.outbox.add(Event("leave.reassigned", {"request_id": request.id, "number": request.number,
                                              "from": request.approver_id, "to": new_id}), at=now)
    uow.audit.add(escalation_entry(Escalated(request.id, now, holder.employee_id, new_id, held), waited))
    return True

"""The periodic use cases: accrual, year end, and moving requests whose approver is away.

Each is a plain function of a date (``as_of``), safe to run any number of times: what it writes
is keyed by period in the ledger, so a second run, or a run after days of downtime, writes each
missing entry exactly once. Each person is one transaction, so one bad record cannot undo the
others' work.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import partial

from core.balances.entitlement import (
    carried_left,
    carry_expiry,
    carry_expiry_date,
    carry_expiry_source,
    encashment_source,
    leave_year_of,
    year_end,
    year_end_source,
    year_of_day,
)
from core.balances.ledger import balance_rows
from core.compoff.credits import lapse_credits
from core.compoff.year_end import close_credits, outside_credits
from core.domain.model import AuditEntry, Employee, EntryKind, Event, LedgerEntry, RequestStatus
from core.domain.text import counted
from core.ports import Clock, Conflict, UnitOfWork, UnitOfWorkFactory
from core.scheduling.reminders import ESCALATION_JOB
from core.shared.context import (
    approver_for,
    days_taken_between,
    ensure_entitlement,
    policy_in_force,
    policy_on,
)
from core.shared.transactions import in_unit_of_work


@dataclass
class JobResult:
    name: str
    as_of: date
    written: int = 0
    people: int = 0
    details: list[str] = field(default_factory=list)

    @property
    def summary(self) -> str:
        return (f"{self.name} as of {self.as_of.isoformat()}: {counted(self.written, 'change')} for "
                f"{counted(self.people, 'person', 'people')}")


def run_job(uow_factory: UnitOfWorkFactory, clock: Clock, name: str, as_of: date) -> JobResult:
    result = JobResult(name, as_of)
    with uow_factory() as uow:
        ids = [e.employee_id for e in uow.employees.all()]
    for employee_id in ids:
        try:
            in_unit_of_work(uow_factory, partial(_run_for, clock=clock, employee_id=employee_id, result=result))
        except Conflict:
            result.details.append(f"{employee_id}: busy, left for the next run")
    return result


def _run_for(uow: UnitOfWork, *, clock: Clock, employee_id: str, result: JobResult) -> None:
    """The job for one person, audited when it changed anything."""
    jobs = {"accrual": accrual, "year-end": year_end_job, "reassign": reassign}
    changed = jobs[result.name](uow, clock, employee_id, result.as_of, result)
    if changed:
        uow.audit.add(AuditEntry(at=clock.now(), actor="system", action=f"job.{result.name}",
                                 source="scheduler", detail=f"{employee_id} as of {result.as_of}: {changed}"))
        uow.commit()
        result.written += changed
        result.people += 1


def _years(uow: UnitOfWork, employee: Employee, as_of: date) -> range:
    """The leave years to catch up on: from the ledger's first year (a new ledger starts at
    ``as_of``'s; opening balances of earlier years are not invented), but not before the person joined."""
    known = uow.ledger.years()
    on = policy_on(uow)
    current = year_of_day(on, employee.region, as_of)
    first = max(year_of_day(on, employee.region, employee.joining_date), known[0] if known else current)
    return range(min(first, current), current + 1)


def accrual(uow: UnitOfWork, clock: Clock, employee_id: str, as_of: date, result: JobResult) -> int:
    """Grants and monthly accruals due by ``as_of``, and carried days and comp-off credits whose time ran out."""
    employee = uow.employees.lock(employee_id)
    if employee is None:
        return 0
    written = 0
    for year in _years(uow, employee, as_of):
        last = leave_year_of(policy_on(uow), employee.region, year).last(year)
        written += ensure_entitlement(uow, employee, year, min(as_of, last), clock.now())
        written += _expire_carried(uow, clock, employee, year, as_of)
    return written + lapse_credits(uow, employee, as_of, clock.now())


def _expire_carried(uow: UnitOfWork, clock: Clock, employee: Employee, year: int, as_of: date) -> int:
    leave_year = leave_year_of(policy_on(uow), employee.region, year)
    policy = policy_in_force(uow, leave_year.first(year))
    entries = uow.ledger.entries(employee.employee_id, year)
    written = 0
    for leave_type in policy.types_for(employee.region):
        expires = carry_expiry_date(leave_type, year, leave_year)
        if expires is None or as_of <= expires:
            continue
        if any(e.type_key == leave_type.key and e.source == carry_expiry_source(year) for e in entries):
            continue
        used = days_taken_between(uow, employee, leave_type.key, leave_year.first(year), expires)
        left = carried_left(entries, leave_type.key, year, used)
        if left:
            uow.ledger.add(carry_expiry(employee, leave_type.key, year, left, expires, clock.now()))
            written += 1
    return written


def year_end_job(uow: UnitOfWork, clock: Clock, employee_id: str, as_of: date, result: JobResult) -> int:
    """Close every year before ``as_of``'s that is not closed yet for this person."""
    employee = uow.employees.lock(employee_id)
    if employee is None:
        return 0
    written = 0
    current = year_of_day(policy_on(uow), employee.region, as_of)
    for year in _years(uow, employee, as_of):
        if year >= current:
            break
        ensure_entitlement(uow, employee, year, leave_year_of(policy_on(uow), employee.region, year).last(year),
                           clock.now())
        written += _close(uow, clock, employee, year)
    return written


def _close(uow: UnitOfWork, clock: Clock, employee: Employee, year: int) -> int:
    policy = policy_in_force(uow, date(year, 12, 31))
    leave_year = policy.leave_year(employee.region)
    entries = uow.ledger.entries(employee.employee_id, year)
    closed = {e.type_key for e in entries if e.source in (year_end_source(year), encashment_source(year))
              and e.kind in (EntryKind.CARRIED_OUT, EntryKind.EXPIRY, EntryKind.ENCASHMENT)}
    pending = uow.requests.search(employee_ids=[employee.employee_id], statuses=[RequestStatus.PENDING])
    types = [t for t in policy.types_for(employee.region) if t.key not in closed]
    unused = {row.type_key: row.available for row in balance_rows(types, entries, pending, year)}
    # A type earned by claims: each credit keeps its window (every run: a credit approved late still
    # moves); only days held in no credit are left to the generic rules.
    made: list[LedgerEntry] = []
    for leave_type in policy.types_for(employee.region):
        if leave_type.comp_off is not None:
            made += close_credits(entries, pending, leave_type.key, year, leave_year.last(year) + timedelta(days=1),
                                  clock.now())
            if leave_type.key in unused:
                unused[leave_type.key] = outside_credits(unused[leave_type.key], entries, pending, leave_type.key, year)
    made += year_end(types, employee, year, unused, clock.now(), leave_year)
    for entry in made:
        uow.ledger.add(entry)
    return len(made)


def reassign(uow: UnitOfWork, clock: Clock, employee_id: str, as_of: date, result: JobResult) -> int:
    """Move this person's pending requests to whoever covers for an approver who is away today."""
    employee = uow.employees.get(employee_id)
    if employee is None:
        return 0
    moved = 0
    for request in uow.requests.search(employee_ids=[employee_id], statuses=[RequestStatus.PENDING]):
        if request.current_level != "manager" or request.id is None:
            continue
        if uow.jobs.taken(ESCALATION_JOB, [f"{request.number}#1"]):
            continue  # escalated for waiting too long: it stays with whoever it went up to
        now_with = approver_for(uow, employee, as_of)
        new_id = now_with.employee_id if now_with else None
        if new_id == request.approver_id:
            continue
        locked = uow.requests.lock(request.id)
        if locked is None or locked.status is not RequestStatus.PENDING:
            continue
        if not uow.requests.update(replace(locked, approver_id=new_id), expected=RequestStatus.PENDING):
            continue
        uow.outbox.add(Event("leave.reassigned", {"request_id": request.id, "number": request.number,
                                                  "from": request.approver_id, "to": new_id}), at=clock.now())
        result.details.append(f"{request.number}: {request.approver_id} -> {new_id}")
        moved += 1
    return moved


"""Looking ahead without changing anything (``/leave plan``), and naming cover (``/leave delegate``)."""

from __future__ import annotations

from core.balances.entitlement import year_of_day
from core.commands import ApplyLeave, Delegate, PlanLeave
from core.domain.fields import PERSON, clean
from core.domain.model import AuditEntry, Delegation
from core.domain.text import format_day
from core.errors import InvalidDates, NotAllowed
from core.ports import Clock, UnitOfWork
from core.requests.assessment import assess
from core.requests.queries import carried_expiring
from core.shared.context import CommandContext, find_person, person, policy_on
from core.views import CheckView, DelegationView, HolidayRow, PlanView


def plan(ctx: CommandContext, command: PlanLeave) -> PlanView:
    """Every check an application would face, with the numbers, and nothing written."""
    uow, clock, employee = ctx.uow, ctx.clock, ctx.actor
    application = ApplyLeave(command.leave_type, command.start, command.end, command.half,
                             time_range=command.time_range)
    found = assess(uow, clock, employee, application, stop_early=False, write_entitlement=False)
    year = year_of_day(policy_on(uow), employee.region, command.start)
    expiring, expires_on = carried_expiring(uow, employee, found.leave_type, uow.ledger.entries(
        employee.employee_id, year), year, found.today)
    return PlanView(
        type_name=found.leave_type.name,
        start=found.start,
        end=found.end,
        half=command.half,
        days=found.total,
        holidays=tuple(HolidayRow(h.day, h.name) for h in found.holidays),
        balance_after=found.balance_after(),
        checks=tuple(CheckView(c.name, c.ok, c.message) for c in found.checks),
        approval=found.levels,
        flags=found.flags,
        expiring=expiring,
        expires_on=expires_on,
    )


def delegate(ctx: CommandContext, command: Delegate) -> DelegationView:
    """Name who decides for me while I am away (replacing any that overlap), or end them all."""
    uow, clock, actor, today = ctx.uow, ctx.clock, ctx.actor, ctx.today
    mine = [d for d in uow.delegations.of(actor.employee_id) if d.end >= today]
    if command.person is None:
        for old in mine:
            if old.id is not None:
                uow.delegations.remove(old.id)
        _audit(uow, clock, actor.email, f"ended {len(mine)}")
        uow.commit()
        return DelegationView(delegate=None, ended=len(mine))
    start, end = command.start or today, command.end or command.start or today
    if end < start:
        raise InvalidDates(f"{format_day(end)} is before {format_day(start)}; put the earlier date first.")
    if end < today:
        raise InvalidDates(f"{format_day(end)} has passed; a delegation covers days still to come.")
    chosen = find_person(uow, clean(command.person, PERSON))
    if chosen.employee_id == actor.employee_id:
        raise NotAllowed("You cannot delegate to yourself; name a colleague who can decide for you.")
    if not chosen.is_active:
        raise NotAllowed(f"{chosen.name} is no longer active; name someone else.")
    for old in mine:
        if old.id is not None and old.start <= end and start <= old.end:
            uow.delegations.remove(old.id)
    uow.delegations.add(Delegation(actor.employee_id, chosen.employee_id, start, end, clock.now()))
    _audit(uow, clock, actor.email, f"{chosen.email} {start.isoformat()} to {end.isoformat()}")
    uow.commit()
    return DelegationView(delegate=person(chosen), start=start, end=end)


def _audit(uow: UnitOfWork, clock: Clock, actor: str, detail: str) -> None:
    uow.audit.add(AuditEntry(at=clock.now(), actor=actor, action="delegate", detail=detail))

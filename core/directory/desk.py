"""HR's desk: the directory, the policy, public holidays, the audit log and the jobs, asked for by a
person (the dashboard's HR pages) rather than by the operator's CLI.

Each command runs the same use case as its CLI twin (:mod:`core.directory.admin`, the audit search,
the schedule and calendar status), in the asker's unit of work, after one check: the asker is an HR
admin. Anyone else is refused with :class:`~core.errors.NotAllowed` (``not_hr``), which the service
records, exactly as chat refuses HR's typed commands. What an HR admin does here is audited under
their own e-mail, with the door it came from.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from core.calendars.sync import calendar_status
from core.commands import (
    DeactivateEmployee,
    DeskCommand,
    ImportEmployees,
    LoadPolicy,
    SearchAudit,
    ShowHolidayDesk,
    ShowOps,
    ShowPeople,
    ShowPolicy,
    SyncHolidays,
)
from core.directory import admin
from core.domain.amount import Amount
from core.domain.model import AuditEntry, Employee, EmployeeStatus
from core.errors import LeaveError, NotAllowed
from core.policy.rules import ALWAYS
from core.ports import AuditQuery
from core.scheduling.status import schedule_view
from core.shared import audit
from core.shared.context import CommandContext, find_person, person
from core.views import (
    DeactivatedView,
    DeskView,
    HolidayDeskView,
    HolidayLine,
    HolidaysSyncedView,
    LeaveTypeLine,
    OpsView,
    PeopleView,
    PersonRow,
    PolicyDeskView,
    PolicyLoadedView,
    PolicyVersionLine,
    RegionHolidays,
)

NOT_HR_MESSAGE = "This is for HR admins; ask HR if you need it done."
#: How many audit entries a search shows, and how many waiting outbox events the jobs page lists.
AUDIT_LIMIT = 200
WAITING_LIMIT = 50
DEACTIVATED = "employees.deactivate"


@dataclass(frozen=True)
class Desk:
    """The desk's use cases, with what the service knows and a context does not: the organisation's
    time zone (an imported row without one gets it) and where public holidays come from."""

    default_time_zone: str
    fetch: admin.PublicHolidays

    def run(self, ctx: CommandContext, command: DeskCommand) -> DeskView:
        """Run ``command`` for ``ctx.actor``.

        Raises:
            NotAllowed: the asker is not an HR admin (``not_hr``; the service records the attempt).
            LeaveError: bad input, said as the CLI says it (``ImportRejected`` with every bad line,
                ``PolicyError`` naming the key); nothing was written.
        """
        if not ctx.actor.is_hr:
            raise NotAllowed(NOT_HR_MESSAGE, audit.NOT_HR)
        handler: Callable[[CommandContext, Any], DeskView] = getattr(self, _HANDLERS[type(command)])
        return handler(ctx, command)

    def people(self, ctx: CommandContext, command: ShowPeople) -> PeopleView:
        everyone = ctx.uow.employees.all()
        by_id = {e.employee_id: e for e in everyone}
        needle = command.search.strip().casefold()
        found = [e for e in everyone
                 if not needle or any(needle in text.casefold() for text in (e.name, e.email, e.department))]
        found.sort(key=lambda e: (e.name.casefold(), e.email))
        return PeopleView(command.search.strip(), tuple(_row(e, by_id) for e in found), len(everyone))

    def import_employees(self, ctx: CommandContext, command: ImportEmployees) -> DeskView:
        return admin.import_employees(ctx.uow, ctx.clock, command.csv_text, self.default_time_zone, ctx.source,
                                      actor=ctx.actor.email)

    def deactivate(self, ctx: CommandContext, command: DeactivateEmployee) -> DeactivatedView:
        """Mark a person inactive, as an import with their status ``INACTIVE`` would; never oneself
        (an HR admin locked out by a slip of the finger needs another one to undo it)."""
        uow = ctx.uow
        employee = find_person(uow, command.email)
        if employee.employee_id == ctx.actor.employee_id:
            raise LeaveError("You can't deactivate yourself; ask another HR admin.")
        if not employee.is_active:
            return DeactivatedView(person(employee), already=True)
        uow.employees.save(replace(employee, status=EmployeeStatus.INACTIVE))
        uow.audit.add(AuditEntry(at=ctx.clock.now(), actor=ctx.actor.email, action=DEACTIVATED, source=ctx.source,
                                 detail=employee.email))
        uow.commit()
        return DeactivatedView(person(employee))

    def policy(self, ctx: CommandContext, command: ShowPolicy) -> PolicyDeskView:
        uow = ctx.uow
        history = tuple(PolicyVersionLine(e.at, e.actor, e.source, e.detail) for e in reversed(
            uow.audit.search(AuditQuery(action=admin.POLICY_LOADED))))
        current = uow.policies.current()
        if current is None:
            return PolicyDeskView(None, (), (), history)
        types = tuple(
            LeaveTypeLine(t.key, t.code, t.name, Amount.days(t.days_per_year), t.accrual,
                          Amount.days(t.max_carry_forward) if t.max_carry_forward else None, t.min_notice_days,
                          t.approval, t.paid)
            for t in current.leave_types.values())
        since = None if current.effective_from == ALWAYS else current.effective_from
        return PolicyDeskView(since, types, tuple(sorted(current.regions)), history)

    def load_policy(self, ctx: CommandContext, command: LoadPolicy) -> PolicyLoadedView:
        summary = admin.load_policy(ctx.uow, ctx.clock, command.document, command.name, actor=ctx.actor.email,
                                    door=ctx.source)
        return PolicyLoadedView(command.name, summary.leave_types, summary.regions, summary.holidays)

    def holidays(self, ctx: CommandContext, command: ShowHolidayDesk) -> HolidayDeskView:
        uow = ctx.uow
        current = uow.policies.current()
        regions = current.regions.values() if current is not None else ()
        start, end = date(command.year, 1, 1), date(command.year, 12, 31)
        return HolidayDeskView(command.year, tuple(
            RegionHolidays(region.key, region.country_code, region.locations, tuple(
                HolidayLine(h.day, h.name, h.source, h.subdivision)
                for h in sorted(uow.holidays.between(region.key, start, end), key=lambda h: (h.day, h.name))))
            for region in sorted(regions, key=lambda r: r.key)))

    def sync_holidays(self, ctx: CommandContext, command: SyncHolidays) -> HolidaysSyncedView:
        synced = admin.sync_holidays(ctx.uow, ctx.clock, self.fetch, command.country, command.subdivision,
                                     command.year, actor=ctx.actor.email, door=ctx.source)
        country = command.country.strip().upper()
        place = f"{country}-{synced.subdivision}" if synced.subdivision else country
        return HolidaysSyncedView(synced.stored, synced.region, place, command.year, synced.locations)

    def audit(self, ctx: CommandContext, command: SearchAudit) -> DeskView:
        return audit.search_for(ctx, command, AUDIT_LIMIT)

    def ops(self, ctx: CommandContext, command: ShowOps) -> OpsView:
        return OpsView(schedule_view(ctx.uow, ctx.clock.now(), self.default_time_zone),
                       tuple(ctx.uow.outbox.waiting(WAITING_LIMIT)), calendar_status(ctx.uow))


#: The :class:`Desk` method of each command.
_HANDLERS: dict[type, str] = {
    ShowPeople: "people", ImportEmployees: "import_employees", DeactivateEmployee: "deactivate",
    ShowPolicy: "policy", LoadPolicy: "load_policy", ShowHolidayDesk: "holidays", SyncHolidays: "sync_holidays",
    SearchAudit: "audit", ShowOps: "ops",
}
#: The commands that only look: they run in a read-only unit of work.
LOOKING: frozenset[type] = frozenset({ShowPeople, ShowPolicy, ShowHolidayDesk, SearchAudit, ShowOps})


def _row(employee: Employee, by_id: dict[str, Employee]) -> PersonRow:
    manager = by_id.get(employee.manager_id or "")
    return PersonRow(employee.employee_id, employee.name, employee.email, employee.department, employee.location,
                     manager.name if manager else None, employee.role.value, employee.is_active,
                     bool(employee.slack_user_id), bool(employee.teams_aad_object_id))

"""The use cases that only look: balances, lists, the team's absences, holidays.

HR's report is :mod:`core.reports.leave_report`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import replace
from datetime import date

from core.balances.entitlement import (
    carried_left,
    carry_expiry_date,
    carry_expiry_source,
    grants,
    leave_year_of,
    missing,
    year_of_day,
)
from core.balances.standing import standing_rows
from core.commands import ListRequests, OpenApplyForm, ShowBalance, ShowHolidays, ShowPending, ShowTeam, ShowTeamChart
from core.compoff.claims import claims_of, claims_waiting_for
from core.compoff.credits import credits_left
from core.domain.amount import NO_DAYS, Amount
from core.domain.approvals import check_can_decide, is_in_reporting_line, may_see
from core.domain.dates import clip
from core.domain.model import Employee, LeaveRequest, LedgerEntry, RequestStatus
from core.domain.workdays import holidays_listed
from core.errors import LeaveError, NotAllowed, UnknownEmployee
from core.language.names import person_named
from core.policy.rules import LeaveType
from core.ports import Clock, UnitOfWork
from core.requests.absence import Absences
from core.requests.workflow import ACTIVE
from core.shared.audit import NOT_MANAGER
from core.shared.context import (
    CommandContext,
    Presenter,
    acting_for,
    days_taken_between,
    ensure_entitlement,
    latest_policy,
    local_today,
    person,
    policy_in_force,
    policy_on,
)
from core.shared.eligibility import occurrences, open_types
from core.shared.expected_carry import expected_carry
from core.shared.transactions import before_writing
from core.shared.work_calendar import department_heatmap
from core.views import (
    ApplyFormView,
    BalanceRow,
    BalanceView,
    HolidayRow,
    HolidaysView,
    RequestListView,
    SeenRequestView,
    TeamChartView,
    TeamView,
)


def balance(uow: UnitOfWork, clock: Clock, employee: Employee, year: int | None = None) -> BalanceView:
    """One person's balances for a year (default: their current local year).

    Grants and accruals that have come due are written first (catching up whatever a missed job
    left out), so the balance is right even before the scheduler has run; in a read-only unit of
    work that is when the balance asks for one that writes.
    """
    today = local_today(clock, employee.time_zone)
    on = policy_on(uow)  # one lookup per date for the whole balance
    year = year or year_of_day(on, employee.region, today)
    leave_year = leave_year_of(on, employee.region, year)
    through = min(today, leave_year.last(year))
    written = False
    entries = uow.ledger.entries(employee.employee_id, year)
    if missing(grants(on, employee, year, through), entries):
        before_writing(uow)
        locked = uow.employees.lock(employee.employee_id) or employee
        written = ensure_entitlement(uow, locked, year, through, clock.now()) > 0
        entries = uow.ledger.entries(employee.employee_id, year)  # as it stands under the lock
    policy = policy_in_force(uow, max(leave_year.first(year), through))
    pending = uow.requests.search(employee_ids=[employee.employee_id], statuses=[RequestStatus.PENDING])
    counted = occurrences(uow, employee)
    types = open_types(uow, policy, employee, today, counted)
    carried = expected_carry(uow, employee, types, year, today, pending)
    used = counted if any(t.counting.per_occurrence for t in types) else None
    rows = tuple(
        _with_expiring(uow, employee, row, policy.leave_types[row.type_key], entries, year, today)
        for row in standing_rows(on, employee, types, entries, pending, year, today, carried)
    )
    if used is not None:
        rows = tuple(replace(row, occurrences=used[row.type_key]) if row.per_occurrence else row for row in rows)
    if written:
        uow.commit()
    return BalanceView(person=person(employee), year=year, rows=rows,
                       span="" if leave_year.is_calendar else leave_year.span(year))


def _with_expiring(uow: UnitOfWork, employee: Employee, row: BalanceRow, leave_type: LeaveType,
                   entries: list[LedgerEntry], year: int, today: date) -> BalanceRow:
    if leave_type.comp_off is not None:
        return replace(row, credits=credits_left(entries, leave_type.key, year))
    left, expires = carried_expiring(uow, employee, leave_type, entries, year, today)
    return replace(row, expiring=left, expires_on=expires) if left else row


def carried_expiring(uow: UnitOfWork, employee: Employee, leave_type: LeaveType, entries: list[LedgerEntry],
                     year: int, today: date) -> tuple[Amount, date | None]:
    """Carried days of ``year`` that will expire unless used, and when; nothing once they have."""
    leave_year = leave_year_of(policy_on(uow), employee.region, year)
    expires = carry_expiry_date(leave_type, year, leave_year)
    if expires is None or today > expires or any(
        e.source == carry_expiry_source(year) and e.type_key == leave_type.key for e in entries
    ):
        return NO_DAYS, None
    used = days_taken_between(uow, employee, leave_type.key, leave_year.first(year), expires)
    return carried_left(entries, leave_type.key, year, used), expires


def balance_for(ctx: CommandContext, command: ShowBalance) -> BalanceView:
    """The asker's balances, or someone else's for their manager (any level up) or HR.

    Anyone else asking about a person gets the same refusal whether that person exists or not,
    and it names nobody: the directory is not theirs to probe.
    """
    uow, clock, actor = ctx.uow, ctx.clock, ctx.actor
    if command.person is None:
        return balance(uow, clock, actor, command.year)
    if actor.is_hr:
        return balance(uow, clock, person_named(uow, actor, command.person), command.year)
    try:
        subject = person_named(uow, actor, command.person)
    except UnknownEmployee:
        subject = None
    if subject is None or not (subject.employee_id == actor.employee_id
                               or is_in_reporting_line(actor, subject, uow.employees.get)):
        raise NotAllowed(f"You can see your own balances and those of people who report to you; "
                         f"'{clip(command.person, 80)}' is not one of them.", NOT_MANAGER)
    return balance(uow, clock, subject, command.year)


def request_seen_by(uow: UnitOfWork, clock: Clock, actor_email: str, request_id: int) -> SeenRequestView | None:
    """One request as it stands, for someone who may see it (:func:`core.domain.approvals.may_see`),
    and whether they may decide it now (:func:`core.domain.approvals.check_can_decide`, with the
    same delegations and earlier decisions that the decision itself would use).

    None when there is no such request, it isn't the asker's to see, or the directory does not
    list the asker (any more): a door redraws a card only for people who may read it.
    """
    actor = uow.employees.by_email(actor_email)
    request = uow.requests.get(request_id)
    if actor is None or not actor.is_active or request is None or request.id is None:
        return None
    found = request.id
    delegators = functools.cache(lambda: acting_for(uow, actor, local_today(clock, actor.time_zone)))
    deciders = functools.cache(lambda: {d.decided_by for d in uow.decisions.for_request(found)})
    if not may_see(actor, request, delegators, deciders):
        return None
    try:
        view = Presenter(uow, reader=actor).request(request)
    except LeaveError:
        return None
    return SeenRequestView(view, can_decide=_may_decide(actor, request, delegators, deciders))


def _may_decide(actor: Employee, request: LeaveRequest, delegators: Callable[[], set[str]],
                deciders: Callable[[], set[str]]) -> bool:
    if request.status is not RequestStatus.PENDING:
        return False
    try:
        check_can_decide(actor, request, delegators, lambda: actor.employee_id in deciders())
    except LeaveError:
        return False
    return True


def my_requests(ctx: CommandContext, command: ListRequests) -> RequestListView:
    presenter = ctx.presenter()
    requests = ctx.uow.requests.search(employee_ids=[ctx.actor.employee_id])
    return RequestListView(title="Your requests", requests=tuple(presenter.request(r) for r in requests),
                           own_claims=claims_of(presenter, ctx.actor))


def pending_for(ctx: CommandContext, command: ShowPending) -> RequestListView:
    """Requests waiting for the asker's decision; HR also sees those that have no approver."""
    uow, actor = ctx.uow, ctx.actor
    presenter = ctx.presenter()
    return RequestListView(title="Waiting for your decision",
                           requests=tuple(presenter.request(r) for r in waiting_for(uow, actor)),
                           claims=claims_waiting_for(presenter, actor))


def waiting_for(uow: UnitOfWork, approver: Employee) -> list[LeaveRequest]:
    """The pending requests ``approver`` is asked to decide, newest first for HR, who also gets
    those that have no approver."""
    waiting = uow.requests.search(statuses=[RequestStatus.PENDING], approver_id=approver.employee_id)
    if approver.is_hr:
        orphans = [r for r in uow.requests.search(statuses=[RequestStatus.PENDING]) if r.approver_id is None]
        waiting = sorted(waiting + orphans, key=lambda r: (r.created_at, r.id or 0), reverse=True)
    return waiting


def team_members(uow: UnitOfWork, employee: Employee) -> list[Employee]:
    """My manager, the people who share my manager, and the people who report to me."""
    members = {e.employee_id: e for e in uow.employees.reports_of(employee.employee_id)}
    if employee.manager_id:
        members.update((e.employee_id, e) for e in uow.employees.reports_of(employee.manager_id))
        manager = uow.employees.get(employee.manager_id)
        if manager:
            members[manager.employee_id] = manager
    members[employee.employee_id] = employee
    return [e for e in members.values() if e.is_active]


def team_out(ctx: CommandContext, command: ShowTeam) -> TeamView:
    """Who in the asker's team is out on the day asked; the leave type only where the asker may see it."""
    uow, actor, day = ctx.uow, ctx.actor, command.day
    members = {e.employee_id: e for e in team_members(uow, actor)}
    requests = uow.requests.search(employee_ids=list(members), statuses=ACTIVE, overlapping=(day, day))
    seen = Absences(uow, latest_policy(uow), actor, day, day, max((r.end for r in requests), default=day))
    absences = tuple(seen.view(r, members[r.employee_id], day)
                     for r in sorted(requests, key=lambda r: members[r.employee_id].name))
    return TeamView(day=day, absences=absences)


def team_chart(ctx: CommandContext, command: ShowTeamChart) -> TeamChartView:
    """People out per day, counts only: HR admins see every department, everyone else their own."""
    actor = ctx.actor
    departments = None if actor.is_hr else [actor.department]
    heatmap = department_heatmap(ctx.uow, latest_policy(ctx.uow), command.start, command.days, departments)
    return TeamChartView(heatmap=heatmap, scope="all departments" if actor.is_hr else actor.department)


def holidays_for(ctx: CommandContext, command: ShowHolidays) -> HolidaysView:
    """The holidays of the asker's region and location in the year asked; one row per date."""
    actor, year = ctx.actor, command.year
    found = ctx.uow.holidays.between(actor.region, date(year, 1, 1), date(year, 12, 31))
    region = latest_policy(ctx.uow).regions.get(actor.region)
    subdivision = region.subdivision_of(actor.location) if region else None
    rows = tuple(HolidayRow(day=h.day, name=h.name)
                 for h in holidays_listed(found, actor.region, actor.location, subdivision))
    return HolidaysView(year=year, region=actor.region, holidays=rows)


def apply_form(ctx: CommandContext, command: OpenApplyForm) -> ApplyFormView:
    """Every door's apply form offers the types the asker may take (:meth:`Policy.types_open_to`), no other."""
    types = open_types(ctx.uow, latest_policy(ctx.uow), ctx.actor, ctx.today)
    return ApplyFormView(leave_types=tuple((t.key, f"{t.name} ({t.code})") for t in types),
                         hours_types=tuple(t.key for t in types if t.counting.in_hours))

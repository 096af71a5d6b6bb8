"""Judging an application: every validation step, in order, with what it found.

:func:`assess` serves both ``/leave apply`` (which stops at the first refusal) and ``/leave plan``
(which shows every check and changes nothing), so that a plan and an application can never
disagree.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from core.balances.entitlement import grants, missing
from core.balances.ledger import balance_rows
from core.commands import ApplyLeave
from core.domain.model import Employee, Holiday, LeaveRequest, LedgerEntry, RequestStatus
from core.domain.workdays import days_by_year, holiday_dates, working_dates
from core.errors import LeaveError
from core.policy.rules import LeaveType, Policy
from core.policy.validation import (
    validate_balance,
    validate_blackouts,
    validate_dates,
    validate_notice,
    validate_overlap,
    validate_team_limits,
    validate_working_days,
)
from core.ports import Clock, UnitOfWork
from core.shared.context import ensure_entitlement, local_today, policy_in_force, policy_on
from core.views import BalanceRow

ACTIVE = (RequestStatus.PENDING, RequestStatus.APPROVED)
APPROVAL_LEVELS = {"none": (), "manager": ("manager",), "manager_then_hr": ("manager", "hr")}


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    message: str = ""


@dataclass
class Assessment:
    employee: Employee
    policy: Policy
    leave_type: LeaveType
    command: ApplyLeave
    today: date
    year_days: dict[int, Decimal] = field(default_factory=dict)
    total: Decimal = Decimal(0)
    holidays: list[Holiday] = field(default_factory=list)
    rows: dict[int, BalanceRow] = field(default_factory=dict)
    levels: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()
    checks: list[Check] = field(default_factory=list)
    refusal: LeaveError | None = None

    @property
    def available_after(self) -> dict[int, Decimal]:
        return {year: self.rows[year].available - days for year, days in self.year_days.items() if year in self.rows}


def assess(uow: UnitOfWork, clock: Clock, employee: Employee, command: ApplyLeave, *, stop_early: bool,
           write_entitlement: bool) -> Assessment:
    """Run every step; with ``stop_early`` raise the first refusal (as an application does).

    ``write_entitlement`` writes grants and accruals that have begun (apply holds the employee
    lock); a plan only computes them.
    """
    today = local_today(clock, employee.time_zone)
    policy = policy_in_force(uow, command.start)
    leave_type = policy.find_type(employee.region, command.leave_type)
    region = policy.regions[employee.region]
    found = Assessment(employee, policy, leave_type, command, today)

    def step(name: str, run: Callable[[], object]) -> None:
        try:
            run()
        except LeaveError as error:
            found.checks.append(Check(name, False, error.message))
            if stop_early:
                raise
            found.refusal = found.refusal or error
        else:
            found.checks.append(Check(name, True))

    validate_dates(command.start, command.end, command.half, today)
    in_span = uow.holidays.between(region.key, command.start, command.end)
    found.holidays = sorted((h for h in in_span if h.applies_to(region.key, employee.location)), key=lambda h: h.day)
    off = holiday_dates(in_span, region.key, employee.location)
    found.year_days = days_by_year(command.start, command.end, command.half, region.weekend, off)
    found.total = validate_working_days(found.year_days, command.start, command.end)
    mine = uow.requests.search(employee_ids=[employee.employee_id], statuses=ACTIVE)
    step("notice", lambda: validate_notice(leave_type, command.start, today))
    step("overlap", lambda: validate_overlap(mine, command.start, command.end, command.half))
    found.rows = _balances(uow, clock, found, mine, write_entitlement)
    step("balance", lambda: validate_balance(leave_type, found.year_days, found.rows))
    blackout_flags: tuple[str, ...] = ()

    def blackouts() -> None:
        nonlocal blackout_flags
        blackout_flags = validate_blackouts(policy.blackouts, employee, command.start, command.end)

    step("blackout", blackouts)
    team_flags: tuple[str, ...] = ()

    def team() -> None:
        nonlocal team_flags
        limits = [limit for limit in policy.team_limits if limit.covers(employee.department)]
        if not limits:  # counting the department's absences is the costly part; skip it when nothing asks
            return
        headcount, out = _department_out(uow, employee, working_dates(command.start, command.end, region.weekend, off))
        team_flags = validate_team_limits(limits, employee, headcount, out)

    step("team_limit", team)
    levels = APPROVAL_LEVELS[leave_type.approval]
    if blackout_flags and "hr" not in levels:
        levels = (*levels, "hr")
    found.levels = levels
    found.flags = blackout_flags + team_flags
    return found


def _balances(uow: UnitOfWork, clock: Clock, found: Assessment, mine: list[LeaveRequest],
              write: bool) -> dict[int, BalanceRow]:
    employee = found.employee
    read: dict[int, list[LedgerEntry]] = {}
    if write:
        for year in found.year_days:
            entries = uow.ledger.entries(employee.employee_id, year)
            if not ensure_entitlement(uow, employee, year, min(found.today, date(year, 12, 31)), clock.now(), entries):
                read[year] = entries  # read under the lock and nothing added since: no need to read it again
    return year_balances(uow, employee, found.leave_type, found.year_days, found.command.end, found.today, mine,
                         read)


def year_balances(uow: UnitOfWork, employee: Employee, leave_type: LeaveType, years: Iterable[int], end: date,
                  today: date, requests: list[LeaveRequest],
                  read: Mapping[int, list[LedgerEntry]] | None = None) -> dict[int, BalanceRow]:
    """Each year's balance of one type as it will stand by ``end``: accruals due by then count.

    The application's reply and the approver's card both use this, so they show the same figure.
    ``read`` holds years whose entries the caller has already read in this transaction.
    """
    rows = {}
    for year in years:
        entries = (read or {}).get(year)
        if entries is None:
            entries = uow.ledger.entries(employee.employee_id, year)
        through = max(min(end, date(year, 12, 31)), today)
        ahead = missing(grants(policy_on(uow), employee, year, through), entries)
        projected = {leave_type.key: sum((g.days for g in ahead if g.type_key == leave_type.key), Decimal(0))}
        rows[year] = balance_rows([leave_type], entries, requests, year, projected)[0]
    return rows


def _department_out(uow: UnitOfWork, employee: Employee, days: list[date]) -> tuple[int, dict[date, int]]:
    """The department's active headcount, and how many others are out on each of ``days``."""
    if not days:
        return 0, {}
    colleagues = [e for e in uow.employees.in_department(employee.department) if e.is_active]
    others = [e.employee_id for e in colleagues if e.employee_id != employee.employee_id]
    span = (days[0], days[-1])
    requests = uow.requests.search(employee_ids=others, statuses=ACTIVE, overlapping=span) if others else []
    out = {day: len({r.employee_id for r in requests if r.covers(day)}) for day in days}
    return len(colleagues), out

"""Judging an application: every validation step, in order, with what it found.

:func:`assess` serves both ``/leave apply`` (which stops at the first refusal) and ``/leave plan``
(which shows every check and changes nothing), so that a plan and an application can never
disagree.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date

from core.balances.standing import accruing, standing_rows
from core.commands import ApplyLeave
from core.domain.amount import NO_DAYS, Amount
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
    #: The request's working days per leave year, as the request stores them.
    year_days: dict[int, Amount] = field(default_factory=dict)
    total: Amount = NO_DAYS
    holidays: list[Holiday] = field(default_factory=list)
    #: The type's balance in each year of the request as it stands, before the request.
    rows: dict[int, BalanceRow] = field(default_factory=dict)
    #: Accrual still to come by the request's last day in each of its years, which it may count on.
    accruing: dict[int, Amount] = field(default_factory=dict)
    levels: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()
    checks: list[Check] = field(default_factory=list)
    refusal: LeaveError | None = None

    def balance_after(self, *, taken: bool = False) -> dict[int, BalanceRow]:
        """Each year's row with this request counted: held as pending, or ``taken`` when approved at
        once; the rows the ``balance`` reply shows once the request is made."""
        def counted(row: BalanceRow, days: Amount) -> BalanceRow:
            return replace(row, taken=row.taken + days) if taken else replace(row, pending=row.pending + days)

        return {year: counted(self.rows[year], days) for year, days in self.year_days.items() if year in self.rows}


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
    found.rows, found.accruing = _balances(uow, clock, found, mine, write_entitlement)
    step("balance", lambda: validate_balance(leave_type, found.year_days, found.rows, found.accruing, command.end))
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
              write: bool) -> tuple[dict[int, BalanceRow], dict[int, Amount]]:
    """The type's rows as they stand, and the accrual due by the request's end in each year."""
    employee, key = found.employee, found.leave_type.key
    read: dict[int, list[LedgerEntry]] = {}
    for year in found.year_days:
        entries = uow.ledger.entries(employee.employee_id, year)
        if write and ensure_entitlement(uow, employee, year, min(found.today, date(year, 12, 31)), clock.now(),
                                        entries):
            entries = uow.ledger.entries(employee.employee_id, year)  # as written under the lock
        read[year] = entries
    rows = year_balances(uow, employee, found.leave_type, found.year_days, found.today, mine, read)
    due = {year: accruing(policy_on(uow), employee, entries, year, found.today, found.command.end).get(key, NO_DAYS)
           for year, entries in read.items()}
    return rows, due


def year_balances(uow: UnitOfWork, employee: Employee, leave_type: LeaveType, years: Iterable[int], today: date,
                  requests: list[LeaveRequest],
                  read: Mapping[int, list[LedgerEntry]] | None = None) -> dict[int, BalanceRow]:
    """Each year's balance of one type as it stands on ``today`` (:func:`standing_rows`): the
    application's reply, the approver's card and the ``balance`` reply all show these figures.

    ``read`` holds years whose entries the caller has already read in this transaction.
    """
    rows = {}
    for year in years:
        entries = (read or {}).get(year)
        if entries is None:
            entries = uow.ledger.entries(employee.employee_id, year)
        rows[year] = standing_rows(policy_on(uow), employee, [leave_type], entries, requests, year, today)[0]
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

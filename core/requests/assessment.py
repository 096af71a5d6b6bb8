"""Judging an application: every validation step, in order, with what it found.

:func:`assess` serves both ``/leave apply`` (which stops at the first refusal) and ``/leave plan``
(which shows every check and changes nothing), so that a plan and an application can never
disagree.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal

from core.balances.entitlement import leave_year_of
from core.balances.standing import accruing, standing_rows
from core.commands import ApplyLeave
from core.compoff.credits import validate_credits
from core.domain.amount import NO_DAYS, Amount
from core.domain.model import Employee, Holiday, LeaveRequest, LedgerEntry, RequestStatus
from core.domain.text import format_day
from core.domain.workdays import LONGEST_RUN, charged_dates, holiday_dates, holidays_listed, per_year, working_dates
from core.errors import LeaveError
from core.policy.counting import (
    occurrence_note,
    skipped,
    validate_occurrence_length,
    validate_per_month,
    validate_time_range,
)
from core.policy.limit_checks import (
    validate_backdate,
    validate_max_consecutive,
    validate_min_days,
    validate_not_adjacent,
)
from core.policy.optional_holidays import validate_optional_holiday
from core.policy.rules import LeaveType, Policy
from core.policy.validation import (
    validate_balance,
    validate_blackouts,
    validate_dates,
    validate_eligibility,
    validate_notice,
    validate_overlap,
    validate_team_limits,
    validate_working_days,
)
from core.ports import Clock, UnitOfWork
from core.requests.surroundings import Surroundings, reach, surroundings
from core.shared.context import ensure_entitlement, local_today, policy_in_force, policy_on
from core.shared.eligibility import occurrences
from core.shared.expected_carry import expected_carry
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
    #: Each date the request charges (:func:`core.domain.workdays.charged_dates`).
    charged: dict[date, Decimal] = field(default_factory=dict)

    #: The weekends and holidays among them, which the sandwich rule charges, in order.
    sandwiched: list[date] = field(default_factory=list)

    @property
    def start(self) -> date:
        """The request's first day as stored: as asked, or for a sandwich type its first day charged
        (reaching back over the weekend it is sandwiched across to a request it touches)."""
        return min(self.charged) if self.leave_type.limits.sandwich and self.charged else self.command.start

    @property
    def end(self) -> date:
        return max(self.charged) if self.leave_type.limits.sandwich and self.charged else self.command.end

    def balance_after(self, *, taken: bool = False) -> dict[int, BalanceRow]:
        """Each year's row with this request counted: held as pending, or ``taken`` when approved at
        once; the rows the ``balance`` reply shows once the request is made. None for unpaid leave
        and types per occurrence or in hours, which have no yearly balance."""
        if not self.leave_type.paid or not self.leave_type.counting.yearly:
            return {}

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
    validate_eligibility(leave_type, employee, today, occurrences(uow, employee)[leave_type.key])
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

    limits = leave_type.limits
    validate_dates(command.start, command.end, command.half, today, own_backdate=limits.backdate_days is not None)
    validate_time_range(leave_type.counting, leave_type.name, leave_type.key, command.time_range)
    mine = uow.requests.search(employee_ids=[employee.employee_id], statuses=ACTIVE)
    if leave_type.optional_holidays:
        step("optional_holiday", lambda: validate_optional_holiday(
            leave_type, region, command.start, command.end, command.half, today, mine))
    looks_around = needs_surroundings(policy, leave_type)
    read = uow.holidays.between(region.key, *(reach(command.start, command.end, mine) if looks_around
                                             else (command.start, command.end)))
    in_span = [h for h in read if command.start <= h.day <= command.end]
    subdivision = region.subdivision_of(employee.location)
    found.holidays = holidays_listed(in_span, region.key, employee.location, subdivision)
    off = holiday_dates(in_span, region.key, employee.location, subdivision)
    around = surroundings(employee, region.weekend, read, mine, subdivision) if looks_around else None
    found.charged = _charged(command, region.weekend, off, leave_type, around)
    found.sandwiched = sorted(d for d in found.charged if around is not None and around.is_off(d))
    found.year_days = per_year(found.charged, region.leave_year)
    found.total = validate_working_days(found.year_days, command.start, command.end)
    if command.time_range is not None:  # a type counted in hours: the working day's hours asked for
        found.total = command.time_range.hours
        found.year_days = dict.fromkeys(found.year_days, found.total)
    if leave_type.counting.per_month is not None:
        step("per_month", lambda: validate_per_month(leave_type.counting, leave_type.name, command.start,
                                                     [r for r in mine if r.type_key == leave_type.key]))
    if limits.backdate_days is not None:
        step("backdate", lambda: validate_backdate(leave_type, command.start, today))
    step("notice", lambda: validate_notice(leave_type, command.start, today))
    step("overlap", lambda: validate_overlap(mine, command.start, command.end, command.half))
    if limits.min_days is not None:
        step("min_days", lambda: validate_min_days(leave_type, found.total))
    if around is not None and limits.max_consecutive_days is not None:
        step("max_consecutive_days", lambda: validate_max_consecutive(
            leave_type, found.total, around.stretch(found.start, found.end, leave_type.key)))
    if around is not None and adjacent_types(policy, leave_type):
        step("not_adjacent_to", lambda: validate_not_adjacent(
            leave_type, around.touching(found.start, found.end, adjacent_types(policy, leave_type)),
            policy.leave_types))
    found.rows, found.accruing = _balances(uow, clock, found, mine, write_entitlement)
    if leave_type.counting.per_occurrence:
        step("occurrence", lambda: validate_occurrence_length(leave_type.counting, leave_type.name, found.total))
    elif leave_type.counting.yearly:
        step("balance", lambda: validate_balance(leave_type, found.year_days, found.rows, found.accruing,
                                                 command.end, region.leave_year))
    if leave_type.comp_off is not None:
        step("comp_off_credits", lambda: validate_credits(uow.ledger.entries(employee.employee_id), mine,
                                                          leave_type.key, found.year_days, command.end))
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
    found.flags = (blackout_flags + team_flags + sandwich_note(found.sandwiched)
                   + occurrence_note(leave_type.counting, leave_type.name, found.total))
    return found


def needs_surroundings(policy: Policy, leave_type: LeaveType) -> bool:
    """Whether judging ``leave_type`` looks at the requests around it: the time it costs is spent
    only for a type with a sandwich, a stretch limit or a type it may not touch."""
    limits = leave_type.limits
    return limits.sandwich or limits.max_consecutive_days is not None or bool(adjacent_types(policy, leave_type))


def adjacent_types(policy: Policy, leave_type: LeaveType) -> set[str]:
    """The types that ``leave_type`` may not touch: those it names, and those that name it."""
    named = {t.key for t in policy.leave_types.values() if leave_type.key in t.limits.not_adjacent_to}
    return named | set(leave_type.limits.not_adjacent_to)


def _charged(command: ApplyLeave, weekend: frozenset[int], off: set[date], leave_type: LeaveType,
             around: Surroundings | None) -> dict[date, Decimal]:
    """Each date the application charges; with the sandwich rule, reaching across to the whole days
    of the type's requests it touches."""
    if not leave_type.limits.sandwich or around is None:
        return charged_dates(command.start, command.end, command.half, *skipped(leave_type.counting, weekend, off))
    far = timedelta(days=LONGEST_RUN)
    neighbours = around.whole_days(leave_type.key, command.start - far, command.end + far)
    return charged_dates(command.start, command.end, command.half, weekend, around.holidays, sandwich=True,
                         neighbours=neighbours)


def sandwich_note(days: list[date]) -> tuple[str, ...]:
    """``Sat 12 Dec and Sun 13 Dec are charged: sandwiched between leave days``, or nothing."""
    if not days:
        return ()
    named = [format_day(d, year=False) for d in days]
    listed = named[0] if len(named) == 1 else f"{', '.join(named[:-1])} and {named[-1]}"
    return (f"{listed} {'is' if len(named) == 1 else 'are'} charged: sandwiched between leave days",)


def _balances(uow: UnitOfWork, clock: Clock, found: Assessment, mine: list[LeaveRequest],
              write: bool) -> tuple[dict[int, BalanceRow], dict[int, Amount]]:
    """The type's rows as they stand, and the accrual due by the request's end in each year."""
    employee, key = found.employee, found.leave_type.key
    read: dict[int, list[LedgerEntry]] = {}
    for year in found.year_days:
        entries = uow.ledger.entries(employee.employee_id, year)
        last = leave_year_of(policy_on(uow), employee.region, year).last(year)
        if write and ensure_entitlement(uow, employee, year, min(found.today, last), clock.now(), entries):
            entries = uow.ledger.entries(employee.employee_id, year)  # as written under the lock
        read[year] = entries
    rows = year_balances(uow, employee, found.leave_type, found.year_days, found.today, mine, read,
                         found.year_days)
    # ``advance: year`` lets leave count on the whole year's accrual, not only what is due by its end.
    whole_year = found.leave_type.advance == "year"
    on = policy_on(uow)
    due = {year: accruing(on, employee, entries, year, found.today,
                          leave_year_of(on, employee.region, year).last(year) if whole_year else found.command.end
                          ).get(key, NO_DAYS)
           for year, entries in read.items()}
    return rows, due


def year_balances(uow: UnitOfWork, employee: Employee, leave_type: LeaveType, years: Iterable[int], today: date,
                  requests: list[LeaveRequest], read: Mapping[int, list[LedgerEntry]] | None = None,
                  assessed: Mapping[int, Amount] | None = None) -> dict[int, BalanceRow]:
    """Each year's balance of one type as it stands on ``today`` (:func:`standing_rows`): the
    application's reply, the approver's card and the ``balance`` reply all show these figures.
    Next year's counts the carry-forward this year's end is expected to make (:func:`expected_carry`).

    ``read`` holds years whose entries the caller has already read in this transaction;
    ``assessed`` the days per year of an application not yet filed, which this year's end holds back.
    """
    rows = {}
    for year in years:
        entries = (read or {}).get(year)
        if entries is None:
            entries = uow.ledger.entries(employee.employee_id, year)
        held = {leave_type.key: (assessed or {}).get(year - 1, NO_DAYS)}
        carried = expected_carry(uow, employee, [leave_type], year, today, requests, held)
        rows[year] = standing_rows(policy_on(uow), employee, [leave_type], entries, requests, year, today,
                                   carried)[0]
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

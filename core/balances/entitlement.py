"""What a person is entitled to, period by period: grants, accruals, carry-forward and expiry.

Every amount is a ledger entry whose source is its period (``2026`` for a year's grant and its
year end, ``2026-11`` for a month's accrual), and the ledger refuses a second entry of a kind from
the same source: running a job twice, or catching up on months that were missed, adds each entry
exactly once.

The rules, all policy data:

- *Granted* types get the year's days on the first day of the year (or when first needed),
  pro-rata for people who join or leave during the year: ``days_per_year * counted months / 12``,
  rounded to the nearest half day, where a month counts if the person is employed on its 15th
  (``pro_rata_day``).
- *Monthly* types accrue ``accrual_rate`` on the 1st of each month that counts.
- At year end, unused days (pending requests held back) carry forward up to
  ``max_carry_forward``; of the rest, a type with ``overflow: encash`` pays out up to
  ``max_encash_days`` (``ENCASHMENT`` entries whose source is the year), and the rest expire.
  Carried days not used by ``carry_forward_expires`` (a month and day, its first occurrence in
  the new year) expire too; leave taken in the new year uses carried days first.

"Year" here is the region's leave year (:class:`core.domain.leave_year.LeaveYear`): the calendar
year, or twelve months from ``leave_year_start`` (``04-01``), named by the year it starts in.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from core.domain.amount import NO_DAYS, Amount
from core.domain.leave_year import CALENDAR_YEAR, LeaveYear
from core.domain.model import Employee, EntryKind, LedgerEntry, Source, SourceKind
from core.policy.rules import LeaveType, Policy, pro_rata

ZERO = Decimal(0)
PolicyOn = Callable[[date], Policy]


@dataclass(frozen=True)
class Grant:
    """One period's entitlement for one type, before it is written to the ledger."""

    type_key: str
    kind: EntryKind
    period: str
    amount: Amount
    starts: date
    #: The leave year it counts in; None: the calendar year of ``starts``.
    leave_year: int | None = None

    @property
    def year(self) -> int:
        return self.starts.year if self.leave_year is None else self.leave_year

    @property
    def source(self) -> Source:
        return Source(SourceKind.ACCRUAL if self.kind is EntryKind.ACCRUAL else SourceKind.ALLOCATION, self.period)


def year_end_source(year: int) -> Source:
    """The source of ``year``'s carry-forward and expiry entries."""
    return Source(SourceKind.YEAR_END, str(year))


def carry_expiry_source(year: int) -> Source:
    """The source of the expiry of days carried into ``year`` and not used in time."""
    return Source(SourceKind.YEAR_END, f"{year - 1}-carry")


def leave_year_of(policy_on: PolicyOn, region: str, year: int) -> LeaveYear:
    """The region's leave year as the policy of leave year ``year`` sets it (read on 31 Dec, which
    lies in leave year ``year`` whichever month it starts in)."""
    return policy_on(date(year, 12, 31)).leave_year(region)


def year_of_day(policy_on: PolicyOn, region: str, day: date) -> int:
    """The leave year ``day`` counts in for people of ``region``."""
    return policy_on(day).leave_year(region).of(day)


def grants(policy_on: PolicyOn, employee: Employee, year: int, through: date) -> list[Grant]:
    """Every grant and accrual of leave year ``year`` whose period has begun by ``through``.

    A month's accrual keeps its calendar month as its period (``2027-03``) and counts in the leave
    year that holds the month.
    """
    found: list[Grant] = []
    leave_year = leave_year_of(policy_on, employee.region, year)
    first = leave_year.first(year)
    if through < first:
        return found
    policy = policy_on(max(first, employee.joining_date) if leave_year.of(employee.joining_date) == year else first)
    for leave_type in policy.types_for(employee.region):
        if leave_type.accrual == "granted":
            days = _granted_days(policy, leave_type, employee, year, leave_year)
            if days > 0:
                found.append(Grant(leave_type.key, EntryKind.ALLOCATION, str(year), Amount(days), first, year))
    for starts in leave_year.months(year):
        if starts > through:
            break
        monthly = policy_on(starts)
        if not monthly.month_counts(starts.year, starts.month, employee.joining_date, employee.leaving_date):
            continue
        for leave_type in monthly.types_for(employee.region):
            if leave_type.accrual == "monthly" and leave_type.accrual_rate > 0:
                found.append(Grant(leave_type.key, EntryKind.ACCRUAL, starts.strftime("%Y-%m"),
                                   Amount(leave_type.accrual_rate), starts, year))
    return found


def _granted_days(policy: Policy, leave_type: LeaveType, employee: Employee, year: int,
                  leave_year: LeaveYear) -> Decimal:
    months = policy.counted_months(year, employee.joining_date, employee.leaving_date, leave_year)
    if not leave_type.pro_rata:
        employed = employee.joining_date <= leave_year.last(year) and (
            employee.leaving_date is None or employee.leaving_date >= leave_year.first(year)
        )
        return leave_type.days_per_year if employed else ZERO
    return pro_rata(leave_type.days_per_year, months)


def missing(found: Iterable[Grant], entries: Iterable[LedgerEntry]) -> list[Grant]:
    """The grants not yet in the ledger."""
    written = {(e.type_key, e.kind, e.source) for e in entries}
    return [g for g in found if (g.type_key, g.kind, g.source) not in written]


def entries_for(employee: Employee, found: Iterable[Grant], at: datetime) -> list[LedgerEntry]:
    return [
        LedgerEntry(employee_id=employee.employee_id, type_key=g.type_key, year=g.year, kind=g.kind,
                    amount=g.amount, created_at=at, source=g.source,
                    note=f"{g.period} {'accrual' if g.kind is EntryKind.ACCRUAL else 'allocation'}")
        for g in found
    ]


def year_end(leave_types: Iterable[LeaveType], employee: Employee, year: int, unused: dict[str, Amount],
             at: datetime, leave_year: LeaveYear = CALENDAR_YEAR) -> list[LedgerEntry]:
    """Close ``year``: carry up to the cap into the next year; of the rest, pay out up to the type's
    ``max_encash_days`` when its ``overflow`` is ``encash``, and expire what is left.

    ``unused`` is each type's available days with pending requests held back. Someone who left
    during the year carries nothing (their days over nothing are paid out or lapse the same way).
    """
    left = employee.leaving_date is not None and employee.leaving_date <= leave_year.last(year)
    made: list[LedgerEntry] = []
    for leave_type in leave_types:
        days = unused.get(leave_type.key, NO_DAYS)
        if days <= NO_DAYS:
            continue
        cap = NO_DAYS if left else Amount(leave_type.max_carry_forward or ZERO)
        carried = min(days, cap)
        lost = days - carried

        def entry(kind: EntryKind, amount: Amount, in_year: int, note: str, key: str = leave_type.key) -> LedgerEntry:
            return LedgerEntry(employee_id=employee.employee_id, type_key=key, year=in_year, kind=kind,
                               amount=amount, created_at=at, source=year_end_source(year), note=note)

        if carried:
            made.append(entry(EntryKind.CARRIED_OUT, -carried, year, f"carried into {year + 1}"))
            made.append(entry(EntryKind.CARRIED_IN, carried, year + 1, f"carried from {year}"))
        paid = min(lost, Amount(leave_type.overflow.encash_days))
        if paid:
            made.append(LedgerEntry(employee_id=employee.employee_id, type_key=leave_type.key, year=year,
                                    kind=EntryKind.ENCASHMENT, amount=-paid, created_at=at,
                                    source=encashment_source(year), note=f"{year} year end: paid out"))
        if lost - paid:
            made.append(entry(EntryKind.EXPIRY, paid - lost, year, f"{year} year end: over the carry-forward limit"))
    return made


def encashment_source(year: int) -> Source:
    """The source of ``year``'s payout of unused days (``overflow: encash``)."""
    return Source(SourceKind.ENCASHMENT, str(year))


def carry_expiry_date(leave_type: LeaveType, year: int, leave_year: LeaveYear = CALENDAR_YEAR) -> date | None:
    """When days carried into leave year ``year`` expire, if they do: the first
    ``carry_forward_expires`` month-day on or after the year's first day."""
    if leave_type.carry_forward_expires is None:
        return None
    month, day = leave_type.carry_forward_expires
    return leave_year.on_or_after_start(year, month, day)


def carried_left(entries: Iterable[LedgerEntry], type_key: str, year: int, used_by_expiry: Amount) -> Amount:
    """Carried days of ``year`` not used by the expiry date (leave uses carried days first). A
    comp-off credit moved in with its window lapses by that window instead, so it is not counted."""
    carried = sum((e.amount for e in entries if e.type_key == type_key and e.year == year
                   and e.kind is EntryKind.CARRIED_IN and e.valid_until is None), NO_DAYS)
    return max(NO_DAYS, carried - used_by_expiry)


def carry_expiry(employee: Employee, type_key: str, year: int, days: Amount, expires: date,
                 at: datetime) -> LedgerEntry:
    return LedgerEntry(employee_id=employee.employee_id, type_key=type_key, year=year, kind=EntryKind.EXPIRY,
                       amount=-days, created_at=at, source=carry_expiry_source(year),
                       note=f"carried days not used by {expires.isoformat()}")

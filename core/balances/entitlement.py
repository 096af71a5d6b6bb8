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
  ``max_carry_forward``; the rest expire. Carried days not used by ``carry_forward_expires`` (a
  month and day of the next year) expire too; leave taken in the new year uses carried days first.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from core.domain.amount import NO_DAYS, Amount
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

    @property
    def source(self) -> Source:
        return Source(SourceKind.ACCRUAL if self.kind is EntryKind.ACCRUAL else SourceKind.ALLOCATION, self.period)


def year_end_source(year: int) -> Source:
    """The source of ``year``'s carry-forward and expiry entries."""
    return Source(SourceKind.YEAR_END, str(year))


def carry_expiry_source(year: int) -> Source:
    """The source of the expiry of days carried into ``year`` and not used in time."""
    return Source(SourceKind.YEAR_END, f"{year - 1}-carry")


def grants(policy_on: PolicyOn, employee: Employee, year: int, through: date) -> list[Grant]:
    """Every grant and accrual of ``year`` whose period has begun by ``through``."""
    found: list[Grant] = []
    first = date(year, 1, 1)
    if through < first:
        return found
    policy = policy_on(max(first, employee.joining_date) if employee.joining_date.year == year else first)
    for leave_type in policy.types_for(employee.region):
        if leave_type.accrual == "granted":
            days = _granted_days(policy, leave_type, employee, year)
            if days > 0:
                found.append(Grant(leave_type.key, EntryKind.ALLOCATION, str(year), Amount(days), first))
    for month in range(1, 13):
        starts = date(year, month, 1)
        if starts > through:
            break
        monthly = policy_on(starts)
        if not monthly.month_counts(year, month, employee.joining_date, employee.leaving_date):
            continue
        for leave_type in monthly.types_for(employee.region):
            if leave_type.accrual == "monthly" and leave_type.accrual_rate > 0:
                found.append(Grant(leave_type.key, EntryKind.ACCRUAL, f"{year}-{month:02d}",
                                   Amount(leave_type.accrual_rate), starts))
    return found


def _granted_days(policy: Policy, leave_type: LeaveType, employee: Employee, year: int) -> Decimal:
    months = policy.counted_months(year, employee.joining_date, employee.leaving_date)
    if not leave_type.pro_rata:
        employed = employee.joining_date <= date(year, 12, 31) and (
            employee.leaving_date is None or employee.leaving_date >= date(year, 1, 1)
        )
        return leave_type.days_per_year if employed else ZERO
    return pro_rata(leave_type.days_per_year, months)


def missing(found: Iterable[Grant], entries: Iterable[LedgerEntry]) -> list[Grant]:
    """The grants not yet in the ledger."""
    written = {(e.type_key, e.kind, e.source) for e in entries}
    return [g for g in found if (g.type_key, g.kind, g.source) not in written]


def entries_for(employee: Employee, found: Iterable[Grant], at: datetime) -> list[LedgerEntry]:
    return [
        LedgerEntry(employee_id=employee.employee_id, type_key=g.type_key, year=g.starts.year, kind=g.kind,
                    amount=g.amount, created_at=at, source=g.source,
                    note=f"{g.period} {'accrual' if g.kind is EntryKind.ACCRUAL else 'allocation'}")
        for g in found
    ]


def year_end(leave_types: Iterable[LeaveType], employee: Employee, year: int, unused: dict[str, Amount],
             at: datetime) -> list[LedgerEntry]:
    """Close ``year``: carry up to the cap into the next year, expire the rest.

    ``unused`` is each type's available days with pending requests held back. Someone who left
    during the year carries nothing.
    """
    left = employee.leaving_date is not None and employee.leaving_date <= date(year, 12, 31)
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
        if lost:
            made.append(entry(EntryKind.EXPIRY, -lost, year, f"{year} year end: over the carry-forward limit"))
    return made


def carry_expiry_date(leave_type: LeaveType, year: int) -> date | None:
    """When days carried into ``year`` expire, if they do."""
    if leave_type.carry_forward_expires is None:
        return None
    month, day = leave_type.carry_forward_expires
    return date(year, month, day)


def carried_left(entries: Iterable[LedgerEntry], type_key: str, year: int, used_by_expiry: Amount) -> Amount:
    """Carried days of ``year`` not used by the expiry date (leave uses carried days first)."""
    carried = sum((e.amount for e in entries if e.type_key == type_key and e.year == year
                   and e.kind is EntryKind.CARRIED_IN), NO_DAYS)
    return max(NO_DAYS, carried - used_by_expiry)


def carry_expiry(employee: Employee, type_key: str, year: int, days: Amount, expires: date,
                 at: datetime) -> LedgerEntry:
    return LedgerEntry(employee_id=employee.employee_id, type_key=type_key, year=year, kind=EntryKind.EXPIRY,
                       amount=-days, created_at=at, source=carry_expiry_source(year),
                       note=f"carried days not used by {expires.isoformat()}")

"""Balances derived from the ledger, one way, everywhere.

entitled = allocations of the year; taken = leave taken less reversals; pending = the year's
share of requests still waiting for a decision; available = entitled - taken - pending.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal

from core.model import EntryKind, LeaveRequest, LedgerEntry, RequestStatus
from core.policy import LeaveType
from core.views import BalanceRow

ZERO = Decimal(0)


def balance_rows(
    leave_types: Iterable[LeaveType],
    entries: Iterable[LedgerEntry],
    requests: Iterable[LeaveRequest],
    year: int,
) -> tuple[BalanceRow, ...]:
    """One row per leave type for ``year``, from ledger entries and pending requests."""
    entitled: dict[str, Decimal] = {}
    taken: dict[str, Decimal] = {}
    for entry in entries:
        if entry.year != year:
            continue
        if entry.kind is EntryKind.ALLOCATION:
            entitled[entry.type_key] = entitled.get(entry.type_key, ZERO) + entry.days
        else:
            taken[entry.type_key] = taken.get(entry.type_key, ZERO) - entry.days
    pending: dict[str, Decimal] = {}
    for request in requests:
        if request.status is RequestStatus.PENDING and year in request.year_days:
            pending[request.type_key] = pending.get(request.type_key, ZERO) + request.year_days[year]
    return tuple(
        BalanceRow(
            type_key=t.key,
            code=t.code,
            name=t.name,
            entitled=entitled.get(t.key, ZERO),
            taken=taken.get(t.key, ZERO),
            pending=pending.get(t.key, ZERO),
        )
        for t in leave_types
    )


def allocation_entries(
    employee_id: str, leave_types: Iterable[LeaveType], year: int, at: datetime
) -> list[LedgerEntry]:
    """The year's opening allocation: each type's yearly days, granted on the first need."""
    return [
        LedgerEntry(
            employee_id=employee_id,
            type_key=t.key,
            year=year,
            kind=EntryKind.ALLOCATION,
            days=t.days_per_year,
            created_at=at,
            note=f"{year} allocation",
            period=str(year),
        )
        for t in leave_types
    ]


def request_entries(request: LeaveRequest, kind: EntryKind, at: datetime) -> list[LedgerEntry]:
    """Leave taken (negative) on approval, or its reversal (positive) on cancel, per year."""
    assert request.id is not None
    sign = -1 if kind is EntryKind.LEAVE_TAKEN else 1
    return [
        LedgerEntry(
            employee_id=request.employee_id,
            type_key=request.type_key,
            year=year,
            kind=kind,
            days=sign * days,
            created_at=at,
            request_id=request.id,
            note=request.number,
        )
        for year, days in sorted(request.year_days.items())
    ]

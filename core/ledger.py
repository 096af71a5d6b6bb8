"""Balances derived from the ledger, one way, everywhere.

entitled = grants, accruals and days carried in; taken = leave taken less reversals; pending =
the year's share of requests waiting for a decision; lapsed = days expired or carried out;
available = entitled - taken - pending - lapsed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
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
    projected: Mapping[str, Decimal] | None = None,
) -> tuple[BalanceRow, ...]:
    """One row per leave type for ``year``, from ledger entries and pending requests.

    ``projected`` adds entitlement not yet written (accruals up to a future leave date).
    """
    entitled: dict[str, Decimal] = dict(projected or {})
    taken: dict[str, Decimal] = {}
    lapsed: dict[str, Decimal] = {}
    for entry in entries:
        if entry.year != year:
            continue
        if entry.kind.entitles:
            entitled[entry.type_key] = entitled.get(entry.type_key, ZERO) + entry.days
        elif entry.kind in (EntryKind.LEAVE_TAKEN, EntryKind.REVERSAL):
            taken[entry.type_key] = taken.get(entry.type_key, ZERO) - entry.days
        else:
            lapsed[entry.type_key] = lapsed.get(entry.type_key, ZERO) - entry.days
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
            lapsed=lapsed.get(t.key, ZERO),
        )
        for t in leave_types
    )


def request_entries(request: LeaveRequest, kind: EntryKind, at: datetime,
                    year_days: Mapping[int, Decimal] | None = None) -> list[LedgerEntry]:
    """Leave taken (negative) on approval, or its reversal (positive) on cancel, per year.

    ``year_days`` narrows a reversal to the days of a partial cancel.
    """
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
        for year, days in sorted((request.year_days if year_days is None else year_days).items())
        if days
    ]

"""Balances derived from the ledger, one way, everywhere.

Each entry counts towards one part of a balance, as :data:`COUNTED` declares for its
kind: entitled (grants, accruals, days carried in, HR adjustments, comp-off credits), taken
(leave taken less reversals) or lapsed (days expired, carried out or paid out). pending = the
year's share of requests waiting for a decision; available = entitled - taken - pending - lapsed.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from datetime import datetime

from core.domain.amount import NO_DAYS, Amount, Unit
from core.domain.model import EntryKind, LeaveRequest, LedgerEntry, RequestStatus, Source
from core.policy.rules import LeaveType
from core.views import BalanceRow


class Counted(enum.StrEnum):
    """The parts of a balance an entry may count towards."""

    ENTITLED = "entitled"  # what a person may take
    TAKEN = "taken"  # what they took, less what was given back
    LAPSED = "lapsed"  # what left the balance without being taken: expired, carried out, paid out


#: How each kind of entry counts. A new kind is added here with its meaning, and every balance
#: follows; nothing else decides it.
COUNTED: dict[EntryKind, Counted] = {
    EntryKind.ALLOCATION: Counted.ENTITLED,
    EntryKind.ACCRUAL: Counted.ENTITLED,
    EntryKind.CARRIED_IN: Counted.ENTITLED,
    EntryKind.ADJUSTMENT: Counted.ENTITLED,
    EntryKind.COMP_OFF: Counted.ENTITLED,
    EntryKind.LEAVE_TAKEN: Counted.TAKEN,
    EntryKind.REVERSAL: Counted.TAKEN,
    EntryKind.CARRIED_OUT: Counted.LAPSED,
    EntryKind.EXPIRY: Counted.LAPSED,
    EntryKind.ENCASHMENT: Counted.LAPSED,
}


def balance_rows(
    leave_types: Iterable[LeaveType],
    entries: Iterable[LedgerEntry],
    requests: Iterable[LeaveRequest],
    year: int,
    projected: Mapping[str, Amount] | None = None,
) -> tuple[BalanceRow, ...]:
    """One row per leave type for ``year``, from ledger entries and pending requests.

    ``projected`` adds entitlement not yet written (accruals up to a future leave date).
    """
    parts: dict[Counted, dict[str, Amount]] = {part: {} for part in Counted}
    parts[Counted.ENTITLED].update((projected or {}).items())
    for entry in entries:
        if entry.year != year:
            continue
        part = parts[COUNTED[entry.kind]]
        part[entry.type_key] = part.get(entry.type_key, NO_DAYS) + entry.amount
    paid_out: dict[str, Amount] = {}
    for entry in entries:
        if entry.year == year and entry.kind is EntryKind.ENCASHMENT:
            paid_out[entry.type_key] = paid_out.get(entry.type_key, NO_DAYS) - entry.amount
    pending: dict[str, Amount] = {}
    for request in requests:
        # Hours (a type counted in hours) are held against no balance: such a type has none.
        if request.status is RequestStatus.PENDING and year in request.year_days and request.time_range is None:
            pending[request.type_key] = pending.get(request.type_key, NO_DAYS) + request.year_days[year]
    # Debits are negative in the ledger and shown as positive amounts taken or lapsed.
    return tuple(
        BalanceRow(
            type_key=t.key,
            code=t.code,
            name=t.name,
            entitled=parts[Counted.ENTITLED].get(t.key, NO_DAYS),
            taken=-parts[Counted.TAKEN].get(t.key, NO_DAYS),
            pending=pending.get(t.key, NO_DAYS),
            lapsed=-parts[Counted.LAPSED].get(t.key, NO_DAYS),
            paid=t.paid,
            paid_out=paid_out.get(t.key, NO_DAYS),
            per_occurrence=t.counting.occurrence,
            hours_cap=Amount.hours(t.counting.max_hours or 0),
            per_month=t.counting.per_month,
        )
        for t in leave_types
    )


def request_entries(request: LeaveRequest, kind: EntryKind, at: datetime,
                    year_days: Mapping[int, Amount] | None = None) -> list[LedgerEntry]:
    """Leave taken (negative) on approval, or its reversal (positive) on cancel, per year.

    ``year_days`` narrows a reversal to the days of a partial cancel. A request in hours writes
    nothing: a type counted in hours has no balance (its limits are per request and per month).
    """
    assert request.id is not None
    taken = kind is EntryKind.LEAVE_TAKEN
    return [
        LedgerEntry(
            employee_id=request.employee_id,
            type_key=request.type_key,
            year=year,
            kind=kind,
            amount=-days if taken else days,
            created_at=at,
            source=Source.request(request.id),
            note=request.number,
        )
        for year, days in sorted((request.year_days if year_days is None else year_days).items())
        if days and days.unit is Unit.DAYS
    ]

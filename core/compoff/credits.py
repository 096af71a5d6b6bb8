"""Comp-off credits in the ledger: earned by an approved claim, spent oldest first, lapsing unused.

A credit is a ``COMP_OFF`` entry whose ``valid_from`` is the day worked and ``valid_until`` the
last day it may be spent. Leave of a comp-off type is charged in one ``LEAVE_TAKEN`` entry per
credit it draws on, carrying that credit's window, so the ledger itself records which credits a
request used: a cancel gives back exactly those (:func:`leave_entries`), and the expiry job lapses
only what is left of each (:func:`lapses`). Balances stay a plain sum of entries, per leave year:
a credit counts in the year of the day worked and is spent by leave in that year; the year end moves
what is left of a credit still valid into the next year with its window (:mod:`core.compoff.year_end`),
so it lives its whole window whatever the year end.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from core.balances.ledger import request_entries
from core.domain.amount import NO_DAYS, Amount
from core.domain.compoff import CompOffClaim
from core.domain.model import Employee, EntryKind, LeaveRequest, LedgerEntry, RequestStatus, Source, SourceKind
from core.domain.text import format_day
from core.errors import InsufficientBalance
from core.policy.compoff_terms import CompOffTerms
from core.ports import UnitOfWork
from core.shared.context import policy_in_force

#: A credit as a debit names it: its leave year and window (no window: drawn on no credit).
Window = tuple[int, date | None, date | None]
#: The entries that hold a credit: its earning, and its move into a new leave year (a ``CARRIED_IN``
#: with the window, :mod:`core.compoff.year_end`). Any other entry with a window draws on one.
CREDIT_KINDS = frozenset({EntryKind.COMP_OFF, EntryKind.CARRIED_IN})
#: The window a debit with no credit to draw on carries: none.
_UNDRAWN: tuple[date | None, date | None] = (None, None)


@dataclass(frozen=True)
class Credit:
    """What is left of one credit: earned on ``day`` (the day worked), spendable until ``until``."""

    employee_id: str
    claim: str  # the id its source names: the claim's, or the claim's as moved into a year (``12@2027``)
    year: int
    day: date
    until: date
    earned: Amount
    left: Amount


def credit_entry(claim: CompOffClaim, terms: CompOffTerms, type_key: str, year: int, at: datetime) -> LedgerEntry:
    """The credit an approved claim writes (once: its source is the claim), in ``year``: the leave
    year of the day worked."""
    assert claim.id is not None
    return LedgerEntry(
        employee_id=claim.employee_id, type_key=type_key, year=year, kind=EntryKind.COMP_OFF,
        amount=claim.days, created_at=at, source=Source(SourceKind.COMP_OFF, str(claim.id)), note=claim.number,
        valid_from=claim.day, valid_until=claim.day + timedelta(days=terms.expires_after_days),
    )


def credits(entries: Iterable[LedgerEntry], type_key: str) -> list[Credit]:
    """Each credit of ``type_key`` with what is left of it, soonest to expire first."""
    entries = [e for e in entries if e.type_key == type_key]
    used: dict[tuple[int, date], Amount] = {}
    for entry in entries:
        if entry.kind not in CREDIT_KINDS and entry.valid_from is not None:
            key = (entry.year, entry.valid_from)
            used[key] = used.get(key, NO_DAYS) - entry.amount
    found = [
        Credit(employee_id=e.employee_id, claim=e.source.id, year=e.year, day=e.valid_from, until=e.valid_until,
               earned=e.amount, left=e.amount - used.get((e.year, e.valid_from), NO_DAYS))
        for e in entries
        if e.kind in CREDIT_KINDS and e.valid_from is not None and e.valid_until is not None
    ]
    return sorted(found, key=lambda c: (c.until, c.day))


def credits_left(entries: Iterable[LedgerEntry], type_key: str, year: int) -> tuple[tuple[Amount, date], ...]:
    """The credits of ``year`` with days left, as a balance shows them: what is left and the last day."""
    return tuple((c.left, c.until) for c in credits(entries, type_key) if c.year == year and c.left > NO_DAYS)


def spendable(entries: Iterable[LedgerEntry], type_key: str, year: int, last_day: date) -> Amount:
    """What credits of ``year`` still valid on ``last_day`` (the leave's last day) have left."""
    return sum((c.left for c in credits(entries, type_key) if c.year == year and c.until >= last_day
                and c.left > NO_DAYS), NO_DAYS)


def validate_credits(entries: Iterable[LedgerEntry], pending: Iterable[LeaveRequest], type_key: str,
                     year_days: Mapping[int, Amount], last_day: date) -> None:
    """Comp-off leave must fit the credits still valid on its last day (pending comp-off leave
    counted): a credit that lapses before then cannot pay for it, although the year's balance shows it."""
    for year, asked in sorted(year_days.items()):
        held = sum((r.year_days.get(year, NO_DAYS) for r in pending
                    if r.type_key == type_key and r.status is RequestStatus.PENDING), NO_DAYS)
        left = spendable(entries, type_key, year, last_day) - held
        if asked > left:
            shown = left if left > NO_DAYS else NO_DAYS
            raise InsufficientBalance(
                f"Only {shown.text('comp-off')} of credit still valid on {format_day(last_day)} (pending requests "
                f"counted); you asked for {asked.figure}. Credits lapse a fixed time after the day worked: "
                "/leave balance shows when. Take comp-off earlier, or another type.")


def leave_entries(uow: UnitOfWork, request: LeaveRequest, kind: EntryKind, at: datetime,
                  year_days: Mapping[int, Amount] | None = None) -> list[LedgerEntry]:
    """The ledger entries of approving (``LEAVE_TAKEN``) or giving back (``REVERSAL``) a request.

    Any type but a comp-off one: :func:`core.balances.ledger.request_entries`. A comp-off type
    draws on the credits still valid on the leave's last day, soonest to expire first; a give-back
    returns the credits the request drew on, the longest-lasting first.
    """
    plain = request_entries(request, kind, at, year_days)
    if not plain or not is_comp_off(uow, request):
        return plain
    entries = uow.ledger.entries(request.employee_id)
    if kind is EntryKind.LEAVE_TAKEN:
        pools: dict[Window, Amount] = {(c.year, c.day, c.until): c.left
                                       for c in credits(entries, request.type_key)
                                       if c.until >= request.end and c.left > NO_DAYS}
    else:
        drawn = _drawn_by(entries, request)
        pools = dict(sorted(drawn.items(), key=lambda item: (item[0][2] or date.max, item[0][1] or date.max),
                            reverse=True))
    split: list[LedgerEntry] = []
    for entry in plain:
        split += _split(entry, pools)
    return split


def is_comp_off(uow: UnitOfWork, request: LeaveRequest) -> bool:
    """Whether the request's type is earned by comp-off claims, in the policy of its first day."""
    leave_type = policy_in_force(uow, request.start).leave_types.get(request.type_key)
    return leave_type is not None and leave_type.comp_off is not None


def _drawn_by(entries: Iterable[LedgerEntry], request: LeaveRequest) -> dict[Window, Amount]:
    """What the request still holds of each credit (by year and window; no window: drawn on none)."""
    source = Source.request(request.id or 0)
    held: dict[Window, Amount] = {}
    for entry in entries:
        if entry.source == source and entry.type_key == request.type_key:
            key = (entry.year, entry.valid_from, entry.valid_until)
            held[key] = held.get(key, NO_DAYS) - entry.amount
    return {key: days for key, days in held.items() if days > NO_DAYS}


def _split(entry: LedgerEntry, pools: dict[Window, Amount]) -> list[LedgerEntry]:
    """``entry`` cut into one entry per pool it is drawn from (pools shrink as they are used)."""
    sign = -1 if entry.amount < NO_DAYS else 1
    wanted = entry.amount if sign > 0 else -entry.amount
    parts: list[LedgerEntry] = []
    for key, left in pools.items():
        year, day, until = key
        if year != entry.year or not wanted or not left > NO_DAYS:
            continue
        take = left if left < wanted else wanted
        pools[key] = left - take
        wanted = wanted - take
        parts.append(_part(entry, take, sign, day, until))
    if wanted:
        parts.append(_part(entry, wanted, sign, *_UNDRAWN))
    return parts


def _part(entry: LedgerEntry, days: Amount, sign: int, day: date | None, until: date | None) -> LedgerEntry:
    return LedgerEntry(employee_id=entry.employee_id, type_key=entry.type_key, year=entry.year, kind=entry.kind,
                       amount=days if sign > 0 else -days, created_at=entry.created_at, source=entry.source,
                       note=entry.note, valid_from=day, valid_until=until)


def lapse_credits(uow: UnitOfWork, employee: Employee, as_of: date, at: datetime) -> int:
    """Write the lapse of the person's comp-off credits whose last day is before ``as_of``; how many."""
    policy = policy_in_force(uow, as_of)
    types = [t.key for t in policy.types_for(employee.region) if t.comp_off is not None]
    if not types:
        return 0
    entries = uow.ledger.entries(employee.employee_id)
    written = 0
    for type_key in types:
        for entry in lapses(entries, type_key, as_of, at):
            uow.ledger.add(entry)
            written += 1
    return written


def lapses(entries: Iterable[LedgerEntry], type_key: str, today: date, at: datetime) -> list[LedgerEntry]:
    """An ``EXPIRY`` entry for what is left of each credit whose last day is before ``today``.

    Written once per credit (its source is the credit's), so the job may run any number of times;
    none for a credit of a year the type's generic year-end rules closed (a ``YEAR_END`` entry), since
    they lapsed what was left of it then.
    """
    entries = list(entries)
    lapsed = {e.source.id for e in entries if e.kind is EntryKind.EXPIRY and e.source.kind is SourceKind.COMP_OFF
              and e.type_key == type_key}
    closed = {e.year for e in entries if e.source.kind is SourceKind.YEAR_END and e.type_key == type_key}
    return [
        LedgerEntry(employee_id=c.employee_id, type_key=type_key, year=c.year, kind=EntryKind.EXPIRY,
                    amount=-c.left, created_at=at, source=Source(SourceKind.COMP_OFF, c.claim),
                    note=f"comp-off of {c.day.isoformat()} expired {c.until.isoformat()}",
                    valid_from=c.day, valid_until=c.until)
        for c in credits(entries, type_key)
        if c.until < today and c.left > NO_DAYS and c.claim not in lapsed and c.year not in closed
    ]

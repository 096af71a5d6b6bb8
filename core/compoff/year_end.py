"""The year end of a type earned by comp-off claims: each credit keeps its whole window.

A credit lapses a fixed time after the day worked, not at the leave year's end. So at the year end
what is left of each credit still valid on the new year's first day moves into the new year *with
its window*: a ``CARRIED_OUT`` in the old year and a ``CARRIED_IN`` in the new one, both carrying the
credit's ``valid_from``/``valid_until``, so that :func:`core.compoff.credits.credits` sees it in the
new year (spent by leave there, given back by a cancel, lapsed by the lapse job after its last day).
What is left of a credit already past its last day lapses as the lapse job would lapse it.

Days held by pending leave of the old year stay where they are (the leave would draw on them), and
only days held in no credit (an HR adjustment, say) are left to the type's generic year-end rules.
Each move is written once: its source is the credit's id and the year it moves into
(``12@2027``), unique per kind, so several credits can move and a second run writes nothing more.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from core.compoff.credits import Credit, credits, lapses
from core.domain.amount import NO_DAYS, Amount
from core.domain.model import EntryKind, LeaveRequest, LedgerEntry, RequestStatus, Source, SourceKind


def close_credits(entries: Iterable[LedgerEntry], pending: Iterable[LeaveRequest], type_key: str, year: int,
                  next_first: date, at: datetime) -> list[LedgerEntry]:
    """The entries closing leave year ``year``'s credits of ``type_key``: a move into the next year
    (which starts on ``next_first``) for each still valid then, a lapse for each not.

    ``entries`` are the person's entries of ``year``; ``pending`` their pending requests, whose
    share of ``year`` stays in the credits they would draw on (soonest to expire first).
    """
    entries = list(entries)
    held = _pending(pending, type_key, year)
    made = [e for e in lapses(entries, type_key, next_first, at) if e.year == year]
    moved = {e.source for e in entries if e.kind is EntryKind.CARRIED_OUT and e.type_key == type_key}
    for credit in credits(entries, type_key):
        if (credit.year != year or credit.until < next_first or not credit.left > NO_DAYS
                or _move_source(credit) in moved):
            continue  # a credit moves once: days a pending request held back stay, and lapse on its last day
        kept = min(held, credit.left)
        held -= kept
        if credit.left - kept:
            made += _move(credit, type_key, credit.left - kept, at)
    return made


def outside_credits(unused: Amount, entries: Iterable[LedgerEntry], pending: Iterable[LeaveRequest],
                    type_key: str, year: int) -> Amount:
    """Of ``unused`` (the year's available days, pending leave held back), the days held in no
    credit: what the type's generic year-end rules still close (none when debits drawn on no
    credit outweigh them)."""
    in_credits = sum((c.left for c in credits(entries, type_key) if c.year == year and c.left > NO_DAYS), NO_DAYS)
    rest = unused + _pending(pending, type_key, year) - in_credits
    return rest if rest > NO_DAYS else NO_DAYS


def _pending(pending: Iterable[LeaveRequest], type_key: str, year: int) -> Amount:
    """The share of ``year`` that pending requests of ``type_key`` hold, as a balance holds it back."""
    return sum((r.year_days.get(year, NO_DAYS) for r in pending
                if r.type_key == type_key and r.status is RequestStatus.PENDING and r.time_range is None), NO_DAYS)


def _move_source(credit: Credit) -> Source:
    """The source of the credit's move into the next year: the claim's id and that year (``12@2027``)."""
    return Source(SourceKind.COMP_OFF, f"{credit.claim.split('@')[0]}@{credit.year + 1}")


def _move(credit: Credit, type_key: str, days: Amount, at: datetime) -> list[LedgerEntry]:
    """``days`` of ``credit`` out of its year and into the next, window and all."""
    into = credit.year + 1
    source = _move_source(credit)

    def entry(kind: EntryKind, year: int, amount: Amount, note: str) -> LedgerEntry:
        return LedgerEntry(employee_id=credit.employee_id, type_key=type_key, year=year, kind=kind,
                           amount=amount, created_at=at, source=source, note=note,
                           valid_from=credit.day, valid_until=credit.until)

    worked = credit.day.isoformat()
    return [entry(EntryKind.CARRIED_OUT, credit.year, -days, f"comp-off of {worked} carried into {into}"),
            entry(EntryKind.CARRIED_IN, into, days, f"comp-off of {worked} carried from {credit.year}")]

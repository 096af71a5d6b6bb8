"""A balance as it stands: the one computation behind every balance figure people read.

The ``balance`` reply, the Home page, the reply to an application, ``/leave plan`` and the
approver's card all show rows made here, so they cannot disagree. A row's ``available`` counts the
grants and accruals that have begun by the day it is read (whether a job has written them to the
ledger yet or not), less what is taken, pending or lapsed; ``to_accrue`` is what the rest of the
year will still add, so ``at_year_end`` is the projection, and every door labels it as one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import date

from core.balances.entitlement import Grant, PolicyOn, grants, leave_year_of, missing
from core.balances.ledger import balance_rows
from core.domain.amount import NO_DAYS, Amount
from core.domain.model import Employee, LeaveRequest, LedgerEntry
from core.policy.rules import LeaveType
from core.views import BalanceRow


def standing_rows(policy_on: PolicyOn, employee: Employee, leave_types: Iterable[LeaveType],
                  entries: list[LedgerEntry], requests: Iterable[LeaveRequest], year: int,
                  today: date, carried: Mapping[str, Amount] | None = None) -> tuple[BalanceRow, ...]:
    """One row per type of ``year`` as it stands on ``today``, with what is still to accrue after it.

    ``entries`` are the person's ledger entries of ``year``; ``requests`` theirs (the pending ones
    are held against the balance). ``carried`` is what the previous year's end, not run yet, is
    expected to carry in (:func:`core.shared.expected_carry.expected_carry`): counted as entitled,
    and said to be expected.
    """
    leave_year = leave_year_of(policy_on, employee.region, year)
    last = leave_year.last(year)
    so_far = missing(grants(policy_on, employee, year, min(today, last)), entries)
    begun = _by_type(so_far)
    carried = carried or {}
    for key, days in carried.items():
        begun[key] = begun.get(key, NO_DAYS) + days
    to_come = _beyond(so_far, missing(grants(policy_on, employee, year, last), entries))
    return tuple(replace(row, to_accrue=to_come.get(row.type_key, NO_DAYS),
                         carried_expected=carried.get(row.type_key, NO_DAYS),
                         carried_from=year - 1 if row.type_key in carried else None,
                         year_name="" if leave_year.is_calendar else leave_year.name(year))
                 for row in balance_rows(leave_types, entries, requests, year, begun))


def accruing(policy_on: PolicyOn, employee: Employee, entries: list[LedgerEntry], year: int, after: date,
             by: date) -> dict[str, Amount]:
    """Per type, the entitlement of ``year`` that begins after ``after`` and by ``by``: what leave on
    ``by`` may already count on, and what the year still adds when ``by`` is its last day."""
    last = leave_year_of(policy_on, employee.region, year).last(year)
    return _beyond(missing(grants(policy_on, employee, year, min(after, last)), entries),
                   missing(grants(policy_on, employee, year, min(by, last)), entries))


def _beyond(begun: Iterable[Grant], later: Iterable[Grant]) -> dict[str, Amount]:
    """Per type, the grants of ``later`` that are not among ``begun``."""
    seen = set(begun)
    return _by_type(g for g in later if g not in seen)


def _by_type(found: Iterable[Grant]) -> dict[str, Amount]:
    totals: dict[str, Amount] = {}
    for grant in found:
        totals[grant.type_key] = totals.get(grant.type_key, NO_DAYS) + grant.amount
    return totals

"""What next year's balance may count on before this year has closed: the expected carry-forward.

In December people book January (in March, April, for an April leave year). Next year's ledger
holds no carried days until the year-end job runs on the leave year's first day, so without this
a person with ten days to carry could book only what the new year's first month accrues.
The days the year end *will* carry are foreseen by running the year end itself
(:func:`core.balances.entitlement.year_end`) on this year's balance as it stands: what is available
with pending requests held back, plus what the rest of the year still accrues. Nothing is written;
once the real year end has run, its entries are in the ledger and nothing is foreseen any more, so
no day is counted twice. Should the person take more of this year's leave after booking next
year's, the real carry is smaller than the one foreseen, as anyone would expect.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime

from core.balances.entitlement import leave_year_of, year_end, year_end_source, year_of_day
from core.balances.standing import standing_rows
from core.domain.amount import NO_DAYS, Amount
from core.domain.model import Employee, EntryKind, LeaveRequest
from core.policy.rules import LeaveType
from core.ports import UnitOfWork
from core.shared.context import policy_in_force, policy_on


def expected_carry(uow: UnitOfWork, employee: Employee, leave_types: Iterable[LeaveType], year: int, today: date,
                   requests: Iterable[LeaveRequest], held: Mapping[str, Amount] | None = None) -> dict[str, Amount]:
    """Per type, the days the end of ``year - 1`` is expected to carry into ``year``.

    Only for next year, read during this one (``today``), and only while this year's end has not
    run for the person; ``requests`` are theirs (the pending ones are held back, as the year end
    holds them back), and ``held`` per type the days of this year an application being assessed
    would take too.
    """
    closing = year - 1
    on = policy_on(uow)
    if closing != year_of_day(on, employee.region, today):
        return {}
    known = uow.ledger.years()
    if not known or known[0] > closing:
        return {}  # the year end closes only years the ledger holds (it invents no opening balances)
    entries = uow.ledger.entries(employee.employee_id, closing)
    if any(e.source == year_end_source(closing) for e in entries):
        return {}
    in_force = {t.key for t in policy_in_force(uow, date(closing, 12, 31)).types_for(employee.region)}
    types = [t for t in leave_types if t.key in in_force and t.max_carry_forward]
    if not types:
        return {}
    rows = standing_rows(on, employee, types, entries, list(requests), closing, today)
    unused = {row.type_key: row.at_year_end - (held or {}).get(row.type_key, NO_DAYS) for row in rows}
    # The foreseen entries are never written: their time is the year's last moment.
    leave_year = leave_year_of(on, employee.region, closing)
    last = leave_year.last(closing)
    foreseen = year_end(types, employee, closing, unused, datetime(last.year, last.month, last.day, 23, 59, tzinfo=UTC),
                        leave_year)
    return {e.type_key: e.amount for e in foreseen if e.kind is EntryKind.CARRIED_IN and e.year == year}

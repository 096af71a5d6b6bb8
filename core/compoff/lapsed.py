"""The HR digest's section on comp-off credits that lapsed unused in the week before it.

Present only when the policy has a type earned by claims, so that a digest of a company without
comp-off reads as before. Candidates come from one bulk read of each year's expiries; only the
people with a comp-off expiry have their entries read.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from core.domain.lists import cut
from core.domain.model import Employee, EntryKind, SourceKind
from core.policy.rules import Policy
from core.ports import UnitOfWork

#: The digest's key for the section.
SECTION = "compoff_lapsed"


def compoff_lapsed(uow: UnitOfWork, policy: Policy, people: Mapping[str, Employee], start: date,
                   end: date) -> dict[str, Any]:
    """``{"compoff_lapsed": rows}``: the credits whose lapse was written from ``start`` to before
    ``end``, one row each (who, how much, the day worked, the last day it could be spent)."""
    types = {key: t for key, t in policy.leave_types.items() if t.comp_off is not None}
    if not types:
        return {}
    years = sorted({start.year, end.year, start.year - 1})
    candidates = {employee_id for year in years
                  for (employee_id, type_key), days in uow.jobs.ledger_totals(year, kinds=("EXPIRY",)).items()
                  if type_key in types and days and employee_id in people}
    rows = []
    for employee_id in sorted(candidates):
        for entry in uow.ledger.entries(employee_id):
            written = entry.created_at.date()
            if (entry.kind is EntryKind.EXPIRY and entry.source.kind is SourceKind.COMP_OFF
                    and entry.type_key in types and start <= written < end and entry.valid_from is not None
                    and entry.valid_until is not None):
                rows.append({"name": people[employee_id].name, "type": types[entry.type_key].name,
                             "days": (-entry.amount).figure, "worked_on": entry.valid_from.isoformat(),
                             "expires_on": entry.valid_until.isoformat()})
    return {SECTION: cut(rows)}

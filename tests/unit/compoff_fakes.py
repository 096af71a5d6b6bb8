"""In-memory stand-in of the comp-off claims port, kept in :class:`tests.unit.fakes.State`."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from core.domain.compoff import CompOffClaim
from core.domain.model import RequestStatus


class FakeCompOffClaims:
    def __init__(self, state: Any) -> None:
        self.s = state

    def add(self, claim: CompOffClaim) -> CompOffClaim:
        stored = replace(claim, id=max(self.s.compoff, default=0) + 1)
        self.s.compoff[stored.id] = stored
        return stored

    def get(self, claim_id: int) -> CompOffClaim | None:
        claim: CompOffClaim | None = self.s.compoff.get(claim_id)
        return claim

    def lock(self, claim_id: int) -> CompOffClaim | None:
        return self.get(claim_id)

    def update(self, claim: CompOffClaim, expected: RequestStatus) -> bool:
        current = self.s.compoff.get(claim.id)
        if current is None or current.status is not expected:
            return False
        self.s.compoff[claim.id] = claim
        return True

    def for_employee(self, employee_id: str, start: date | None = None, end: date | None = None) -> list[CompOffClaim]:
        return sorted((c for c in self.s.compoff.values() if c.employee_id == employee_id
                       and (start is None or c.day >= start) and (end is None or c.day <= end)),
                      key=lambda c: (c.day, c.id))

    def pending(self) -> list[CompOffClaim]:
        return [c for _, c in sorted(self.s.compoff.items()) if c.status is RequestStatus.PENDING]

    def pending_for(self, approver_id: str | None) -> list[CompOffClaim]:
        pending = self.pending()
        if approver_id is None:
            return [c for c in pending if c.current_level == "hr" or c.approver_id is None]
        return [c for c in pending if c.current_level == "manager" and c.approver_id == approver_id]

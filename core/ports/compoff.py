"""Where comp-off claims are kept, in the core's unit of work (:mod:`core.domain.compoff`)."""

from __future__ import annotations

from datetime import date
from typing import Protocol

from core.domain.compoff import CompOffClaim
from core.domain.model import RequestStatus


class CompOffClaims(Protocol):
    def add(self, claim: CompOffClaim) -> CompOffClaim:
        """Keep a new claim; returned with its id."""
        ...

    def get(self, claim_id: int) -> CompOffClaim | None: ...

    def lock(self, claim_id: int) -> CompOffClaim | None:
        """The claim, held until the transaction ends, so that two decisions cannot both pass."""
        ...

    def update(self, claim: CompOffClaim, expected: RequestStatus) -> bool:
        """Write the claim's state if it still has status ``expected``; False when it changed meanwhile."""
        ...

    def for_employee(self, employee_id: str, start: date | None = None, end: date | None = None) -> list[CompOffClaim]:
        """The person's claims, oldest day first; only days from ``start`` to ``end`` when given."""
        ...

    def pending(self) -> list[CompOffClaim]:
        """Every claim still waiting, oldest first: for the morning reminders and the escalation."""
        ...

    def pending_for(self, approver_id: str | None) -> list[CompOffClaim]:
        """Claims waiting at a manager level for ``approver_id``; None: those waiting for HR (at an HR
        level, or with nobody to approve them)."""
        ...

"""Comp-off claims (:class:`core.ports.compoff.CompOffClaims`), inside the caller's transaction."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Row, insert, select, update

from core.domain.compoff import CompOffClaim
from core.domain.model import HalfDay, RequestStatus
from storage.tables import compoff_claims


class SqlCompOffClaims:
    def __init__(self, connection: Connection) -> None:
        self._conn = connection

    def add(self, claim: CompOffClaim) -> CompOffClaim:
        result = self._conn.execute(insert(compoff_claims).values(_values(claim)))
        (claim_id,) = result.inserted_primary_key or (0,)
        return replace(claim, id=int(claim_id))

    def get(self, claim_id: int) -> CompOffClaim | None:
        row = self._conn.execute(select(compoff_claims).where(compoff_claims.c.id == claim_id)).first()
        return _claim(row) if row is not None else None

    def lock(self, claim_id: int) -> CompOffClaim | None:
        query = select(compoff_claims).where(compoff_claims.c.id == claim_id).with_for_update()
        row = self._conn.execute(query).first()
        return _claim(row) if row is not None else None

    def update(self, claim: CompOffClaim, expected: RequestStatus) -> bool:
        query = (update(compoff_claims)
                 .where(compoff_claims.c.id == claim.id, compoff_claims.c.status == expected.value)
                 .values(_values(claim)))
        return self._conn.execute(query).rowcount == 1

    def for_employee(self, employee_id: str, start: date | None = None, end: date | None = None) -> list[CompOffClaim]:
        query = select(compoff_claims).where(compoff_claims.c.employee_id == employee_id)
        if start is not None:
            query = query.where(compoff_claims.c.day >= start)
        if end is not None:
            query = query.where(compoff_claims.c.day <= end)
        rows = self._conn.execute(query.order_by(compoff_claims.c.day, compoff_claims.c.id))
        return [_claim(row) for row in rows]

    def pending(self) -> list[CompOffClaim]:
        query = select(compoff_claims).where(compoff_claims.c.status == RequestStatus.PENDING.value)
        return [_claim(row) for row in self._conn.execute(query.order_by(compoff_claims.c.id))]

    def pending_for(self, approver_id: str | None) -> list[CompOffClaim]:
        claims = self.pending()
        if approver_id is None:
            return [c for c in claims if c.current_level == "hr" or c.approver_id is None]
        return [c for c in claims if c.current_level == "manager" and c.approver_id == approver_id]


def _values(claim: CompOffClaim) -> dict[str, Any]:
    return {
        "employee_id": claim.employee_id, "day": claim.day,
        "half": claim.half.value if claim.half else None, "reason": claim.reason,
        "status": claim.status.value, "approver_id": claim.approver_id,
        "levels": ",".join(claim.levels), "level": claim.level, "created_at": claim.created_at,
        "decided_by": claim.decided_by, "decided_at": claim.decided_at, "decision_note": claim.decision_note,
    }


def _claim(row: Row[Any]) -> CompOffClaim:
    return CompOffClaim(
        id=row.id, employee_id=row.employee_id, day=row.day, half=HalfDay(row.half) if row.half else None,
        reason=row.reason, status=RequestStatus(row.status), approver_id=row.approver_id,
        levels=tuple(row.levels.split(",")) if row.levels else (), level=row.level, created_at=row.created_at,
        decided_by=row.decided_by, decided_at=row.decided_at, decision_note=row.decision_note,
    )


if TYPE_CHECKING:  # lets mypy prove that the repository implements its port
    from core.ports.compoff import CompOffClaims

    def _implements_port(connection: Connection) -> CompOffClaims:
        return SqlCompOffClaims(connection)

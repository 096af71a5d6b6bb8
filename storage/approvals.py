"""Approval decisions and delegations of :mod:`core.ports`, inside the caller's transaction.

A request's chain (manager, then HR...) records one decision per level; the unique key on
(request, level) refuses a second decision on the same level, should two deciders ever race past
the request's row lock. Delegations name who decides for someone between two dates.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlalchemy import Connection, Row, delete, insert, select

from core.domain.model import Decision, Delegation
from storage.tables import approval_decisions, delegations


class SqlDecisionRepository:
    def __init__(self, connection: Connection) -> None:
        self._conn = connection

    def add(self, decision: Decision) -> None:
        """Record a level's decision.

        Raises:
            sqlalchemy.exc.IntegrityError: when the level was already decided, or for an unknown
                request or decider.
        """
        self._conn.execute(
            insert(approval_decisions).values(
                request_id=decision.request_id,
                level=decision.level,
                role=decision.role[:16],
                decided_by=decision.decided_by,
                approved=decision.approved,
                note=decision.note,
                at=decision.at,
            )
        )

    def for_request(self, request_id: int) -> list[Decision]:
        """The request's decisions, oldest first (the order they were made, level by level)."""
        query = (
            select(approval_decisions)
            .where(approval_decisions.c.request_id == request_id)
            .order_by(approval_decisions.c.id)
        )
        return [
            Decision(
                request_id=int(row.request_id),
                level=int(row.level),
                role=row.role,
                decided_by=row.decided_by,
                approved=bool(row.approved),
                at=row.at,
                note=row.note,
            )
            for row in self._conn.execute(query)
        ]


class SqlDelegationRepository:
    def __init__(self, connection: Connection) -> None:
        self._conn = connection

    def add(self, delegation: Delegation) -> Delegation:
        """Insert; returns a copy with its ``id`` set (the dataclass is frozen).

        Raises:
            ValueError: when the delegation ends before it starts.
        """
        if delegation.end < delegation.start:
            raise ValueError(f"a delegation cannot end ({delegation.end}) before it starts ({delegation.start})")
        result = self._conn.execute(
            insert(delegations).values(
                delegator_id=delegation.delegator_id,
                delegate_id=delegation.delegate_id,
                start_date=delegation.start,
                end_date=delegation.end,
                created_at=delegation.created_at,
            )
        )
        key = result.inserted_primary_key
        assert key is not None  # a single-row insert always reports its key
        return replace(delegation, id=int(key[0]))

    def of(self, delegator_id: str) -> list[Delegation]:
        """The delegator's delegations, latest start first."""
        return self._find(delegations.c.delegator_id == delegator_id)

    def to(self, delegate_id: str) -> list[Delegation]:
        """The delegations naming this delegate, latest start first."""
        return self._find(delegations.c.delegate_id == delegate_id)

    def remove(self, delegation_id: int) -> None:
        """Delete the delegation; removing one that is gone already does nothing."""
        self._conn.execute(delete(delegations).where(delegations.c.id == delegation_id))

    def _find(self, condition: Any) -> list[Delegation]:
        query = select(delegations).where(condition).order_by(delegations.c.start_date.desc(), delegations.c.id.desc())
        return [_delegation(row) for row in self._conn.execute(query)]


def _delegation(row: Row[Any]) -> Delegation:
    return Delegation(
        delegator_id=row.delegator_id,
        delegate_id=row.delegate_id,
        start=row.start_date,
        end=row.end_date,
        created_at=row.created_at,
        id=int(row.id),
    )


__all__ = ["SqlDecisionRepository", "SqlDelegationRepository"]

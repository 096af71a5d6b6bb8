"""The audit log: appended to by every decision and refusal, searched by HR and scripts.

Every filter of :class:`core.ports.AuditQuery` is a SQL condition backed by an index (actor,
action, request, time), so a search stays quick however long the log grows. The employee filter
follows the entries' requests to their owner, which the requests' ``employee_id`` index serves.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Connection, Select, and_, func, insert, or_, select

from core.domain.model import AuditEntry
from core.domain.redaction import redact
from core.ports import AuditQuery
from core.shared.audit import actor_key
from storage.tables import audit_log, employees, leave_requests

S = TypeVar("S", bound=Select[Any])


class SqlAuditRepository:
    """The audit log; a detail is kept with every credential-shaped part redacted (a platform's error
    message may echo a token), as the logs keep it."""

    def __init__(self, connection: Connection) -> None:
        self._conn = connection

    def add(self, entry: AuditEntry) -> None:
        self._conn.execute(
            insert(audit_log).values(
                at=entry.at,
                actor=entry.actor[:255],
                action=entry.action[:64],
                outcome=entry.outcome[:16],
                request_id=entry.request_id,
                detail=redact(entry.detail),
                source=entry.source[:32],
            )
        )

    def since(self, since: datetime | None = None) -> list[AuditEntry]:
        return self.search(AuditQuery(since=since))

    def search(self, query: AuditQuery) -> list[AuditEntry]:
        rows = _filtered(select(audit_log), query)
        if query.limit is None:
            rows = rows.order_by(audit_log.c.at, audit_log.c.id)
            return [_entry(row) for row in self._conn.execute(rows)]
        latest = rows.order_by(audit_log.c.at.desc(), audit_log.c.id.desc()).limit(max(query.limit, 0))
        return [_entry(row) for row in reversed(list(self._conn.execute(latest)))]

    def count(self, query: AuditQuery) -> int:
        counted = _filtered(select(func.count()).select_from(audit_log), query)
        return int(self._conn.execute(counted).scalar_one())


def _filtered(statement: S, query: AuditQuery) -> S:
    conditions: list[ColumnElement[bool]] = []
    if query.actor is not None:
        conditions.append(audit_log.c.actor == actor_key(query.actor))
    if query.employee is not None:
        conditions.append(_about(query.employee))
    if query.person is not None:
        conditions.append(or_(audit_log.c.actor == actor_key(query.person), _about(query.person)))
    if query.request_id is not None:
        conditions.append(audit_log.c.request_id == query.request_id)
    if query.action is not None:
        conditions.append(audit_log.c.action == query.action)
    if query.since is not None:
        conditions.append(audit_log.c.at >= query.since)
    if query.until is not None:
        conditions.append(audit_log.c.at < query.until)
    return statement.where(and_(*conditions)) if conditions else statement


def _about(email: str) -> ColumnElement[bool]:
    """Entries about the requests of the employee with this e-mail."""
    owner = select(employees.c.employee_id).where(employees.c.email == email.strip().lower())
    return audit_log.c.request_id.in_(select(leave_requests.c.id).where(leave_requests.c.employee_id.in_(owner)))


def _entry(row: Any) -> AuditEntry:
    return AuditEntry(
        id=int(row.id),
        at=row.at,
        actor=row.actor,
        action=row.action,
        outcome=row.outcome,
        request_id=int(row.request_id) if row.request_id is not None else None,
        detail=row.detail,
        source=row.source,
    )

"""The outbox of :mod:`core.ports`: events written with the change, delivered after commit.

A worker *claims* an event with a conditional update that moves its next attempt to the end of a
lease, and commits at once; it then calls the platforms with no transaction open, so no row lock
(MySQL) or write lock (SQLite) is held during a slow call, and any other worker or replica
sees the event as not due until the lease runs out. A worker that dies simply lets its lease
expire, and the event is taken again. Each settled target is recorded in a short transaction of
its own (the first outcome recorded wins, even when two workers race), so a retry after a partial
failure sends only what is missing.

Each (door, notice) therefore goes out once, with one exception inherent to any outbox: a worker
that dies (or loses its connection) after a platform accepted a notice but before its outcome was
committed leaves no record, and the notice goes out again when the lease has run out: at least
once, never lost. A claimed item says when it is such a second round (``resumed``), so that a door
able to look up what it already sent (Slack, through message metadata) can close that window.
A lease shorter than a delivery round could let a second worker start before the first finished;
the settled targets keep even that from repeating what was recorded.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, Row, Select, and_, exists, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from core.domain.model import Event
from core.domain.redaction import redact
from core.ports import OutboxItem
from core.views import WaitingLine
from storage.json_columns import to_json
from storage.tables import KEY_LENGTH, outbox, outbox_targets

#: What ``settle_target`` accepts; anything else is a bug in the caller.
OUTCOMES = frozenset({"delivered", "unreachable", "failed"})
#: Where an event's payload keeps the request id of the work that wrote it (no column needed; the
#: leading underscore keeps it apart from the event's own keys, such as ``request_id``).
CORRELATION_KEY = "_correlation"
Correlation = Callable[[], str | None]


def no_correlation() -> str | None:
    """Outside a serving process nobody traces requests."""
    return None


class SqlOutbox:
    """Domain events and their delivery state, inside the caller's transaction.

    Payloads go through JSON, so dates and Decimals come back as strings.
    """

    def __init__(self, connection: Connection, correlation: Correlation = no_correlation) -> None:
        """``correlation`` gives the current request id, stored with each event written."""
        self._conn = connection
        self._correlation = correlation

    def add(self, event: Event, at: datetime) -> None:
        """Write the event; the request id of the work that wrote it travels inside its payload."""
        payload = dict(event.payload)
        request_id = self._correlation()
        if request_id:
            payload[CORRELATION_KEY] = request_id
        self._conn.execute(
            insert(outbox).values(name=event.name[:64], payload=to_json(payload), created_at=at, attempts=0)
        )

    def due(self, at: datetime, limit: int) -> list[OutboxItem]:
        """Undelivered events whose retry time has come, oldest first; read without locks.

        The list is only a plan: each event is claimed (and re-checked) one by one afterwards.
        """
        query = _select_items().where(_is_due(at)).order_by(outbox.c.id).limit(limit)
        return [_item(row) for row in self._conn.execute(query)]

    def claim(self, event_id: int, at: datetime, lease_until: datetime) -> OutboxItem | None:
        """Take the event until ``lease_until`` if it is still undelivered and due at ``at``.

        One conditional ``UPDATE`` both checks and takes it, so of two workers racing for the same
        event exactly one matches the row (the other waits for its row lock, or SQLite's write
        lock, then finds the event no longer due). The caller commits at once and delivers with
        no transaction open. None when the event is delivered, not due, unknown or taken.

        Raises:
            ValueError: when ``lease_until`` is not after ``at``: the event would stay due, and a
                second worker could take it at once.
        """
        if lease_until <= at:
            raise ValueError(f"the lease must end after the claim: {lease_until} is not after {at}")
        # A next attempt already set means an earlier round took the event (see OutboxItem.resumed).
        earlier = self._conn.execute(select(outbox.c.next_attempt_at).where(outbox.c.id == event_id)).scalar()
        result = self._conn.execute(
            update(outbox).where(outbox.c.id == event_id, _is_due(at)).values(next_attempt_at=lease_until)
        )
        if result.rowcount != 1:
            return None
        row = self._conn.execute(_select_items().where(outbox.c.id == event_id)).one()
        return _item(row, resumed=earlier is not None)

    def done_targets(self, event_id: int) -> set[str]:
        query = select(outbox_targets.c.target).where(outbox_targets.c.outbox_id == event_id)
        return set(self._conn.execute(query).scalars())

    def settle_target(self, event_id: int, target: str, outcome: str, at: datetime, detail: str = "") -> None:
        """Record a target's outcome once; settling it again keeps the first record.

        The insert runs in a savepoint: when another worker settled the same target meanwhile,
        the primary key (event, target) refuses the second row, the savepoint is rolled back and
        the caller's transaction goes on; the first outcome wins.

        Raises:
            ValueError: for an unknown outcome, or a target longer than the column, which could
                never be matched again by :meth:`done_targets` if it were cut short.
            sqlalchemy.exc.IntegrityError: for an event that does not exist.
        """
        if outcome not in OUTCOMES:
            raise ValueError(f"unknown outcome {outcome!r}: use one of {', '.join(sorted(OUTCOMES))}")
        if len(target) > KEY_LENGTH:
            raise ValueError(f"target {target[:40]!r}... is longer than {KEY_LENGTH} characters")
        if self._is_settled(event_id, target):
            return
        try:
            with self._conn.begin_nested():
                self._conn.execute(
                    insert(outbox_targets).values(
                        outbox_id=event_id, target=target, outcome=outcome, detail=detail, settled_at=at
                    )
                )
        except IntegrityError:
            # A duplicate means another worker settled it first; a missing event is a real error.
            if not self._is_settled(event_id, target):
                raise

    def _is_settled(self, event_id: int, target: str) -> bool:
        query = select(exists().where(outbox_targets.c.outbox_id == event_id, outbox_targets.c.target == target))
        return bool(self._conn.execute(query).scalar())

    def mark_delivered(self, event_id: int, at: datetime) -> bool:
        """Record a delivery; False when the event was already delivered (by another worker)."""
        result = self._conn.execute(
            update(outbox)
            .where(outbox.c.id == event_id, outbox.c.delivered_at.is_(None))
            .values(delivered_at=at, attempts=outbox.c.attempts + 1, last_error=None)
        )
        return result.rowcount == 1

    def mark_failed(self, event_id: int, error: str, retry_at: datetime) -> None:
        """Record a failed attempt and when to try again; the error is kept redacted as the logs keep
        it, since a platform's message may echo a token or a credential header."""
        self._conn.execute(
            update(outbox)
            .where(outbox.c.id == event_id, outbox.c.delivered_at.is_(None))
            .values(attempts=outbox.c.attempts + 1, last_error=redact(error), next_attempt_at=retry_at)
        )

    def depth(self) -> tuple[int, datetime | None]:
        """How many events wait (due or not), and the oldest one's creation time: for health checks."""
        query = select(func.count(), func.min(outbox.c.created_at)).where(outbox.c.delivered_at.is_(None))
        count, oldest = self._conn.execute(query).one()
        return int(count), oldest

    def waiting(self, limit: int) -> list[WaitingLine]:
        query = (select(outbox.c.id, outbox.c.name, outbox.c.created_at, outbox.c.attempts, outbox.c.next_attempt_at,
                        outbox.c.last_error)
                 .where(outbox.c.delivered_at.is_(None))
                 .order_by(outbox.c.attempts.desc(), outbox.c.created_at, outbox.c.id)
                 .limit(limit))
        return [WaitingLine(row.id, row.name, row.created_at, row.attempts, row.next_attempt_at, row.last_error)
                for row in self._conn.execute(query)]


def _is_due(at: datetime) -> ColumnElement[bool]:
    """Undelivered, and the next attempt is not in the future (or was never scheduled)."""
    return and_(
        outbox.c.delivered_at.is_(None),
        or_(outbox.c.next_attempt_at.is_(None), outbox.c.next_attempt_at <= at),
    )


def _select_items() -> Select[Any]:
    return select(outbox.c.id, outbox.c.name, outbox.c.payload, outbox.c.attempts, outbox.c.created_at)


def _item(row: Row[Any], resumed: bool = False) -> OutboxItem:
    payload = json.loads(row.payload)
    correlation = payload.pop(CORRELATION_KEY, None)
    return OutboxItem(id=int(row.id), event=Event(row.name, payload), attempts=int(row.attempts),
                      created_at=row.created_at, resumed=resumed, correlation=correlation)


__all__ = ["SqlOutbox"]

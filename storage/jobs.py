"""The scheduler's tables: job-run records, planned posts, and leadership.

Taking a (job, period) is an ``INSERT`` under the table's unique key, inside a savepoint: of two
schedulers racing, the second waits for the first's transaction (InnoDB's lock on the key, or
SQLite's write lock) and then finds the key taken, without losing its own transaction.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Engine, Row, and_, func, insert, or_, select, text, update
from sqlalchemy.exc import IntegrityError

from core.ports.jobs import DocumentDue, PlannedPost
from core.views import JobRun
from storage.engine import is_mysql
from storage.json_columns import to_json
from storage.tables import job_posts, job_runs, leave_requests, ledger_entries, scheduler_leases

log = logging.getLogger(__name__)


class SqlJobStore:
    """:class:`core.ports.jobs.JobStore` inside the caller's transaction."""

    def __init__(self, connection: Connection) -> None:
        self._conn = connection

    def start(self, job: str, period: str, at: datetime) -> bool:
        try:
            with self._conn.begin_nested():
                self._conn.execute(insert(job_runs).values(job=job, period=period[:191], started_at=at,
                                                           outcome="running", detail=""))
        except IntegrityError:
            return False
        return True

    def restart(self, job: str, period: str, at: datetime, stale_before: datetime) -> bool:
        result = self._conn.execute(
            update(job_runs)
            .where(job_runs.c.job == job, job_runs.c.period == period, job_runs.c.outcome == "running",
                   job_runs.c.started_at < stale_before)
            .values(started_at=at)
        )
        return result.rowcount == 1

    def finish(self, job: str, period: str, at: datetime, outcome: str, detail: str = "") -> None:
        self._conn.execute(update(job_runs).where(job_runs.c.job == job, job_runs.c.period == period)
                           .values(finished_at=at, outcome=outcome, detail=detail[:2000]))

    def taken(self, job: str, periods: list[str]) -> set[str]:
        if not periods:
            return set()
        query = select(job_runs.c.period).where(job_runs.c.job == job, job_runs.c.period.in_(periods))
        return {str(p) for p in self._conn.execute(query).scalars()}

    def last_runs(self) -> dict[str, JobRun]:
        latest = select(job_runs.c.job, func.max(job_runs.c.id).label("id")).group_by(job_runs.c.job).subquery()
        query = select(job_runs).join(latest, job_runs.c.id == latest.c.id)
        return {str(row.job): _run(row) for row in self._conn.execute(query)}

    def add_post(self, job: str, period: str, target: str, payload: dict[str, Any], at: datetime) -> None:
        try:
            with self._conn.begin_nested():
                self._conn.execute(insert(job_posts).values(job=job, period=period[:191], target=target[:191],
                                                            payload=to_json(payload), created_at=at, attempts=0))
        except IntegrityError:
            log.info("post %s %s %s was planned already", job, period, target)

    def due_posts(self, at: datetime, limit: int) -> list[PlannedPost]:
        query = select(job_posts).where(_due(at)).order_by(job_posts.c.id).limit(limit)
        return [_post(row) for row in self._conn.execute(query)]

    def claim_post(self, post_id: int, at: datetime, lease_until: datetime) -> PlannedPost | None:
        result = self._conn.execute(update(job_posts).where(job_posts.c.id == post_id, _due(at))
                                    .values(next_attempt_at=lease_until))
        if result.rowcount != 1:
            return None
        return _post(self._conn.execute(select(job_posts).where(job_posts.c.id == post_id)).one())

    def settle_post(self, post_id: int, at: datetime, outcome: str, detail: str = "") -> None:
        self._conn.execute(update(job_posts).where(job_posts.c.id == post_id, job_posts.c.settled_at.is_(None))
                           .values(settled_at=at, outcome=outcome, detail=detail,
                                   attempts=job_posts.c.attempts + 1))

    def retry_post(self, post_id: int, error: str, retry_at: datetime) -> None:
        self._conn.execute(update(job_posts).where(job_posts.c.id == post_id, job_posts.c.settled_at.is_(None))
                           .values(attempts=job_posts.c.attempts + 1, detail=error, next_attempt_at=retry_at))

    def posts(self, job: str | None = None) -> list[tuple[str, str, str, str]]:
        query = select(job_posts.c.job, job_posts.c.period, job_posts.c.target, job_posts.c.outcome)
        if job is not None:
            query = query.where(job_posts.c.job == job)
        return [(str(r.job), str(r.period), str(r.target), str(r.outcome or "waiting"))
                for r in self._conn.execute(query.order_by(job_posts.c.id))]

    def documents_due(self) -> list[DocumentDue]:
        r = leave_requests.c
        query = (select(r.id, r.employee_id, r.type_key, r.start_date, r.end_date)
                 .where(r.document_due.is_(True), r.status.in_(("PENDING", "APPROVED")))
                 .order_by(r.start_date, r.id))
        return [DocumentDue(int(row.id), str(row.employee_id), str(row.type_key), row.start_date, row.end_date)
                for row in self._conn.execute(query)]

    def ledger_totals(self, year: int, kinds: tuple[str, ...] | None = None) -> dict[tuple[str, str], Decimal]:
        query = (select(ledger_entries.c.employee_id, ledger_entries.c.type_key, func.sum(ledger_entries.c.days))
                 .where(ledger_entries.c.year == year)
                 .group_by(ledger_entries.c.employee_id, ledger_entries.c.type_key))
        if kinds is not None:
            query = query.where(ledger_entries.c.kind.in_(kinds))
        return {(str(e), str(t)): Decimal(str(total or 0)) for e, t, total in self._conn.execute(query)}


def _due(at: datetime) -> Any:
    return and_(job_posts.c.settled_at.is_(None),
                or_(job_posts.c.next_attempt_at.is_(None), job_posts.c.next_attempt_at <= at))


def _run(row: Row[Any]) -> JobRun:
    return JobRun(job=row.job, period=row.period, started_at=row.started_at, finished_at=row.finished_at,
                  outcome=row.outcome, detail=row.detail)


def _post(row: Row[Any]) -> PlannedPost:
    return PlannedPost(id=int(row.id), job=row.job, period=row.period, target=row.target,
                       payload=json.loads(row.payload), attempts=int(row.attempts))


class Leadership:
    """One scheduler at a time: MySQL/MariaDB's ``GET_LOCK`` on a connection held for as long as
    this process leads (released by the server if the process dies), or on SQLite a lease row
    that the leader renews each tick and that a follower takes over once it has expired."""

    NAME = "leavebot-scheduler"

    def __init__(self, engine: Engine, holder: str, lease: timedelta = timedelta(minutes=3)) -> None:
        self._engine = engine
        self._holder = holder
        self._lease = lease
        self._connection: Connection | None = None

    def acquire(self, now: datetime) -> bool:
        """True while this process leads; call it before every tick."""
        if is_mysql(self._engine):
            return self._named_lock()
        return self._lease_row(now)

    def release(self) -> None:
        if self._connection is not None:
            try:
                self._connection.execute(text("SELECT RELEASE_LOCK(:name)"), {"name": self.NAME})
            finally:
                self._connection.close()
                self._connection = None
        elif not is_mysql(self._engine):
            with self._engine.begin() as connection:
                connection.execute(scheduler_leases.delete().where(scheduler_leases.c.name == self.NAME,
                                                                   scheduler_leases.c.holder == self._holder))

    def _named_lock(self) -> bool:
        if self._connection is not None:
            try:
                held = self._connection.execute(text("SELECT IS_USED_LOCK(:name) = CONNECTION_ID()"),
                                                {"name": self.NAME}).scalar()
                self._connection.commit()  # hold the lock, not a transaction's snapshot
                if held:
                    return True
            except Exception:
                log.warning("scheduler: lost the leadership connection")
            self._connection.close()
            self._connection = None
        connection = self._engine.connect()
        got = connection.execute(text("SELECT GET_LOCK(:name, 0)"), {"name": self.NAME}).scalar()
        connection.commit()
        if got == 1:
            self._connection = connection
            return True
        connection.close()
        return False

    def _lease_row(self, now: datetime) -> bool:
        until = now + self._lease
        with self._engine.begin() as connection:
            renewed = connection.execute(
                update(scheduler_leases)
                .where(scheduler_leases.c.name == self.NAME,
                       or_(scheduler_leases.c.holder == self._holder, scheduler_leases.c.until < now))
                .values(holder=self._holder, until=until)
            ).rowcount
            if renewed:
                return True
            try:
                with connection.begin_nested():
                    connection.execute(insert(scheduler_leases).values(name=self.NAME, holder=self._holder,
                                                                       until=until))
            except IntegrityError:
                return False
            return True

"""Delivering the outbox on the real databases: the main flow, and exactly once across workers.

Each test runs on SQLite and on MariaDB/MySQL (see conftest.py). A worker claims an event with a
committed lease (a conditional update), so the others skip it until the lease runs out, and no
lock is held while a platform is called. On SQLite each short transaction still takes the write
lock in turn (``BEGIN IMMEDIATE``); one that waits too long gives the event up as a
:class:`~core.ports.Conflict` for a later round.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Engine, select

from core.commands import ApplyLeave, Decide
from core.delivery.relay import LEASE, DeliveryReport, backoff
from core.ports import RetryLater, UnitOfWork
from core.service import LeaveService
from core.views import AppliedView, DecidedView, Notice, NoticeKind
from storage import tables
from storage.engine import make_engine
from tests.unit.fakes import FixedClock

NOW = datetime(2026, 11, 25, 4, 30, tzinfo=UTC)
# Ten working days in December 2026, one request each.
DAYS = [date(2026, 12, d) for d in (1, 2, 3, 4, 7, 8, 9, 10, 11, 14)]


class Recorder:
    """A door that remembers what it sent; thread-safe, optionally slow like a real platform."""

    def __init__(self, name: str = "slack", delay: float = 0.0) -> None:
        self.name = name
        self.delay = delay
        self.sent: list[Notice] = []
        self._lock = threading.Lock()

    def deliver(self, notice: Notice) -> None:
        if self.delay:
            time.sleep(self.delay)
        with self._lock:
            self.sent.append(notice)


class Throttled(Recorder):
    """A door that answers 429 until ``open`` is set."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.open = False

    def deliver(self, notice: Notice) -> None:
        if not self.open:
            raise RetryLater("429 Too Many Requests", after=120)
        super().deliver(notice)



def apply(service: LeaveService, who: str, day: date) -> AppliedView:
    view = service.execute(who, ApplyLeave("casual", day, day, reason="family"), "test")
    assert isinstance(view, AppliedView), view
    return view


def depth(uow_factory: Callable[[], UnitOfWork]) -> tuple[int, datetime | None]:
    with uow_factory() as uow:
        return uow.outbox.depth()


def test_apply_and_decide_reach_the_right_people_once(
    service: LeaveService, uow_factory: Callable[[], UnitOfWork]
) -> None:
    slack = Recorder()
    assert depth(uow_factory) == (0, None)
    applied = apply(service, "ananya@x.test", DAYS[0])
    assert depth(uow_factory) == (1, NOW)

    assert service.deliver_notices([slack]).delivered == 1
    assert depth(uow_factory) == (0, None)
    (notice,) = slack.sent
    assert (notice.kind, notice.key, notice.recipient.email) == (
        NoticeKind.APPROVAL_NEEDED, "approval_needed:E2", "boss@x.test"
    )
    assert notice.request == applied.request
    assert notice.balance_after == applied.balance_after
    assert notice.facts == ("Applied 6 days ahead", "1 working day")
    assert service.deliver_notices([slack]).delivered == 0

    decided = service.execute("boss@x.test", Decide(applied.request.id, True), "test")
    assert isinstance(decided, DecidedView)
    assert depth(uow_factory) == (1, NOW)
    service.deliver_notices([slack])
    assert [(n.kind, n.recipient.email) for n in slack.sent[1:]] == [
        (NoticeKind.DECIDED, "ananya@x.test"),
        (NoticeKind.REQUEST_CLOSED, "boss@x.test"),
    ]
    assert depth(uow_factory) == (0, None)


def test_a_throttled_door_is_retried_later_without_repeating_the_other(
    service: LeaveService, engine: Engine, clock: FixedClock, uow_factory: Callable[[], UnitOfWork]
) -> None:
    slack, teams = Throttled("slack"), Recorder("teams")
    apply(service, "ananya@x.test", DAYS[0])
    report = service.deliver_notices([slack, teams])
    assert (report.delivered, report.retrying) == (0, 1)
    with engine.connect() as connection:
        row = connection.execute(select(tables.outbox)).one()
        targets = connection.execute(select(tables.outbox_targets.c.target, tables.outbox_targets.c.outcome)).all()
    assert row.delivered_at is None and row.attempts == 1
    assert row.next_attempt_at >= NOW + timedelta(seconds=120)
    assert row.next_attempt_at == NOW + backoff(0, 120)
    assert "429" in row.last_error
    assert [tuple(t) for t in targets] == [("teams:approval_needed:E2", "delivered")]
    assert depth(uow_factory) == (1, NOW)

    slack.open = True
    assert service.deliver_notices([slack, teams]).delivered == 0  # not due yet
    clock.at = row.next_attempt_at
    assert service.deliver_notices([slack, teams]).delivered == 1
    assert (len(slack.sent), len(teams.sent)) == (1, 1)
    assert depth(uow_factory) == (0, None)


def test_concurrent_workers_deliver_each_notice_exactly_once(
    service: LeaveService, uow_factory: Callable[[], UnitOfWork]
) -> None:
    applied = [apply(service, who, day) for who, day in zip(["ananya@x.test", "rahul@x.test"] * 5, DAYS, strict=True)]
    assert depth(uow_factory) == (10, NOW)
    slack = Recorder(delay=0.05)
    start = threading.Barrier(4, timeout=10)
    reports: list[DeliveryReport] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            start.wait()
            reports.append(service.deliver_notices([slack]))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == [] and len(reports) == 4
    assert all(r.retrying == 0 and r.errors == [] for r in reports)
    # An event given up after a busy database (a Conflict) is delivered by the next round.
    after = service.deliver_notices([slack])
    assert sum(r.delivered for r in reports) + after.delivered == 10

    sent = Counter((n.request.id, n.key) for n in slack.sent)
    assert sent == Counter({(a.request.id, "approval_needed:E2"): 1 for a in applied})
    assert depth(uow_factory) == (0, None)
    assert service.deliver_notices([slack]).delivered == 0
    assert len(slack.sent) == 10


class Probe(Recorder):
    """A door that, while "calling the platform", checks that the relay holds no database lock.

    It takes the outbox row's lock (MySQL) or the write lock (SQLite) from a second connection
    that gives up after a second: a relay still inside a transaction would make it fail.
    """

    def __init__(self, db_url: str) -> None:
        super().__init__("slack")
        self.engine = make_engine(db_url, sqlite_busy_timeout=1.0)
        self.checks: list[str] = []

    def deliver(self, notice: Notice) -> None:
        # On SQLite, begin() is BEGIN IMMEDIATE: it takes the write lock.
        with self.engine.connect() as connection, connection.begin():
            if connection.dialect.name != "sqlite":
                connection.exec_driver_sql("SET SESSION innodb_lock_wait_timeout = 1")
            connection.execute(select(tables.outbox.c.id).with_for_update()).all()
            connection.execute(
                tables.audit_log.insert().values(at=NOW, actor="probe", action="probe", outcome="ok", detail="",
                                                 source="test")
            )
        self.checks.append(notice.key)
        super().deliver(notice)


def test_no_lock_is_held_while_a_platform_is_called(service: LeaveService, db_url: str) -> None:
    probe = Probe(db_url)
    try:
        apply(service, "ananya@x.test", DAYS[0])
        report = service.deliver_notices([probe])
        assert (report.delivered, report.retrying, report.errors) == (1, 0, []), report.errors
        assert probe.checks == ["approval_needed:E2"]
    finally:
        probe.engine.dispose()


def test_an_event_whose_worker_died_is_delivered_once_its_lease_runs_out(
    service: LeaveService, clock: FixedClock, uow_factory: Callable[[], UnitOfWork]
) -> None:
    slack = Recorder()
    apply(service, "ananya@x.test", DAYS[0])
    with uow_factory() as uow:  # a worker claims the event, then dies before sending anything
        (item,) = uow.outbox.due(NOW, 10)
        assert uow.outbox.claim(item.id, NOW, NOW + LEASE) is not None
        uow.commit()
    assert service.deliver_notices([slack]).delivered == 0  # leased: nobody else takes it
    assert slack.sent == [] and depth(uow_factory) == (1, NOW)
    clock.at = NOW + LEASE
    assert service.deliver_notices([slack]).delivered == 1
    assert [n.key for n in slack.sent] == ["approval_needed:E2"]
    assert depth(uow_factory) == (0, None)

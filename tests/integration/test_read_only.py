"""Commands that only look read in read-only transactions, which the database itself holds to that;
commands that write still write, and a look that must write after all writes in a transaction of its own.

On SQLite a read-only transaction takes no lock, so people looking are never held up by someone
writing (nor by each other). Each test runs on SQLite and on MariaDB/MySQL unless it says otherwise.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event, text

from core.commands import ApplyLeave
from core.service import BUSY, LeaveService
from core.views import AppliedView, BalanceView, RefusalView
from storage import migrate
from storage.engine import make_engine
from storage.uow import uow_factory
from tests.unit.conftest import ORG_CSV, policy_document
from tests.unit.fakes import FixedClock

#: A write that changes nothing, tried inside a command's own transaction: refused in a read-only one.
NO_OP_WRITE = "UPDATE cache_versions SET token = token WHERE 1 = 0"
#: The statements a transaction begins with, which come before its first query.
OWN_STATEMENTS = ("BEGIN", "START TRANSACTION", "PRAGMA")
APPLICATION = ApplyLeave("casual", date(2026, 12, 7), date(2026, 12, 7))


@contextlib.contextmanager
def write_refused(engine: Engine) -> Iterator[list[bool]]:
    """Whether each transaction begun on ``engine`` in the block refuses a write: one is tried (on the
    transaction's own connection, changing nothing) right after its first query."""
    refused: list[bool] = []
    fresh = [False]

    def begin(_connection: Any) -> None:
        fresh[0] = True

    def after(connection: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not fresh[0] or statement.lstrip().upper().startswith(OWN_STATEMENTS):
            return
        fresh[0] = False
        probe = connection.connection.dbapi_connection.cursor()
        try:
            probe.execute(NO_OP_WRITE)
            refused.append(False)
        except engine.dialect.loaded_dbapi.Error:
            refused.append(True)
        finally:
            probe.close()

    event.listen(engine, "begin", begin)
    event.listen(engine, "after_cursor_execute", after)
    try:
        yield refused
    finally:
        event.remove(engine, "after_cursor_execute", after)
        event.remove(engine, "begin", begin)


def test_a_balance_reads_in_a_transaction_that_refuses_writes_and_an_application_writes(
        service: LeaveService, engine: Engine) -> None:
    assert isinstance(service.handle_text("ananya@x.test", "balance", "slack"), BalanceView)  # the grants, written
    with write_refused(engine) as looked:
        assert isinstance(service.handle_text("ananya@x.test", "balance", "slack"), BalanceView)
    assert looked == [True]
    with write_refused(engine) as applied:
        assert isinstance(service.execute("ananya@x.test", APPLICATION, "slack"), AppliedView)
    assert applied == [False]
    assert [r.start for r in service.list_requests("ananya@x.test")] == [APPLICATION.start]


def test_a_look_that_must_record_a_refusal_records_it(service: LeaveService, engine: Engine) -> None:
    """HR's report refused to someone else is recorded: the look runs again in a transaction that writes."""
    with write_refused(engine) as modes:
        view = service.handle_text("ananya@x.test", "report 2026-11", "slack")
    assert isinstance(view, RefusalView)
    assert modes == [True, False]
    assert [(e.actor, e.outcome) for e in service.audit_log() if e.action == "not_hr"] == [("ananya@x.test", "refused")]


@pytest.fixture
def sqlite_service(tmp_path: Path, clock: FixedClock) -> Iterator[tuple[LeaveService, Engine]]:
    """The core on a SQLite file whose writers give up on the write lock after a tenth of a second."""
    engine = make_engine(f"sqlite:///{tmp_path / 'leavebot.db'}", sqlite_busy_timeout=0.1)
    try:
        migrate.upgrade(engine)
        service = LeaveService(uow_factory(engine), clock, default_time_zone="Asia/Kolkata")
        service.load_policy(policy_document(), "test")
        service.import_employees(ORG_CSV)
        assert isinstance(service.handle_text("ananya@x.test", "balance", "slack"), BalanceView)  # the grants
        yield service, engine
    finally:
        engine.dispose()


def test_on_sqlite_people_looking_are_not_held_up_by_a_writer(sqlite_service: tuple[LeaveService, Engine]) -> None:
    """SQLite only: while another connection holds the write lock, balances are answered (two readers
    at once among them), and an application waits for the lock, then is refused as busy."""
    service, engine = sqlite_service
    new_uow = uow_factory(engine)
    with engine.connect() as writer:
        writer.begin()  # BEGIN IMMEDIATE: the write lock, held
        writer.execute(text("UPDATE cache_versions SET token = token"))
        with new_uow(read_only=True) as one, new_uow(read_only=True) as other:
            assert one.employees.by_email("ananya@x.test") == other.employees.by_email("ananya@x.test") is not None
        assert isinstance(service.handle_text("ananya@x.test", "balance", "slack"), BalanceView)
        held = service.execute("ananya@x.test", APPLICATION, "slack")
        assert isinstance(held, RefusalView) and held.message == BUSY
    assert isinstance(service.execute("ananya@x.test", APPLICATION, "slack"), AppliedView)  # the lock is free again

"""What a unit of work leaves on the connection it hands back to the pool (MariaDB/MySQL).

The pool's own rollback on return is skipped when the unit of work has already ended its
transaction; whatever it left open (rows read, rows locked) is still rolled back, once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import pymysql
import pytest
from sqlalchemy import Engine, text

from core.domain.model import AuditEntry
from storage.engine import make_engine
from storage.uow import SqlUnitOfWork

UowFactory = Callable[[], SqlUnitOfWork]
NOW = datetime(2026, 11, 25, 4, 30, tzinfo=UTC)


@pytest.fixture
def rollbacks(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """Every ROLLBACK the driver sends from now on (one item each)."""
    if engine.dialect.name == "sqlite":
        pytest.skip("SQLite keeps the pool's own rollback: it costs no round trip")
    sent: list[int] = []
    rollback = pymysql.connections.Connection.rollback

    def counted(connection: pymysql.connections.Connection) -> None:
        sent.append(1)
        rollback(connection)

    monkeypatch.setattr(pymysql.connections.Connection, "rollback", counted)
    yield sent


def test_a_committed_unit_of_work_sends_no_rollback(uow_factory: UowFactory, rollbacks: list[int]) -> None:
    with uow_factory() as uow:
        uow.audit.add(AuditEntry(NOW, "system", "tick"))
        uow.commit()
    assert rollbacks == []
    with uow_factory() as uow:
        assert [entry.action for entry in uow.audit.since()] == ["tick"]
    assert rollbacks == [1]  # read and left without a commit: rolled back once, not twice


def test_a_lock_taken_after_the_commit_is_released_on_return(engine: Engine, uow_factory: UowFactory,
                                                             rollbacks: list[int]) -> None:
    with uow_factory() as uow:
        uow.audit.add(AuditEntry(NOW, "system", "tick"))
        uow.commit()
        uow.connection.execute(text("SELECT id FROM audit_log FOR UPDATE")).all()
    assert rollbacks == [1]
    other = make_engine(engine.url.render_as_string(hide_password=False))
    try:
        with other.connect() as connection:
            connection.execute(text("SET SESSION innodb_lock_wait_timeout = 1"))
            assert connection.execute(text("SELECT action FROM audit_log FOR UPDATE")).scalars().all() == ["tick"]
    finally:
        other.dispose()

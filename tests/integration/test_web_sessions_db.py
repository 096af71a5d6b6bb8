"""The web dashboard's sessions store and its migration, on SQLite and MariaDB/MySQL: a session is
kept by the hash of its id, touched, ended once, and purged when idle or too old; 0021 goes back cleanly."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from alembic import command
from sqlalchemy import Engine, inspect

from core.ports.web import WebSession
from core.service import LeaveService
from storage import migrate
from storage.engine import make_engine
from storage.web_sessions import SqlWebSessions

NOW = datetime(2026, 11, 25, 4, 30, tzinfo=UTC)


def test_a_session_is_kept_touched_and_ended_once(engine: Engine, service: LeaveService) -> None:
    sessions = SqlWebSessions(engine)
    sessions.start(WebSession("a" * 64, "E3", NOW, NOW))
    sessions.touch("a" * 64, NOW + timedelta(minutes=5))
    assert sessions.get("a" * 64) == WebSession("a" * 64, "E3", NOW, NOW + timedelta(minutes=5))
    assert sessions.get("b" * 64) is None
    assert sessions.end("a" * 64) is True
    assert sessions.end("a" * 64) is False
    assert sessions.get("a" * 64) is None


def test_idle_and_old_sessions_are_purged(engine: Engine, service: LeaveService) -> None:
    sessions = SqlWebSessions(engine)
    sessions.start(WebSession("1" * 64, "E3", NOW - timedelta(hours=13), NOW))  # too old
    sessions.start(WebSession("2" * 64, "E3", NOW - timedelta(hours=1), NOW - timedelta(minutes=31)))  # idle
    sessions.start(WebSession("3" * 64, "E4", NOW - timedelta(hours=1), NOW - timedelta(minutes=1)))  # in use
    assert sessions.purge(NOW - timedelta(minutes=30), NOW - timedelta(hours=12)) == 2
    assert [sessions.get(k * 64) is not None for k in "123"] == [False, False, True]


def test_0021_downgrades_cleanly(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        migrate.upgrade(engine, "0021")
        assert "web_sessions" in inspect(engine).get_table_names()
        config = migrate.alembic_config()
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "0020")
        assert migrate.current_revision(engine) == "0020"
        assert "web_sessions" not in inspect(engine).get_table_names()
    finally:
        engine.dispose()

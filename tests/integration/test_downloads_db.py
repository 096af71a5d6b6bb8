"""Migration 0009 keeps the files of a database in use single-use, and goes back cleanly (what the
store promises is held on every store by tests/contract/test_port_downloads.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from alembic import command
from sqlalchemy import inspect, text

from storage import migrate, tables
from storage.downloads import SqlDownloads
from storage.engine import make_engine

NOW = datetime(2026, 11, 25, 4, 30, tzinfo=UTC)


def test_0009_keeps_files_in_use_single_use_and_downgrades_cleanly(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        migrate.upgrade(engine, "0008")
        with engine.begin() as connection:  # as 0008 wrote a report's file, before the column existed
            connection.execute(text("INSERT INTO downloads (token_hash, filename, media_type, content, created_at, "
                                    "expires_at) VALUES (:key, 'report.csv', 'text/csv', 'x', :now, :expires)"),
                               {"key": "c" * 64, "now": NOW.replace(tzinfo=None),
                                "expires": (NOW + timedelta(hours=24)).replace(tzinfo=None)})
        migrate.upgrade(engine, "0009")
        with engine.connect() as connection:
            (row,) = connection.execute(tables.downloads.select()).all()
        assert row.token_hash == "c" * 64 and row.reusable is False
        store = SqlDownloads(engine)
        assert store.take("c" * 64, NOW) is not None and store.take("c" * 64, NOW) is None

        config = migrate.alembic_config()
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "0008")
        assert migrate.current_revision(engine) == "0008"
        assert "reusable" not in {c["name"] for c in inspect(engine).get_columns("downloads")}
    finally:
        engine.dispose()

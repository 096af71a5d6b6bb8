"""Downloads on the real databases: a reusable file is served until it expires, a single-use one once;
migration 0009 keeps the files of a database in use single-use, and goes back cleanly."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from alembic import command
from sqlalchemy import inspect, text

from core.ports import UnitOfWork
from core.ports.downloads import Download
from storage import migrate, tables
from storage import uow as storage_uow
from storage.engine import make_engine

NOW = datetime(2026, 11, 25, 4, 30, tzinfo=UTC)
PNG = b"\x89PNG\r\n\x1a\n\x00\xff binary"


def add(uow_factory: Callable[[], UnitOfWork], key: str, *, reusable: bool, hours: int = 24) -> None:
    content = Download.binary(PNG) if reusable else "a,b\n1,2\n"
    media_type = "image/png" if reusable else "text/csv"
    with uow_factory() as uow:
        uow.downloads.add(Download(key, f"{key}.bin", media_type, content, NOW, NOW + timedelta(hours=hours),
                                   reusable=reusable))
        uow.commit()


def take(uow_factory: Callable[[], UnitOfWork], key: str, at: datetime = NOW) -> Download | None:
    with uow_factory() as uow:
        found = uow.downloads.take(key, at)
        uow.commit()
    return found


def test_a_reusable_file_is_served_until_it_expires_then_purged(uow_factory: Callable[[], UnitOfWork]) -> None:
    add(uow_factory, "a" * 64, reusable=True)
    first, second = take(uow_factory, "a" * 64), take(uow_factory, "a" * 64, NOW + timedelta(hours=23))
    assert first is not None and second is not None
    assert first.body == second.body == PNG and first.reusable
    assert take(uow_factory, "a" * 64, NOW + timedelta(hours=24)) is None
    with uow_factory() as uow:
        assert uow.downloads.purge(NOW + timedelta(hours=24)) == 1
        uow.commit()


def test_a_single_use_file_is_still_taken_once(uow_factory: Callable[[], UnitOfWork]) -> None:
    add(uow_factory, "b" * 64, reusable=False)
    found = take(uow_factory, "b" * 64)
    assert found is not None and found.body == b"a,b\n1,2\n" and not found.reusable
    assert take(uow_factory, "b" * 64) is None


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
        factory = storage_uow.uow_factory(engine)
        assert take(factory, "c" * 64) is not None and take(factory, "c" * 64) is None

        config = migrate.alembic_config()
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "0008")
        assert migrate.current_revision(engine) == "0008"
        assert "reusable" not in {c["name"] for c in inspect(engine).get_columns("downloads")}
    finally:
        engine.dispose()

"""``leavebot export`` / ``import-state``: the whole state survives a trip to the other database and back.

The organisation is built through the core (applications, decisions, a cancellation, accruals,
chat links, a feed), so every table the product writes is in the file. It is exported, restored
into a fresh database of the other kind (SQLite to MariaDB, MariaDB to SQLite), exported again:
the two files must be equal, and so must what people see (balances, ``requests --json``).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from bot import cli
from bot.cli import output as out
from bot.settings import Settings
from core.calendars.feeds import create_feed
from core.commands import ApplyLeave, CancelRequest, Decide, Delegate
from core.domain.model import HalfDay
from core.service import LeaveService
from core.views import AppliedView
from storage import migrate, tables
from storage.backup import TRANSIENT, BackupRefused, export_state, import_state, state_tables
from storage.chat import SqlChatStore
from storage.engine import make_engine
from storage.jobs import Leadership
from storage.uow import uow_factory
from tests.integration.conftest import new_database
from tests.unit.fakes import FixedClock

PEOPLE = ("hr@x.test", "boss@x.test", "ananya@x.test", "rahul@x.test", "kiran@x.test")


@pytest.fixture
def other_url(db_url: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """An empty database of the other kind: MariaDB when the test runs on SQLite, and the reverse."""
    directory = tmp_path / "other"
    directory.mkdir()
    with new_database(request, directory, kind="sqlite" if db_url.startswith("mysql") else "mysql") as url:
        yield url


@pytest.fixture
def organisation(service: LeaveService, engine: Engine, clock: FixedClock) -> LeaveService:
    """Requests in every state, decisions, ledger, audit, outbox, chat links, a delegation, a feed, a lease."""
    day = date(2026, 12, 7)
    approved = apply(service, "ananya@x.test", day, day + timedelta(days=1))
    service.execute("boss@x.test", Decide(approved, True), "slack")
    rejected = apply(service, "rahul@x.test", day, day)
    service.execute("boss@x.test", Decide(rejected, False, reason="release week"), "teams")
    cancelled = apply(service, "kiran@x.test", date(2026, 12, 14), date(2026, 12, 14))
    service.execute("kiran@x.test", CancelRequest(cancelled), "cli")
    apply(service, "ananya@x.test", date(2026, 12, 21), date(2026, 12, 21), half=HalfDay.FIRST)
    service.execute("boss@x.test", Delegate("hr@x.test", date(2026, 12, 1), date(2026, 12, 31)), "cli")
    service.execute("rahul@x.test", Decide(approved, True), "slack")  # refused: audited
    service.link_by_email("slack", "U0ANANYA", "ananya@x.test")
    service.run_job("accrual", date(2026, 11, 1))
    SqlChatStore(engine).save_address("teams", "employee:E2", json.dumps({"conversation": {"id": "a:1ü"}}),
                                      clock.now())
    factory = uow_factory(engine)
    with factory() as uow:
        create_feed(uow, clock, "department", "Engineering")
        uow.jobs.start("whos-out", "2026-11-25:Engineering", clock.now())
        uow.jobs.add_post("whos-out", "2026-11-25:Engineering", "slack:channel:CENG", {"kind": "whos_out"},
                          clock.now())
        uow.commit()
    if engine.dialect.name == "sqlite":  # MySQL leads by a named lock, not a row
        assert Leadership(engine, "old-process").acquire(clock.now())
    return service


def apply(service: LeaveService, email: str, start: date, end: date, half: HalfDay | None = None) -> int:
    applied = service.execute(email, ApplyLeave("casual", start, end, half=half, reason="family ünïcode"), "slack")
    assert isinstance(applied, AppliedView), applied
    return applied.request.id


def seen(service: LeaveService) -> tuple[Any, ...]:
    """What people and scripts see: everyone's balances and ``requests --json``."""
    balances = [out.balance_json(service.balance_of(email)) for email in PEOPLE]
    return balances, [out.request_json(r) for r in service.list_requests()]


def without_time(document: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in document.items() if key != "exported_at"}


def migrated(url: str) -> Engine:
    engine = make_engine(url)
    migrate.upgrade(engine)
    return engine


def test_the_state_survives_a_trip_to_the_other_database_and_back(
        organisation: LeaveService, engine: Engine, other_url: str, clock: FixedClock) -> None:
    first = export_state(engine, clock.now())
    assert set(first["tables"]) == {t.name for t in state_tables()}
    assert not set(first["tables"]) & {"scheduler_leases", "downloads"}
    assert first["skipped"] == dict(TRANSIENT) and first["schema_revision"] == migrate.head_revision()
    empty = [name for name in ("employees", "leave_requests", "ledger_entries", "audit_log", "outbox",
                               "approval_decisions", "chat_addresses", "delegations", "feed_tokens", "job_runs",
                               "job_posts", "policy_versions") if not first["tables"][name]["rows"]]
    assert empty == []
    other = migrated(other_url)
    try:
        summary = import_state(other, first)
        assert summary.total == sum(len(t["rows"]) for t in first["tables"].values())
        second = export_state(other, clock.now())
        assert without_time(second) == without_time(first)
        restored = LeaveService(uow_factory(other), clock, default_time_zone="Asia/Kolkata")
        assert seen(restored) == seen(organisation)

        newest = max(row[0] for row in first["tables"]["leave_requests"]["rows"])
        fresh = apply(restored, "rahul@x.test", date(2027, 1, 4), date(2027, 1, 4))
        assert fresh > newest  # the counters carried on past the restored ids
    finally:
        other.dispose()


def test_a_database_with_data_is_refused_unless_replaced(organisation: LeaveService, engine: Engine,
                                                         clock: FixedClock) -> None:
    document = export_state(engine, clock.now())
    before = seen(organisation)
    apply(organisation, "rahul@x.test", date(2027, 2, 1), date(2027, 2, 1))
    with pytest.raises(BackupRefused, match=r"already holds data.*--replace"):
        import_state(engine, document)
    assert seen(organisation) != before
    import_state(engine, document, replace=True)
    assert seen(organisation) == before
    assert without_time(export_state(engine, clock.now())) == without_time(document)


MISFITS: list[tuple[Callable[[dict[str, Any]], None], str]] = [
    (lambda d: d.update(schema_revision="0001"), "exported at schema revision 0001"),
    (lambda d: d.update(format="something-else"), "not a LeaveBot export"),
    (lambda d: d["tables"].update(salaries={"columns": [], "rows": []}), "tables this schema does not: salaries"),
    (lambda d: d["tables"]["employees"]["columns"].append("salary"), "unknown columns salary"),
    (lambda d: d["tables"]["leave_requests"]["rows"][0].__setitem__(3, "7th of December"), "is not a date"),
]


def test_a_file_that_does_not_fit_is_refused_and_nothing_is_written(
        organisation: LeaveService, engine: Engine, other_url: str, clock: FixedClock) -> None:
    other = migrated(other_url)
    try:
        for change, message in MISFITS:
            document = export_state(engine, clock.now())
            change(document)
            with pytest.raises(BackupRefused, match=message):
                import_state(other, document)
            with other.connect() as connection:
                assert connection.execute(select(func.count()).select_from(tables.employees)).scalar_one() == 0
    finally:
        other.dispose()


def test_the_commands_export_to_a_file_and_restore_it(
        organisation: LeaveService, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str], clock: FixedClock) -> None:
    monkeypatch.chdir(tmp_path)
    for name in Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)
    monkeypatch.setenv("DATABASE_URL", db_url)
    backup = tmp_path / "backup.json"
    assert cli.main(["export", "--out", str(backup)]) == 0
    assert "left out: scheduler_leases" in capsys.readouterr().out
    assert os.stat(backup).st_mode & 0o077 == 0  # personal data: readable by its owner only
    before = seen(organisation)

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'restored.db'}")
    assert cli.main(["import-state", str(backup)]) == 0
    assert "restored" in capsys.readouterr().out
    assert cli.main(["import-state", str(backup)]) == 2
    refused = capsys.readouterr().err.strip().splitlines()
    assert len(refused) == 1 and "--replace" in refused[0] and "nothing was written" in refused[0]
    assert cli.main(["import-state", str(backup), "--replace"]) == 0
    restored = make_engine(f"sqlite:///{tmp_path / 'restored.db'}")
    try:
        service = LeaveService(uow_factory(restored), clock, default_time_zone="Asia/Kolkata")
        assert seen(service) == before
    finally:
        restored.dispose()
    (tmp_path / "broken.json").write_text("{")
    assert cli.main(["import-state", str(tmp_path / "broken.json")]) == 2
    assert "not a JSON export" in capsys.readouterr().err


def test_an_export_to_a_folder_that_does_not_exist_says_so_and_leaves_nothing(
        organisation: LeaveService, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    for name in Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)
    monkeypatch.setenv("DATABASE_URL", db_url)
    assert cli.main(["export", "--out", str(tmp_path / "missing" / "backup.json")]) == 2
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert "cannot write" in line and "missing/backup.json" in line and "nothing was written" in line
    assert not (tmp_path / "missing").exists()

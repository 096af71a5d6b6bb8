"""The storage layer on real databases: migrations, every repository, transactions and races.

Each test runs twice, on SQLite and on MariaDB/MySQL (see conftest.py).
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.util import CommandError
from sqlalchemy import Column, Engine, MetaData, String, inspect, select, text
from sqlalchemy.exc import IntegrityError, OperationalError

from core.domain.amount import Amount
from core.domain.model import (
    AuditEntry,
    Decision,
    Delegation,
    EmployeeStatus,
    EntryKind,
    Event,
    HalfDay,
    Holiday,
    LedgerEntry,
    RequestStatus,
    Role,
    Source,
    SourceKind,
)
from core.errors import PolicyError
from core.policy.rules import parse_policy
from core.ports import Conflict
from storage import migrate, tables
from storage.chat import AddressTable, SqlChatStore
from storage.engine import make_engine, ping
from storage.outbox import SqlOutbox
from storage.transactions import SqlTransaction, is_lost_race
from storage.uow import SqlUnitOfWork
from tests.contract.builders import NOW, leave, person

UowFactory = Callable[[], SqlUnitOfWork]

REPO = Path(__file__).resolve().parents[2]
DEFAULT_POLICY = REPO / "bot" / "policies" / "default.yaml"
IST = timezone(timedelta(hours=5, minutes=30))
LEASE = timedelta(minutes=5)
ALLOCATION_2026 = Source(SourceKind.ALLOCATION, "2026")


def seed_people(new_uow: UowFactory) -> None:
    with new_uow() as uow:
        uow.employees.save(person("M1", "boss@x.test", role=Role.MANAGER))
        uow.employees.save(person("E1", "ananya@x.test", manager_id="M1"))
        uow.employees.save(person("E2", "rahul@x.test", manager_id="M1"))
        uow.employees.save(person("H1", "hr@x.test", role=Role.HR_ADMIN))
        uow.commit()


# -- migrations and engine --------------------------------------------------------------------------


def test_upgrade_from_empty_reaches_head_and_running_it_again_is_harmless(db_url: str) -> None:
    # The head is the newest migration file: the revisions form one line, each after the one before.
    newest = max(path.name[:4] for path in (Path(migrate.__file__).parent / "migrations" / "versions").glob("0*.py"))
    engine = make_engine(db_url)
    try:
        assert migrate.current_revision(engine) is None
        migrate.upgrade(engine)
        assert migrate.current_revision(engine) == migrate.head_revision() == newest
        migrate.upgrade(engine)
        assert migrate.current_revision(engine) == newest
        names = set(inspect(engine).get_table_names())
        assert set(tables.metadata.tables) <= names
        assert "alembic_version" in names
    finally:
        engine.dispose()


#: Upgrades the database at argv[1] in a fresh interpreter, then reports whether that loaded
#: Alembic and the revision the database is left at (read afterwards, with Alembic).
UPGRADE_PROBE = """
import json, sys
from storage import migrate
from storage.engine import make_engine
engine = make_engine(sys.argv[1])
migrate.upgrade(engine)
loaded = "alembic" in sys.modules
print(json.dumps({"alembic": loaded, "revision": migrate.current_revision(engine)}))
"""


def upgrade_in_a_fresh_interpreter(url: str) -> dict[str, Any]:
    """What ``migrate.upgrade`` did to the database at ``url`` when a command starts on it."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])))
    result = subprocess.run([sys.executable, "-c", UPGRADE_PROBE, url], capture_output=True, text=True,
                            cwd=REPO, env=env, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    report: dict[str, Any] = json.loads(result.stdout)
    return report


def test_upgrade_leaves_a_current_database_alone_without_loading_alembic(engine: Engine, db_url: str) -> None:
    with engine.connect() as connection:
        before = connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    assert upgrade_in_a_fresh_interpreter(db_url) == {"alembic": False, "revision": migrate.head_revision()}
    with engine.connect() as connection:
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all() == before


def test_upgrade_brings_a_database_one_revision_behind_to_head(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        behind = f"{int(migrate.head_revision()) - 1:04d}"
        migrate.upgrade(engine, behind)
        assert migrate.current_revision(engine) == behind
    finally:
        engine.dispose()
    assert upgrade_in_a_fresh_interpreter(db_url) == {"alembic": True, "revision": migrate.head_revision()}


def test_upgrade_refuses_a_database_ahead_of_this_version_and_leaves_it(engine: Engine) -> None:
    """A newer release's revision is one Alembic cannot locate: it refuses, as it always has."""
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(CommandError, match="9999"):
        migrate.upgrade(engine)
    assert migrate.current_revision(engine) == "9999"


def test_0002_upgrades_a_database_in_use_and_downgrades_cleanly(engine_at_0001: Engine) -> None:
    engine = engine_at_0001
    with SqlUnitOfWork(engine) as uow:
        uow.connection.execute(
            tables.outbox.insert().values(name="leave.pending", payload="{}", created_at=NOW, attempts=0)
        )
        uow.commit()
    migrate.upgrade(engine, "0002")
    assert migrate.current_revision(engine) == "0002"
    added = {"outbox_targets", "chat_addresses", "chat_cards"}
    assert added <= set(inspect(engine).get_table_names())
    with SqlUnitOfWork(engine) as uow:
        (item,) = uow.outbox.due(NOW, 10)  # the event written before the upgrade is still delivered
        uow.outbox.settle_target(item.id, "slack:x", "delivered", NOW)
        uow.commit()

    config = migrate.alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0001")
    assert migrate.current_revision(engine) == "0001"
    assert not added & set(inspect(engine).get_table_names())


@contextlib.contextmanager
def engine_at(db_url: str, revision: str) -> Iterator[Engine]:
    """An engine on the database migrated up to ``revision`` only, to test the next migration."""
    engine = make_engine(db_url)
    try:
        migrate.upgrade(engine, revision)
        yield engine
    finally:
        engine.dispose()


@pytest.fixture
def engine_at_0001(db_url: str) -> Iterator[Engine]:
    with engine_at(db_url, "0001") as engine:
        yield engine


@pytest.fixture
def engine_at_0002(db_url: str) -> Iterator[Engine]:
    with engine_at(db_url, "0002") as engine:
        yield engine


def test_0003_fills_the_new_columns_of_rows_in_use_and_downgrades_cleanly(engine_at_0002: Engine) -> None:
    engine = engine_at_0002
    dated = {**yaml.safe_load(DEFAULT_POLICY.read_text()), "effective_from": "2027-04-01"}
    undated = {key: value for key, value in dated.items() if key != "effective_from"}
    # Inserts through tables.py name only the columns given, so they fit the 0002 schema.
    with engine.begin() as connection:
        connection.execute(tables.employees.insert().values(
            employee_id="E1", email="ananya@x.test", first_name="Ananya", last_name="Iyer", role="EMPLOYEE",
            department="Engineering", location="Bengaluru", region="INDIA", joining_date=date(2022, 7, 11),
            status="ACTIVE", time_zone="Asia/Kolkata", updated_at=NOW,
        ))
        key = connection.execute(tables.leave_requests.insert().values(
            employee_id="E1", type_key="casual", start_date=date(2026, 12, 1), end_date=date(2026, 12, 1),
            days=Decimal(1), year_days='{"2026": "1"}', status="PENDING", reason="", document_due=False,
            decision_note="", created_at=NOW,
        )).inserted_primary_key
        assert key is not None
        request_id = int(key[0])
        # A ledger row, as in any database in use (spelled out: tables.py has the columns of today).
        connection.execute(text(
            "INSERT INTO ledger_entries (employee_id, type_key, year, kind, days, period, note, created_at) "
            "VALUES ('E1', 'casual', 2026, 'ALLOCATION', 12, '2026', '', :at)"), {"at": NOW.replace(tzinfo=None)})
        for document in (dated, undated, {**undated, "effective_from": "not a date"}):
            connection.execute(tables.policy_versions.insert().values(
                loaded_at=NOW, source="x.yaml", document=json.dumps(document, default=str)
            ))

    migrate.upgrade(engine)
    assert migrate.current_revision(engine) == migrate.head_revision()
    with engine.connect() as connection:
        froms = connection.execute(
            select(tables.policy_versions.c.effective_from).order_by(tables.policy_versions.c.id)
        ).scalars().all()
        assert froms == [date(2027, 4, 1), date(1970, 1, 1), date(1970, 1, 1)]
    with SqlUnitOfWork(engine) as uow:
        request = uow.requests.get(request_id)
        assert request is not None
        # The only chain there was before 0003: the manager decides.
        assert (request.levels, request.level, request.flags, request.cancelled_dates) == (("manager",), 0, (), set())
        employee = uow.employees.get("E1")
        assert employee is not None and employee.leaving_date is None
        in_force = uow.policies.in_force(date(2027, 4, 1))
        assert in_force is not None and in_force.effective_from == date(2027, 4, 1)
        assert uow.decisions.for_request(request_id) == [] and uow.delegations.of("E1") == []

    config = migrate.alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0002")
    assert migrate.current_revision(engine) == "0002"
    inspector = inspect(engine)
    assert not {"approval_decisions", "delegations"} & set(inspector.get_table_names())
    assert "levels" not in {c["name"] for c in inspector.get_columns("leave_requests")}
    assert "effective_from" not in {c["name"] for c in inspector.get_columns("policy_versions")}
    assert "leaving_date" not in {c["name"] for c in inspector.get_columns("employees")}
    with engine.connect() as connection:  # nothing else was lost on the way down
        assert connection.execute(select(tables.leave_requests.c.id)).scalars().all() == [request_id]
        assert len(connection.execute(select(tables.policy_versions.c.id)).all()) == 3
    migrate.upgrade(engine)  # and up again
    assert migrate.current_revision(engine) == migrate.head_revision()


def test_migrated_schema_is_exactly_the_metadata(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, tables.metadata) == []

        # The comparison is live: a column the database lacks is reported.
        changed = MetaData(naming_convention=tables.NAMING_CONVENTION)
        for table in tables.metadata.sorted_tables:
            table.to_metadata(changed)
        changed.tables["outbox"].append_column(Column("extra", String(10), nullable=True))
        diff = compare_metadata(context, changed)
        assert [(d[0], d[3].name) for d in diff] == [("add_column", "extra")]


def test_engine_settings(engine: Engine) -> None:
    assert ping(engine)
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        else:
            assert connection.get_isolation_level() == "READ COMMITTED"
            assert engine.url.query["charset"] == "utf8mb4"


def test_ping_is_false_quickly_when_the_server_is_unreachable() -> None:
    dead = make_engine("mysql+pymysql://nobody@127.0.0.1:1/none")
    started = datetime.now(UTC)
    assert ping(dead, timeout_seconds=1.0) is False
    assert datetime.now(UTC) - started < timedelta(seconds=5)
    dead.dispose()


def test_in_memory_sqlite_is_shared_between_threads() -> None:
    engine = make_engine("sqlite://")
    migrate.upgrade(engine)
    new_uow = lambda: SqlUnitOfWork(engine)  # noqa: E731
    worker = threading.Thread(target=seed_people, args=(new_uow,))
    worker.start()
    worker.join()
    with SqlUnitOfWork(engine) as uow:
        assert uow.employees.get("E1") is not None
    engine.dispose()


# -- employees -----------------------------------------------------------------------------------------


def test_employee_save_get_update_and_case_insensitive_email(uow_factory: UowFactory) -> None:
    seed_people(uow_factory)
    with uow_factory() as uow:
        stored = uow.employees.get("E1")
        assert stored == person("E1", "ananya@x.test", manager_id="M1")
        assert uow.employees.by_email("  Ananya@X.Test ") == stored
        assert uow.employees.by_email("nobody@x.test") is None
        assert uow.employees.get("nobody") is None
        assert uow.employees.lock("E1") == stored
        assert [e.employee_id for e in uow.employees.all()] == ["E1", "E2", "H1", "M1"]
        assert [e.employee_id for e in uow.employees.reports_of("M1")] == ["E1", "E2"]
        assert [e.employee_id for e in uow.employees.hr_admins()] == ["H1"]

    moved = replace(
        person("E1", "Ananya.Iyer@X.test", manager_id="H1"),
        status=EmployeeStatus.INACTIVE,
        slack_user_id="U123",
        teams_aad_object_id="aad-1",
        leaving_date=date(2027, 3, 31),
    )
    with uow_factory() as uow:
        uow.employees.save(moved)
        uow.commit()
    with uow_factory() as uow:
        again = uow.employees.get("E1")
        assert again is not None
        assert again.email == "ananya.iyer@x.test"  # stored lower case
        assert (again.manager_id, again.status, again.slack_user_id) == ("H1", EmployeeStatus.INACTIVE, "U123")
        assert again.leaving_date == date(2027, 3, 31)
        assert uow.employees.by_email("ANANYA.IYER@x.test") == again
        assert len(uow.employees.all()) == 4


def test_two_employees_cannot_share_an_email(uow_factory: UowFactory) -> None:
    seed_people(uow_factory)
    with pytest.raises(IntegrityError), uow_factory() as uow:
        uow.employees.save(person("E9", "ANANYA@x.test"))


# -- policies ------------------------------------------------------------------------------------------


def test_policy_round_trip_keeps_the_newest(uow_factory: UowFactory) -> None:
    document = yaml.safe_load(DEFAULT_POLICY.read_text())
    with uow_factory() as uow:
        assert uow.policies.current() is None
        assert uow.policies.current_document() is None
        uow.policies.save(document, "default.yaml", NOW)
        uow.commit()
    with uow_factory() as uow:
        policy = uow.policies.current()
        assert policy == parse_policy(document)
        stored = uow.policies.current_document()
        assert stored is not None
        assert stored["regions"]["INDIA"]["holidays"][0]["date"] == "2026-01-01"  # YAML date as ISO text
        smaller = {**document, "leave_types": {"sick": document["leave_types"]["sick"]}}
        smaller["regions"] = {"INDIA": {**document["regions"]["INDIA"], "leave_types": ["sick"]}}
        uow.policies.save(smaller, "smaller.yaml", NOW + timedelta(minutes=1))
        uow.commit()
    with uow_factory() as uow:
        newest = uow.policies.current()
        assert newest is not None
        assert list(newest.leave_types) == ["sick"]


def test_the_version_in_force_depends_on_the_date(uow_factory: UowFactory) -> None:
    base = yaml.safe_load(DEFAULT_POLICY.read_text())
    base.pop("effective_from", None)

    def version(name: str, effective_from: date | None) -> dict[str, Any]:
        document = {**base, "leave_types": {**base["leave_types"]}}
        document["leave_types"]["casual"] = {**base["leave_types"]["casual"], "name": name}
        if effective_from is not None:
            document["effective_from"] = effective_from  # a date, as YAML gives it
        return document

    def name_on(uow: SqlUnitOfWork, day: date) -> str | None:
        policy = uow.policies.in_force(day)
        return None if policy is None else policy.leave_types["casual"].name

    with uow_factory() as uow:
        assert uow.policies.in_force(date(2026, 1, 1)) is None
        uow.policies.save(version("2027 rules", date(2027, 1, 1)), "2027.yaml", NOW)
        uow.policies.save(version("2026 rules", date(2026, 1, 1)), "2026.yaml", NOW + timedelta(minutes=1))
        uow.policies.save(version("fixed 2027 rules", date(2027, 1, 1)), "2027b.yaml", NOW + timedelta(minutes=2))
        uow.commit()
    with uow_factory() as uow:
        assert name_on(uow, date(2027, 6, 1)) == "fixed 2027 rules"  # same date: loaded later wins
        assert name_on(uow, date(2027, 1, 1)) == "fixed 2027 rules"
        assert name_on(uow, date(2026, 12, 31)) == "2026 rules"
        assert name_on(uow, date(2025, 6, 1)) == "2026 rules"  # before every version: the oldest one
        current = uow.policies.current()  # the one loaded last, whatever its date
        assert current is not None and current.leave_types["casual"].name == "fixed 2027 rules"
        assert uow.policies.in_force(date(2027, 2, 1)) is uow.policies.in_force(date(2027, 3, 1))  # parsed once
        stored = uow.connection.execute(
            select(tables.policy_versions.c.effective_from).order_by(tables.policy_versions.c.id)
        ).scalars().all()
        assert stored == [date(2027, 1, 1), date(2026, 1, 1), date(2027, 1, 1)]

        uow.policies.save(version("undated", None), "always.yaml", NOW + timedelta(minutes=3))
        assert name_on(uow, date(2025, 6, 1)) == "undated"  # in force since 1970
        assert name_on(uow, date(2026, 6, 1)) == "2026 rules"
        with pytest.raises(PolicyError):
            uow.policies.save({"leave_types": "nonsense"}, "bad.yaml", NOW)


# -- holidays ------------------------------------------------------------------------------------------


def test_holidays_replace_by_region_source_and_range(uow_factory: UowFactory) -> None:
    new_year_26 = Holiday(date(2026, 1, 1), "New Year", "INDIA")
    pune_26 = Holiday(date(2026, 9, 19), "Ganesh Chaturthi", "INDIA", location="Pune")
    new_year_27 = Holiday(date(2027, 1, 1), "New Year", "INDIA")
    with uow_factory() as uow:
        uow.holidays.replace("INDIA", "policy", [new_year_26, pune_26, new_year_27])
        uow.holidays.replace("INDIA", "calendar", [Holiday(date(2026, 1, 26), "Republic Day", "INDIA", source="x")])
        uow.holidays.replace("US", "policy", [Holiday(date(2026, 7, 4), "Independence Day", "US")])
        uow.commit()
    with uow_factory() as uow:
        found = uow.holidays.between("INDIA", date(2026, 1, 1), date(2026, 12, 31))
        assert found == [
            new_year_26,
            Holiday(date(2026, 1, 26), "Republic Day", "INDIA", source="calendar"),
            pune_26,
        ]
        assert found[0].location is None  # "every location" comes back as None
        assert uow.holidays.between("INDIA", date(2026, 1, 2), date(2026, 1, 25)) == []

        # Replacing 2027 only leaves 2026 and the other source and region alone.
        diwali_27 = Holiday(date(2027, 10, 29), "Diwali", "INDIA")
        uow.holidays.replace("INDIA", "policy", [diwali_27], start=date(2027, 1, 1), end=date(2027, 12, 31))
        with pytest.raises(ValueError, match="outside the range"):
            uow.holidays.replace("INDIA", "policy", [Holiday(date(2026, 5, 1), "Outside", "INDIA")],
                                 start=date(2027, 1, 1), end=date(2027, 12, 31))
        uow.commit()
    with uow_factory() as uow:
        assert [h.name for h in uow.holidays.between("INDIA", date(2026, 1, 1), date(2027, 12, 31))] == [
            "New Year",
            "Republic Day",
            "Ganesh Chaturthi",
            "Diwali",
        ]
        # An open end: from mid-September 2026 on (a policy version in force from then).
        uow.holidays.replace("INDIA", "policy", [Holiday(date(2026, 12, 25), "Christmas", "INDIA")],
                             start=date(2026, 9, 19))
        uow.commit()
    with uow_factory() as uow:
        assert [h.name for h in uow.holidays.between("INDIA", date(2026, 1, 1), date(2027, 12, 31))] == [
            "New Year",
            "Republic Day",
            "Christmas",
        ]
        uow.holidays.replace("INDIA", "policy", [], end=date(2026, 6, 30))  # open start
        uow.commit()
    with uow_factory() as uow:
        assert [h.name for h in uow.holidays.between("INDIA", date(2026, 1, 1), date(2027, 12, 31))] == [
            "Republic Day",
            "Christmas",
        ]
        uow.holidays.replace("INDIA", "policy", [])
        uow.commit()
    with uow_factory() as uow:
        assert [h.source for h in uow.holidays.between("INDIA", date(2026, 1, 1), date(2027, 12, 31))] == ["calendar"]
        assert [h.name for h in uow.holidays.between("US", date(2026, 1, 1), date(2026, 12, 31))] == [
            "Independence Day"
        ]


# -- requests ------------------------------------------------------------------------------------------


def test_request_add_get_and_compare_and_set_update(uow_factory: UowFactory) -> None:
    seed_people(uow_factory)
    request = leave(
        "E1",
        date(2026, 12, 31),
        date(2027, 1, 1),
        half=HalfDay.SECOND,
        days=Amount.days("1.5"),
        year_days={2026: Amount.days("0.5"), 2027: Amount.days(1)},
        reason="family — ünïcödé 🎉",
        document_ref="https://files.example/doc/1",
        document_due=True,
        idempotency_key="slack:T1:abc",
        created_at=datetime(2026, 11, 25, 10, 0, 0, 123456, tzinfo=IST),
        levels=("manager", "hr"),
        flags=("team_limit", "blackout: year-end freeze — ünïcödé"),
    )
    with uow_factory() as uow:
        added = uow.requests.add(request)
        assert added.id is not None and request.id == added.id
        uow.commit()
    with uow_factory() as uow:
        stored = uow.requests.get(added.id)
        assert stored == added
        assert stored is not None
        assert stored.created_at == datetime(2026, 11, 25, 4, 30, 0, 123456, tzinfo=UTC)
        assert stored.created_at.tzinfo is UTC
        assert stored.year_days == {2026: Amount.days("0.5"), 2027: Amount.days(1)}
        assert (stored.levels, stored.level, stored.cancelled_dates) == (("manager", "hr"), 0, frozenset())
        assert stored.flags == ("team_limit", "blackout: year-end freeze — ünïcödé")
        assert uow.requests.by_idempotency_key("slack:T1:abc") == stored
        assert uow.requests.by_idempotency_key("other") is None
        assert uow.requests.get(added.id + 1000) is None
        assert uow.requests.lock(added.id) == stored

        # The manager approves: the request moves up to HR, still pending.
        stored.level, stored.approver_id, stored.flags = 1, "H1", ()
        assert uow.requests.update(stored, expected=RequestStatus.PENDING) is True
        assert uow.requests.get(added.id) == stored

        stored.status = RequestStatus.APPROVED
        stored.level = 2
        stored.decided_by = "H1"
        stored.decided_at = NOW
        stored.decision_note = "enjoy"
        stored.days, stored.year_days = Amount.days("0.5"), {2026: Amount.days("0.5")}
        stored.cancelled_dates = frozenset({date(2027, 1, 1)})
        assert uow.requests.update(stored, expected=RequestStatus.CANCELLED) is False
        assert uow.requests.get(added.id).status is RequestStatus.PENDING  # type: ignore[union-attr]
        assert uow.requests.update(stored, expected=RequestStatus.PENDING) is True
        # Now APPROVED: a second decider expecting PENDING loses.
        assert uow.requests.update(stored, expected=RequestStatus.PENDING) is False
        # Writing the same state again still counts as a match (MySQL counts matched rows).
        assert uow.requests.update(stored, expected=RequestStatus.APPROVED) is True
        uow.commit()
    with uow_factory() as uow:
        decided = uow.requests.get(added.id)
        assert decided == stored
        assert decided is not None and decided.decided_at == NOW
        assert (decided.level, decided.approver_id, decided.flags) == (2, "H1", ())
        assert decided.cancelled_dates == {date(2027, 1, 1)} and decided.days == Amount.days("0.5")
        assert not decided.covers(date(2027, 1, 1))


def test_a_request_without_approval_levels_and_levels_that_cannot_be_stored(uow_factory: UowFactory) -> None:
    seed_people(uow_factory)
    at_once = leave("E1", date(2026, 12, 1), date(2026, 12, 3), levels=(), status=RequestStatus.APPROVED,
                    cancelled_dates=frozenset({date(2026, 12, 3), date(2026, 12, 2)}))
    with uow_factory() as uow:
        added = uow.requests.add(at_once)
        assert added.id is not None
        columns = tables.leave_requests.c
        raw = uow.connection.execute(
            select(columns.levels, columns.flags, columns.cancelled_dates).where(columns.id == added.id)
        ).one()
        assert tuple(raw) == ("", None, '["2026-12-02", "2026-12-03"]')
        stored = uow.requests.get(added.id)
        assert stored is not None and stored.levels == () and stored.current_level is None
        assert stored.cancelled_dates == {date(2026, 12, 2), date(2026, 12, 3)}
        for levels in (("manager,hr",), ("",), ("x" * 40, "y" * 40)):
            with pytest.raises(ValueError, match="approval levels"):
                uow.requests.add(leave("E1", date(2026, 12, 7), date(2026, 12, 7), levels=levels))


def test_idempotency_key_is_unique(uow_factory: UowFactory) -> None:
    seed_people(uow_factory)
    with uow_factory() as uow:
        uow.requests.add(leave("E1", date(2026, 12, 1), date(2026, 12, 1), idempotency_key="k1"))
        uow.requests.add(leave("E1", date(2026, 12, 2), date(2026, 12, 2)))  # NULL keys never collide
        uow.requests.add(leave("E1", date(2026, 12, 3), date(2026, 12, 3)))
        uow.commit()
    with pytest.raises(IntegrityError), uow_factory() as uow:
        uow.requests.add(leave("E2", date(2026, 12, 1), date(2026, 12, 1), idempotency_key="k1"))


def test_request_search_filters_and_newest_first(uow_factory: UowFactory) -> None:
    seed_people(uow_factory)
    with uow_factory() as uow:
        first = uow.requests.add(leave("E1", date(2026, 12, 1), date(2026, 12, 3), created_at=NOW))
        second = uow.requests.add(
            leave("E2", date(2026, 12, 3), date(2026, 12, 4), created_at=NOW + timedelta(seconds=1))
        )
        third = uow.requests.add(
            leave(
                "E1",
                date(2026, 12, 10),
                date(2026, 12, 10),
                created_at=NOW + timedelta(seconds=1),  # same instant as second: id breaks the tie
                status=RequestStatus.APPROVED,
                approver_id="H1",
            )
        )
        uow.commit()

    def ids(**filters: Any) -> list[int | None]:
        with uow_factory() as uow:
            return [r.id for r in uow.requests.search(**filters)]

    assert ids() == [third.id, second.id, first.id]
    assert ids(employee_ids=["E1"]) == [third.id, first.id]
    assert ids(employee_ids=[]) == []
    assert ids(statuses=[RequestStatus.PENDING]) == [second.id, first.id]
    assert ids(statuses=[RequestStatus.APPROVED, RequestStatus.REJECTED]) == [third.id]
    assert ids(approver_id="M1") == [second.id, first.id]
    assert ids(overlapping=(date(2026, 12, 3), date(2026, 12, 3))) == [second.id, first.id]  # edges count
    assert ids(overlapping=(date(2026, 12, 5), date(2026, 12, 9))) == []
    assert ids(overlapping=(date(2026, 11, 1), date(2026, 12, 1))) == [first.id]
    assert ids(
        employee_ids=["E1"],
        statuses=[RequestStatus.PENDING],
        approver_id="M1",
        overlapping=(date(2026, 12, 1), date(2026, 12, 31)),
    ) == [first.id]


# -- ledger --------------------------------------------------------------------------------------------


def test_ledger_entries_oldest_first_by_year_and_the_years(uow_factory: UowFactory) -> None:
    seed_people(uow_factory)
    with uow_factory() as uow:
        request = uow.requests.add(leave("E1", date(2026, 12, 1), date(2026, 12, 1)))
        assert request.id is not None
        allocation = LedgerEntry("E1", "casual", 2026, EntryKind.ALLOCATION, Amount.days(12), NOW, ALLOCATION_2026)
        uow.ledger.add(allocation)
        uow.ledger.add(LedgerEntry("E1", "casual", 2026, EntryKind.LEAVE_TAKEN, Amount.days("-1.5"), NOW,
                                   Source.request(request.id), "taken"))
        uow.ledger.add(LedgerEntry("E1", "casual", 2026, EntryKind.REVERSAL, Amount.days("1.5"), NOW,
                                   Source.request(request.id)))
        uow.ledger.add(LedgerEntry("E1", "sick", 2027, EntryKind.ALLOCATION, Amount.days(12), NOW,
                                   Source(SourceKind.ALLOCATION, "2027")))
        uow.ledger.add(LedgerEntry("E2", "casual", 2026, EntryKind.ALLOCATION, Amount.days(12), NOW, ALLOCATION_2026))
        uow.commit()
    with uow_factory() as uow:
        all_of_e1 = uow.ledger.entries("E1")
        assert [(e.kind, e.amount.value, e.year) for e in all_of_e1] == [
            (EntryKind.ALLOCATION, Decimal(12), 2026),
            (EntryKind.LEAVE_TAKEN, Decimal("-1.5"), 2026),
            (EntryKind.REVERSAL, Decimal("1.5"), 2026),
            (EntryKind.ALLOCATION, Decimal(12), 2027),
        ]
        first = all_of_e1[0]
        assert first.id is not None
        assert first == LedgerEntry(
            "E1", "casual", 2026, EntryKind.ALLOCATION, Amount.days(12), NOW, ALLOCATION_2026, id=first.id
        )
        assert all_of_e1[1].source == Source(SourceKind.REQUEST, str(request.id)) and all_of_e1[1].note == "taken"
        assert [e.year for e in uow.ledger.entries("E1", 2027)] == [2027]
        assert sum(e.amount.value for e in uow.ledger.entries("E1", 2026)) == Decimal(12)
        assert uow.ledger.entries("H1") == []
        assert uow.ledger.years() == [2026, 2027]
        uow.ledger.add(LedgerEntry("E2", "casual", 2025, EntryKind.CARRIED_OUT, Amount.days(-2), NOW,
                                   Source(SourceKind.YEAR_END, "2025")))
        assert uow.ledger.years() == [2025, 2026, 2027]


def test_ledger_years_is_empty_without_entries(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        assert uow.ledger.years() == []


def test_ledger_refuses_a_second_entry_for_the_same_period(uow_factory: UowFactory) -> None:
    seed_people(uow_factory)
    allocation = LedgerEntry("E1", "casual", 2026, EntryKind.ALLOCATION, Amount.days(12), NOW, ALLOCATION_2026)
    with uow_factory() as uow:
        uow.ledger.add(allocation)
        uow.commit()
    with pytest.raises(IntegrityError), uow_factory() as uow:
        uow.ledger.add(allocation)
    with uow_factory() as uow:
        # A request's entries may repeat (each partial cancel reverses some days).
        request = uow.requests.add(leave("E1", date(2026, 12, 1), date(2026, 12, 1)))
        assert request.id is not None
        reversal = LedgerEntry("E1", "casual", 2026, EntryKind.REVERSAL, Amount.days(1), NOW,
                               Source.request(request.id))
        uow.ledger.add(reversal)
        uow.ledger.add(reversal)
        uow.commit()
    with uow_factory() as uow:
        assert [e.kind for e in uow.ledger.entries("E1")] == [
            EntryKind.ALLOCATION,
            EntryKind.REVERSAL,
            EntryKind.REVERSAL,
        ]


# -- approval decisions and delegations -------------------------------------------------------------


def test_decisions_are_kept_per_level_oldest_first(uow_factory: UowFactory) -> None:
    seed_people(uow_factory)
    with uow_factory() as uow:
        request = uow.requests.add(leave("E1", date(2026, 12, 1), date(2026, 12, 1), levels=("manager", "hr")))
        other = uow.requests.add(leave("E2", date(2026, 12, 1), date(2026, 12, 1)))
        assert request.id is not None and other.id is not None
        manager = Decision(request.id, 0, "manager", "M1", True, NOW.astimezone(IST), "fine by me")
        hr = Decision(request.id, 1, "hr", "H1", False, NOW + timedelta(hours=1))
        uow.decisions.add(manager)
        uow.decisions.add(hr)
        uow.decisions.add(Decision(other.id, 0, "manager", "M1", False, NOW, "team limit"))
        assert uow.decisions.for_request(request.id + 1000) == []
        uow.commit()
    with uow_factory() as uow:
        assert uow.decisions.for_request(request.id) == [manager, hr]
        assert uow.decisions.for_request(request.id)[0].at.tzinfo is UTC
        assert [d.approved for d in uow.decisions.for_request(other.id)] == [False]
    # A level is decided once, whoever comes second.
    with pytest.raises(IntegrityError), uow_factory() as uow:
        uow.decisions.add(Decision(request.id, 1, "hr", "M1", True, NOW))
    with pytest.raises(IntegrityError), uow_factory() as uow:  # only known requests and people
        uow.decisions.add(Decision(request.id, 2, "hr", "nobody", True, NOW))


def test_delegations_by_delegator_and_delegate_latest_start_first(uow_factory: UowFactory) -> None:
    seed_people(uow_factory)
    december = Delegation("M1", "E1", date(2026, 12, 1), date(2026, 12, 31), NOW)
    march = Delegation("M1", "E2", date(2027, 3, 1), date(2027, 3, 5), NOW)
    hr_away = Delegation("H1", "E1", date(2026, 12, 20), date(2027, 1, 2), NOW)
    with uow_factory() as uow:
        stored = [uow.delegations.add(d) for d in (december, march, hr_away)]
        assert all(d.id is not None for d in stored)
        assert [replace(d, id=None) for d in stored] == [december, march, hr_away]
        assert len({d.id for d in stored}) == 3
        uow.commit()
    first, second, third = stored
    with uow_factory() as uow:
        assert uow.delegations.of("M1") == [second, first]
        assert uow.delegations.to("E1") == [third, first]
        assert uow.delegations.to("E2") == [second]
        assert uow.delegations.of("E1") == [] and uow.delegations.to("M1") == []
        assert [d.active_on(date(2026, 12, 24)) for d in uow.delegations.to("E1")] == [True, True]
        assert first.id is not None
        uow.delegations.remove(first.id)
        uow.delegations.remove(first.id)  # gone already: nothing happens
        uow.commit()
    with uow_factory() as uow:
        assert uow.delegations.of("M1") == [second]
        assert uow.delegations.to("E1") == [third]
        with pytest.raises(ValueError, match="before it starts"):
            uow.delegations.add(Delegation("M1", "E1", date(2026, 12, 2), date(2026, 12, 1), NOW))
    with pytest.raises(IntegrityError), uow_factory() as uow:
        uow.delegations.add(Delegation("M1", "nobody", date(2026, 12, 1), date(2026, 12, 1), NOW))


# -- audit and outbox ----------------------------------------------------------------------------------


def test_audit_since_is_inclusive_and_oldest_first(uow_factory: UowFactory) -> None:
    later = AuditEntry(NOW + timedelta(hours=1), "boss@x.test", "approve", request_id=7, detail="ok", source="slack")
    refused = AuditEntry(NOW, "rahul@x.test", "approve", outcome="refused", request_id=99999, source="teams")
    early = AuditEntry(NOW - timedelta(days=1), "ananya@x.test", "apply", source="console")
    with uow_factory() as uow:
        for entry in (later, refused, early):
            uow.audit.add(entry)
        uow.commit()
    with uow_factory() as uow:
        assert [(e.actor, e.at) for e in uow.audit.since()] == [
            ("ananya@x.test", early.at),
            ("rahul@x.test", NOW),
            ("boss@x.test", later.at),
        ]
        since_now = uow.audit.since(NOW.astimezone(IST))  # any zone means the same instant
        assert [e.actor for e in since_now] == ["rahul@x.test", "boss@x.test"]
        stored = since_now[0]
        assert stored.id is not None
        assert stored == AuditEntry(NOW, "rahul@x.test", "approve", "refused", 99999, "", "teams", id=stored.id)
        assert uow.audit.since(NOW + timedelta(hours=2)) == []


def test_outbox_due_oldest_first_until_delivered(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        assert uow.outbox.depth() == (0, None)
        uow.outbox.add(Event("leave.applied", {"request_id": 1, "day": date(2026, 12, 1)}), NOW)
        uow.outbox.add(Event("leave.approved", {"request_id": 1, "days": Decimal("1.5")}), NOW + timedelta(seconds=1))
        uow.outbox.add(Event("leave.cancelled"), NOW + timedelta(seconds=2))
        uow.commit()
    with uow_factory() as uow:
        due = uow.outbox.due(NOW, 10)
        assert [item.event for item in due] == [
            Event("leave.applied", {"request_id": 1, "day": "2026-12-01"}),
            Event("leave.approved", {"request_id": 1, "days": "1.5"}),
            Event("leave.cancelled", {}),
        ]
        ids = [item.id for item in due]
        assert ids == sorted(ids)
        assert [item.attempts for item in due] == [0, 0, 0]
        assert [item.id for item in uow.outbox.due(NOW, 1)] == ids[:1]
        assert uow.outbox.depth() == (3, NOW)

        assert uow.outbox.mark_delivered(ids[0], NOW)
        assert not uow.outbox.mark_delivered(ids[0], NOW)  # a second worker does not deliver it again
        uow.outbox.mark_failed(ids[1], "Slack said 500", NOW + timedelta(minutes=5))
        uow.outbox.mark_failed(ids[0], "too late", NOW + timedelta(minutes=5))  # delivered: ignored
        uow.commit()
    with uow_factory() as uow:
        assert [item.id for item in uow.outbox.due(NOW, 10)] == [ids[2]]
        later = uow.outbox.due(NOW + timedelta(minutes=5), 10)
        assert [(item.id, item.attempts) for item in later] == [(ids[1], 1), (ids[2], 0)]
        # Waiting events count whether due or not; the oldest is the one that failed.
        assert uow.outbox.depth() == (2, NOW + timedelta(seconds=1))

        assert uow.outbox.claim(ids[0], NOW, NOW + LEASE) is None  # delivered
        assert uow.outbox.claim(ids[1], NOW, NOW + LEASE) is None  # not due yet
        assert uow.outbox.claim(ids[1] + 1000, NOW, NOW + LEASE) is None
        at = NOW + timedelta(minutes=5)
        claimed = uow.outbox.claim(ids[1], at, at + LEASE)
        assert claimed is not None
        assert (claimed.id, claimed.event.name, claimed.attempts) == (ids[1], "leave.approved", 1)
        assert [item.id for item in uow.outbox.due(at, 10)] == [ids[2]]  # leased: not due meanwhile
        with pytest.raises(ValueError, match="lease must end after"):
            uow.outbox.claim(ids[2], at, at)
        row = uow.connection.execute(select(tables.outbox).where(tables.outbox.c.id == ids[0])).one()
        assert (row.attempts, row.last_error, row.delivered_at) == (1, None, NOW)


def test_outbox_targets_are_settled_once_per_event(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        uow.outbox.add(Event("leave.pending", {"request_id": 1}), NOW)
        uow.outbox.add(Event("leave.approved", {"request_id": 1}), NOW)
        first, second = (item.id for item in uow.outbox.due(NOW, 10))
        assert uow.outbox.done_targets(first) == set()
        uow.outbox.settle_target(first, "slack:approval_needed:E2", "delivered", NOW)
        uow.outbox.settle_target(first, "teams:approval_needed:E2", "unreachable", NOW, "not in the tenant")
        # Settling again keeps the first outcome.
        uow.outbox.settle_target(first, "slack:approval_needed:E2", "failed", NOW + timedelta(hours=1), "late")
        uow.outbox.settle_target(second, "slack:approval_needed:E2", "failed", NOW, "invalid_auth")
        with pytest.raises(ValueError, match="unknown outcome"):
            uow.outbox.settle_target(first, "slack:x", "sent", NOW)
        with pytest.raises(ValueError, match="longer than 191"):
            uow.outbox.settle_target(first, "slack:" + "x" * 200, "delivered", NOW)
        uow.commit()
    with uow_factory() as uow:
        assert uow.outbox.done_targets(first) == {"slack:approval_needed:E2", "teams:approval_needed:E2"}
        assert uow.outbox.done_targets(second) == {"slack:approval_needed:E2"}
        rows = uow.connection.execute(
            select(tables.outbox_targets).order_by(tables.outbox_targets.c.outbox_id, tables.outbox_targets.c.target)
        ).all()
        assert [(r.outbox_id, r.target, r.outcome, r.detail, r.settled_at) for r in rows] == [
            (first, "slack:approval_needed:E2", "delivered", "", NOW),
            (first, "teams:approval_needed:E2", "unreachable", "not in the tenant", NOW),
            (second, "slack:approval_needed:E2", "failed", "invalid_auth", NOW),
        ]


def test_a_claim_holds_the_event_until_its_lease_runs_out(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        uow.outbox.add(Event("leave.pending", {"request_id": 1}), NOW)
        uow.outbox.add(Event("leave.pending", {"request_id": 2}), NOW)
        uow.commit()
        first, second = (item.id for item in uow.outbox.due(NOW, 10))

    with uow_factory() as holder:
        claimed = holder.outbox.claim(first, NOW, NOW + LEASE)
        assert claimed is not None and claimed.event == Event("leave.pending", {"request_id": 1})
        holder.commit()  # as the relay does, before calling any platform
    with uow_factory() as other:
        assert other.outbox.claim(first, NOW, NOW + LEASE) is None  # taken, at the same instant
        assert other.outbox.claim(first, NOW + LEASE - timedelta(microseconds=1), NOW + 2 * LEASE) is None
        assert [item.id for item in other.outbox.due(NOW, 10)] == [second]
        assert other.outbox.claim(second, NOW, NOW + LEASE) is not None  # the other events stay free
        other.commit()
    row = _outbox_row(uow_factory, first)
    assert (row.next_attempt_at, row.attempts, row.delivered_at) == (NOW + LEASE, 0, None)

    # The holder died without a word: once the lease has run out, the event is taken again.
    later = NOW + LEASE
    with uow_factory() as rescuer:
        again = rescuer.outbox.claim(first, later, later + LEASE)
        assert again is not None and again.id == first
        rescuer.outbox.settle_target(first, "slack:approval_needed:E2", "delivered", later)
        assert rescuer.outbox.mark_delivered(first, later)
        rescuer.commit()
    with uow_factory() as late:
        far = later + 10 * LEASE
        assert late.outbox.claim(first, far, far + LEASE) is None  # delivered meanwhile
        assert [item.id for item in late.outbox.due(far, 10)] == [second]


def test_concurrent_claims_of_one_event_have_one_winner(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        uow.outbox.add(Event("leave.pending", {"request_id": 1}), NOW)
        uow.commit()
        (item,) = uow.outbox.due(NOW, 10)
    start = threading.Barrier(4, timeout=10)
    won: list[bool] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            start.wait()
            with uow_factory() as uow:
                claimed = uow.outbox.claim(item.id, NOW, NOW + LEASE)
                uow.commit()
            won.append(claimed is not None)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sorted(won) == [False, False, False, True]


def test_a_target_settled_by_two_workers_keeps_the_first_outcome(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        uow.outbox.add(Event("leave.pending", {"request_id": 1}), NOW)
        uow.commit()
        (item,) = uow.outbox.due(NOW, 10)
    target = "slack:approval_needed:E2"
    errors: list[BaseException] = []
    with uow_factory() as first:
        first.outbox.settle_target(item.id, target, "delivered", NOW)

        def second_worker() -> None:
            try:
                # SQLite: waits for the first to commit; MySQL: its insert waits on the key, then
                # hits the duplicate in a savepoint, which is ignored.
                with uow_factory() as second:
                    second.outbox.settle_target(item.id, target, "failed", NOW + LEASE, "too late")
                    second.outbox.settle_target(item.id, "teams:approval_needed:E2", "delivered", NOW + LEASE)
                    second.commit()
            except BaseException as exc:  # pragma: no cover - reported below
                errors.append(exc)

        worker = threading.Thread(target=second_worker)
        worker.start()
        worker.join(timeout=0.3)
        first.commit()
    worker.join(timeout=30)
    assert not worker.is_alive() and errors == []
    with uow_factory() as uow:
        assert uow.outbox.done_targets(item.id) == {target, "teams:approval_needed:E2"}
        outcomes = uow.connection.execute(
            select(tables.outbox_targets.c.target, tables.outbox_targets.c.outcome)
            .order_by(tables.outbox_targets.c.target)
        ).all()
        assert [tuple(row) for row in outcomes] == [(target, "delivered"), ("teams:approval_needed:E2", "delivered")]
        with pytest.raises(IntegrityError):  # an event that does not exist is still an error
            uow.outbox.settle_target(item.id + 1000, target, "delivered", NOW)


def test_a_duplicate_target_insert_is_ignored_inside_a_savepoint(
    engine: Engine, uow_factory: UowFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The insert itself loses the race (the check before it saw nothing): the transaction goes on."""
    with uow_factory() as uow:
        uow.outbox.add(Event("leave.pending", {"request_id": 1}), NOW)
        uow.commit()
        (item,) = uow.outbox.due(NOW, 10)
    calls: list[bool] = []
    original = SqlOutbox._is_settled

    def first_check_sees_nothing(self: SqlOutbox, event_id: int, target: str) -> bool:
        calls.append(True)
        return False if len(calls) == 1 else original(self, event_id, target)

    with uow_factory() as uow:
        uow.outbox.settle_target(item.id, "slack:x", "delivered", NOW)
        monkeypatch.setattr(SqlOutbox, "_is_settled", first_check_sees_nothing)
        uow.outbox.settle_target(item.id, "slack:x", "failed", NOW, "second")
        assert len(calls) == 2  # the insert failed and was checked again
        uow.outbox.settle_target(item.id, "slack:y", "delivered", NOW)  # the transaction is still usable
        uow.commit()
    with engine.connect() as connection:
        rows = connection.execute(
            select(tables.outbox_targets.c.target, tables.outbox_targets.c.outcome)
            .order_by(tables.outbox_targets.c.target)
        ).all()
    assert [tuple(row) for row in rows] == [("slack:x", "delivered"), ("slack:y", "delivered")]


def _outbox_row(uow_factory: UowFactory, event_id: int) -> Any:
    with uow_factory() as uow:
        return uow.connection.execute(select(tables.outbox).where(tables.outbox.c.id == event_id)).one()


def test_outbox_delivery_state_is_rolled_back_with_the_transaction(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        uow.outbox.add(Event("leave.pending", {"request_id": 1}), NOW)
        uow.commit()
    with uow_factory() as uow:
        (item,) = uow.outbox.due(NOW, 10)
        assert uow.outbox.claim(item.id, NOW, NOW + LEASE) is not None
        uow.outbox.settle_target(item.id, "slack:approval_needed:E2", "delivered", NOW)
        uow.outbox.mark_delivered(item.id, NOW)  # no commit: the worker died
    with uow_factory() as uow:
        assert uow.outbox.done_targets(item.id) == set()
        assert [i.id for i in uow.outbox.due(NOW, 10)] == [item.id]


# -- the doors' chat store and chat ids --------------------------------------------------------------------


def test_chat_addresses_are_upserted_and_listed_by_exact_prefix(engine: Engine) -> None:
    chat = SqlChatStore(engine)
    chat.save_address("teams", "employee:E1", '{"conversation": "a"}', NOW)
    chat.save_address("teams", "employee:E2", '{"conversation": "b"}', NOW)
    chat.save_address("teams", "channel:hr", '{"conversation": "hr"}', NOW)
    chat.save_address("teams", "employeeX9", "wildcards must not match this", NOW)
    chat.save_address("slack", "employee:E1", "D0123", NOW)
    chat.save_address("teams", "employee:E1", '{"conversation": "a2"}', NOW + timedelta(hours=1))
    chat.save_address("slack", "employee:E1", "D0123", NOW + timedelta(hours=1))  # same value again
    assert chat.address("slack", "employee:E1") == "D0123"
    assert chat.addresses("teams", "employee:") == {
        "employee:E1": '{"conversation": "a2"}',
        "employee:E2": '{"conversation": "b"}',
    }
    assert chat.addresses("teams", "employee_") == {}  # "_" is not a LIKE wildcard here
    assert chat.addresses("teams", "EMPLOYEE:") == {}  # prefixes are exact, whatever the collation
    assert chat.addresses_of("teams", ["EMPLOYEE:E1", "employee:E2"]) == {"employee:E2": '{"conversation": "b"}'}
    assert set(chat.addresses("teams")) == {"employee:E1", "employee:E2", "channel:hr", "employeeX9"}
    with engine.connect() as connection:
        stored = connection.execute(select(tables.chat_addresses.c.updated_at).where(
            tables.chat_addresses.c.platform == "teams", tables.chat_addresses.c.key == "employee:E1"
        )).scalar()
    assert stored == NOW + timedelta(hours=1)


def test_two_workers_saving_the_same_new_address_both_succeed(engine: Engine) -> None:
    errors: list[BaseException] = []
    chat = SqlChatStore(engine)
    with SqlTransaction(engine) as first:
        AddressTable(first.connection).save("teams", "employee:E1", "first", NOW)

        def second_worker() -> None:
            try:  # SQLite: waits to begin; MySQL: waits on the insert
                chat.save_address("teams", "employee:E1", "second", NOW)
            except BaseException as exc:  # pragma: no cover - reported below
                errors.append(exc)

        worker = threading.Thread(target=second_worker)
        worker.start()
        worker.join(timeout=0.3)
        first.commit()
    worker.join(timeout=30)
    assert not worker.is_alive() and errors == []
    assert chat.addresses("teams") == {"employee:E1": "second"}


def test_an_insert_lost_to_a_concurrent_save_becomes_an_update(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    if engine.dialect.name == "sqlite":
        pytest.skip("SQLite writers never overlap (BEGIN IMMEDIATE): the test above covers it")
    both_found_nothing = threading.Barrier(2, timeout=10)
    updates: dict[str, list[bool]] = {"a": [], "b": []}
    errors: list[BaseException] = []
    original = AddressTable._update
    chat = SqlChatStore(engine)

    def update_then_meet(self: AddressTable, platform: str, key: str, address: str, at: datetime) -> bool:
        found = original(self, platform, key, address, at)
        updates[address].append(found)
        if len(updates[address]) == 1:
            both_found_nothing.wait()  # both updates matched nothing: both will insert
        return found

    monkeypatch.setattr(AddressTable, "_update", update_then_meet)

    def worker(address: str) -> None:
        try:
            chat.save_address("teams", "employee:E1", address, NOW)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(name,)) for name in updates]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    # One insert won; the other hit the primary key and updated instead (and so wrote last).
    assert sorted(updates.values()) == [[False], [False, True]]
    loser = next(name for name, found in updates.items() if found == [False, True])
    assert chat.addresses("teams") == {"employee:E1": loser}


def test_a_card_of_an_unknown_request_is_refused_and_the_rest_kept(engine: Engine, uow_factory: UowFactory) -> None:
    seed_people(uow_factory)
    with uow_factory() as uow:
        request = uow.requests.add(leave("E1", date(2026, 12, 1), date(2026, 12, 1)))
        uow.commit()
    assert request.id is not None
    chat = SqlChatStore(engine)
    chat.add_card("slack", request.id, "M1", "D0M1", "1700000000.000100", NOW)
    with pytest.raises(IntegrityError):
        chat.add_card("slack", request.id + 1000, "M1", "D0M1", "1700000000.000400", NOW)
    with pytest.raises(IntegrityError):
        chat.add_card("slack", request.id, "NOBODY", "D0M1", "1700000000.000500", NOW)
    chat.add_card("slack", request.id, "M1", "D0M1", "1700000000.000100", NOW)  # reported again: kept once
    assert chat.cards("slack", request.id) == [("M1", "D0M1", "1700000000.000100")]


def test_link_chat_id_moves_an_id_to_its_new_owner(uow_factory: UowFactory) -> None:
    seed_people(uow_factory)
    with uow_factory() as uow:
        assert uow.employees.by_chat_id("slack", "U1") is None
        uow.employees.link_chat_id("E1", "slack", "U1")
        uow.employees.link_chat_id("E1", "teams", "aad-1")
        uow.commit()
    with uow_factory() as uow:
        found = uow.employees.by_chat_id("slack", "U1")
        assert found is not None and (found.employee_id, found.teams_aad_object_id) == ("E1", "aad-1")
        assert uow.employees.by_chat_id("teams", "aad-1") == found
        assert uow.employees.by_chat_id("teams", "U1") is None
        # The Slack account now belongs to E2: E1 loses it (the column is unique), keeps Teams.
        uow.employees.link_chat_id("E2", "slack", "U1")
        uow.employees.link_chat_id("E2", "slack", "U1")  # linking again changes nothing
        uow.commit()
    with uow_factory() as uow:
        moved = uow.employees.by_chat_id("slack", "U1")
        assert moved is not None and moved.employee_id == "E2"
        e1 = uow.employees.get("E1")
        assert e1 is not None and (e1.slack_user_id, e1.teams_aad_object_id) == (None, "aad-1")
        uow.employees.link_chat_id("E2", "slack", "U2")  # a new id replaces the old one
        assert uow.employees.by_chat_id("slack", "U1") is None
        with pytest.raises(ValueError, match="unknown chat platform"):
            uow.employees.by_chat_id("irc", "nick")
        with pytest.raises(ValueError, match="unknown chat platform"):
            uow.employees.link_chat_id("E1", "irc", "nick")
        with pytest.raises(ValueError, match="no employee"):
            uow.employees.link_chat_id("E404", "slack", "U9")


def test_naive_datetimes_are_refused(uow_factory: UowFactory) -> None:
    with pytest.raises(Exception, match="naive datetime"), uow_factory() as uow:
        uow.audit.add(AuditEntry(datetime(2026, 11, 25, 10, 0), "system", "tick"))


# -- transactions --------------------------------------------------------------------------------------


def test_nothing_is_written_without_commit_or_after_an_exception(uow_factory: UowFactory) -> None:
    with pytest.raises(RuntimeError, match="boom"), uow_factory() as uow:
        uow.employees.save(person("E1", "ananya@x.test"))
        uow.outbox.add(Event("x"), NOW)
        uow.audit.add(AuditEntry(NOW, "system", "import"))
        raise RuntimeError("boom")
    with uow_factory() as uow:
        uow.employees.save(person("E2", "rahul@x.test"))  # no commit
    with uow_factory() as uow:
        assert uow.employees.all() == []
        assert uow.outbox.due(NOW, 10) == []
        assert uow.audit.since() == []


def test_committed_work_is_seen_by_the_next_unit_of_work(uow_factory: UowFactory) -> None:
    unit = uow_factory()
    with unit as uow:
        uow.employees.save(person("E1", "ananya@x.test"))
        uow.commit()
        with pytest.raises(RuntimeError, match="already committed"):
            uow.commit()
    with pytest.raises(RuntimeError, match="not open"):
        _ = unit.connection
    with uow_factory() as uow:
        assert [e.employee_id for e in uow.employees.all()] == ["E1"]


def test_lost_race_errors_are_recognised() -> None:
    locked = OperationalError("BEGIN IMMEDIATE", {}, sqlite3.OperationalError("database is locked"))
    deadlock = OperationalError("UPDATE", {}, Exception(1213, "Deadlock found when trying to get lock"))
    wait = OperationalError("UPDATE", {}, Exception(1205, "Lock wait timeout exceeded"))
    other = OperationalError("SELECT", {}, Exception(2003, "Can't connect"))
    assert all(is_lost_race(e) for e in (locked, deadlock, wait))
    assert not is_lost_race(other)
    assert not is_lost_race(ValueError("database is locked"))


def test_sqlite_writers_queue_and_a_timed_out_one_gets_conflict(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'busy.db'}", sqlite_busy_timeout=0.2)
    migrate.upgrade(engine)
    try:
        with SqlUnitOfWork(engine):  # BEGIN IMMEDIATE: holds the write lock from the start
            with pytest.raises(Conflict) as caught, SqlUnitOfWork(engine):
                pass
            assert isinstance(caught.value.__cause__, OperationalError)
    finally:
        engine.dispose()


def test_deadlock_between_two_units_of_work_becomes_conflict(engine: Engine, uow_factory: UowFactory) -> None:
    if engine.dialect.name == "sqlite":
        pytest.skip("SQLite cannot deadlock: BEGIN IMMEDIATE serialises writers")
    seed_people(uow_factory)
    both_hold_one = threading.Barrier(2, timeout=10)
    outcomes: dict[str, str] = {}

    def lock_in_order(name: str, first: str, second: str) -> None:
        try:
            with uow_factory() as uow:
                uow.employees.lock(first)
                both_hold_one.wait()
                uow.employees.lock(second)
                uow.commit()
            outcomes[name] = "committed"
        except Conflict as exc:
            outcomes[name] = f"conflict:{exc.__cause__.orig.args[0]}"  # type: ignore[union-attr]
        except Exception as exc:  # pragma: no cover - shown in the assertion below
            outcomes[name] = repr(exc)

    threads = [
        threading.Thread(target=lock_in_order, args=("a", "E1", "E2")),
        threading.Thread(target=lock_in_order, args=("b", "E2", "E1")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes.values()) == ["committed", "conflict:1213"], outcomes


def test_rows_are_really_stored_in_utc(engine: Engine, uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        uow.audit.add(AuditEntry(datetime(2026, 11, 25, 10, 0, tzinfo=IST), "system", "tick"))
        uow.commit()
    with engine.connect() as connection:
        raw = connection.execute(select(tables.audit_log.c.at.cast(String(32)))).scalar()
    assert raw is not None and raw.startswith("2026-11-25 04:30:00")

"""The storage layer on real databases: migrations, every repository, transactions and races.

Each test runs twice, on SQLite and on MariaDB/MySQL (see conftest.py).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Column, Engine, MetaData, String, inspect, select
from sqlalchemy.exc import IntegrityError, OperationalError

from core.model import (
    AuditEntry,
    Employee,
    EmployeeStatus,
    EntryKind,
    Event,
    HalfDay,
    Holiday,
    LeaveRequest,
    LedgerEntry,
    RequestStatus,
    Role,
)
from core.policy import parse_policy
from core.ports import Conflict
from storage import migrate, tables
from storage.engine import make_engine, ping
from storage.repositories import SqlOutbox
from storage.uow import SqlUnitOfWork, is_lost_race

UowFactory = Callable[[], SqlUnitOfWork]

DEFAULT_POLICY = Path(__file__).resolve().parents[2] / "bot" / "policies" / "default.yaml"
NOW = datetime(2026, 11, 25, 4, 30, tzinfo=UTC)
IST = timezone(timedelta(hours=5, minutes=30))


def person(employee_id: str, email: str, manager_id: str | None = None, role: Role = Role.EMPLOYEE) -> Employee:
    return Employee(
        employee_id=employee_id,
        email=email,
        first_name="Ananya",
        last_name=f"Iyer-{employee_id}",
        manager_id=manager_id,
        role=role,
        department="Engineering",
        location="Bengaluru",
        region="INDIA",
        joining_date=date(2022, 7, 11),
        status=EmployeeStatus.ACTIVE,
        time_zone="Asia/Kolkata",
    )


def leave(employee_id: str, start: date, end: date, **changes: Any) -> LeaveRequest:
    values: dict[str, Any] = {
        "employee_id": employee_id,
        "type_key": "casual",
        "start": start,
        "end": end,
        "days": Decimal((end - start).days + 1),
        "status": RequestStatus.PENDING,
        "created_at": NOW,
        "approver_id": "M1",
    }
    values.update(changes)
    return LeaveRequest(**values)


def seed_people(new_uow: UowFactory) -> None:
    with new_uow() as uow:
        uow.employees.save(person("M1", "boss@x.test", role=Role.MANAGER))
        uow.employees.save(person("E1", "ananya@x.test", manager_id="M1"))
        uow.employees.save(person("E2", "rahul@x.test", manager_id="M1"))
        uow.employees.save(person("H1", "hr@x.test", role=Role.HR_ADMIN))
        uow.commit()


# -- migrations and engine --------------------------------------------------------------------------


def test_upgrade_from_empty_reaches_head_and_running_it_again_is_harmless(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        assert migrate.current_revision(engine) is None
        migrate.upgrade(engine)
        assert migrate.current_revision(engine) == migrate.head_revision() == "0001"
        migrate.upgrade(engine)
        assert migrate.current_revision(engine) == "0001"
        names = set(inspect(engine).get_table_names())
        assert set(tables.metadata.tables) <= names
        assert "alembic_version" in names
    finally:
        engine.dispose()


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
    )
    with uow_factory() as uow:
        uow.employees.save(moved)
        uow.commit()
    with uow_factory() as uow:
        again = uow.employees.get("E1")
        assert again is not None
        assert again.email == "ananya.iyer@x.test"  # stored lower case
        assert (again.manager_id, again.status, again.slack_user_id) == ("H1", EmployeeStatus.INACTIVE, "U123")
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


# -- holidays ------------------------------------------------------------------------------------------


def test_holidays_replace_by_region_source_and_year(uow_factory: UowFactory) -> None:
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
        uow.holidays.replace("INDIA", "policy", [diwali_27, Holiday(date(2026, 5, 1), "Ignored", "INDIA")], year=2027)
        uow.commit()
    with uow_factory() as uow:
        assert [h.name for h in uow.holidays.between("INDIA", date(2026, 1, 1), date(2027, 12, 31))] == [
            "New Year",
            "Republic Day",
            "Ganesh Chaturthi",
            "Diwali",
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
        days=Decimal("1.5"),
        year_days={2026: Decimal("0.5"), 2027: Decimal(1)},
        reason="family — ünïcödé 🎉",
        document_ref="https://files.example/doc/1",
        document_due=True,
        idempotency_key="slack:T1:abc",
        created_at=datetime(2026, 11, 25, 10, 0, 0, 123456, tzinfo=IST),
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
        assert stored.year_days == {2026: Decimal("0.5"), 2027: Decimal(1)}
        assert uow.requests.by_idempotency_key("slack:T1:abc") == stored
        assert uow.requests.by_idempotency_key("other") is None
        assert uow.requests.get(added.id + 1000) is None
        assert uow.requests.lock(added.id) == stored

        stored.status = RequestStatus.APPROVED
        stored.decided_by = "M1"
        stored.decided_at = NOW
        stored.decision_note = "enjoy"
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


def test_ledger_entries_in_order_by_year_and_allocation(uow_factory: UowFactory) -> None:
    seed_people(uow_factory)
    with uow_factory() as uow:
        request = uow.requests.add(leave("E1", date(2026, 12, 1), date(2026, 12, 1)))
        allocation = LedgerEntry("E1", "casual", 2026, EntryKind.ALLOCATION, Decimal(12), NOW, period="2026")
        uow.ledger.add(allocation)
        uow.ledger.add(
            LedgerEntry("E1", "casual", 2026, EntryKind.LEAVE_TAKEN, Decimal("-1.5"), NOW, request.id, "taken")
        )
        uow.ledger.add(LedgerEntry("E1", "casual", 2026, EntryKind.REVERSAL, Decimal("1.5"), NOW, request.id))
        uow.ledger.add(LedgerEntry("E1", "sick", 2027, EntryKind.ALLOCATION, Decimal(12), NOW, period="2027"))
        uow.ledger.add(LedgerEntry("E2", "casual", 2026, EntryKind.ALLOCATION, Decimal(12), NOW, period="2026"))
        uow.commit()
    with uow_factory() as uow:
        all_of_e1 = uow.ledger.entries("E1")
        assert [(e.kind, e.days, e.year) for e in all_of_e1] == [
            (EntryKind.ALLOCATION, Decimal(12), 2026),
            (EntryKind.LEAVE_TAKEN, Decimal("-1.5"), 2026),
            (EntryKind.REVERSAL, Decimal("1.5"), 2026),
            (EntryKind.ALLOCATION, Decimal(12), 2027),
        ]
        first = all_of_e1[0]
        assert first.id is not None
        assert first == LedgerEntry(
            "E1", "casual", 2026, EntryKind.ALLOCATION, Decimal(12), NOW, period="2026", id=first.id
        )
        assert all_of_e1[1].request_id == request.id and all_of_e1[1].note == "taken"
        assert all_of_e1[1].period is None
        assert [e.year for e in uow.ledger.entries("E1", 2027)] == [2027]
        assert sum(e.days for e in uow.ledger.entries("E1", 2026)) == Decimal(12)
        assert uow.ledger.has_allocation("E1", 2026)
        assert uow.ledger.has_allocation("E1", 2027)
        assert not uow.ledger.has_allocation("E1", 2028)
        assert not uow.ledger.has_allocation("H1", 2026)


def test_ledger_refuses_a_second_entry_for_the_same_period(uow_factory: UowFactory) -> None:
    seed_people(uow_factory)
    allocation = LedgerEntry("E1", "casual", 2026, EntryKind.ALLOCATION, Decimal(12), NOW, period="2026")
    with uow_factory() as uow:
        uow.ledger.add(allocation)
        uow.commit()
    with pytest.raises(IntegrityError), uow_factory() as uow:
        uow.ledger.add(allocation)
    with uow_factory() as uow:
        # Entries without a period may repeat.
        uow.ledger.add(LedgerEntry("E1", "casual", 2026, EntryKind.LEAVE_TAKEN, Decimal(-1), NOW))
        uow.ledger.add(LedgerEntry("E1", "casual", 2026, EntryKind.LEAVE_TAKEN, Decimal(-1), NOW))
        uow.commit()
    with uow_factory() as uow:
        assert [e.kind for e in uow.ledger.entries("E1")] == [
            EntryKind.ALLOCATION,
            EntryKind.LEAVE_TAKEN,
            EntryKind.LEAVE_TAKEN,
        ]


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


def test_outbox_pending_oldest_first_until_delivered(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        uow.outbox.add(Event("leave.applied", {"request_id": 1, "day": date(2026, 12, 1)}), NOW)
        uow.outbox.add(Event("leave.approved", {"request_id": 1, "days": Decimal("1.5")}), NOW)
        uow.outbox.add(Event("leave.cancelled"), NOW)
        uow.commit()
    with uow_factory() as uow:
        pending = uow.outbox.pending()
        assert [event for _, event in pending] == [
            Event("leave.applied", {"request_id": 1, "day": "2026-12-01"}),
            Event("leave.approved", {"request_id": 1, "days": "1.5"}),
            Event("leave.cancelled", {}),
        ]
        ids = [event_id for event_id, _ in pending]
        assert ids == sorted(ids)

        outbox = SqlOutbox(uow.connection)
        assert outbox.mark_delivered(ids[0], NOW)
        assert not outbox.mark_delivered(ids[0], NOW)  # a second worker does not deliver it again
        outbox.mark_failed(ids[1], "Slack said 500", NOW + timedelta(minutes=5))
        uow.commit()
    with uow_factory() as uow:
        outbox = SqlOutbox(uow.connection)
        assert [i for i, _ in uow.outbox.pending()] == ids[1:]
        assert [i for i, _ in outbox.pending(due_at=NOW)] == [ids[2]]
        assert [i for i, _ in outbox.pending(due_at=NOW + timedelta(minutes=5))] == ids[1:]
        assert [i for i, _ in outbox.pending(limit=1)] == [ids[1]]
        assert (outbox.attempts(ids[0]), outbox.attempts(ids[1]), outbox.attempts(ids[2])) == (1, 1, 0)


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
        assert uow.outbox.pending() == []
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

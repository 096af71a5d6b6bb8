"""Ledger entries name a generic source: migration 0012 moves every existing row to one without
loss, and back; the stored amounts are days.

Rows for the migration are written with the 0011 schema (plain SQL: ``tables.py`` has today's
columns), as a database in use holds them; each test runs on SQLite and on MariaDB/MySQL.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from alembic import command
from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import IntegrityError

from core.balances.entitlement import Grant, missing
from core.domain.amount import Amount
from core.domain.model import EntryKind, LedgerEntry, Source, SourceKind
from storage import migrate, tables
from storage.uow import SqlUnitOfWork, uow_factory
from tests.integration.test_storage import engine_at

AT = datetime(2026, 11, 25, 4, 30)  # naive: the database stores UTC without a zone
OLD_COLUMNS = "employee_id, type_key, year, kind, days, period, request_id, note, created_at"
#: (type, year, kind, days, period, request id or a placeholder for the request's) as 0011 wrote them.
OLD_ROWS: list[tuple[str, int, str, str, str | None, Any]] = [
    ("casual", 2025, "ALLOCATION", "12.00", "2025", None),
    ("casual", 2025, "CARRIED_OUT", "-5.00", "2025", None),
    ("casual", 2025, "EXPIRY", "-2.50", "2025", None),
    ("casual", 2026, "CARRIED_IN", "5.00", "2025", None),
    ("casual", 2026, "ACCRUAL", "1.50", "2026-01", None),
    ("casual", 2026, "ACCRUAL", "1.50", "2026-02", None),
    ("casual", 2026, "EXPIRY", "-1.00", "2025-carry", None),
    ("casual", 2026, "LEAVE_TAKEN", "-2.00", None, "request"),
    ("casual", 2026, "REVERSAL", "0.50", None, "request"),
    ("casual", 2026, "REVERSAL", "0.50", None, "request"),  # a second partial cancel of the same request
    ("sick", 2026, "ALLOCATION", "12.00", "2026", None),
    ("sick", 2026, "LEAVE_TAKEN", "-1.00", None, None),  # written without a request, as the benchmarks do
]


@pytest.fixture
def engine_at_0011(db_url: str) -> Iterator[Engine]:
    with engine_at(db_url, "0011") as engine:
        yield engine


def _insert_ananya(connection: Connection) -> None:
    """The one employee the ledger rows belong to, written as any schema version holds her."""
    connection.execute(text(
        "INSERT INTO employees (employee_id, email, first_name, last_name, role, department, location, region, "
        "joining_date, status, time_zone, updated_at) VALUES ('E1', 'ananya@x.test', 'Ananya', 'Iyer', "
        "'EMPLOYEE', 'Engineering', 'Bengaluru', 'INDIA', :joined, 'ACTIVE', 'Asia/Kolkata', :at)"),
        {"joined": date(2022, 7, 11), "at": AT})


def _write_old_rows(engine: Engine) -> int:
    """The employee, one request and :data:`OLD_ROWS`; the request's id."""
    with engine.begin() as connection:
        _insert_ananya(connection)
        connection.execute(text(
            "INSERT INTO leave_requests (employee_id, type_key, start_date, end_date, days, year_days, status, "
            "reason, document_due, decision_note, created_at, levels, level) VALUES ('E1', 'casual', :day, :day, "
            "2, '{\"2026\": \"2\"}', 'APPROVED', '', :no, '', :at, 'manager', 0)"),
            {"day": date(2026, 12, 1), "no": False, "at": AT})
        request_id = int(connection.execute(text("SELECT MAX(id) FROM leave_requests")).scalar_one())
        for type_key, year, kind, days, period, request in OLD_ROWS:
            connection.execute(text(f"INSERT INTO ledger_entries ({OLD_COLUMNS}) VALUES "
                                    "('E1', :type_key, :year, :kind, :days, :period, :request_id, :note, :at)"),
                               {"type_key": type_key, "year": year, "kind": kind, "days": days,
                                "period": period, "request_id": request_id if request else None,
                                "note": f"{kind} {period}", "at": AT})
    return request_id


def _old_rows(engine: Engine) -> list[tuple[Any, ...]]:
    with engine.connect() as connection:
        rows = connection.execute(text(f"SELECT id, {OLD_COLUMNS} FROM ledger_entries ORDER BY id")).all()
    return [(int(r.id), r.type_key, r.year, r.kind, Decimal(r.days), r.period,
             None if r.request_id is None else int(r.request_id), r.note) for r in rows]


def test_0012_gives_every_row_its_source_and_downgrades_without_loss(engine_at_0011: Engine) -> None:
    engine = engine_at_0011
    request_id = _write_old_rows(engine)
    before = _old_rows(engine)

    migrate.upgrade(engine)
    assert migrate.current_revision(engine) == migrate.head_revision()
    with SqlUnitOfWork(engine) as uow:
        entries = uow.ledger.entries("E1")
    request = Source(SourceKind.REQUEST, str(request_id))
    assert [(e.id, e.type_key, e.year, e.kind, e.amount.value, e.source, e.note) for e in entries] == [
        (row[0], row[1], row[2], EntryKind(row[3]), row[4], source, row[7]) for row, source in zip(before, [
            Source(SourceKind.ALLOCATION, "2025"),
            Source(SourceKind.YEAR_END, "2025"),
            Source(SourceKind.YEAR_END, "2025"),
            Source(SourceKind.YEAR_END, "2025"),
            Source(SourceKind.ACCRUAL, "2026-01"),
            Source(SourceKind.ACCRUAL, "2026-02"),
            Source(SourceKind.YEAR_END, "2025-carry"),
            request,
            request,
            request,
            Source(SourceKind.ALLOCATION, "2026"),
            Source(SourceKind.REQUEST, ""),
        ], strict=True)
    ]
    assert all(e.valid_from is None and e.valid_until is None for e in entries)
    assert all(e.created_at == AT.replace(tzinfo=UTC) for e in entries)

    # The jobs see the migrated entries as written: a month already accrued is not accrued again...
    accruals = [Grant("casual", EntryKind.ACCRUAL, f"2026-{m:02d}", Amount.days("1.5"), date(2026, m, 1))
                for m in (1, 2, 3)]
    assert [g.period for g in missing(accruals, entries)] == ["2026-03"]
    # ...and the database still refuses it, while a request's entries may still repeat.
    first = entries[4]
    with pytest.raises(IntegrityError), SqlUnitOfWork(engine) as uow:
        uow.ledger.add(LedgerEntry("E1", "casual", 2026, EntryKind.ACCRUAL, Amount.days("1.5"), first.created_at,
                                   first.source))
    with SqlUnitOfWork(engine) as uow:
        uow.ledger.add(LedgerEntry("E1", "casual", 2026, EntryKind.REVERSAL, Amount.days("0.5"), first.created_at,
                                   request))
        uow.rollback()

    config = migrate.alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0011")
    assert migrate.current_revision(engine) == "0011"
    assert _old_rows(engine) == before
    migrate.upgrade(engine)  # and up again
    with SqlUnitOfWork(engine) as uow:
        assert [(e.id, e.source) for e in uow.ledger.entries("E1")] == [(e.id, e.source) for e in entries]


def test_an_amount_in_hours_is_refused_and_nothing_is_written(engine: Engine) -> None:
    with engine.begin() as connection:
        _insert_ananya(connection)
    short = LedgerEntry("E1", "short", 2026, EntryKind.ADJUSTMENT, Amount.hours(3), AT.replace(tzinfo=UTC),
                        Source(SourceKind.ADJUSTMENT, "A1"))
    refused = pytest.raises(ValueError, match="the ledger keeps days, not hours: 3 hours was not written")
    with refused, uow_factory(engine)() as uow:
        uow.ledger.add(short)
        uow.commit()
    with engine.connect() as connection:
        assert connection.execute(tables.ledger_entries.select()).all() == []

"""A generated organisation in a real database: complete up to its date, so a balance only reads."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import Engine, Table, func, select

from bench.generate import generate
from core.domain.amount import Amount
from core.service import LeaveService
from storage import tables
from storage.uow import uow_factory
from tests.unit.fakes import FixedClock

AS_OF = date(2026, 11, 25)


def _count(engine: Engine, table: Table) -> int:
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(table)).scalar_one())


def test_generated_organisation_has_what_was_asked_and_balances_need_no_catching_up(engine: Engine) -> None:
    org = generate(engine, seed=4, employees=12, ledger_rows=1200, as_of=AS_OF)
    service = LeaveService(uow_factory(engine), FixedClock(datetime(2026, 11, 25, 4, 30, tzinfo=UTC)))

    balances = {row.type_key: row for row in service.balance_of("p5@bench.test").rows}

    assert (_count(engine, tables.employees), _count(engine, tables.ledger_entries)) == (12, 1200)
    assert _count(engine, tables.leave_requests) == len(org.requests)
    assert balances["casual"].entitled >= Amount.days(11)  # eleven months accrued, plus whatever was carried
    assert _count(engine, tables.ledger_entries) == 1200  # the lookup wrote nothing

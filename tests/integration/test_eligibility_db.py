"""Leave-type eligibility on the real databases: the directory's columns, the lists and the refusals."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from alembic import command
from sqlalchemy import Engine, func, inspect, select, text

from core.commands import ApplyLeave, OpenApplyForm, ShowBalance
from core.service import LeaveService
from core.views import AppliedView, ApplyFormView, BalanceView, RefusalView
from storage import migrate, tables
from storage.engine import make_engine
from tests.unit.eligibility_org import ELIGIBILITY_CSV, PAID_TYPES, eligibility_policy


@pytest.fixture
def eligible(service: LeaveService) -> LeaveService:
    service.load_policy(eligibility_policy(), "test")
    service.import_employees(ELIGIBILITY_CSV)
    return service


def requests_in(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(tables.leave_requests)).scalar_one())


def test_the_columns_are_stored_and_read_back(eligible: LeaveService) -> None:
    ananya, kiran = eligible.employee("E3"), eligible.employee("E5")
    assert ananya is not None and kiran is not None
    assert (ananya.gender, ananya.employment_type, ananya.confirmation_date) == ("female", "permanent",
                                                                                 date(2023, 1, 11))
    assert (kiran.gender, kiran.employment_type, kiran.confirmation_date) == ("other", None, None)
    again = eligible.import_employees(ELIGIBILITY_CSV)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 7)


def test_balances_and_forms_hold_only_the_open_types(eligible: LeaveService) -> None:
    mine = eligible.execute("rahul@x.test", ShowBalance(), "test")
    assert isinstance(mine, BalanceView)
    assert [r.type_key for r in mine.rows if r.type_key in PAID_TYPES] == ["casual", "sick", "privilege", "paternity"]
    theirs = eligible.execute("boss@x.test", ShowBalance("dev@x.test"), "test")
    assert isinstance(theirs, BalanceView)
    assert [r.type_key for r in theirs.rows if r.type_key in PAID_TYPES] == ["casual", "sick", "paternity"]
    form = eligible.execute("ananya@x.test", OpenApplyForm(), "test")
    assert isinstance(form, ApplyFormView)
    assert [key for key, _ in form.leave_types if key in PAID_TYPES] == ["casual", "sick", "privilege", "maternity"]


def test_a_closed_type_is_refused_and_nothing_is_written(eligible: LeaveService, engine: Engine) -> None:
    refused = eligible.execute("rahul@x.test", ApplyLeave("ML", date(2026, 12, 7), date(2026, 12, 9)), "test")
    assert isinstance(refused, RefusalView) and refused.message.startswith("Maternity leave is for female employees")
    early = eligible.execute("dev@x.test", ApplyLeave("privilege", date(2026, 12, 14), date(2026, 12, 14)), "test")
    assert isinstance(early, RefusalView) and "opens after 6 months of service, on 1 Mar 2027" in early.message
    assert requests_in(engine) == 0


def test_the_third_maternity_request_is_refused(eligible: LeaveService, engine: Engine) -> None:
    for start in (date(2026, 12, 1), date(2026, 12, 14)):
        view = eligible.execute("ananya@x.test", ApplyLeave("maternity", start, start), "test")
        assert isinstance(view, AppliedView)
    third = eligible.execute("ananya@x.test", ApplyLeave("maternity", date(2026, 12, 21), date(2026, 12, 21)), "test")
    assert isinstance(third, RefusalView) and "may be taken 2 times at most" in third.message
    assert requests_in(engine) == 2


def test_0015_keeps_the_people_in_use_and_downgrades_cleanly(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        migrate.upgrade(engine, "0014")
        with engine.begin() as conn:
            conn.execute(text(
                "INSERT INTO employees (employee_id, email, first_name, last_name, role, department, location, region,"
                " joining_date, status, time_zone, updated_at) VALUES ('E1', 'a@x.test', 'A', 'B', 'EMPLOYEE', 'Eng',"
                " 'Pune', 'INDIA', :joined, 'ACTIVE', 'UTC', :now)"), {"joined": date(2026, 1, 5),
                                                                       "now": datetime(2026, 1, 5, tzinfo=UTC)})
        migrate.upgrade(engine, "0015")
        with engine.connect() as conn:
            row = conn.execute(select(tables.employees.c.gender, tables.employees.c.employment_type,
                                      tables.employees.c.confirmation_date)).one()
        assert tuple(row) == (None, None, None)
        config = migrate.alembic_config()
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "0014")
        columns = {c["name"] for c in inspect(engine).get_columns("employees")}
        assert not {"gender", "employment_type", "confirmation_date"} & columns and "leaving_date" in columns
    finally:
        engine.dispose()

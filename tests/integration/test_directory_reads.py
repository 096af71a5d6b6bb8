"""How the directory is read inside one unit of work: each person once, writes and locks always fresh,
and a department's people found without reading everybody.

Each test runs on SQLite and on MariaDB/MySQL (see conftest.py).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import Any

import pytest
from sqlalchemy import Engine

from bench.statements import recording
from core.commands import ApplyLeave
from core.domain.model import Employee, EmployeeStatus, Role
from core.service import LeaveService
from core.views import AppliedView, RefusalView
from storage.uow import SqlUnitOfWork
from tests.unit.conftest import policy_document

UowFactory = Callable[[], SqlUnitOfWork]


def person(employee_id: str, email: str, department: str = "Engineering", **changes: Any) -> Employee:
    return replace(Employee(employee_id=employee_id, email=email, first_name="Ananya", last_name=employee_id,
                            manager_id=None, role=Role.EMPLOYEE, department=department, location="Bengaluru",
                            region="INDIA", joining_date=date(2022, 7, 11), status=EmployeeStatus.ACTIVE,
                            time_zone="Asia/Kolkata"), **changes)


def seed(new_uow: UowFactory, *people: Employee) -> None:
    with new_uow() as uow:
        for one in people:
            uow.employees.save(one)
        uow.commit()


def test_one_unit_of_work_reads_each_person_once(engine: Engine, uow_factory: UowFactory) -> None:
    seed(uow_factory, person("E1", "ananya@x.test"), person("H1", "hr@x.test", role=Role.HR_ADMIN))
    with uow_factory() as uow, recording(engine) as log:
        by_email = uow.employees.by_email(" Ananya@X.test ")
        assert by_email is not None
        assert uow.employees.get("E1") == by_email
        assert uow.employees.by_email("ananya@x.test") == by_email
        assert uow.employees.by_email("nobody@x.test") is None
        assert uow.employees.by_email("nobody@x.test") is None
        assert [hr.employee_id for hr in uow.employees.hr_admins()] == ["H1"]
        assert uow.employees.by_email("hr@x.test") is not None  # known from the list of HR admins
    assert log.counts()["SELECT"] == 4  # the version stamps, Ananya, nobody, the HR admins
    with uow_factory() as uow, recording(engine) as log:
        assert uow.employees.get("E1") == by_email
    (stamps,) = log.statements  # the next unit of work checks the stamps, and the process still has her
    assert "cache_versions" in stamps[0]


def test_a_write_to_the_directory_is_seen_by_the_next_read(uow_factory: UowFactory) -> None:
    seed(uow_factory, person("E1", "ananya@x.test"), person("E2", "rahul@x.test"))
    with uow_factory() as uow:
        assert uow.employees.by_email("ananya@x.test") is not None
        uow.employees.save(person("E1", "ananya.iyer@x.test", department="Finance"))
        assert uow.employees.by_email("ananya@x.test") is None
        moved = uow.employees.get("E1")
        assert moved is not None and (moved.email, moved.department) == ("ananya.iyer@x.test", "Finance")
        assert uow.employees.by_email("ananya.iyer@x.test") == moved
        assert uow.employees.by_chat_id("slack", "U1") is None
        uow.employees.link_chat_id("E2", "slack", "U1")
        linked = uow.employees.get("E2")
        assert linked is not None and linked.slack_user_id == "U1"
        assert uow.employees.by_chat_id("slack", "U1") == linked


def test_a_lock_reads_the_row_as_another_transaction_left_it(engine: Engine, uow_factory: UowFactory) -> None:
    if engine.dialect.name == "sqlite":
        pytest.skip("SQLite serialises transactions: no other one can commit while this one is open")
    seed(uow_factory, person("E1", "ananya@x.test"))
    with uow_factory() as uow:
        assert uow.employees.get("E1") == person("E1", "ananya@x.test")
        seed(uow_factory, person("E1", "ananya@x.test", status=EmployeeStatus.INACTIVE))
        locked = uow.employees.lock("E1")
        assert locked is not None and locked.status is EmployeeStatus.INACTIVE
        assert uow.employees.get("E1") == locked


def test_a_department_is_its_exact_name_leavers_included(uow_factory: UowFactory) -> None:
    seed(uow_factory, person("E2", "rahul@x.test"), person("E1", "ananya@x.test", status=EmployeeStatus.INACTIVE),
         person("E3", "kiran@x.test", department="engineering"), person("E4", "meera@x.test", department="People"))
    with uow_factory() as uow:
        assert [e.employee_id for e in uow.employees.in_department("Engineering")] == ["E1", "E2"]
        assert [e.employee_id for e in uow.employees.in_department("engineering")] == ["E3"]
        assert uow.employees.in_department("Sales") == []


def test_a_team_limit_counts_the_applicants_department_only(service: LeaveService, uow_factory: UowFactory) -> None:
    document = copy.deepcopy(policy_document())
    document["team_limits"] = [{"departments": ["Engineering"], "max_out": 2}]
    service.load_policy(document, "test")
    with uow_factory() as uow:  # two more people out that day, neither of them in "Engineering" exactly
        boss = uow.employees.by_email("boss@x.test")
        assert boss is not None
        for n, department in ((6, "engineering"), (7, "People")):
            uow.employees.save(replace(boss, employee_id=f"E{n}", email=f"p{n}@x.test", role=Role.EMPLOYEE,
                                       department=department, manager_id=boss.employee_id))
        uow.commit()
    day = date(2026, 12, 8)
    for email in ("p6@x.test", "p7@x.test", "ananya@x.test"):
        assert isinstance(service.execute(email, ApplyLeave("casual", day, day), "test"), AppliedView)
    assert isinstance(service.execute("rahul@x.test", ApplyLeave("casual", day, day), "test"), AppliedView)
    refused = service.execute("kiran@x.test", ApplyLeave("casual", day, day), "test")
    assert isinstance(refused, RefusalView)
    assert "2 of 4 people in Engineering are already out on Tue 8 Dec 2026; the limit is 2" in refused.message

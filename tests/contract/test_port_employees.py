"""EmployeeRepository: the directory, found by id, e-mail (any case) and chat id."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from core.domain.model import EmployeeStatus, Role
from core.domain.reach import NotifyBy
from core.ports import UnitOfWorkFactory
from tests.contract.builders import person, seed


def test_save_then_get_and_lock(uow_factory: UnitOfWorkFactory) -> None:
    seed(uow_factory)
    with uow_factory() as uow:
        assert uow.employees.get("E1") == person("E1", "ananya@x.test", manager_id="M1")
        assert uow.employees.lock("E1") == uow.employees.get("E1")
        assert uow.employees.get("nobody") is None
        assert uow.employees.lock("nobody") is None


def test_save_replaces_the_employee_with_the_same_id(uow_factory: UnitOfWorkFactory) -> None:
    seed(uow_factory)
    moved = replace(person("E1", "ananya@x.test", manager_id="H1"), status=EmployeeStatus.INACTIVE,
                    leaving_date=date(2027, 3, 31), notify_by=NotifyBy.BOTH)
    with uow_factory() as uow:
        uow.employees.save(moved)
        uow.commit()
    with uow_factory() as uow:
        assert uow.employees.get("E1") == moved
        assert sorted(e.employee_id for e in uow.employees.all()) == ["E1", "E2", "H1", "M1"]


def test_by_email_ignores_case_both_ways(uow_factory: UnitOfWorkFactory) -> None:
    with uow_factory() as uow:
        uow.employees.save(person("E7", "Ananya.Iyer@X.Test"))
        uow.commit()
    with uow_factory() as uow:
        found = uow.employees.by_email("ANANYA.IYER@x.test")
        assert found is not None and found.employee_id == "E7"
        assert found.email == "ananya.iyer@x.test"  # kept in lower case, as every e-mail is compared
        assert uow.employees.by_email("nobody@x.test") is None


def test_reports_hr_admins_and_department(uow_factory: UnitOfWorkFactory) -> None:
    seed(uow_factory)
    with uow_factory() as uow:
        uow.employees.save(replace(person("E0", "left@x.test", manager_id="M1"), status=EmployeeStatus.INACTIVE))
        uow.commit()
    with uow_factory() as uow:
        assert sorted(e.employee_id for e in uow.employees.reports_of("M1")) == ["E0", "E1", "E2"]
        assert uow.employees.reports_of("E1") == []
        assert [e.employee_id for e in uow.employees.hr_admins()] == ["H1"]
        # Exactly the department (leavers too), by employee id.
        assert [e.employee_id for e in uow.employees.in_department("Engineering")] == ["E0", "E1", "E2", "M1"]
        assert uow.employees.in_department("engineering") == []
        assert uow.employees.in_department("People")[0].role is Role.HR_ADMIN


@pytest.mark.parametrize("platform", ["slack", "teams"])
def test_a_linked_chat_id_finds_the_employee(uow_factory: UnitOfWorkFactory, platform: str) -> None:
    seed(uow_factory)
    with uow_factory() as uow:
        assert uow.employees.by_chat_id(platform, "U1") is None
        uow.employees.link_chat_id("E1", platform, "U1")
        uow.commit()
    with uow_factory() as uow:
        found = uow.employees.by_chat_id(platform, "U1")
        assert found is not None and found.employee_id == "E1"
        assert uow.employees.by_chat_id(platform, "U2") is None


def test_linking_an_id_takes_it_away_from_its_previous_owner(uow_factory: UnitOfWorkFactory) -> None:
    seed(uow_factory)
    with uow_factory() as uow:
        uow.employees.link_chat_id("E1", "slack", "U1")
        uow.employees.link_chat_id("E2", "slack", "U1")
        uow.commit()
    with uow_factory() as uow:
        found = uow.employees.by_chat_id("slack", "U1")
        assert found is not None and found.employee_id == "E2"
        previous = uow.employees.get("E1")
        assert previous is not None and previous.slack_user_id is None


def test_a_link_to_nobody_or_an_unknown_platform_is_refused(uow_factory: UnitOfWorkFactory) -> None:
    seed(uow_factory)
    with uow_factory() as uow:
        uow.employees.link_chat_id("E1", "slack", "U1")
        with pytest.raises(ValueError, match="nobody"):
            uow.employees.link_chat_id("nobody", "slack", "U1")
        with pytest.raises(ValueError, match="irc"):
            uow.employees.link_chat_id("E1", "irc", "U1")
        with pytest.raises(ValueError, match="irc"):
            uow.employees.by_chat_id("irc", "U1")
        found = uow.employees.by_chat_id("slack", "U1")  # the refused link took nothing away
        assert found is not None and found.employee_id == "E1"

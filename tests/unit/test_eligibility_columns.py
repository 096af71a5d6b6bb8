"""The employee CSV's optional gender, employment_type and confirmation_date columns."""

from __future__ import annotations

from datetime import date

import pytest

from core.directory.csv_import import read_employees
from core.errors import ImportRejected
from core.policy.rules import parse_policy
from core.service import LeaveService
from tests.unit.conftest import ORG_CSV
from tests.unit.eligibility_org import ELIGIBILITY_CSV, eligibility_policy
from tests.unit.fakes import FakeStore, FixedClock

POLICY = parse_policy(eligibility_policy())
HEADER = ELIGIBILITY_CSV.splitlines()[0]


def test_the_columns_are_read_in_any_case_and_empty_means_not_said() -> None:
    people = {e.employee_id: e for e in read_employees(ELIGIBILITY_CSV, POLICY, [], "UTC")}
    ananya, kiran = people["E3"], people["E5"]
    assert (ananya.gender, ananya.employment_type, ananya.confirmation_date) == ("female", "permanent",
                                                                                 date(2023, 1, 11))
    assert (kiran.gender, kiran.employment_type, kiran.confirmation_date) == ("other", None, None)


def test_bad_values_are_reported_with_their_lines() -> None:
    rows = [
        HEADER,
        "E1,hr@x.test,Meera,Nair,,HR_ADMIN,People,Pune,INDIA,2020-01-06,ACTIVE,,woman,permanent,",
        "E2,b@x.test,Vikram,Rao,,MANAGER,Eng,Pune,INDIA,2019-03-01,ACTIVE,,male,full time,",
        "E3,a@x.test,Ananya,Iyer,,EMPLOYEE,Eng,Pune,INDIA,2022-07-11,ACTIVE,,female,permanent,2026-02-30",
        "E4,r@x.test,Rahul,Verma,,EMPLOYEE,Eng,Pune,INDIA,2023-02-01,ACTIVE,,male,permanent,2023-01-31",
        "E5,k@x.test,Kiran,Das,,EMPLOYEE,Eng,Pune,INDIA,2024-05-02,ACTIVE,,,,",
    ]
    with pytest.raises(ImportRejected) as caught:
        read_employees("\n".join(rows) + "\n", POLICY, [], "UTC")
    assert caught.value.problems == [
        (2, "gender 'woman' is not one of female, male, other (or leave it empty)"),
        (3, "employment_type 'full time' is not one word of letters, digits, '-' or '_' "
            "(e.g. permanent, contract, intern)"),
        (4, "confirmation_date '2026-02-30' is not an ISO date (YYYY-MM-DD)"),
        (5, "confirmation_date 2023-01-31 is before joining_date 2023-02-01"),
    ]


@pytest.fixture
def service(store: FakeStore, clock: FixedClock) -> LeaveService:
    service = LeaveService(store, clock, default_time_zone="Asia/Kolkata")
    service.load_policy(eligibility_policy(), "test")
    return service


def test_reimporting_the_same_file_changes_nothing(service: LeaveService, store: FakeStore) -> None:
    assert service.import_employees(ELIGIBILITY_CSV).created == 7
    commits = store.commits
    again = service.import_employees(ELIGIBILITY_CSV)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 7)
    assert store.committed.employees["E4"].gender == "male" and store.commits == commits + 1  # the audit row only


def test_a_file_without_the_columns_keeps_what_the_directory_holds(service: LeaveService, store: FakeStore) -> None:
    service.import_employees(ELIGIBILITY_CSV)
    result = service.import_employees(ORG_CSV)
    assert (result.updated, result.unchanged) == (0, 5)
    assert store.committed.employees["E3"].confirmation_date == date(2023, 1, 11)


def test_an_empty_value_in_a_column_the_file_has_clears_it(service: LeaveService, store: FakeStore) -> None:
    service.import_employees(ELIGIBILITY_CSV)
    cleared = ELIGIBILITY_CSV.replace("Mumbai,INDIA,2023-02-01,ACTIVE,Asia/Kolkata,male,permanent,",
                                      "Mumbai,INDIA,2023-02-01,ACTIVE,Asia/Kolkata,,permanent,")
    assert service.import_employees(cleared).updated == 1
    assert store.committed.employees["E4"].gender is None

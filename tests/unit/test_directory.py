"""The employee CSV: all or nothing, every bad row named with its line number and reason."""

from __future__ import annotations

import pytest

from core.directory.csv_import import read_employees
from core.domain.model import EmployeeStatus, Role
from core.errors import ImportRejected
from core.policy.rules import parse_policy
from core.service import LeaveService
from tests.unit.conftest import ORG_CSV, policy_document
from tests.unit.fakes import FakeStore

HEADER = ORG_CSV.splitlines()[0]
POLICY = parse_policy(policy_document())


def problems(csv_text: str) -> list[tuple[int, str]]:
    with pytest.raises(ImportRejected) as caught:
        read_employees(csv_text, POLICY, [], "UTC")
    return caught.value.problems


def test_good_file_reads_every_column() -> None:
    employees = {e.employee_id: e for e in read_employees(ORG_CSV, POLICY, [], "UTC")}
    kiran = employees["E5"]
    assert kiran.manager_id == "E3" and kiran.time_zone == "America/New_York" and kiran.region == "INDIA"
    assert employees["E2"].region == "INDIA"  # "IN" is an alias of the region
    assert employees["E1"].role is Role.HR_ADMIN and employees["E1"].status is EmployeeStatus.ACTIVE


def test_every_bad_row_is_reported_with_its_line() -> None:
    rows = [
        HEADER,
        "E1,hr@x.test,Meera,Nair,,HR_ADMIN,People,Bengaluru,INDIA,2020-01-06,ACTIVE,Asia/Kolkata",
        "E2,boss@x.test,Vikram,Rao,nobody@x.test,MANAGER,Eng,Pune,INDIA,2019-03-01,ACTIVE,",
        "E3,HR@x.test,Ananya,Iyer,,EMPLOYEE,Eng,Pune,INDIA,2022-07-11,ACTIVE,",
        "E1,new@x.test,Dup,Id,,EMPLOYEE,Eng,Pune,INDIA,2022-07-11,ACTIVE,",
        "E5,e5@x.test,Bad,Date,,EMPLOYEE,Eng,Pune,INDIA,2022-13-11,ACTIVE,",
        "E6,e6@x.test,Bad,Role,ghost@x.test,BOSS,Eng,Pune,INDIA,2022-01-11,ACTIVE,",
        "E7,e7@x.test,Bad,Region,,EMPLOYEE,Eng,Pune,ATLANTIS,2022-01-11,ACTIVE,",
        "E8,e8@x.test,Bad,Zone,,EMPLOYEE,Eng,Pune,INDIA,2022-01-11,ACTIVE,Mars/Base",
        "E9,e9@x.test,Loop,A,e10@x.test,EMPLOYEE,Eng,Pune,INDIA,2022-01-11,ACTIVE,",
        "E10,e10@x.test,Loop,B,e9@x.test,EMPLOYEE,Eng,Pune,INDIA,2022-01-11,ACTIVE,",
        "E11,not-an-email,Bad,Mail,,EMPLOYEE,Eng,Pune,INDIA,2022-01-11,RETIRED,",
    ]
    found = problems("\n".join(rows) + "\n")
    by_line: dict[int, list[str]] = {}
    for line, why in found:
        by_line.setdefault(line, []).append(why)
    assert "unknown manager 'nobody@x.test'" in by_line[3][0]
    assert any("duplicate email 'hr@x.test' (also on line 2)" in w for w in by_line[4])
    assert any("duplicate employee_id 'E1'" in w for w in by_line[5])
    assert any("joining_date '2022-13-11'" in w for w in by_line[6])
    assert any("role 'BOSS' is not one of EMPLOYEE, MANAGER, HR_ADMIN" in w for w in by_line[7])
    assert any("unknown manager 'ghost@x.test'" in w for w in by_line[7])  # every reason, not just the first
    assert any("country 'ATLANTIS' is not a region" in w for w in by_line[8])
    assert any("time_zone 'Mars/Base'" in w for w in by_line[9])
    assert any("manager cycle" in w for w in by_line[10]) and any("manager cycle" in w for w in by_line[11])
    assert any("not an e-mail address" in w for w in by_line[12])
    assert any("status 'RETIRED'" in w for w in by_line[12])
    assert 2 not in by_line


def test_missing_and_unknown_columns_are_refused_on_line_one() -> None:
    found = problems("employee_id,email,first_name,timezone\nE1,a@x.test,A,UTC\n")
    assert found[0][0] == 1 and "missing 8 columns: last_name, manager_email" in found[0][1]
    assert "unknown 1 column: timezone" in found[1][1]
    assert problems("") == [(1, "the file is empty; a header row is required")]
    assert problems(HEADER + "\n") == [(1, "no employee rows after the header")]


def test_import_writes_nothing_when_any_row_is_bad(service: LeaveService, store: FakeStore) -> None:
    before = dict(store.committed.employees)
    bad = HEADER + "\nE20,new@x.test,New,Person,,EMPLOYEE,Eng,Pune,INDIA,2024-01-01,ACTIVE,\n" \
        "E21,ananya@x.test,Other,Person,,EMPLOYEE,Eng,Pune,INDIA,2024-01-01,ACTIVE,\n"
    with pytest.raises(ImportRejected) as caught:
        service.import_employees(bad)
    assert caught.value.problems == [(3, "email 'ananya@x.test' already belongs to employee E3")]
    assert store.committed.employees == before


def test_reimport_is_unchanged_and_updates_are_counted(service: LeaveService) -> None:
    again = service.import_employees(ORG_CSV)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 5)
    moved = ORG_CSV.replace("E4,rahul@x.test,Rahul,Verma,boss@x.test", "E4,rahul@x.test,Rahul,Verma,ananya@x.test")
    changed = service.import_employees(moved)
    assert (changed.created, changed.updated, changed.unchanged) == (0, 1, 4)


def test_a_cycle_through_the_directory_is_refused(service: LeaveService) -> None:
    # Vikram (E2, no manager) made to report to Kiran, who reports to Ananya, who reports to Vikram.
    row = "E2,boss@x.test,Vikram,Rao,kiran@x.test,MANAGER,Engineering,Bengaluru,IN,2019-03-01,ACTIVE,Asia/Kolkata"
    with pytest.raises(ImportRejected) as caught:
        service.import_employees(HEADER + "\n" + row + "\n")
    assert caught.value.problems[0][0] == 2 and "manager cycle" in caught.value.problems[0][1]

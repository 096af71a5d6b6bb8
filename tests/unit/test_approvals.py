"""Who decides: the manager, the next active one up, else HR; never oneself."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from core.domain.approvals import check_can_decide, is_in_reporting_line, resolve_approver
from core.domain.model import Employee, EmployeeStatus, LeaveRequest, RequestStatus, Role
from core.errors import AlreadyDecided, NotAllowed


def person(eid: str, manager: str | None = None, role: Role = Role.EMPLOYEE, active: bool = True) -> Employee:
    return Employee(eid, f"{eid}@x.test", eid, "", manager, role, "Eng", "Pune", "INDIA", date(2020, 1, 1),
                    EmployeeStatus.ACTIVE if active else EmployeeStatus.INACTIVE, "UTC")


PEOPLE = {e.employee_id: e for e in [
    person("ceo", role=Role.MANAGER),
    person("vp", "ceo", Role.MANAGER),
    person("lead", "vp", Role.MANAGER, active=False),
    person("dev", "lead"),
    person("hr2", role=Role.HR_ADMIN),
    person("hr1", role=Role.HR_ADMIN),
]}


def test_inactive_manager_is_passed_over() -> None:
    approver = resolve_approver(PEOPLE["dev"], PEOPLE.get, [PEOPLE["hr1"], PEOPLE["hr2"]])
    assert approver is not None and approver.employee_id == "vp"


def test_nobody_above_falls_back_to_hr_but_never_oneself() -> None:
    hrs = [PEOPLE["hr2"], PEOPLE["hr1"]]
    ceo = resolve_approver(PEOPLE["ceo"], PEOPLE.get, hrs)
    assert ceo is not None and ceo.employee_id == "hr1"
    hr1 = resolve_approver(PEOPLE["hr1"], PEOPLE.get, hrs)
    assert hr1 is not None and hr1.employee_id == "hr2"
    assert resolve_approver(PEOPLE["hr1"], PEOPLE.get, [PEOPLE["hr1"]]) is None


def request(employee: str, approver: str) -> LeaveRequest:
    return LeaveRequest(employee, "casual", date(2026, 12, 1), date(2026, 12, 1), Decimal(1), RequestStatus.PENDING,
                        datetime(2026, 11, 25, tzinfo=UTC), approver_id=approver, id=7)


def test_approver_and_hr_may_decide() -> None:
    check_can_decide(PEOPLE["vp"], request("dev", "vp"))
    check_can_decide(PEOPLE["hr1"], request("dev", "vp"))


@pytest.mark.parametrize(("actor", "words"), [("ceo", "not the approver"), ("dev", "your own request")])
def test_others_are_refused(actor: str, words: str) -> None:
    with pytest.raises(NotAllowed, match=words):
        check_can_decide(PEOPLE[actor], request("dev", "vp"))


def test_what_the_rule_needs_is_read_only_when_it_gets_that_far() -> None:
    asked: list[str] = []

    def delegators() -> set[str]:
        asked.append("delegations")
        return {"vp"}

    def decided() -> bool:
        asked.append("decisions")
        return True

    check_can_decide(PEOPLE["vp"], request("dev", "vp"), delegators, decided)
    check_can_decide(PEOPLE["hr1"], request("dev", "vp"), delegators, decided)
    assert asked == []  # the approver and HR need neither
    check_can_decide(PEOPLE["ceo"], request("dev", "vp"), delegators, decided)  # the vp's delegate today
    assert asked == ["delegations"]
    at_hr = replace(request("dev", "vp"), levels=("manager", "hr"), level=1)
    with pytest.raises(AlreadyDecided, match="already approved"):
        check_can_decide(PEOPLE["vp"], at_hr, delegators, decided)
    with pytest.raises(NotAllowed, match="waits for HR"):
        check_can_decide(PEOPLE["vp"], at_hr, delegators, lambda: False)


def test_hr_cannot_decide_their_own() -> None:
    with pytest.raises(NotAllowed, match="your own request"):
        check_can_decide(PEOPLE["hr1"], request("hr1", "hr2"))


def test_reporting_line_reaches_every_level_and_survives_cycles() -> None:
    assert is_in_reporting_line(PEOPLE["ceo"], PEOPLE["dev"], PEOPLE.get)
    assert not is_in_reporting_line(PEOPLE["dev"], PEOPLE["ceo"], PEOPLE.get)
    looped = {**PEOPLE, "ceo": replace(PEOPLE["ceo"], manager_id="dev")}
    assert not is_in_reporting_line(PEOPLE["hr1"], looped["dev"], looped.get)

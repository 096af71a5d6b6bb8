"""Who may take a leave type: each rule on its own, the policy keys, and the lists and refusals."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from core.commands import ApplyLeave, CancelRequest, Help, OpenApplyForm, PlanLeave, ShowBalance
from core.domain.dates import months_after
from core.domain.model import Employee, EmployeeStatus, RequestStatus, Role
from core.errors import PolicyError
from core.policy.eligibility import Eligibility, parse_eligibility
from core.policy.rules import parse_policy
from core.service import LeaveService
from core.views import AppliedView, ApplyFormView, BalanceView, CancelledView, HelpView, RefusalView
from tests.unit.conftest import ORG_CSV, policy_document
from tests.unit.eligibility_org import ELIGIBILITY_CSV, PAID_TYPES, eligibility_policy
from tests.unit.fakes import FakeStore, FixedClock

TODAY = date(2026, 11, 25)
PERSON = Employee("E9", "p@x.test", "Pat", "Lee", None, Role.EMPLOYEE, "Eng", "Pune", "INDIA",
                  date(2026, 9, 1), EmployeeStatus.ACTIVE, "Asia/Kolkata")


def paid(keys: list[str]) -> list[str]:
    return [key for key in keys if key in PAID_TYPES]


def why(rule: Eligibility, employee: Employee = PERSON, occurrences: int = 0, today: date = TODAY) -> str | None:
    return rule.refusal("Privilege leave", employee, today, occurrences)


# each rule ------------------------------------------------------------------------------------


def test_gender_keeps_out_only_people_recorded_otherwise() -> None:
    women = Eligibility(genders=("female",))
    assert why(women, replace(PERSON, gender="female")) is None
    assert why(women, replace(PERSON, gender="male")) == (
        "Privilege leave is for female employees; "
        "choose another leave type, or ask HR if your directory record is wrong.")
    assert why(women) is None  # the directory does not say: open
    assert "for female or other employees" in str(why(Eligibility(genders=("female", "other")),
                                                      replace(PERSON, gender="male")))


def test_service_counts_months_from_joining() -> None:
    six = Eligibility(min_service_months=6)
    assert why(six) == ("Privilege leave opens after 6 months of service, on 1 Mar 2027; "
                        "apply from then, or choose another leave type.")
    assert why(six, today=date(2027, 2, 28)) is not None
    assert why(six, today=date(2027, 3, 1)) is None
    assert why(Eligibility(min_service_months=1), today=date(2026, 10, 1)) is None


def test_a_confirmation_date_ends_probation_early_or_late() -> None:
    six = Eligibility(min_service_months=6)
    confirmed = replace(PERSON, confirmation_date=date(2026, 11, 1))
    assert why(six, confirmed) is None
    late = replace(PERSON, confirmation_date=date(2027, 4, 5))
    assert why(six, late, today=date(2027, 3, 10)) == (
        "Privilege leave opens when your probation ends, on 5 Apr 2027; apply from then, or choose another leave type.")
    assert why(Eligibility(), late) is None  # no service rule: the confirmation date alone changes nothing


def test_employment_type() -> None:
    permanent = Eligibility(employment_types=("permanent",))
    assert why(permanent, replace(PERSON, employment_type="permanent")) is None
    assert why(permanent, replace(PERSON, employment_type="intern")) == (
        "Privilege leave is for permanent employees, and you are recorded as intern; "
        "choose another leave type, or ask HR if that is wrong.")
    assert why(permanent) is None


def test_max_occurrences_counts_the_requests_that_stand() -> None:
    twice = Eligibility(max_occurrences=2)
    assert why(twice, occurrences=1) is None
    assert why(twice, occurrences=2) == ("Privilege leave may be taken 2 times at most, and you already have "
                                         "2 requests of it (pending or approved); "
                                         "choose another leave type, or ask HR if one should not count.")


def test_months_after_keeps_the_day_or_the_months_last() -> None:
    assert months_after(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert months_after(date(2027, 8, 31), 6) == date(2028, 2, 29)
    assert months_after(date(2026, 9, 1), 18) == date(2028, 3, 1)


# the policy keys ------------------------------------------------------------------------------


def test_the_default_policy_gives_maternity_to_women_and_paternity_to_men() -> None:
    policy = parse_policy(policy_document())
    assert policy.leave_types["maternity"].eligible == Eligibility(genders=("female",), max_occurrences=2)
    assert policy.leave_types["paternity"].eligible == Eligibility(genders=("male",))
    assert policy.leave_types["casual"].eligible == Eligibility()


def test_the_eligible_block_is_read_in_any_case() -> None:
    rule = parse_eligibility({"gender": "Female", "min_service_months": 6, "employment_type": ["Permanent", "intern"],
                              "max_occurrences": 2}, "x")
    assert rule == Eligibility(("female",), 6, ("permanent", "intern"), 2)


@pytest.mark.parametrize(("body", "named"), [
    ({"gender": ["woman"]}, "leave_types.maternity.eligible.gender[0]: 'woman' is not one of female, male, other"),
    ({"min_service_months": -1}, "leave_types.maternity.eligible.min_service_months: expected a whole number"),
    ({"min_service_months": 601}, "leave_types.maternity.eligible.min_service_months: expected a number from 0 to 600"),
    ({"max_occurrences": 0}, "leave_types.maternity.eligible.max_occurrences: expected a number from 1"),
    ({"employment_type": [""]}, "leave_types.maternity.eligible.employment_type[0]: expected non-empty text"),
    ({"sex": ["female"]}, "leave_types.maternity.eligible.sex: unknown key"),
    (["female"], "leave_types.maternity.eligible: expected a mapping"),
])
def test_a_bad_eligible_block_is_refused_naming_the_key(body: Any, named: str) -> None:
    document = policy_document()
    document["leave_types"]["maternity"]["eligible"] = body
    with pytest.raises(PolicyError) as caught:
        parse_policy(document)
    assert named in caught.value.message


def test_the_types_open_to_a_person_follow_the_rules() -> None:
    policy = parse_policy(eligibility_policy())
    dev = replace(PERSON, gender="male", employment_type="permanent")
    assert paid([t.key for t in policy.types_open_to(dev, TODAY, {})]) == ["casual", "sick", "paternity"]
    assert paid([t.key for t in policy.types_open_to(dev, date(2027, 3, 1), {})]) == [
        "casual", "sick", "privilege", "paternity"]
    mother = replace(PERSON, gender="female", joining_date=date(2020, 1, 6))
    assert "maternity" in [t.key for t in policy.types_open_to(mother, TODAY, {"maternity": 1})]
    assert "maternity" not in [t.key for t in policy.types_open_to(mother, TODAY, {"maternity": 2})]


# through the service --------------------------------------------------------------------------


@pytest.fixture
def service(store: FakeStore, clock: FixedClock) -> LeaveService:
    service = LeaveService(store, clock, default_time_zone="Asia/Kolkata")
    service.load_policy(eligibility_policy(), "test")
    service.import_employees(ELIGIBILITY_CSV)
    return service


def balance_types(service: LeaveService, who: str, whose: str | None = None) -> list[str]:
    view = service.execute(who, ShowBalance(whose), "test")
    assert isinstance(view, BalanceView)
    return paid([r.type_key for r in view.rows])


def form_types(service: LeaveService, who: str) -> list[str]:
    view = service.execute(who, OpenApplyForm(), "test")
    assert isinstance(view, ApplyFormView)
    return paid([key for key, _ in view.leave_types])


def help_types(service: LeaveService, who: str) -> list[str]:
    view = service.execute(who, Help(), "test")
    assert isinstance(view, HelpView)
    return paid([t.key for t in view.leave_types])


@pytest.mark.parametrize(("who", "open_to"), [
    ("ananya@x.test", ["casual", "sick", "privilege", "maternity"]),
    ("rahul@x.test", ["casual", "sick", "privilege", "paternity"]),
    ("kiran@x.test", ["casual", "sick", "privilege"]),
    ("dev@x.test", ["casual", "sick", "paternity"]),
    ("isha@x.test", ["casual", "sick", "maternity"]),
])
def test_balance_form_and_help_list_the_same_open_types(service: LeaveService, who: str, open_to: list[str]) -> None:
    assert balance_types(service, who) == open_to
    assert form_types(service, who) == open_to
    assert help_types(service, who) == open_to


def test_a_manager_and_hr_see_the_persons_own_list(service: LeaveService) -> None:
    assert balance_types(service, "boss@x.test", "Dev") == ["casual", "sick", "paternity"]
    assert balance_types(service, "hr@x.test", "ananya") == ["casual", "sick", "privilege", "maternity"]


def refusal(service: LeaveService, who: str, command: ApplyLeave | PlanLeave) -> str:
    view = service.execute(who, command, "test")
    assert isinstance(view, RefusalView), view
    return view.message


def test_applying_for_a_closed_type_is_refused_with_the_reason_and_writes_nothing(
        service: LeaveService, store: FakeStore) -> None:
    before = len(store.committed.requests)
    assert refusal(service, "rahul@x.test", ApplyLeave("maternity", date(2026, 12, 7), date(2026, 12, 9))) == (
        "Maternity leave is for female employees; "
        "choose another leave type, or ask HR if your directory record is wrong.")
    assert refusal(service, "dev@x.test", ApplyLeave("PL", date(2026, 12, 14), date(2026, 12, 14))) == (
        "Privilege leave opens after 6 months of service, on 1 Mar 2027; "
        "apply from then, or choose another leave type.")
    assert "for permanent employees, and you are recorded as contract" in refusal(
        service, "isha@x.test", ApplyLeave("privilege", date(2026, 12, 14), date(2026, 12, 14)))
    assert "for female employees" in refusal(service, "rahul@x.test", PlanLeave("maternity", date(2026, 12, 7),
                                                                                   date(2026, 12, 9)))
    assert len(store.committed.requests) == before


def test_a_third_maternity_request_is_refused_until_one_is_cancelled(service: LeaveService) -> None:
    ids = []
    for start in (date(2026, 12, 1), date(2026, 12, 14)):
        view = service.execute("ananya@x.test", ApplyLeave("maternity", start, start), "test")
        assert isinstance(view, AppliedView) and view.request.status is RequestStatus.PENDING
        ids.append(view.request.id)
    assert "may be taken 2 times at most, and you already have 2 requests" in refusal(
        service, "ananya@x.test", ApplyLeave("maternity", date(2026, 12, 21), date(2026, 12, 21)))
    assert "maternity" not in form_types(service, "ananya@x.test")
    assert isinstance(service.execute("ananya@x.test", CancelRequest(ids[0]), "test"), CancelledView)
    assert "maternity" in form_types(service, "ananya@x.test")


def test_without_the_columns_every_type_is_open(store: FakeStore, clock: FixedClock) -> None:
    service = LeaveService(store, clock, default_time_zone="Asia/Kolkata")
    service.load_policy(eligibility_policy(), "test")
    service.import_employees(ORG_CSV)
    assert form_types(service, "rahul@x.test") == list(PAID_TYPES)
    view = service.execute("rahul@x.test", ApplyLeave("maternity", date(2026, 12, 7), date(2026, 12, 7)), "test")
    assert isinstance(view, AppliedView)

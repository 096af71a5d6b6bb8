"""Encashment at year end: unused days beyond the carry-forward paid out up to a cap, the rest lapsing."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from core.balances.entitlement import encashment_source, year_end, year_end_source
from core.commands import ShowBalance
from core.domain.amount import Amount
from core.domain.model import Employee, EmployeeStatus, EntryKind, Role
from core.errors import PolicyError
from core.policy.overflow import LAPSE, Overflow
from core.policy.rules import parse_policy
from core.service import LeaveService
from core.views import BalanceView
from tests.unit.conftest import ORG_CSV, policy_document
from tests.unit.fakes import FakeStore, FixedClock

AT = datetime(2027, 1, 1, tzinfo=UTC)


def encashing(max_encash_days: float = 4, **privilege: Any) -> dict[str, Any]:
    """The built-in policy with privilege leave paying out up to ``max_encash_days``."""
    document = policy_document()
    document["leave_types"]["privilege"].update(overflow="encash", max_encash_days=max_encash_days, **privilege)
    return document


def person(left: date | None = None) -> Employee:
    return Employee("E9", "e9@x.test", "E", "Nine", None, Role.EMPLOYEE, "Eng", "Pune", "INDIA", date(2020, 1, 1),
                    EmployeeStatus.ACTIVE, "Asia/Kolkata", leaving_date=left)


def closing(document: dict[str, Any], unused: str, employee: Employee | None = None) -> dict[EntryKind, Amount]:
    privilege = parse_policy(document).leave_types["privilege"]
    made = year_end([privilege], employee or person(), 2026, {"privilege": Amount.days(unused)}, AT)
    return {e.kind: e.amount for e in made if e.year == 2026}


@pytest.mark.parametrize(("unused", "carried", "paid", "lapsed"), [
    ("20", "10", "4", "6"),  # 10 carried (the cap), 4 paid out (the cap), 6 lapse
    ("12.5", "10", "2.5", None),  # what is over the carry-forward is all paid out
    ("8", "8", None, None),  # all carried: nothing to pay out
])
def test_days_over_the_carry_forward_are_paid_out_up_to_the_cap(unused: str, carried: str, paid: str | None,
                                                                lapsed: str | None) -> None:
    made = closing(encashing(), unused)
    assert made.get(EntryKind.CARRIED_OUT) == -Amount.days(carried)
    assert made.get(EntryKind.ENCASHMENT) == (-Amount.days(paid) if paid else None)
    assert made.get(EntryKind.EXPIRY) == (-Amount.days(lapsed) if lapsed else None)


def test_a_leaver_carries_nothing_and_is_paid_out_up_to_the_cap() -> None:
    made = closing(encashing(), "7", person(left=date(2026, 10, 31)))
    assert made == {EntryKind.ENCASHMENT: -Amount.days(4), EntryKind.EXPIRY: -Amount.days(3)}


def test_the_payout_has_the_year_as_its_source_and_the_rest_keeps_the_year_end_source() -> None:
    privilege = parse_policy(encashing()).leave_types["privilege"]
    made = year_end([privilege], person(), 2026, {"privilege": Amount.days(20)}, AT)
    sources = {e.kind: e.source for e in made}
    assert sources[EntryKind.ENCASHMENT] == encashment_source(2026)
    assert sources[EntryKind.EXPIRY] == sources[EntryKind.CARRIED_OUT] == year_end_source(2026)


def test_without_overflow_the_days_lapse_as_before() -> None:
    assert parse_policy(policy_document()).leave_types["privilege"].overflow == LAPSE
    assert EntryKind.ENCASHMENT not in closing(policy_document(), "20")


@pytest.mark.parametrize(("privilege", "says"), [
    ({"overflow": "encash"}, "leave_types.privilege.max_encash_days: overflow: encash needs"),
    ({"max_encash_days": 5}, "leave_types.privilege.max_encash_days: only with overflow: encash"),
    ({"overflow": "pay"}, "leave_types.privilege.overflow: 'pay' is not one of lapse, encash"),
    ({"overflow": "encash", "max_encash_days": 0}, "must be above 0"),
    ({"overflow": "encash", "max_encash_days": 2.25}, "leave_types.privilege.max_encash_days"),
])
def test_bad_overflow_keys_are_refused_naming_the_key(privilege: dict[str, Any], says: str) -> None:
    document = policy_document()
    document["leave_types"]["privilege"].update(privilege)
    with pytest.raises(PolicyError, match=says):
        parse_policy(document)


def test_the_cap_is_read_as_days() -> None:
    assert parse_policy(encashing(2.5)).leave_types["privilege"].overflow == Overflow(Decimal("2.5"))


def test_the_year_end_job_pays_out_once_and_the_balance_says_so(store: FakeStore) -> None:
    clock = FixedClock(datetime(2027, 1, 2, 4, 30, tzinfo=UTC))
    service = LeaveService(store, clock, default_time_zone="Asia/Kolkata")
    service.load_policy(encashing(), "test")
    service.import_employees(ORG_CSV)
    service.balance_of("ananya@x.test", 2026)  # the 2026 grants, as a year of use would have written them
    first = service.run_job("year-end", date(2027, 1, 2))
    again = service.run_job("year-end", date(2027, 1, 2))
    assert first.written and not again.written
    paid = [e for e in store.committed.ledger if e.employee_id == "E3" and e.kind is EntryKind.ENCASHMENT]
    assert [(e.type_key, e.year, e.amount) for e in paid] == [("privilege", 2026, -Amount.days(2))]  # 12 - 10
    view = service.execute("ananya@x.test", ShowBalance(year=2026), "test")
    assert isinstance(view, BalanceView)
    row = next(r for r in view.rows if r.type_key == "privilege")
    assert (row.paid_out, row.lapsed, row.available) == (Amount.days(2), Amount.days(12), Amount.days(0))

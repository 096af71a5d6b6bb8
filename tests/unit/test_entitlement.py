"""Pro-rata, accrual, carry-forward and expiry, with the numbers worked out by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from core.balances.entitlement import carried_left, grants, year_end, year_end_source
from core.domain.amount import NO_DAYS, Amount
from core.domain.model import Employee, EmployeeStatus, EntryKind, LedgerEntry, Role
from core.policy.rules import Policy, parse_policy, pro_rata
from tests.unit.conftest import policy_document

POLICY = parse_policy(policy_document())
AT = datetime(2026, 11, 25, tzinfo=UTC)


def person(joined: date, left: date | None = None) -> Employee:
    return Employee("E9", "e9@x.test", "E", "Nine", None, Role.EMPLOYEE, "Eng", "Pune", "INDIA", joined,
                    EmployeeStatus.ACTIVE, "Asia/Kolkata", leaving_date=left)


def policy_on(day: date) -> Policy:
    return POLICY


@pytest.mark.parametrize(
    ("joined", "left", "months"),
    [
        (date(2026, 3, 1), None, 10),  # March counts: employed on the 15th
        (date(2026, 3, 14), None, 10),
        (date(2026, 3, 15), None, 10),  # joining on the 15th itself counts
        (date(2026, 3, 16), None, 9),  # not employed on 15 March
        (date(2026, 3, 31), None, 9),
        (date(2020, 1, 1), date(2026, 6, 14), 5),  # left before 15 June: January to May
        (date(2020, 1, 1), date(2026, 6, 15), 6),  # left on 15 June: June counts
        (date(2026, 2, 10), date(2026, 2, 20), 1),
        (date(2027, 1, 1), None, 0),
    ],
)
def test_counted_months(joined: date, left: date | None, months: int) -> None:
    assert POLICY.counted_months(2026, joined, left) == months


@pytest.mark.parametrize(
    ("days", "months", "expected"),
    [
        ("12", 12, "12"),
        ("12", 7, "7"),
        ("15", 5, "6.5"),  # 6.25 rounds to the nearest half day, halves up
        ("15", 1, "1.5"),  # 1.25 -> 1.5
        ("10", 1, "1"),  # 0.8333 -> 1
        ("180", 0, "0"),
    ],
)
def test_pro_rata_rounds_to_half_days(days: str, months: int, expected: str) -> None:
    assert pro_rata(Decimal(days), months) == Decimal(expected)


def test_monthly_accrual_for_a_joiner_counts_months_from_the_first_full_one() -> None:
    found = grants(policy_on, person(date(2026, 3, 16)), 2026, date(2026, 11, 25))
    casual = [g for g in found if g.type_key == "casual"]
    assert [g.period for g in casual] == [f"2026-{m:02d}" for m in range(4, 12)]
    assert all(g.kind is EntryKind.ACCRUAL and g.amount == Amount.days(1) for g in casual)
    # Paternity is granted whole (pro_rata: false), once for the year; maternity, counted per
    # occurrence, has no yearly grant.
    granted = {g.type_key: g.amount for g in found if g.kind is EntryKind.ALLOCATION}
    assert granted == {"paternity": Amount.days(15)}


def test_nothing_is_granted_before_the_year_starts() -> None:
    assert grants(policy_on, person(date(2020, 1, 1)), 2027, date(2026, 12, 31)) == []
    january = grants(policy_on, person(date(2020, 1, 1)), 2027, date(2027, 1, 1))
    assert {g.period for g in january if g.kind is EntryKind.ACCRUAL} == {"2027-01"}


@pytest.mark.parametrize(
    ("type_key", "unused", "carried", "expired"),
    [
        ("casual", "8", "5", "3"),  # capped at 5
        ("casual", "4.5", "4.5", None),
        ("privilege", "12", "10", "2"),
        ("sick", "6", None, "6"),  # sick leave carries nothing
        ("casual", "0", None, None),
        ("casual", "-2", None, None),  # overdrawn stays as it is
    ],
)
def test_year_end_carries_up_to_the_cap_and_expires_the_rest(
    type_key: str, unused: str, carried: str | None, expired: str | None
) -> None:
    made = year_end(POLICY.types_for("INDIA"), person(date(2020, 1, 1)), 2026, {type_key: Amount.days(unused)}, AT)
    by_kind = {(e.kind, e.year): e.amount.value for e in made}
    if carried:
        assert by_kind[(EntryKind.CARRIED_OUT, 2026)] == -Decimal(carried)
        assert by_kind[(EntryKind.CARRIED_IN, 2027)] == Decimal(carried)
    else:
        assert (EntryKind.CARRIED_IN, 2027) not in by_kind
    if expired:
        assert by_kind[(EntryKind.EXPIRY, 2026)] == -Decimal(expired)
    else:
        assert (EntryKind.EXPIRY, 2026) not in by_kind
    assert {e.source for e in made} <= {year_end_source(2026)}


def test_someone_who_left_carries_nothing() -> None:
    leaver = person(date(2020, 1, 1), date(2026, 9, 30))
    made = year_end(POLICY.types_for("INDIA"), leaver, 2026, {"casual": Amount.days(4)}, AT)
    assert [(e.kind, e.amount.value) for e in made] == [(EntryKind.EXPIRY, Decimal(-4))]


def test_carried_days_are_used_first() -> None:
    entries = [LedgerEntry("E9", "casual", 2027, EntryKind.CARRIED_IN, Amount.days(5), AT, year_end_source(2026))]
    assert carried_left(entries, "casual", 2027, Amount.days(2)) == Amount.days(3)
    assert carried_left(entries, "casual", 2027, Amount.days(7)) == NO_DAYS

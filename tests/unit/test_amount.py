"""Amounts of leave: days in halves or hours, arithmetic within one unit, and how they read."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.domain.amount import NO_DAYS, Amount, Unit


def test_days_add_subtract_negate_and_compare_like_numbers() -> None:
    assert Amount.days("1.5") + Amount.days(1) == Amount.days("2.5")
    assert Amount.days(2) - Amount.days("0.5") == Amount.days("1.5")
    assert -Amount.days(3) == Amount.days(-3)
    assert Amount.days("0.5") < Amount.days(1) <= Amount.days("1.00") < Amount.days(2)
    assert sum((Amount.days(1), Amount.days("0.5")), NO_DAYS) == Amount.days("1.5")
    assert not NO_DAYS and Amount.days("0.5")


def test_a_negated_zero_reads_as_zero() -> None:
    assert str((-NO_DAYS).value) == "0"


@pytest.mark.parametrize(
    ("value", "message"),
    [("0.25", "days come whole or half, got 0.25"), ("1.1", "days come whole or half, got 1.1"),
     ("NaN", "an amount must be a finite number, got NaN"), ("Infinity", "an amount must be a finite number")],
)
def test_days_come_whole_or_half(value: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Amount.days(value)


def test_hours_may_be_any_finite_number_and_never_mix_with_days() -> None:
    assert Amount.hours("1.25").unit is Unit.HOURS
    with pytest.raises(ValueError, match="cannot combine days with hours"):
        Amount.days(1) + Amount.hours(1)
    with pytest.raises(ValueError, match="cannot combine hours with days"):
        _ = Amount.hours(1) < Amount.days(2)
    assert Amount.days(1) != Amount.hours(1)


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (Amount.days(1), "1 day"),
        (Amount.days("0.5"), "0.5 days"),
        (Amount.days(0), "0 days"),
        (Amount.days("2.50"), "2.5 days"),
        (Amount(Decimal("12.00")), "12 days"),
        (Amount.hours(3), "3 hours"),
        (Amount.hours(1), "1 hour"),
    ],
)
def test_an_amount_reads_as_every_message_writes_it(amount: Amount, text: str) -> None:
    assert amount.text() == text

"""Amounts of leave: days in halves or hours, arithmetic within one unit, and how they read."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

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


def test_an_amount_is_never_compared_with_a_bare_number() -> None:
    with pytest.raises(TypeError, match="an amount combines only with an amount"):
        _ = Amount.days(1) < 2  # type: ignore[operator]
    assert Amount.days(1) != 1  # equal only to an amount of the same unit


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


@pytest.mark.parametrize(
    ("amount", "kind", "text"),
    [
        (Amount.days(1), "carried", "1 carried day"),
        (Amount.days(3), "annual leave", "3 annual leave days"),
        (Amount.days("0.5"), "working", "0.5 working days"),
        (Amount.hours(1), "carried", "1 carried hour"),
    ],
)
def test_a_kind_of_amount_reads_before_its_unit(amount: Amount, kind: str, text: str) -> None:
    assert amount.text(kind) == text


@given(st.integers(-400, 400))
def test_the_figure_reads_back_as_the_amount_and_only_one_is_singular(halves: int) -> None:
    amount = Amount.days(Decimal(halves) / 2)
    assert Amount.days(amount.figure) == amount
    assert str(amount) == amount.text() == f"{amount.figure} {'day' if amount.is_one else 'days'}"
    assert amount.is_one is (halves == 2)

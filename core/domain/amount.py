"""An amount of leave: days (whole or half) or hours, with its unit, as one value.

A bare ``Decimal`` does not say whether it counts days or hours, nor that days come in halves;
an :class:`Amount` does, so a ledger entry or a balance can never add hours to days by mistake.
Amounts of one unit add, subtract and compare like numbers; mixing units is a programming error
and raises ``ValueError``. How an amount reads ("2.5 days", "1 day", "0.5 days", "3 hours") is
decided here, with the same words every message and template uses. Ledger entries, balances and a
request's days (in all and per year) are amounts; a policy's figures stay plain ``Decimal`` days
and are turned into an amount where they meet one.
"""

from __future__ import annotations

import enum
import functools
from dataclasses import dataclass
from decimal import Decimal

from core.domain.text import counted, format_days


class Unit(enum.StrEnum):
    DAYS = "days"
    HOURS = "hours"

    @property
    def one(self) -> str:
        """The word for exactly one of the unit ("1 day", "1 hour")."""
        return self.value[:-1]


@functools.total_ordering
@dataclass(frozen=True)
class Amount:
    """``value`` days or hours. Days are whole or half; both may be negative (a debit).

    Raises:
        ValueError: for a value that is not finite, or days that are not whole or half.
    """

    value: Decimal
    unit: Unit = Unit.DAYS

    def __post_init__(self) -> None:
        if not self.value.is_finite():
            raise ValueError(f"an amount must be a finite number, got {self.value}")
        if self.unit is Unit.DAYS and self.value * 2 != (self.value * 2).to_integral_value():
            raise ValueError(f"days come whole or half, got {self.value}")

    @classmethod
    def days(cls, value: Decimal | int | str) -> Amount:
        return cls(Decimal(value))

    @classmethod
    def hours(cls, value: Decimal | int | str) -> Amount:
        return cls(Decimal(value), Unit.HOURS)

    def _same_unit(self, other: Amount) -> Amount:
        if not isinstance(other, Amount):
            raise TypeError(f"an amount combines only with an amount (NO_DAYS for none), got {other!r}")
        if other.unit is not self.unit:
            raise ValueError(f"cannot combine {self.unit} with {other.unit}")
        return other

    def __add__(self, other: Amount) -> Amount:
        return Amount(self.value + self._same_unit(other).value, self.unit)

    def __sub__(self, other: Amount) -> Amount:
        return Amount(self.value - self._same_unit(other).value, self.unit)

    def __neg__(self) -> Amount:
        # 0 - value, not -value: a negated zero would read "-0".
        return Amount(Decimal(0) - self.value, self.unit)

    def __lt__(self, other: Amount) -> bool:
        return self.value < self._same_unit(other).value

    def __bool__(self) -> bool:
        return bool(self.value)

    @property
    def figure(self) -> str:
        """``1``, ``0.5``, ``-2.5``: the number alone, for a column whose heading names the unit."""
        return format_days(self.value)

    @property
    def is_one(self) -> bool:
        """Exactly one day or hour: the noun is singular, and so is a verb that agrees with it."""
        return self.value == 1

    def text(self, kind: str = "") -> str:
        """``1 day``, ``0.5 days``, ``2.5 days``, ``3 hours``: the words every door shows.

        ``kind`` goes before the unit: ``1 carried day``, ``3 annual leave days``.
        """
        return counted(self.value, f"{kind} {self.unit.one}" if kind else self.unit.one)

    def __str__(self) -> str:
        return self.text()


#: No days: where a sum of days starts.
NO_DAYS = Amount(Decimal(0))

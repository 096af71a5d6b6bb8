"""An amount of leave: days (whole or half) or hours, with its unit, as one value.

A bare ``Decimal`` does not say whether it counts days or hours, nor that days come in halves;
an :class:`Amount` does, so a ledger entry or a balance can never add hours to days by mistake.
Amounts of one unit add, subtract and compare like numbers; mixing units is a programming error
and raises ``ValueError``. How an amount reads ("2.5 days", "1 day", "3 hours") is decided here,
with the same words every message uses.
"""

from __future__ import annotations

import enum
import functools
from dataclasses import dataclass
from decimal import Decimal

from core.domain.text import counted


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

    def text(self) -> str:
        """``1 day``, ``2.5 days``, ``3 hours``: the words every door shows."""
        return counted(self.value, self.unit.one, self.unit.value)


#: No days: where a sum of days starts.
NO_DAYS = Amount(Decimal(0))

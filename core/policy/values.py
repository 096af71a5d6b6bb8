"""Reading typed values out of a policy document, each refusal naming the key it is about.

Every reader takes ``where``, the dotted path of the value (``leave_types.casual.code``), so that
a malformed file is refused with the exact key to fix.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from core.errors import PolicyError


def mapping(value: Any, where: str, required: frozenset[str] = frozenset(),
            allowed: frozenset[str] | None = None) -> dict[Any, Any]:
    if not isinstance(value, Mapping):
        raise PolicyError(f"{where}: expected a mapping of keys to values")
    missing = sorted(required - set(value))
    if missing:
        raise PolicyError(f"{where}.{missing[0]}: this key is required")
    if allowed is not None:
        unknown = sorted(str(k) for k in set(value) - allowed)
        if unknown:
            raise PolicyError(f"{where}.{unknown[0]}: unknown key (allowed: {', '.join(sorted(allowed))})")
    return dict(value)


def items(value: Any, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise PolicyError(f"{where}: expected a list")
    return value


def text(value: Any, where: str) -> str:
    if not isinstance(value, str | int) or isinstance(value, bool) or not str(value).strip():
        raise PolicyError(f"{where}: expected non-empty text")
    return str(value).strip()


def texts(value: Any, where: str) -> tuple[str, ...]:
    return tuple(text(x, f"{where}[{i}]") for i, x in enumerate(items(value, where)))


def choice(value: Any, where: str, allowed: tuple[str, ...]) -> str:
    chosen = str(value)
    if chosen not in allowed:
        raise PolicyError(f"{where}: '{chosen}' is not one of {', '.join(allowed)}")
    return chosen


def days(value: Any, where: str) -> Decimal:
    """Whole or half days, not negative."""
    if isinstance(value, bool):
        raise PolicyError(f"{where}: expected a number of days, got {value!r}")
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise PolicyError(f"{where}: expected a number of days, got {value!r}") from None
    if not number.is_finite() or number < 0 or number * 2 != (number * 2).to_integral_value():
        raise PolicyError(f"{where}: expected whole or half days, not negative, got {value!r}")
    return number


def optional_days(value: Any, where: str) -> Decimal | None:
    return None if value is None else days(value, where)


def flag(value: Any, where: str) -> bool:
    if not isinstance(value, bool):
        raise PolicyError(f"{where}: expected true or false, got {value!r}")
    return value


def whole(value: Any, where: str, low: int = 0, high: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str) or not str(value).strip().isdigit():
        raise PolicyError(f"{where}: expected a whole number, got {value!r}")
    number = int(value)
    if number < low or (high is not None and number > high):
        raise PolicyError(f"{where}: expected a number from {low}{f' to {high}' if high is not None else ''}")
    return number


def iso_date(value: Any, where: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise PolicyError(f"{where}: '{value}' is not an ISO date (YYYY-MM-DD)") from None


def month_day(value: Any, where: str) -> tuple[int, int]:
    """``"03-31"``: a day of the year, without the year (29 Feb is refused: not every year has it)."""
    raw = str(value).strip()
    parts = raw.split("-")
    if len(parts) == 2 and all(p.isdigit() for p in parts):
        month, day = int(parts[0]), int(parts[1])
        try:
            date(2023, month, day)
        except ValueError:
            pass
        else:
            return month, day
    raise PolicyError(f"{where}: '{raw}' is not a month and day like 03-31")

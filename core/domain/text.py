"""How dates and day counts read in every message, whichever door shows it.

Names are spelled out here rather than taken from ``strftime`` so that a server's locale never
changes what people read.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def format_day(value: date, weekday: bool = True, year: bool = True) -> str:
    """``Thu 24 Dec 2026``: unambiguous everywhere, unlike 12/24 or 24/12."""
    text = f"{value.day} {MONTH_NAMES[value.month - 1]}"
    if weekday:
        text = f"{WEEKDAY_NAMES[value.weekday()]} {text}"
    return f"{text} {value.year}" if year else text


def format_days(value: Decimal | float | int) -> str:
    """``1``, ``0.5``, ``2.5``: whole days without a fraction, half days with one."""
    number = Decimal(str(value))
    if number == number.to_integral_value():
        return str(int(number))
    return format(number.normalize(), "f")


def format_span(start: date, end: date, half: str | None = None) -> str:
    """``Fri 4 Dec 2026``, ``Mon 28 Dec 2026 to Thu 31 Dec 2026`` or ``Thu 31 Dec 2026, second half``.

    ``half`` is a :class:`core.domain.model.HalfDay` (a string enum; not imported, as the model
    formats with this module).
    """
    if start != end:
        return f"{format_day(start)} to {format_day(end)}"
    return f"{format_day(start)}, {half_name(half)}" if half else format_day(start)


def half_name(half: str) -> str:
    """``first half`` or ``second half``: how messages name a :class:`core.domain.model.HalfDay`."""
    return f"{str(half).lower()} half"


def counted(value: Decimal | float | int | str, singular: str = "day", plural: str | None = None) -> str:
    """A number and its noun, singular only for exactly one: ``1 day``, ``0 days``, ``0.5 days``,
    ``2.5 days``, ``1 person``, ``3 people`` (``plural`` for nouns that do not just take an s).

    The one plural rule for every message and template, so that no reply says ``0 day`` or ``day(s)``.
    """
    number = Decimal(str(value))
    noun = singular if number == 1 else (plural or f"{singular}s")
    return f"{format_days(number)} {noun}"

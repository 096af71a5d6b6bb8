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

"""How dates and day counts read in every message, whichever door shows it.

Names are spelled out here rather than taken from ``strftime`` so that a server's locale never
changes what people read.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
#: Between the ends of a range of dates (an en dash): ``7\u20139 Dec``.
RANGE_DASH = "\u2013"
MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def format_day(value: date, weekday: bool = True, year: bool = True) -> str:
    """``Thu 24 Dec 2026``: unambiguous everywhere, unlike 12/24 or 24/12."""
    text = f"{value.day} {MONTH_NAMES[value.month - 1]}"
    if weekday:
        text = f"{WEEKDAY_NAMES[value.weekday()]} {text}"
    return f"{text} {value.year}" if year else text


def format_days(value: Decimal | float | int) -> str:
    """``1``, ``0.5``, ``2.5``: whole numbers without a fraction, halves with one.

    Amounts of leave read through :class:`core.domain.amount.Amount` (``figure``, ``text``), which
    uses this rule; it is called directly for counts that may hold halves (people out on a day,
    a half day counting 0.5) and for figures already written down (a scheduled post's payload).
    """
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


def format_range(start: date, end: date, half: str | None = None, this_year: int | None = None) -> str:
    """A span as a headline reads it: ``Fri 4 Dec``, ``7\u20139 Dec``, ``30 Nov\u20132 Dec``,
    ``28 Dec 2026\u20131 Jan 2027`` or ``Thu 31 Dec, second half``.

    The year is left out when every date falls in ``this_year`` (the reader's current year).
    """
    if start == end:
        day = format_day(start, year=start.year != this_year)
        return f"{day}, {half_name(half)}" if half else day
    if start.year != end.year:
        return f"{format_day(start, weekday=False)}{RANGE_DASH}{format_day(end, weekday=False)}"
    year = "" if start.year == this_year else f" {end.year}"
    first = str(start.day) if start.month == end.month else format_day(start, weekday=False, year=False)
    return f"{first}{RANGE_DASH}{format_day(end, weekday=False, year=False)}{year}"


def half_name(half: str) -> str:
    """``first half`` or ``second half``: how messages name a :class:`core.domain.model.HalfDay`."""
    return f"{str(half).lower()} half"


def counted(value: Decimal | float | int | str, singular: str = "day", plural: str | None = None) -> str:
    """A number and its noun, singular only for exactly one: ``1 day``, ``0 days``, ``0.5 days``,
    ``2.5 days``, ``1 person``, ``3 people`` (``plural`` for nouns that do not just take an s).

    The one plural rule for every message and template, so that no reply says ``0 day`` or ``day(s)``;
    amounts of leave come to it through :meth:`core.domain.amount.Amount.text`.
    """
    number = Decimal(str(value))
    noun = singular if number == 1 else (plural or f"{singular}s")
    return f"{format_days(number)} {noun}"

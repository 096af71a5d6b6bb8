"""The leave year: the twelve months a region's entitlement, carry-forward and balances run over.

It is the calendar year unless a region sets ``leave_year_start`` (``04-01``: the Indian financial
year). A leave year is named by the calendar year it *starts* in: with an April start, leave year
2026 runs from 1 Apr 2026 to 31 Mar 2027. Every rule that asks "which year does this day count in",
"when does the year begin or end" or "which months does it hold" asks a :class:`LeaveYear`, so the
answer is the same in balances, accruals, the year end, reports and the scheduler.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from core.domain.text import RANGE_DASH, format_day


@dataclass(frozen=True)
class LeaveYear:
    """A leave year beginning on the 1st of ``month`` (January: the calendar year)."""

    month: int = 1

    @property
    def is_calendar(self) -> bool:
        return self.month == 1

    def of(self, day: date) -> int:
        """The leave year ``day`` counts in: the calendar year its leave year starts in."""
        return day.year if day.month >= self.month else day.year - 1

    def first(self, year: int) -> date:
        return date(year, self.month, 1)

    def last(self, year: int) -> date:
        return self.first(year + 1) - timedelta(days=1)

    def months(self, year: int) -> list[date]:
        """The first day of each of the year's twelve months, in order."""
        return [date(year + (self.month - 1 + i) // 12, (self.month - 1 + i) % 12 + 1, 1) for i in range(12)]

    def on_or_after_start(self, year: int, month: int, day: int) -> date:
        """The first ``month``-``day`` in leave year ``year`` (``carry_forward_expires: 06-30`` of an
        April year is 30 Jun of the year it starts in; ``01-31`` is 31 Jan of the calendar year after)."""
        return date(year if month >= self.month else year + 1, month, day)

    def span(self, year: int) -> str:
        """``1 Apr 2026 \u2013 31 Mar 2027`` (an en dash)."""
        return (f"{format_day(self.first(year), weekday=False)} {RANGE_DASH} "
                f"{format_day(self.last(year), weekday=False)}")

    def name(self, year: int) -> str:
        """``2026``, or ``2026 (1 Apr 2026 \u2013 31 Mar 2027)`` when the year is not the calendar year."""
        return str(year) if self.is_calendar else f"{year} ({self.span(year)})"

    def describe(self) -> str:
        """``04-01`` as the policy writes it."""
        return f"{self.month:02d}-01"


CALENDAR_YEAR = LeaveYear()


"""Loss of pay offered for the days a paid type is short of: the offer and how a request is split.

When a paid type cannot cover a whole application, the refusal offers to take the days the
balance covers as that type and the rest as unpaid leave; the paid days come first, the unpaid
part takes the *last* days of the range. The offer waits for the same person's one-word ``yes``
for :data:`OFFER_LIFETIME`; a newer offer replaces an older one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from core.domain.amount import Amount
from core.domain.leave_year import CALENDAR_YEAR, LeaveYear
from core.domain.model import HalfDay

#: How long an offer waits for its ``yes``.
OFFER_LIFETIME = timedelta(minutes=5)


@dataclass(frozen=True)
class SplitPart:
    """One application the offer would make: a type and its days."""

    type_key: str
    start: date
    end: date
    half: HalfDay | None = None


@dataclass(frozen=True)
class SplitOffer:
    """What a person's ``yes`` would apply: the paid part (None when no paid day is left) and the unpaid part.

    Attributes:
        reason: the reason typed with the application, given to both parts.
        made_at: when it was offered; it stands until ``made_at + OFFER_LIFETIME``.
    """

    employee_id: str
    paid: SplitPart | None
    unpaid: SplitPart
    reason: str
    made_at: datetime

    @property
    def parts(self) -> tuple[SplitPart, ...]:
        """The applications in order: the paid days first."""
        return (self.unpaid,) if self.paid is None else (self.paid, self.unpaid)

    def stands_at(self, now: datetime) -> bool:
        return self.made_at <= now < self.made_at + OFFER_LIFETIME


def paid_share(working: Sequence[date], available: Mapping[int, Amount],
               leave_year: LeaveYear = CALENDAR_YEAR) -> int:
    """How many of the leading ``working`` days the paid type covers, whole days only.

    Each day is charged to its own leave year's availability (leave across the year's first day
    is checked per year); the count stops at the first day whose year has no whole day left, so that the paid
    part is the first days of the range and the unpaid part the rest. Half a day left over stays
    in the balance: a split is made of whole days.
    """
    used: dict[int, Decimal] = {}
    for count, day in enumerate(working):
        year = leave_year.of(day)
        left = available.get(year, Amount.days(0)).value - used.get(year, Decimal(0))
        if left < 1:
            return count
        used[year] = used.get(year, Decimal(0)) + 1
    return len(working)

"""Comp-off claims: a day off worked (a weekend day or a holiday), claimed back as leave credit.

A claim is its own record with its own number (``CO-1001``) rather than a leave request: it takes
no days, puts nobody out of office and books nothing in a calendar, so none of what reads requests
(balances, who's out, calendars, payroll) has to learn to skip it. It goes through the same
approval chain as leave and is decided by the same ``approve ID`` / ``reject ID`` words; an
approved claim writes a ``COMP_OFF`` credit to the ledger that is valid until a number of days
after the day worked (:mod:`core.compoff.credits`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from core.domain.amount import Amount
from core.domain.dates import clip
from core.domain.model import HalfDay, RequestStatus
from core.errors import BadCommand

#: Claim ids are shown as ``CO-<id + offset>``, as requests are shown as ``LV-...``.
CLAIM_NUMBER_OFFSET = 1000
MAX_CLAIM_NUMBER = 2**31 - 1
_CLAIM_ID = re.compile(r"co-?(?P<number>[0-9]{1,10})", re.IGNORECASE)


@dataclass(frozen=True)
class CompOffClaim:
    """One claim of a day worked off-schedule. ``id`` is None until storage assigns one.

    ``levels``/``level`` are the approval chain and the step waiting, as on a leave request.
    """

    employee_id: str
    day: date
    reason: str
    status: RequestStatus
    created_at: datetime
    half: HalfDay | None = None
    approver_id: str | None = None
    levels: tuple[str, ...] = ("manager",)
    level: int = 0
    decided_by: str | None = None
    decided_at: datetime | None = None
    decision_note: str = ""
    id: int | None = None

    @property
    def number(self) -> str:
        return format_claim_number(self.id or 0)

    @property
    def days(self) -> Amount:
        """What the claim earns: a whole day, or half of one."""
        return Amount.days("0.5" if self.half else "1")

    @property
    def current_level(self) -> str | None:
        return self.levels[self.level] if self.level < len(self.levels) else None

    @property
    def is_decided(self) -> bool:
        return self.status is not RequestStatus.PENDING


def format_claim_number(claim_id: int) -> str:
    return f"CO-{claim_id + CLAIM_NUMBER_OFFSET}"


def is_claim_number(text: str) -> bool:
    """Whether a word names a claim (``CO-1001``) rather than a request."""
    return _CLAIM_ID.fullmatch(text.strip()) is not None


def parse_claim_number(text: str) -> int:
    """The stored id of a claim as shown (``CO-1001``, ``co1001``).

    Raises:
        BadCommand: not such a number.
    """
    match = _CLAIM_ID.fullmatch(text.strip())
    if match is None or not CLAIM_NUMBER_OFFSET < int(match["number"]) <= MAX_CLAIM_NUMBER:
        raise BadCommand(f"'{clip(text.strip())}' is not a comp-off claim id; ids look like CO-1001.")
    return int(match["number"]) - CLAIM_NUMBER_OFFSET

"""How HR writes a change to a balance: ``+1.5`` credits, ``-2`` debits, in whole or half days.

The sign is required, so that a credit is never typed as a debit by leaving it out (``2`` could
mean either). Chat clients turn ``-`` into typographic minus signs and dashes as people type;
those read as a minus too.
"""

from __future__ import annotations

import re
from decimal import Decimal

from core.domain.amount import Amount
from core.domain.dates import clip
from core.errors import BadCommand

#: The largest change one adjustment may make, in days: a year of leave, so a slip of the finger
#: (``+150`` for ``+1.5``) is refused rather than written.
MAX_CHANGE_DAYS = 366

_CHANGE = re.compile(r"(?P<sign>[+\-\u2212\u2013\u2014])\s*(?P<number>[0-9]{1,4}(?:[.,][0-9]+)?)")


def parse_change(text: str) -> Amount:
    """The signed amount of days ``text`` writes (``+1.5``, ``-2``, ``+0.5``).

    Raises:
        BadCommand: no sign, not a number, zero, not whole or half, or more than :data:`MAX_CHANGE_DAYS`.
    """
    shown = clip(text.strip(), 40)
    match = _CHANGE.fullmatch(text.strip())
    if match is None:
        if re.fullmatch(r"[0-9]{1,4}(?:[.,][0-9]+)?", text.strip()):
            raise BadCommand(f"Put + or - before {shown}: +{shown} credits the balance, -{shown} debits it.")
        raise BadCommand(f"'{shown}' is not a number of days; write +N to credit or -N to debit, e.g. +1.5 or -2.")
    value = Decimal(match["number"].replace(",", "."))
    if value == 0:
        raise BadCommand("An adjustment of zero days changes nothing; give +N to credit or -N to debit.")
    if value * 2 != (value * 2).to_integral_value():
        raise BadCommand(f"Balances move in whole or half days; {shown} is neither (e.g. +0.5, +1, -1.5).")
    if value > MAX_CHANGE_DAYS:
        raise BadCommand(f"{shown} days is more than a year of leave; one adjustment moves at most "
                         f"{MAX_CHANGE_DAYS} days.")
    return Amount.days(value if match["sign"] == "+" else -value)

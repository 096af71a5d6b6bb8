"""What happens at year end to a leave type's unused days beyond its carry-forward.

By default they lapse. ``overflow: encash`` pays them out instead, up to ``max_encash_days`` a
year (the rest still lapse): the year-end job writes the payout as ``ENCASHMENT`` ledger entries
(:func:`core.balances.entitlement.year_end`), which payroll reads.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from core.errors import PolicyError
from core.policy import values as f

#: The keys of a leave type that this module reads.
OVERFLOW_FIELDS = frozenset({"overflow", "max_encash_days"})
#: ``lapse``: unused days over the carry-forward are lost; ``encash``: paid out up to the cap.
OVERFLOWS = ("lapse", "encash")


@dataclass(frozen=True)
class Overflow:
    """``encash_days``: the most days paid out a year; zero when the days lapse."""

    encash_days: Decimal = Decimal(0)

    @property
    def encashes(self) -> bool:
        return self.encash_days > 0


LAPSE = Overflow()


def parse_overflow(doc: Mapping[str, Any], where: str) -> Overflow:
    """``overflow`` (``lapse`` by default) and, with ``encash``, the required ``max_encash_days``."""
    overflow = f.choice(doc.get("overflow", "lapse"), f"{where}.overflow", OVERFLOWS)
    cap = doc.get("max_encash_days")
    if overflow == "lapse":
        if cap is not None:
            raise PolicyError(f"{where}.max_encash_days: only with overflow: encash (unused days lapse otherwise)")
        return LAPSE
    if cap is None:
        raise PolicyError(f"{where}.max_encash_days: overflow: encash needs the most days paid out a year, "
                          "e.g. max_encash_days: 10")
    days = f.days(cap, f"{where}.max_encash_days")
    if days == 0:
        raise PolicyError(f"{where}.max_encash_days: must be above 0; use overflow: lapse to pay nothing out")
    return Overflow(days)

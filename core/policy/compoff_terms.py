"""The terms of a leave type earned by comp-off claims (``earned_by_claims: true``).

Such a type has no yearly days of its own: its balance is the credits of approved claims
(:mod:`core.compoff`). ``claim_within_days`` is how long after the day worked a claim may still be
made (default 30); ``expires_after_days`` how long after the day worked its credit may be spent
(default 60) before it lapses.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from core.errors import PolicyError
from core.policy import values as f

#: The keys of a leave type that this module reads.
COMPOFF_FIELDS = frozenset({"earned_by_claims", "claim_within_days", "expires_after_days"})
#: The longest either window may be: a credit older than a year would outlive every leave year.
MAX_WINDOW_DAYS = 366


@dataclass(frozen=True)
class CompOffTerms:
    claim_within_days: int = 30
    expires_after_days: int = 60


def parse_compoff_terms(doc: Mapping[str, Any], where: str) -> CompOffTerms | None:
    """None unless ``earned_by_claims: true``; the windows are refused on any other type."""
    if not f.flag(doc.get("earned_by_claims", False), f"{where}.earned_by_claims"):
        for name in ("claim_within_days", "expires_after_days"):
            if name in doc:
                raise PolicyError(f"{where}.{name}: only for a type earned by comp-off claims "
                                  "(earned_by_claims: true)")
        return None
    if doc.get("days_per_year", 0) not in (0, None):
        raise PolicyError(f"{where}.days_per_year: a type earned by comp-off claims has no yearly days; use 0")
    return CompOffTerms(
        claim_within_days=f.whole(doc.get("claim_within_days", 30), f"{where}.claim_within_days", 1, MAX_WINDOW_DAYS),
        expires_after_days=f.whole(doc.get("expires_after_days", 60), f"{where}.expires_after_days", 1,
                                   MAX_WINDOW_DAYS),
    )

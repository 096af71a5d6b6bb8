"""The rate limit a deployment sets: how fast one person may act before the core holds them back.

A value the settings build and hand to :class:`core.service.LeaveService`; the brake that applies
it is :mod:`core.shared.limits`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RateLimit:
    """``per_minute`` actions a minute on average, up to ``burst`` of them at once."""

    per_minute: float = 20
    burst: int = 10

    def __post_init__(self) -> None:
        if self.per_minute <= 0 or self.burst < 1:
            raise ValueError("a rate limit needs a positive rate and a burst of at least 1")

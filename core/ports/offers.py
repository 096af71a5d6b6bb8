"""Where an offer of unpaid leave waits for its ``yes``, in the core's unit of work.

One offer per person: a newer one replaces the older, and a ``yes`` takes it. Kept in the database
rather than in a process, so that the ``yes`` may reach any replica, through any door.
"""

from __future__ import annotations

from typing import Protocol

from core.domain.splits import SplitOffer


class SplitOffers(Protocol):
    def put(self, offer: SplitOffer) -> None:
        """Keep the offer, replacing the person's earlier one."""
        ...

    def get(self, employee_id: str) -> SplitOffer | None:
        """The person's offer, whether it still stands or not (the caller tells by its time)."""
        ...

    def remove(self, employee_id: str) -> None:
        """Forget the person's offer (taken, or expired); nothing happens when there is none."""
        ...

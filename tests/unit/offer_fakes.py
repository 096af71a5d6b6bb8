"""In-memory stand-in of the offers port, kept in :class:`tests.unit.fakes.State`."""

from __future__ import annotations

from typing import Any

from core.domain.splits import SplitOffer


class FakeSplitOffers:
    def __init__(self, state: Any) -> None:
        self.s = state

    def put(self, offer: SplitOffer) -> None:
        self.s.offers[offer.employee_id] = offer

    def get(self, employee_id: str) -> SplitOffer | None:
        offer: SplitOffer | None = self.s.offers.get(employee_id)
        return offer

    def remove(self, employee_id: str) -> None:
        self.s.offers.pop(employee_id, None)

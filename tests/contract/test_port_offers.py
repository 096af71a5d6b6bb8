"""SplitOffers: one offer of unpaid leave per person, kept whole (the paid part may be absent),
replaced by a newer one, gone once removed, and never another person's."""

from __future__ import annotations

from datetime import date, timedelta

from core.domain.model import HalfDay
from core.domain.splits import SplitOffer, SplitPart
from core.ports import UnitOfWorkFactory
from tests.contract.builders import NOW, seed


def offer(employee_id: str, paid: SplitPart | None, unpaid: SplitPart, minutes: int = 0) -> SplitOffer:
    return SplitOffer(employee_id, paid, unpaid, "family <trip>", NOW + timedelta(minutes=minutes))


def test_an_offer_is_kept_whole_and_replaced_by_a_newer_one(uow_factory: UnitOfWorkFactory) -> None:
    seed(uow_factory)
    first = offer("E1", SplitPart("casual", date(2026, 12, 14), date(2026, 12, 17)),
                  SplitPart("unpaid", date(2026, 12, 18), date(2026, 12, 18)))
    only_unpaid = offer("E2", None, SplitPart("unpaid", date(2026, 12, 4), date(2026, 12, 4), HalfDay.SECOND))
    with uow_factory() as uow:
        uow.offers.put(first)
        uow.offers.put(only_unpaid)
        uow.commit()
    with uow_factory() as uow:
        assert uow.offers.get("E1") == first
        assert uow.offers.get("E2") == only_unpaid
    newer = offer("E1", None, SplitPart("unpaid", date(2027, 1, 4), date(2027, 1, 8)), minutes=2)
    with uow_factory() as uow:
        uow.offers.put(newer)
        uow.commit()
    with uow_factory() as uow:
        assert uow.offers.get("E1") == newer


def test_a_removed_offer_is_gone_and_removing_none_is_harmless(uow_factory: UnitOfWorkFactory) -> None:
    seed(uow_factory)
    with uow_factory() as uow:
        uow.offers.put(offer("E1", None, SplitPart("unpaid", date(2026, 12, 1), date(2026, 12, 1))))
        uow.commit()
    with uow_factory() as uow:
        uow.offers.remove("E1")
        uow.offers.remove("E2")
        uow.commit()
    with uow_factory() as uow:
        assert uow.offers.get("E1") is None and uow.offers.get("E2") is None


def test_an_offer_not_committed_is_not_kept(uow_factory: UnitOfWorkFactory) -> None:
    seed(uow_factory)
    with uow_factory() as uow:
        uow.offers.put(offer("E1", None, SplitPart("unpaid", date(2026, 12, 1), date(2026, 12, 1))))
    with uow_factory() as uow:
        assert uow.offers.get("E1") is None

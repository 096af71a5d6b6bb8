"""Offers of unpaid leave waiting for their ``yes`` (:class:`core.ports.offers.SplitOffers`).

Inside the caller's transaction, like every repository of the unit of work: the offer is kept in
the transaction that records the refusal making it, and taken in the one that applies it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Row, delete, insert, select

from core.domain.model import HalfDay
from core.domain.splits import SplitOffer, SplitPart
from storage.tables import split_offers


class SqlSplitOffers:
    def __init__(self, connection: Connection) -> None:
        self._conn = connection

    def put(self, offer: SplitOffer) -> None:
        """Replace the person's offer: delete and insert, which both databases do alike."""
        paid, unpaid = offer.paid, offer.unpaid
        self.remove(offer.employee_id)
        self._conn.execute(insert(split_offers).values(
            employee_id=offer.employee_id,
            paid_type=paid.type_key if paid else None,
            paid_start=paid.start if paid else None,
            paid_end=paid.end if paid else None,
            unpaid_type=unpaid.type_key, unpaid_start=unpaid.start, unpaid_end=unpaid.end,
            half=unpaid.half.value if unpaid.half else None,
            reason=offer.reason, made_at=offer.made_at,
        ))

    def get(self, employee_id: str) -> SplitOffer | None:
        row = self._conn.execute(select(split_offers).where(split_offers.c.employee_id == employee_id)).first()
        return _offer(row) if row is not None else None

    def remove(self, employee_id: str) -> None:
        self._conn.execute(delete(split_offers).where(split_offers.c.employee_id == employee_id))


def _offer(row: Row[Any]) -> SplitOffer:
    paid = (SplitPart(row.paid_type, row.paid_start, row.paid_end)
            if row.paid_type is not None else None)
    half = HalfDay(row.half) if row.half else None
    return SplitOffer(employee_id=row.employee_id, paid=paid,
                      unpaid=SplitPart(row.unpaid_type, row.unpaid_start, row.unpaid_end, half),
                      reason=row.reason, made_at=row.made_at)


if TYPE_CHECKING:  # lets mypy prove that the repository implements its port
    from core.ports.offers import SplitOffers

    def _implements_port(connection: Connection) -> SplitOffers:
        return SqlSplitOffers(connection)

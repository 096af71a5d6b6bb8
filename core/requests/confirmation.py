"""``yes``: the one-word answer that applies the paid + unpaid split just offered (:mod:`core.requests.unpaid`).

The offer is the asker's own, and stands for :data:`core.domain.splits.OFFER_LIFETIME`; each of
its parts is applied as any application is (every check again, its own request id, approved
like any request), all in one transaction, so that either both are made or neither. A door's
replay of the same ``yes`` (its idempotency key) finds the requests it made and makes no more.
"""

from __future__ import annotations

from core.commands import ApplyLeave, ConfirmSplit
from core.errors import LeaveError
from core.requests.workflow import file_application, scoped_key
from core.shared.context import CommandContext
from core.views import SplitAppliedView

NOTHING_OFFERED = ("Nothing is waiting for a yes: an offer of unpaid leave stands for 5 minutes after it is made. "
                   "Apply again (/leave apply TYPE START to END) to be offered it anew.")


def confirm_split(ctx: CommandContext, command: ConfirmSplit) -> SplitAppliedView:
    """Apply both parts of the asker's standing offer, the paid part first; then the offer is gone."""
    uow = ctx.uow
    employee = uow.employees.lock(ctx.actor.employee_id) or ctx.actor
    presenter = ctx.presenter()
    keys: list[str | None] = [None, None]
    if ctx.idempotency_key:
        keys = [scoped_key(employee, f"{ctx.idempotency_key}:{part}") for part in ("first", "second")]
        earlier = [found for key in keys if key and (found := uow.requests.by_idempotency_key(key))]
        if earlier:
            return SplitAppliedView(tuple(presenter.request(request) for request in earlier), duplicate=True)
    offer = uow.offers.get(employee.employee_id)
    if offer is None or not offer.stands_at(ctx.clock.now()):
        raise LeaveError(NOTHING_OFFERED)
    made = [file_application(ctx, employee, ApplyLeave(part.type_key, part.start, part.end, part.half, offer.reason),
                             key)[0]
            for part, key in zip(offer.parts, keys, strict=False)]
    uow.offers.remove(employee.employee_id)
    views = tuple(presenter.request(request) for request in made)  # read before the commit ends the transaction
    uow.commit()
    return SplitAppliedView(views)

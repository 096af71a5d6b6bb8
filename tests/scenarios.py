"""Scenarios shared by the unit tests (on the fakes) and the integration tests (on real databases)."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

from core.commands import ApplyLeave, CancelRequest, Decide
from core.service import LeaveService
from core.views import AppliedView

PEOPLE = {"ananya@x.test": "E3", "rahul@x.test": "E4", "kiran@x.test": "E5"}


def random_operations_keep_the_ledger_whole(service: LeaveService, ledger_sum: Callable[[str, str, int], Decimal],
                                            seed: int, steps: int, new_year: date = date(2027, 1, 1)) -> None:
    """Any sequence of apply / approve / reject / cancel / partial cancel / accrual / year end
    leaves every balance shown equal to the sum of its ledger (available + pending), less the
    carry-forward next year only expects; once the year end has run, nothing is expected any more.

    ``new_year`` is the first day of the leave year after the service's today (1 April 2026 for a
    region with ``leave_year_start: 04-01`` read on 25 Feb 2026): requests fall on both sides of it.
    """
    closing, opening = new_year.year - 1, new_year.year
    rng = random.Random(seed)
    ids: list[int] = []
    closed = False
    for _ in range(steps):
        action = rng.choice(["apply", "apply", "approve", "reject", "cancel", "accrual", "year-end", "some"])
        who = rng.choice(list(PEOPLE))
        if action == "apply":
            start = new_year - timedelta(days=36) + timedelta(days=rng.randrange(0, 60))
            end = start + timedelta(days=rng.randrange(0, 5))
            view = service.execute(who, ApplyLeave(rng.choice(["casual", "sick", "privilege"]), start, end), "t")
            if isinstance(view, AppliedView):
                ids.append(view.request.id)
        elif action in ("approve", "reject") and ids:
            service.execute("hr@x.test", Decide(rng.choice(ids), action == "approve"), "t")
        elif action == "cancel" and ids:
            service.execute("hr@x.test", CancelRequest(rng.choice(ids)), "t")
        elif action == "some" and ids:
            chosen = rng.choice(ids)
            request = next(r for r in service.list_requests() if r.id == chosen)
            service.execute("hr@x.test", CancelRequest(chosen, request.end, request.end), "t")
        elif action in ("accrual", "year-end"):
            # The year end closes the year once the ledger holds it (it invents no opening balances).
            holds = any(ledger_sum(e, t, closing) for e in PEOPLE.values() for t in ("casual", "sick", "privilege"))
            service.run_job(action, new_year + timedelta(days=1))
            closed = closed or (action == "year-end" and holds)
        for email, employee_id in PEOPLE.items():
            for year in (closing, opening):
                for row in service.balance_of(email, year).rows:
                    shown = row.available + row.pending - row.carried_expected
                    assert ledger_sum(employee_id, row.type_key, year) == shown.value, (seed, email, year, row)
                    assert not (closed and row.carried_expected), (seed, email, year, row)

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
                                            seed: int, steps: int) -> None:
    """Any sequence of apply / approve / reject / cancel / partial cancel / accrual / year end
    leaves every balance shown equal to the sum of its ledger (available + pending)."""
    rng = random.Random(seed)
    ids: list[int] = []
    for _ in range(steps):
        action = rng.choice(["apply", "apply", "approve", "reject", "cancel", "accrual", "year-end", "some"])
        who = rng.choice(list(PEOPLE))
        if action == "apply":
            start = date(2026, 11, 26) + timedelta(days=rng.randrange(0, 60))
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
            service.run_job(action, date(2027, 1, 2))
        for email, employee_id in PEOPLE.items():
            for year in (2026, 2027):
                for row in service.balance_of(email, year).rows:
                    assert ledger_sum(employee_id, row.type_key, year) == (row.available + row.pending).value, (
                        seed, email, year, row)

"""An in-memory :class:`core.ports.jobs.JobStore` for the unit tests' fake unit of work."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from decimal import Decimal
from typing import Any

from core.domain.model import LeaveRequest, LedgerEntry, RequestStatus
from core.ports.jobs import DocumentDue, PlannedPost
from core.views import JobRun


class FakeJobStore:
    """State lives in a dict owned by the fake store's ``State``, so it commits and rolls back with it."""

    def __init__(self, state: dict[str, Any], ledger: list[LedgerEntry],
                 requests: dict[int, LeaveRequest] | None = None) -> None:
        self.runs: dict[tuple[str, str], JobRun] = state.setdefault("runs", {})
        self.planned: list[dict[str, Any]] = state.setdefault("posts", [])
        self._ledger = ledger
        self._requests = requests or {}

    def start(self, job: str, period: str, at: datetime) -> bool:
        if (job, period) in self.runs:
            return False
        self.runs[(job, period)] = JobRun(job, period, at, None, "running")
        return True

    def restart(self, job: str, period: str, at: datetime, stale_before: datetime) -> bool:
        run = self.runs.get((job, period))
        if run is None or run.outcome != "running" or run.started_at >= stale_before:
            return False
        self.runs[(job, period)] = JobRun(job, period, at, None, "running")
        return True

    def finish(self, job: str, period: str, at: datetime, outcome: str, detail: str = "") -> None:
        run = self.runs[(job, period)]
        self.runs[(job, period)] = JobRun(job, period, run.started_at, at, outcome, detail)

    def taken(self, job: str, periods: list[str]) -> set[str]:
        return {p for p in periods if (job, p) in self.runs}

    def last_runs(self) -> dict[str, JobRun]:
        found: dict[str, JobRun] = {}
        for run in self.runs.values():
            found[run.job] = run
        return found

    def add_post(self, job: str, period: str, target: str, payload: dict[str, Any], at: datetime) -> None:
        if any((p["job"], p["period"], p["target"]) == (job, period, target) for p in self.planned):
            return
        self.planned.append({"id": len(self.planned) + 1, "job": job, "period": period, "target": target,
                             "payload": payload, "attempts": 0, "next": None, "outcome": None})

    def _view(self, row: dict[str, Any]) -> PlannedPost:
        return PlannedPost(row["id"], row["job"], row["period"], row["target"], row["payload"], row["attempts"])

    def due_posts(self, at: datetime, limit: int) -> list[PlannedPost]:
        due = [p for p in self.planned if p["outcome"] is None and (p["next"] is None or p["next"] <= at)]
        return [self._view(p) for p in due[:limit]]

    def claim_post(self, post_id: int, at: datetime, lease_until: datetime) -> PlannedPost | None:
        row = self.planned[post_id - 1]
        if row["outcome"] is not None or (row["next"] is not None and row["next"] > at):
            return None
        row["next"] = lease_until
        return self._view(row)

    def settle_post(self, post_id: int, at: datetime, outcome: str, detail: str = "") -> None:
        row = self.planned[post_id - 1]
        if row["outcome"] is None:
            row["outcome"], row["attempts"] = outcome, row["attempts"] + 1

    def retry_post(self, post_id: int, error: str, retry_at: datetime) -> None:
        row = self.planned[post_id - 1]
        row["attempts"], row["next"] = row["attempts"] + 1, retry_at

    def posts(self, job: str | None = None) -> list[tuple[str, str, str, str]]:
        return [(p["job"], p["period"], p["target"], p["outcome"] or "waiting") for p in self.planned
                if job is None or p["job"] == job]

    def documents_due(self) -> list[DocumentDue]:
        due = [r for r in self._requests.values() if r.document_due and r.id is not None
               and r.status in (RequestStatus.PENDING, RequestStatus.APPROVED)]
        return [DocumentDue(r.id or 0, r.employee_id, r.type_key, r.start, r.end)
                for r in sorted(due, key=lambda r: (r.start, r.id or 0))]

    def ledger_totals(self, year: int, kinds: tuple[str, ...] | None = None) -> dict[tuple[str, str], Decimal]:
        totals: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
        for entry in self._ledger:
            if entry.year == year and (kinds is None or entry.kind.value in kinds):
                totals[(entry.employee_id, entry.type_key)] += entry.amount.value
        return dict(totals)

"""What the scheduled jobs need from the world: job-run records, planned posts and bulk reads
from storage, and a way to post from each door.

Kept apart from :mod:`core.ports` so that the scheduler's needs grow without touching the
ports every door shares; :class:`core.ports.UnitOfWork` exposes the store as ``uow.jobs``, and
each door that posts hands a :class:`Poster` to :meth:`core.service.LeaveService.deliver_posts`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Protocol

from core.views import JobRun

#: The doors that post scheduled messages; a planned post's target starts with one (``slack:...``).
PLATFORMS = ("slack", "teams")
#: Where digests may be posted: a chat channel, or e-mail addresses (``email``; personal posts stay in chat).
CHANNEL_PLATFORMS = (*PLATFORMS, "email")


class Poster(Protocol):
    """A door's way of posting a scheduled message: ``kind`` is ``channel`` or ``person`` (then
    ``address`` is an employee id), ``payload`` the JSON the job planned, which the door words.

    Raises :class:`~core.ports.Unreachable`, :class:`~core.ports.RetryLater` or
    :class:`~core.ports.DeliveryFailed` as a notifier does.
    """

    def post(self, kind: str, address: str, payload: dict[str, Any]) -> None: ...


@dataclass(frozen=True)
class PlannedPost:
    """A message a job run decided to send to one target (``slack:channel:C1``, ``teams:person:E2``).

    Planned in the run's transaction and delivered afterwards, each recorded once sent, so a
    leader that dies half-way through a fan-out leaves the rest to the next one.
    """

    id: int
    job: str
    period: str
    target: str
    payload: dict[str, Any]
    attempts: int


@dataclass(frozen=True)
class DocumentDue:
    request_id: int
    employee_id: str
    type_key: str
    start: date
    end: date


class JobStore(Protocol):
    def start(self, job: str, period: str, at: datetime) -> bool:
        """Take (job, period) in this transaction; False when another run already has it."""
        ...

    def restart(self, job: str, period: str, at: datetime, stale_before: datetime) -> bool:
        """Take over a run left ``running`` since before ``stale_before`` (its runner died)."""
        ...

    def finish(self, job: str, period: str, at: datetime, outcome: str, detail: str = "") -> None: ...

    def taken(self, job: str, periods: list[str]) -> set[str]:
        """Which of these periods already have a run record."""
        ...

    def last_runs(self) -> dict[str, JobRun]:
        """Each job's latest run, by start time."""
        ...

    def add_post(self, job: str, period: str, target: str, payload: dict[str, Any], at: datetime) -> None:
        """Plan a post; the same (job, period, target) is planned only once."""
        ...

    def due_posts(self, at: datetime, limit: int) -> list[PlannedPost]: ...

    def claim_post(self, post_id: int, at: datetime, lease_until: datetime) -> PlannedPost | None:
        """Take a post for one attempt (a conditional update committed at once); None when taken."""
        ...

    def settle_post(self, post_id: int, at: datetime, outcome: str, detail: str = "") -> None:
        """Record a post's final outcome: ``delivered``, ``unreachable`` or ``failed``."""
        ...

    def retry_post(self, post_id: int, error: str, retry_at: datetime) -> None: ...

    def posts(self, job: str | None = None) -> list[tuple[str, str, str, str]]:
        """``(job, period, target, outcome)`` of planned posts (outcome ``waiting`` until settled)."""
        ...

    def documents_due(self) -> list[DocumentDue]:
        """Pending or approved requests still waiting for a document, oldest start first (one
        narrow read rather than every request of the organisation)."""
        ...

    def ledger_totals(self, year: int, kinds: tuple[str, ...] | None = None) -> dict[tuple[str, str], Decimal]:
        """The ledger (of some entry kinds) summed per (employee, leave type) for a year, in one
        read: the digest's balances for a whole organisation without a query per person."""
        ...

"""One scheduler tick: lead or stand by, run what is due, send what was planned.

APScheduler only calls :meth:`SchedulerRunner.tick` once a minute; everything that decides
(what is due, whether it already ran) lives in the core and the database, so any number of
replicas may tick, a manual ``jobs run`` may race them, and tests may tick a frozen clock through
a month in seconds.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from core.domain.schedule import DueRun
from core.observation import FAILED, JOB, SKIPPED, Observation, Watcher, unwatched
from core.ports import Clock
from core.ports.jobs import PLATFORMS, Poster
from core.service import LeaveService
from core.views import PostReport, RunOutcome

log = logging.getLogger(__name__)

#: How long :meth:`SchedulerRunner.stop` waits for a tick in progress before giving up leadership anyway.
STOP_WAIT_SECONDS = 30.0


class Leader(Protocol):
    def acquire(self, now: datetime) -> bool: ...

    def release(self) -> None: ...


class AlwaysLeader:
    """For a single process that knows it is alone (tests, ``jobs run``)."""

    def acquire(self, now: datetime) -> bool:
        return True

    def release(self) -> None:
        return None


@dataclass
class TickReport:
    leader: bool
    runs: list[RunOutcome] = field(default_factory=list)
    posts: PostReport = field(default_factory=PostReport)
    errors: list[str] = field(default_factory=list)


class SchedulerRunner:
    """Everything a tick needs, injected: the core's service, a clock, the leadership, the doors' posters.

    ``extra`` are other periodic tasks of the leader (the outbox delivery of a standalone
    scheduler); ``sleep`` is how a ``Retry-After`` is waited out (instant in tests); ``jobs``
    narrows the jobs this runner runs (all of them by default).
    """

    def __init__(self, service: LeaveService, clock: Clock, leader: Leader,
                 posters: Mapping[str, Poster], extra: Sequence[Callable[[], None]] = (),
                 sleep: Callable[[float], None] = time.sleep, jobs: Iterable[str] | None = None,
                 watch: Watcher = unwatched) -> None:
        self._service = service
        self._clock = clock
        self._leader = leader
        self._posters = dict(posters)
        self._extra = list(extra)
        self._sleep = sleep
        self._jobs = list(jobs) if jobs is not None else None
        self._ticking = threading.Lock()
        self._stopped = False
        self._watch = watch

    @property
    def platforms(self) -> list[str]:
        """The doors people are reminded on: this process's, or every one when it has none (a
        ``jobs run`` from a shell plans the posts that the serving process then sends)."""
        return sorted(p for p in self._posters if p in PLATFORMS) or list(PLATFORMS)

    def tick(self) -> TickReport:
        """Run the due jobs and send their posts, if this process leads; never raises.

        After :meth:`stop` a tick does nothing (it would take the leadership back).
        """
        with self._ticking:
            if self._stopped:
                return TickReport(leader=False)
            return self._tick()

    def _tick(self) -> TickReport:
        try:
            leader = self._leader.acquire(self._clock.now())
        except Exception as error:
            log.warning("scheduler: leadership check failed: %s", error)
            return TickReport(leader=False, errors=[str(error)])
        report = TickReport(leader=leader)
        if not leader:
            return report
        try:
            for run in self._service.due_runs(self._jobs):
                self._run_one(run, report)
            report.posts = self.send()
        except Exception as error:  # the database may be down for a moment; the next tick retries
            log.exception("scheduler tick failed")
            report.errors.append(f"{type(error).__name__}: {error}")
        for task in self._extra:
            try:
                task()
            except Exception as error:
                log.exception("scheduler: periodic task failed")
                report.errors.append(f"{type(error).__name__}: {error}")
        return report

    def _run_one(self, run: DueRun, report: TickReport) -> None:
        """One job run, watched (the serving process gives it a request id and counts it); a
        failure is logged and reported, never raised, so that it does not stop the other jobs."""
        with self._watch(Observation(JOB, run.job)) as seen:
            try:
                outcome = self._service.run_due(run, self.platforms)
            except Exception as error:
                seen.outcome = FAILED
                log.exception("scheduler: %s %s failed", run.job, run.period)
                report.errors.append(f"{run.job} {run.period}: {type(error).__name__}: {error}")
                return
            if not outcome.ran:
                seen.outcome = SKIPPED  # another replica or a manual run had this period
                return
            log.info("scheduler: %s %s: %s", outcome.job, outcome.period, outcome.summary)
            report.runs.append(outcome)

    def send(self) -> PostReport:
        """Send the planned posts that are due (also after a manual run)."""
        report = self._service.deliver_posts(self._posters, self._sleep)
        for error in report.errors:
            log.warning("scheduler post: %s", error)
        return report

    def stop(self, wait: float = STOP_WAIT_SECONDS) -> None:
        """Let a tick in progress finish (up to ``wait`` seconds), then give up the leadership at once,
        so that another replica leads from its next tick instead of after the lease runs out."""
        finished = self._ticking.acquire(timeout=wait)
        if not finished:
            log.warning("scheduler: a tick is still running after %s s; leadership is released anyway", wait)
        try:
            self._stopped = True
            self._leader.release()
        except Exception as error:
            log.warning("scheduler: leadership not released: %s", error)
        finally:
            if finished:
                self._ticking.release()

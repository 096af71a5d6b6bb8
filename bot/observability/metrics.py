"""Prometheus metrics of a serving process, and the watcher that feeds them from the core.

Each app has a registry of its own (never the library's global one), so that two apps in one
process, as in the tests, count apart. What the database holds (the outbox's depth and age, the
calendar syncs that failed for good) is read at scrape time, with a short time-out: always true,
whichever replica is scraped, and nothing to keep in step.

In a server of several workers (:mod:`bot.workers`) each worker counts into files of its own in
``PROMETHEUS_MULTIPROC_DIR`` (prometheus_client's multiprocess mode) and a scrape, whichever worker
answers it, adds up every worker's files, those of workers that ended included, so that no count
goes back when a worker is replaced. There is no per-process gauge to combine: the gauges are the
database's, read once per scrape.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass

from prometheus_client import CollectorRegistry, Counter, Histogram, multiprocess
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from bot.observability.context import watched
from core.observation import COMMAND, DELIVERY, JOB, Observation
from core.ports import Clock
from core.service import LeaveService
from core.views import BacklogView

log = logging.getLogger(__name__)

DEFAULT_SCRAPE_TIMEOUT_SECONDS = 2.0
#: The directory of the workers' metrics files, set by the parent of several workers.
MULTIPROC_DIR = "PROMETHEUS_MULTIPROC_DIR"
#: Chat commands answer in well under a second, or wait on a lock or a platform for a few.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


class Telemetry:
    """The metrics of one app; :meth:`watch` is the core's :data:`~core.observation.Watcher`.

    :attr:`registry` is what ``/metrics`` shows: this process's metrics, or with several workers
    every worker's, added up (the metrics then count into the shared files, in no registry).
    """

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        shared = os.environ.get(MULTIPROC_DIR)
        if shared:
            multiprocess.MultiProcessCollector(self.registry, path=shared)
        own = None if shared else self.registry
        self.commands = Counter("leavebot_commands", "Chat commands run, by door, command and outcome",
                                ["door", "command", "outcome"], registry=own)
        self.command_seconds = Histogram("leavebot_command_duration_seconds", "Time to run a chat command",
                                         ["door", "command"], buckets=LATENCY_BUCKETS, registry=own)
        self.http_requests = Counter("leavebot_http_requests", "HTTP requests answered, by method, route and status",
                                     ["method", "route", "status"], registry=own)
        self.http_seconds = Histogram("leavebot_http_request_duration_seconds", "Time to answer an HTTP request",
                                      ["method", "route"], buckets=LATENCY_BUCKETS, registry=own)
        self.job_runs = Counter("leavebot_job_runs", "Scheduled job runs, by job and outcome (ok, failed, skipped)",
                                ["job", "outcome"], registry=own)
        self.job_seconds = Histogram("leavebot_job_duration_seconds", "Time a scheduled job run took", ["job"],
                                     buckets=LATENCY_BUCKETS, registry=own)
        self.deliveries = Counter("leavebot_outbox_deliveries", "Outbox events taken by a delivery round, by outcome",
                                  ["event", "outcome"], registry=own)
        self._database: DatabaseCollector | None = None

    def watch_database(self, service: LeaveService, clock: Clock,
                       timeout: float = DEFAULT_SCRAPE_TIMEOUT_SECONDS) -> None:
        """Report the outbox and calendar failures of this service's database (once per app)."""
        if self._database is None:
            self._database = DatabaseCollector(service.backlog, clock, timeout)
            self.registry.register(self._database)

    def watch(self, observation: Observation) -> AbstractContextManager[Observation]:
        """Run a unit of work as :func:`~bot.observability.context.watched` does, and count and time it."""
        return watched(observation, self._record)

    def http_answered(self, method: str, route: str, status: int, seconds: float) -> None:
        self.http_requests.labels(method, route, str(status)).inc()
        self.http_seconds.labels(method, route).observe(seconds)

    def _record(self, seen: Observation, seconds: float) -> None:
        if seen.kind == COMMAND:
            self.commands.labels(seen.door, seen.name, seen.outcome).inc()
            self.command_seconds.labels(seen.door, seen.name).observe(seconds)
        elif seen.kind == JOB:
            self.job_runs.labels(seen.name, seen.outcome).inc()
            self.job_seconds.labels(seen.name).observe(seconds)
        elif seen.kind == DELIVERY:
            self.deliveries.labels(seen.name, seen.outcome).inc()


@dataclass(frozen=True)
class DatabaseSnapshot:
    waiting: int
    oldest_age: float
    calendar_failures: dict[str, int]


class DatabaseCollector(Collector):
    """Reads the outbox and the calendar failures when Prometheus scrapes.

    The queries run in a thread of their own that the scrape waits for at most ``timeout``: a
    database that hangs costs one stuck thread and ``leavebot_database_scrape_ok 0``, never a
    scrape that times out with the request and process metrics in it.
    """

    def __init__(self, backlog: Callable[[], BacklogView], clock: Clock, timeout: float) -> None:
        self._backlog = backlog
        self._clock = clock
        self._timeout = timeout

    def describe(self) -> Iterable[Metric]:
        """The families with placeholder values, so that registering does not query the database."""
        return _families(DatabaseSnapshot(0, 0.0, {}))

    def collect(self) -> Iterable[Metric]:
        return _families(self._read())

    def _read(self) -> DatabaseSnapshot | None:
        found: list[DatabaseSnapshot] = []
        worker = threading.Thread(target=self._query, args=(found,), name="leavebot-metrics", daemon=True)
        worker.start()
        worker.join(self._timeout)
        if not found:
            log.warning("metrics: the database did not answer within %s s", self._timeout)
        return found[0] if found else None

    def _query(self, into: list[DatabaseSnapshot]) -> None:
        try:
            backlog = self._backlog()
        except Exception as error:  # the scrape reports the database as not answering
            log.warning("metrics: database query failed: %s", error)
            return
        oldest = backlog.outbox_oldest
        age = max((self._clock.now() - oldest).total_seconds(), 0.0) if oldest is not None else 0.0
        into.append(DatabaseSnapshot(backlog.outbox_waiting, age, backlog.calendar_failures))


def _families(snapshot: DatabaseSnapshot | None) -> list[Metric]:
    answered = GaugeMetricFamily("leavebot_database_scrape_ok",
                                 "1 when the database answered this scrape's queries in time, else 0")
    waiting = GaugeMetricFamily("leavebot_outbox_depth", "Outbox events not delivered yet (due or backing off)")
    oldest = GaugeMetricFamily("leavebot_outbox_oldest_age_seconds",
                               "Age of the oldest undelivered outbox event; 0 when none waits")
    failures = GaugeMetricFamily("leavebot_calendar_sync_failures",
                                 "Calendar syncs refused for good and not repaired since, by provider",
                                 labels=["provider"])
    answered.add_metric([], 1.0 if snapshot is not None else 0.0)
    if snapshot is None:
        return [answered]
    waiting.add_metric([], snapshot.waiting)
    oldest.add_metric([], snapshot.oldest_age)
    for provider, count in snapshot.calendar_failures.items():
        failures.add_metric([provider], count)
    return [answered, waiting, oldest, failures]

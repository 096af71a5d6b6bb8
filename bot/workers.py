"""``leavebot serve --workers N``: N processes answering on one port, and the parent that keeps them.

The parent binds the port once and forks the workers, which all accept on that one socket. One
socket means one queue of waiting connections: a worker takes the next one when it is free to (a
worker busy on the CPU is not waiting, so an idle one gets it), and a worker that dies or stops
leaves what is queued to the others. With ``SO_REUSEPORT`` each worker would bind a socket of its
own and the kernel would deal connections out by hash: to a busy worker as readily as to an idle
one, and the connections queued on a dying worker's socket would be reset with it.

The parent prepares the database before forking (migrations and the default policy, once, so that
workers never race to do it) and closes its connections, so that no worker shares one. Then:

* a worker that dies after it started is replaced in its slot; one that fails to start stops the
  server (exit 1), since a mistake that stops every start would otherwise restart for ever;
* SIGTERM or SIGINT to the parent closes its copy of the listening sockets and sends each worker
  one SIGTERM; each stops as a single process does (:mod:`bot.shutdown`: in-flight requests and
  the work they started finish, the outbox's last round is delivered), and the parent exits 0 once
  all have stopped cleanly. Workers ignore SIGINT (Ctrl-C reaches the whole process group; the
  parent turns it into the SIGTERM) and any SIGTERM after the first (systemd signals every process
  of a service, the parent forwards as well);
* the workers die with the parent (Linux ``PR_SET_PDEATHSIG``): a parent killed outright takes
  them along instead of leaving them on the port, unsupervised;
* the workers' metrics are counted in files in a temporary directory that the parent makes and
  removes (prometheus_client's multiprocess mode), so that whichever worker a scrape reaches
  answers for all of them (:class:`bot.observability.metrics.Telemetry`).

Worker 0 alone runs the scheduler (and the worker replacing it, after it). Across replicas the
database still elects one leader; within a server, one ticking process is enough, and N of them
would only ask the database for the leadership N times a minute to be told no.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import math
import os
import shutil
import signal
import socket
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import NoReturn

from sqlalchemy.engine import make_url

from bot.listening import claiming
from bot.settings import Settings

log = logging.getLogger(__name__)

#: Where prometheus_client's multiprocess mode keeps each process's counts (read at its import).
MULTIPROC_DIR = "PROMETHEUS_MULTIPROC_DIR"
#: cgroup v2's CPU quota of this process's group: a container's ``--cpus``, a Kubernetes CPU limit.
CPU_MAX = Path("/sys/fs/cgroup/cpu.max")
#: prctl(2): the signal a process gets when its parent dies.
PR_SET_PDEATHSIG = 1
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)
#: Connections the kernel queues while every worker is busy (aiohttp's own default).
BACKLOG = 128


@dataclass(frozen=True)
class Worker:
    """What one worker gets: its slot (0 to N-1, kept by a replacement), the sockets the parent
    bound, and the pipe on which it tells the parent that it has started."""

    slot: int
    listeners: tuple[socket.socket, ...]
    metrics_listener: socket.socket | None
    ready_fd: int

    def settings(self, settings: Settings) -> Settings:
        """``settings`` as this worker applies them: the scheduler runs in worker 0 alone."""
        if self.slot == 0:
            return settings
        return settings.model_copy(update={"enable_scheduled_jobs": False})

    def started(self) -> None:
        """Tell the parent that this worker serves (called once its app has started)."""
        os.write(self.ready_fd, b"1")
        os.close(self.ready_fd)


def worker_count(settings: Settings, requested: int | None) -> tuple[int, str | None]:
    """How many workers serve: ``--workers``, else ``WORKERS``, else one per usable CPU; and, when
    that had to be one instead, the line that says why."""
    wanted = requested or settings.workers or available_cpus()
    if wanted > 1 and settings.slack_socket_mode:
        return 1, f"Workers: 1, not {wanted}: Slack Socket Mode is one websocket, which processes cannot share"
    if wanted > 1 and _in_memory(settings.database_url):
        return 1, f"Workers: 1, not {wanted}: an in-memory SQLite database lives inside one process"
    return wanted, None


def available_cpus(cpu_max: Path = CPU_MAX) -> int:
    """The CPUs this process may run on, or fewer when a cgroup CPU quota allows less."""
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        usable = os.cpu_count() or 1
    quota = cpu_quota(cpu_max)
    return min(usable, quota) if quota is not None else usable


def cpu_quota(cpu_max: Path) -> int | None:
    """Whole CPUs (rounded up) that cgroup v2's ``cpu.max`` (``"150000 100000"``) allows; None for
    no quota (``"max 100000"``, or no such file)."""
    try:
        limit, period = cpu_max.read_text().split()
        return max(1, math.ceil(int(limit) / int(period)))
    except (OSError, ValueError):
        return None


@contextlib.contextmanager
def shared_metrics() -> Iterator[Path]:
    """A temporary directory for the workers' counts (``PROMETHEUS_MULTIPROC_DIR``), removed after.

    Entered before anything imports prometheus_client, which picks single- or multi-process
    counting once, at its import.
    """
    if "prometheus_client" in sys.modules:
        raise RuntimeError(f"{MULTIPROC_DIR} must be set before prometheus_client is imported")
    directory = Path(tempfile.mkdtemp(prefix="leavebot-metrics-"))
    os.environ[MULTIPROC_DIR] = str(directory)
    try:
        yield directory
    finally:
        os.environ.pop(MULTIPROC_DIR, None)
        shutil.rmtree(directory, ignore_errors=True)


def serve_workers(count: int, settings: Settings, metrics_dir: Path | None, serve: Callable[[Worker], None]) -> int:
    """Bind the port (and ``METRICS_PORT``), keep ``count`` workers each running ``serve`` until
    SIGTERM or SIGINT; 0 when every worker stopped cleanly, else 1."""
    from bot.observability.http import METRICS_HOST

    with claiming(settings.port):
        listeners = bind(settings.host, settings.port)
    metrics = None
    if settings.metrics_port is not None:
        with claiming(settings.metrics_port, "METRICS_PORT"):
            metrics = bind(METRICS_HOST, settings.metrics_port)[0]
    print(f"Listening on http://{settings.host}:{settings.port} with {count} workers (health: /health)", flush=True)
    return Supervisor(count, serve, listeners, metrics, metrics_dir).run()


def bind(host: str, port: int) -> tuple[socket.socket, ...]:
    """Listening sockets on every address ``host`` names, as aiohttp would bind them itself."""
    found = socket.getaddrinfo(host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    addresses = dict.fromkeys((family, address) for family, _kind, _proto, _name, address in found)
    return tuple(socket.create_server(address, family=family, backlog=BACKLOG) for family, address in addresses)


@dataclass(frozen=True)
class Running:
    """A worker the parent started: its slot, and the end of the pipe it says it started on."""

    slot: int
    ready_fd: int


class Supervisor:
    """The parent: starts the workers, replaces one that dies, stops them all on SIGTERM or SIGINT.

    Args:
        serve: what a worker runs, in the forked process; it returns when the worker has stopped.
        metrics_dir: the workers' metrics files (None: no metrics kept), tidied as each one ends.
    """

    def __init__(self, count: int, serve: Callable[[Worker], None], listeners: Sequence[socket.socket],
                 metrics_listener: socket.socket | None = None, metrics_dir: Path | None = None) -> None:
        self._count = count
        self._serve = serve
        self._listeners = tuple(listeners)
        self._metrics_listener = metrics_listener
        self._metrics_dir = metrics_dir
        self._running: dict[int, Running] = {}
        self._stopping = False
        self._clean = True

    def run(self) -> int:
        """Start the workers and keep them until they have all stopped; 0 when all stopped cleanly."""
        previous = {signum: signal.signal(signum, self._stop) for signum in STOP_SIGNALS}
        try:
            for slot in range(self._count):
                self._start(slot)
            while self._running:
                pid, status = os.wait()
                self._ended(pid, os.waitstatus_to_exitcode(status))
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)
            self._close_listeners()
        return 0 if self._clean else 1

    def _start(self, slot: int) -> None:
        # The stop signals wait while the worker is forked, so that the handler, which signals
        # every worker it knows, cannot run between the fork and the worker being known.
        mask = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
        try:
            if not self._stopping:
                self._fork(slot, mask)
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, mask)

    def _fork(self, slot: int, mask: set[int | signal.Signals]) -> None:
        parent = os.getpid()
        ready, told = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(ready)
            self._be_worker(Worker(slot, self._listeners, self._metrics_listener, told), parent, mask)
        os.close(told)
        self._running[pid] = Running(slot, ready)
        log.info("worker %d started (pid %d)", slot, pid)

    def _be_worker(self, worker: Worker, parent: int, mask: set[int | signal.Signals]) -> NoReturn:
        """The forked process: serve until stopped, then leave without running the parent's code."""
        code = 1
        try:
            for running in self._running.values():
                os.close(running.ready_fd)
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            signal.pthread_sigmask(signal.SIG_SETMASK, mask)
            _die_with(parent)
            self._serve(worker)
            code = 0
        except BaseException:
            log.exception("worker %d failed", worker.slot)
        finally:
            _flush()
            os._exit(code)

    def _ended(self, pid: int, code: int) -> None:
        running = self._running.pop(pid, None)
        if running is None:
            return
        started = os.read(running.ready_fd, 1) == b"1"  # b"" when it closed the pipe (died) first
        os.close(running.ready_fd)
        if self._metrics_dir is not None:
            from prometheus_client import multiprocess

            multiprocess.mark_process_dead(pid, str(self._metrics_dir))
        if self._stopping:
            if code not in (0, -signal.SIGTERM):
                log.warning("worker %d (pid %d) stopped with %s", running.slot, pid, _how(code))
                self._clean = False
            return
        if not started:
            log.error("worker %d (pid %d) failed to start (%s); stopping the server", running.slot, pid, _how(code))
            self._clean = False
            self._stop()
            return
        log.warning("worker %d (pid %d) ended (%s); starting another", running.slot, pid, _how(code))
        self._start(running.slot)

    def _stop(self, signum: int | None = None, frame: FrameType | None = None) -> None:
        if not self._stopping:
            self._stopping = True
            self._close_listeners()  # new connections are refused once every worker has closed its copy too
            log.info("stopping %d workers", len(self._running))
        for pid in self._running:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)

    def _close_listeners(self) -> None:
        for listener in (*self._listeners, self._metrics_listener):
            if listener is not None:
                listener.close()


def _die_with(parent: int) -> None:
    """Have the kernel kill this worker when the parent dies (Linux; elsewhere a worker outlives a
    parent that is killed outright)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)


def _flush() -> None:
    """What a normal exit would do before ``os._exit``: send queued error reports, flush the logs."""
    sentry = sys.modules.get("sentry_sdk")
    if sentry is not None:
        sentry.flush()
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()


def _how(code: int) -> str:
    return f"signal {signal.Signals(-code).name}" if code < 0 else f"exit code {code}"


def _in_memory(database_url: str) -> bool:
    url = make_url(database_url)
    return url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:")

"""``leavebot serve --workers 2`` as real processes, on SQLite and on MariaDB.

Both workers answer on the one port (``/health`` says which process answered); ``/metrics``,
whichever worker answers it, counts what both answered; a worker killed outright is replaced,
what it had counted still counts, and no request is lost meanwhile. Ctrl-C (SIGINT to the whole
process group) and systemd's stop (SIGTERM to every process of the service, so a worker hears it
from the parent too) both stop every worker gracefully, once, and the parent exits 0 with no worker
left and its metrics directory removed. Worker 0 alone runs the scheduler, and so does its
replacement.

A worker that fails to start stops the server instead of being restarted for ever: that one runs
the parent's supervision in this process, with workers that fail at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import re
import signal
import socket
import subprocess
import sys
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import Engine

from bot.workers import Supervisor, Worker
from tests.integration.ops.test_shutdown import (
    PLATFORM_PREFIXES,
    REPO,
    WAIT_SECONDS,
    eventually,
    free_port,
    leader_now,
    until_healthy,
)

#: /health requests sent at once, each on a connection of its own: sent one after another, they
#: may all go to the one worker that happens to be waiting.
BATCH = 8
HEALTH = {"method": "GET", "route": "/health"}


@dataclass
class Served:
    """``leavebot serve --workers 2`` running, its output in a file."""

    process: subprocess.Popen[bytes]
    port: int
    metrics_port: int
    output_file: Path
    temp: Path

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def output(self) -> str:
        return self.output_file.read_text(errors="replace")

    def pids(self, slot: int) -> list[int]:
        """The processes that worker ``slot`` has been, in order (the parent logs each start)."""
        return [int(pid) for pid in re.findall(rf"worker {slot} started \(pid (\d+)\)", self.output())]

    async def stop(self, signum: signal.Signals) -> None:
        """Send ``signum`` to the parent and every worker at once, as a terminal or systemd does."""
        os.killpg(self.process.pid, signum)
        await asyncio.to_thread(self.process.wait, WAIT_SECONDS)


@contextlib.contextmanager
def serving(db_url: str, workdir: Path) -> Iterator[Served]:
    """Two workers with the scheduler on and ``/metrics`` on a port of its own; killed on the way
    out if a failed test left them running."""
    temp = workdir / "tmp"
    temp.mkdir()
    served_port, metrics_port = free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(PLATFORM_PREFIXES)}
    env.update(DATABASE_URL=db_url, HOST="127.0.0.1", PORT=str(served_port), METRICS_PORT=str(metrics_port),
               TIMEZONE="Asia/Kolkata", ENABLE_SCHEDULED_JOBS="true", LOG_LEVEL="info", TMPDIR=str(temp),
               PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])))
    output_file = workdir / "serve.log"
    with output_file.open("wb") as output:
        process = subprocess.Popen([sys.executable, "-m", "bot.cli", "serve", "--workers", "2"], cwd=workdir,
                                   env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True)
    served = Served(process, served_port, metrics_port, output_file, temp)
    try:
        yield served
    finally:
        if process.poll() is None:
            process.kill()  # the workers die with it
            process.wait()


@contextlib.asynccontextmanager
async def fresh_connections() -> AsyncIterator[aiohttp.ClientSession]:
    """A client that opens a connection for every request, so that any worker may take each one."""
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(force_close=True)) as http:
        yield http


async def until_answered_by(http: aiohttp.ClientSession, served: Served, enough: Callable[[Counter[int]], bool],
                            what: str) -> Counter[int]:
    """Batches of ``/health`` requests until the processes that answered them are ``enough``;
    every one of them answered (200, or 503 should the database be slow to answer a busy machine),
    and each process is counted with the requests it answered."""
    answered: Counter[int] = Counter()

    async def one() -> int:
        async with http.get(f"{served.base}/health") as response:
            assert response.status in (200, 503)
            return int((await response.json())["pid"])

    async def batch() -> bool:
        answered.update(await asyncio.gather(*(one() for _ in range(BATCH))))
        return enough(answered)

    await eventually(batch, what)
    return answered


async def health_answered(http: aiohttp.ClientSession, served: Served) -> float:
    """The ``/health`` requests that ``/metrics`` counts as answered, whichever worker is scraped."""
    async with http.get(f"http://127.0.0.1:{served.metrics_port}/metrics") as response:
        assert response.status == 200
        text = await response.text()
    return sum(sample.value for family in text_string_to_metric_families(text) for sample in family.samples
               if sample.name == "leavebot_http_requests_total" and HEALTH.items() <= sample.labels.items())


def running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def stopped_cleanly(served: Served) -> str:
    """The output of a server that exited 0 without a traceback, its metrics directory removed."""
    output = served.output()
    assert served.process.returncode == 0, output
    assert "Traceback" not in output, output
    assert list(served.temp.iterdir()) == []
    return output


@pytest.mark.asyncio
async def test_two_workers_answer_count_as_one_and_stop_together(db_url: str, engine: Engine, tmp_path: Path) -> None:
    with serving(db_url, tmp_path) as served:
        async with fresh_connections() as http:
            await until_healthy(http, served.base, served.process)
            before = await health_answered(http, served)
            answered = await until_answered_by(http, served, lambda pids: len(pids) == 2, "both workers to answer")
            assert await health_answered(http, served) - before == answered.total()
            async with http.get(f"{served.base}/metrics") as response:
                assert response.status == 404  # METRICS_PORT keeps /metrics off the public port
            await eventually(lambda: asyncio.to_thread(leader_now, engine), "the scheduler to lead")
        await served.stop(signal.SIGINT)
    output = stopped_cleanly(served)
    assert set(answered) == {*served.pids(0), *served.pids(1)}  # the workers answered, not the parent
    assert not [pid for pid in answered if running(pid)]
    assert output.count("scheduler started") == 1  # in worker 0 alone
    assert not leader_now(engine)  # released on the way out, for another replica to take at once


@pytest.mark.asyncio
async def test_a_worker_killed_outright_is_replaced_and_what_it_counted_still_counts(
        db_url: str, tmp_path: Path) -> None:
    with serving(db_url, tmp_path) as served:
        async with fresh_connections() as http:
            await until_healthy(http, served.base, served.process)
            first = await until_answered_by(http, served, lambda pids: len(pids) == 2, "both workers to answer")
            before = await health_answered(http, served)
            (victim,) = served.pids(0)
            os.kill(victim, signal.SIGKILL)
            later = await until_answered_by(http, served, lambda pids: bool(set(pids) - set(first)),
                                            "a new worker to answer")
            assert victim not in later
            assert await health_answered(http, served) - before == later.total()
        await served.stop(signal.SIGTERM)
    output = stopped_cleanly(served)
    killed, replacement = served.pids(0)
    assert killed == victim and replacement in later
    assert f"worker 0 (pid {victim}) ended (signal SIGKILL); starting another" in output
    assert output.count("scheduler started") == 2  # the replacement of worker 0 runs it now
    assert not running(replacement)


def test_a_worker_that_fails_to_start_stops_the_server_instead_of_restarting(
        caplog: pytest.LogCaptureFixture) -> None:
    def fail(worker: Worker) -> None:
        raise RuntimeError(f"worker {worker.slot} cannot start")

    listener = socket.create_server(("127.0.0.1", 0))
    caplog.set_level(logging.INFO, logger="bot.workers")
    assert Supervisor(2, fail, [listener]).run() == 1
    messages = [record.getMessage() for record in caplog.records if record.name == "bot.workers"]
    assert len([m for m in messages if " started (pid " in m]) == 2  # none started again
    assert any("failed to start (exit code 1); stopping the server" in m for m in messages), messages
    assert listener.fileno() == -1  # closed: the port is free again

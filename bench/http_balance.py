"""Signed ``/leave balance`` over HTTP at 32 connections: ``leavebot serve`` against a bolt app that only acks.

    /tmp/venv/bin/python -m bench.http_balance \\
        --database-url mysql+pymysql://root@127.0.0.1:3306/leavebot_bench_1m

Starts the real ``leavebot serve`` (a subprocess, on an organisation from :mod:`bench.generate`)
and :mod:`bench.bare_bolt` (the same bolt adapter, route and aiohttp server, with a handler that
only acks), both pointed by ``SLACK_API_URL`` at a Slack stand-in served by this process, which
answers ``users.info`` at once (LeaveBot links people by their Slack e-mail on first contact) and
takes the replies LeaveBot posts to each command's ``response_url``. This process is also the load
generator: ``--connections`` workers, each sending a freshly signed slash command and, for
LeaveBot, waiting for its answer before sending the next, for ``--warm-up`` then ``--duration``
seconds. LeaveBot answers a balance in the ack itself when the core is quick, else acks empty and
posts the answer to the ``response_url``; its throughput counts *answered* commands either way,
not just acks; the bare app's counts acks, which is all it does.

Requests go round-robin over ``--users`` people (linked in a first pass, which is their first
contact), so each person sends a few commands a minute and the per-person rate limit, a flood
brake, never refuses one: the benchmark measures throughput, not the brake (refusals are counted
and reported). The bare app runs before and after LeaveBot and the ratio uses the mean of the two,
so that load from other work on the machine falls on both alike. The peak resident memory of the
serve process (``VmHWM`` in ``/proc/PID/status``) is read at the end; with ``--workers N`` (``leavebot
serve``'s pre-forking server, against the same one bare process) it is the largest worker's.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from aiohttp import ClientSession, ClientTimeout, TCPConnector, web
from sqlalchemy import func, select

from storage import tables
from storage.engine import make_engine
from storage.migrate import upgrade
from tests.integration.slack.fake_slack import form_body, signed

SECRET = "bench-signing-secret"
FORM = "application/x-www-form-urlencoded"
SLOW_DOWN = "going a bit fast"
BALANCE = "Casual leave"  # in every balance reply under the default policy
#: The targets: answered/s per worker against one bare process's acks/s (so 0.6 for two workers), the
#: ack's p99, and the peak memory of each worker.
THROUGHPUT_TARGET, P99_TARGET_MS, MEMORY_TARGET_MB = 0.3, 100.0, 150.0


@dataclass
class Sample:
    ack: float
    reply: float | None = None
    refused: bool = False
    failed: bool = False


@dataclass
class SlackStandIn:
    """``users.info`` for ``U00001``... (e-mail ``p1@bench.test``...), any other method ``ok``, and replies."""

    waiting: dict[str, asyncio.Future[bytes]] = field(default_factory=dict)
    url: str = ""

    async def method(self, request: web.Request) -> web.Response:
        name = request.match_info["method"]
        if name == "users.info":  # slack_sdk asks with GET and the user in the query string
            user = str(request.query.get("user") or (await request.post()).get("user", ""))
            return web.json_response({"ok": True, "user": {"id": user, "tz": "Asia/Kolkata", "profile": {
                "email": f"p{int(user[1:])}@bench.test"}}})
        if name == "auth.test":
            return web.json_response({"ok": True, "user_id": "UBOT", "bot_id": "BBOT", "team_id": "TBENCH"})
        return web.json_response({"ok": True})

    async def reply(self, request: web.Request) -> web.Response:
        waiter = self.waiting.pop(request.match_info["key"], None)
        if waiter is not None and not waiter.done():
            waiter.set_result(await request.read())
        return web.Response(text="ok")

    @contextlib.asynccontextmanager
    async def serving(self) -> AsyncIterator[None]:
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self.method)
        app.router.add_post("/response/{key}", self.reply)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        port = free_port()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        self.url = f"http://127.0.0.1:{port}"
        try:
            yield
        finally:
            await runner.cleanup()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def server(command: list[str], env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """Run a server process for the block; its output goes to ``log``."""
    with log.open("wb") as out:
        process = subprocess.Popen(command, env={**os.environ, **env}, stdout=out, stderr=subprocess.STDOUT)
        try:
            yield process
        finally:
            process.terminate()
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


async def wait_listening(session: ClientSession, url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"the server stopped (exit {process.returncode}):\n{log.read_text()[-3000:]}")
        with contextlib.suppress(OSError):
            async with session.get(url) as response:
                await response.read()
                return
        await asyncio.sleep(0.2)
    sys.exit(f"the server did not start in time:\n{log.read_text()[-3000:]}")


def memory_mb(pid: int) -> dict[str, float]:
    """``VmRSS`` (now) and ``VmHWM`` (the peak so far) of a process, in MB."""
    found = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            found[name] = int(value.split()[0]) / 1024
    return found


def serving_pids(pid: int, workers: int) -> list[int]:
    """The processes that answer: ``leavebot serve`` itself, or with several workers the children its
    pre-forking parent started (the parent only watches them)."""
    if workers == 1:
        return [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [int(child) for child in children]


def worker_memory_mb(pid: int, workers: int) -> dict[str, float]:
    """:func:`memory_mb` of the largest serving process: the figure per worker."""
    each = [memory_mb(child) for child in serving_pids(pid, workers)]
    return {name: max(found[name] for found in each) for name in ("VmRSS", "VmHWM")}


class Load:
    """Freshly signed ``/leave balance`` commands from ``users`` people, round-robin."""

    def __init__(self, session: ClientSession, stand_in: SlackStandIn, users: list[int]) -> None:
        self.session = session
        self.stand_in = stand_in
        self.users = users
        self.keys = itertools.count()
        self.unexpected = ""  # the last reply that was neither a balance nor a refusal

    async def one(self, url: str, await_reply: bool) -> Sample:
        key = next(self.keys)
        user = self.users[key % len(self.users)]
        body = form_body({"token": "bench", "team_id": "TBENCH", "team_domain": "bench", "channel_id": f"D{user:05d}",
                          "channel_name": "directmessage", "user_id": f"U{user:05d}", "user_name": f"p{user}",
                          "command": "/leave", "text": "balance", "api_app_id": "ABENCH",
                          "response_url": f"{self.stand_in.url}/response/{key}", "trigger_id": f"{key}.bench"})
        waiter: asyncio.Future[bytes] = asyncio.get_running_loop().create_future()
        if await_reply:
            self.stand_in.waiting[str(key)] = waiter
        started = time.perf_counter()
        async with self.session.post(url, data=body, headers=signed(body, FORM, secret=SECRET)) as response:
            acked = await response.read()
            sample = Sample(ack=time.perf_counter() - started, failed=response.status != 200)
        if not await_reply or sample.failed:
            return sample
        if acked:  # a quick question is answered in the ack itself, with nothing sent to response_url
            self.stand_in.waiting.pop(str(key), None)
            self._answered(sample, acked, sample.ack)
            return sample
        try:
            text = await asyncio.wait_for(waiter, 30)
        except TimeoutError:
            self.stand_in.waiting.pop(str(key), None)
            sample.failed = True
        else:
            self._answered(sample, text, time.perf_counter() - started)
        return sample

    def _answered(self, sample: Sample, answer: bytes, after: float) -> None:
        """Record the answer (in the ack, or posted to response_url) ``after`` seconds from the send."""
        sample.reply = after
        reply = answer.decode("utf-8", "replace")
        sample.refused = SLOW_DOWN in reply
        sample.failed = not sample.refused and BALANCE not in reply
        if sample.failed:
            self.unexpected = reply

    async def run(self, url: str, connections: int, warm_up: float, duration: float,
                  await_reply: bool) -> tuple[list[Sample], float]:
        """Closed-loop load; the samples started in the measured window, and the window's length."""
        started = time.perf_counter()
        measure_from, until = started + warm_up, started + warm_up + duration
        samples: list[Sample] = []

        async def worker() -> None:
            while (now := time.perf_counter()) < until:
                sample = await self.one(url, await_reply)
                if now >= measure_from:
                    samples.append(sample)

        await asyncio.gather(*(worker() for _ in range(connections)))
        return samples, time.perf_counter() - measure_from

    async def first_contact(self, url: str, connections: int) -> None:
        """One command per person: LeaveBot asks ``users.info`` and links them."""
        queue = list(range(len(self.users)))

        async def worker() -> None:
            while queue:
                queue.pop()
                await self.one(url, await_reply=True)

        await asyncio.gather(*(worker() for _ in range(connections)))


@dataclass
class Figures:
    rate: float
    ack_p50: float
    ack_p99: float
    reply_p50: float | None
    reply_p99: float | None
    count: int
    refused: int
    failed: int

    @classmethod
    def of(cls, samples: list[Sample], window: float) -> Figures:
        good = [s for s in samples if not s.failed]
        acks = statistics.quantiles([s.ack * 1000 for s in good], n=100)
        replies = [s.reply * 1000 for s in good if s.reply is not None]
        cut = statistics.quantiles(replies, n=100) if len(replies) > 1 else None
        return cls(len(good) / window, acks[49], acks[98], cut[49] if cut else None, cut[98] if cut else None,
                   len(samples), sum(s.refused for s in samples), len(samples) - len(good))

    def line(self, name: str) -> str:
        text = f"{name}: {self.rate:.1f} requests/s ({self.count} in the window), ack p50 {self.ack_p50:.1f} ms " \
               f"p99 {self.ack_p99:.1f} ms"
        if self.reply_p50 is not None and self.reply_p99 is not None:
            text += f", reply p50 {self.reply_p50:.1f} ms p99 {self.reply_p99:.1f} ms"
        return text + f"; {self.refused} refused by the rate limit, {self.failed} failed"


async def bench(args: argparse.Namespace, folder: Path) -> None:
    stand_in = SlackStandIn()
    async with stand_in.serving(), ClientSession(connector=TCPConnector(limit=args.connections),
                                                 timeout=ClientTimeout(total=60)) as session:
        env = {"SLACK_SIGNING_SECRET": SECRET, "SLACK_BOT_TOKEN": "xoxb-bench", "SLACK_API_URL": f"{stand_in.url}/api/",
               "DATABASE_URL": args.database_url, "HOST": "127.0.0.1", "TIMEZONE": "Asia/Kolkata",
               "ENABLE_SCHEDULED_JOBS": "false"}
        serve_port, bare_port = free_port(), free_port()
        leavebot = Path(sys.executable).with_name("leavebot")
        load = Load(session, stand_in, list(range(1, args.users + 1)))
        serving = {**env, "PORT": str(serve_port), "WORKERS": str(args.workers)}
        with server([str(leavebot), "serve"], serving, folder / "serve.log") as serve, \
                server([sys.executable, "-m", "bench.bare_bolt", str(bare_port)], env, folder / "bare.log") as bare:
            serve_url, bare_url = f"http://127.0.0.1:{serve_port}", f"http://127.0.0.1:{bare_port}"
            await wait_listening(session, f"{serve_url}/health", serve, folder / "serve.log")
            await wait_listening(session, f"{bare_url}/", bare, folder / "bare.log")
            idle = worker_memory_mb(serve.pid, args.workers)["VmRSS"]
            runs: dict[str, Figures] = {}
            runs["bare, before"] = Figures.of(*await load.run(f"{bare_url}/slack/events", args.connections,
                                                               args.warm_up, args.duration, await_reply=False))
            await load.first_contact(f"{serve_url}/slack/events", args.connections)
            runs["leavebot"] = Figures.of(*await load.run(f"{serve_url}/slack/events", args.connections,
                                                          args.warm_up, args.duration, await_reply=True))
            memory = worker_memory_mb(serve.pid, args.workers)
            runs["bare, after"] = Figures.of(*await load.run(f"{bare_url}/slack/events", args.connections,
                                                              args.warm_up, args.duration, await_reply=False))
    for name, figures in runs.items():
        print(figures.line(name))
    if load.unexpected:
        print(f"a failed reply: {load.unexpected[:300]}")
    bare_rate = (runs["bare, before"].rate + runs["bare, after"].rate) / 2
    ratio = runs["leavebot"].rate / bare_rate
    p99 = runs["leavebot"].ack_p99
    target = THROUGHPUT_TARGET * args.workers
    print(f"throughput ratio {ratio:.3f} (target at least {target:.1f}): "
          f"{'met' if ratio >= target else 'NOT met'}; "
          f"ack p99 {p99:.1f} ms (target under {P99_TARGET_MS:.0f} ms): {'met' if p99 < P99_TARGET_MS else 'NOT met'}")
    peak = memory["VmHWM"]
    workers = f"{args.workers} worker process{'es' if args.workers > 1 else ''}"
    print(f"leavebot serve, {workers} against 1 bare bolt process: per worker "
          f"{idle:.0f} MB resident after start, peak {peak:.0f} MB (VmHWM) under load "
          f"(target under {MEMORY_TARGET_MB:.0f} MB): {'met' if peak < MEMORY_TARGET_MB else 'NOT met'}")


def undelivered_notices(url: str) -> int:
    """Outbox rows waiting: ``leavebot serve`` would deliver them during the run (bench.round_trips leaves some)."""
    engine = make_engine(url)
    try:
        upgrade(engine)
        with engine.connect() as connection:
            waiting = select(func.count()).select_from(tables.outbox).where(tables.outbox.c.delivered_at.is_(None))
            return int(connection.execute(waiting).scalar_one())
    finally:
        engine.dispose()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.http_balance", description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", required=True, help="an organisation from bench.generate")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--users", type=int, default=1000, help="people the commands are spread over")
    parser.add_argument("--warm-up", type=float, default=5.0, help="seconds before measuring, per run")
    parser.add_argument("--duration", type=float, default=20.0, help="seconds measured, per run")
    parser.add_argument("--workers", type=int, default=1,
                        help="leavebot serve's worker processes (WORKERS); the bare bolt app is always one")
    args = parser.parse_args(argv)
    if waiting := undelivered_notices(args.database_url):
        sys.exit(f"{waiting} notices wait in the outbox and the server would spend the run delivering them: "
                 "use a freshly generated organisation (run this before bench.round_trips)")
    with tempfile.TemporaryDirectory() as folder:
        asyncio.run(bench(args, Path(folder)))


if __name__ == "__main__":
    main(sys.argv[1:])

"""``leavebot serve`` stops gracefully on SIGTERM, as a real process on SQLite and on MariaDB.

A ``/leave balance`` is typed in Slack; the stand-in of the Slack API holds its ``users.info``
answer, so the command is still in flight (acknowledged, its use case not yet run) when SIGTERM
arrives. From then on the server refuses new connections but keeps the process alive until the
held command has finished and its reply has gone out; then it exits 0 and leaves the scheduler's
leadership free for another replica at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
import pytest
import pytest_asyncio
from aiohttp import web
from aiohttp.test_utils import TestServer
from sqlalchemy import Engine, select

from core.service import LeaveService
from storage import tables
from storage.engine import is_mysql, make_engine
from storage.jobs import Leadership
from tests.integration.slack.conftest import ANANYA, FORM, payload
from tests.integration.slack.fake_slack import BOT_TOKEN, SIGNING_SECRET, FakeSlack, form_body, signed

pytestmark = pytest.mark.asyncio

REPO = Path(__file__).resolve().parents[3]
PLATFORM_PREFIXES = ("SLACK_", "MICROSOFT_", "MS_GRAPH_", "GOOGLE_")
WAIT_SECONDS = 60.0


class HeldSlack:
    """The Slack stand-in, with ``users.info`` answered only once :attr:`release` is set."""

    def __init__(self, fake: FakeSlack) -> None:
        self.fake = fake
        self.asked = asyncio.Event()
        self.release = asyncio.Event()

    @web.middleware
    async def hold(self, request: web.Request,
                   handler: Callable[[web.Request], Awaitable[web.StreamResponse]]) -> web.StreamResponse:
        if request.path.endswith("/users.info"):
            self.asked.set()
            await self.release.wait()
        return await handler(request)


@pytest_asyncio.fixture
async def held_slack(fake_slack: FakeSlack) -> AsyncIterator[HeldSlack]:
    held = HeldSlack(fake_slack)
    app = fake_slack.app()
    app.middlewares.append(held.hold)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    fake_slack.base_url = str(server.make_url("")).rstrip("/")
    try:
        yield held
    finally:
        held.release.set()
        await server.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def serve(db_url: str, port: int, slack: FakeSlack, cwd: Path, **more: str) -> Iterator[subprocess.Popen[str]]:
    """``leavebot serve`` against ``slack``, with settings ``more`` (``SLACK_APP_TOKEN=...``) added; killed
    on the way out if a failed test left it running."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(PLATFORM_PREFIXES)}
    env.update(DATABASE_URL=db_url, HOST="127.0.0.1", PORT=str(port), TIMEZONE="Asia/Kolkata",
               ENABLE_SCHEDULED_JOBS="true", SHUTDOWN_TIMEOUT="30", SLACK_BOT_TOKEN=BOT_TOKEN,
               SLACK_SIGNING_SECRET=SIGNING_SECRET, SLACK_API_URL=f"{slack.base_url}/api/",
               PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])), **more)
    process = subprocess.Popen([sys.executable, "-m", "bot.cli", "serve"], cwd=cwd, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()


async def eventually(check: Callable[[], Awaitable[bool]], what: str) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not await check():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting: {what}")
        await asyncio.sleep(0.1)


async def until_healthy(http: aiohttp.ClientSession, base: str, process: subprocess.Popen[str]) -> None:
    """Wait until the server at ``base`` answers ``/health`` (with its error output if it died instead)."""
    async def healthy() -> bool:
        try:
            async with http.get(f"{base}/health") as response:
                return response.status == 200
        except aiohttp.ClientError:
            assert process.poll() is None, process.communicate()[1]
            return False

    await eventually(healthy, "the server to answer /health")


async def release_and_stop(held: HeldSlack, process: subprocess.Popen[str]) -> None:
    """Release the held answer while the stopping process waits for it: the command's reply goes out,
    then the process exits 0, with nothing left running for ``SHUTDOWN_TIMEOUT`` to cut off."""
    assert process.poll() is None  # still finishing the command in flight
    assert held.fake.calls_to("response_url") == []
    held.release.set()
    _out, err = await asyncio.to_thread(process.communicate, timeout=WAIT_SECONDS)
    assert process.returncode == 0, err
    assert "Traceback" not in err, err
    assert "still running" not in err, err  # nothing was left for the deadline to cut off
    replies = held.fake.calls_to("response_url")
    assert [r.params["name"] for r in replies] == ["held"]
    assert "Casual" in str(replies[0].params), replies[0].params


def leader_now(engine: Engine) -> bool:
    """Whether some process holds the scheduler's leadership (the lock on MySQL, the lease row on SQLite)."""
    with engine.connect() as connection:
        if is_mysql(engine):
            holder = connection.exec_driver_sql("SELECT IS_USED_LOCK('leavebot-scheduler')").scalar()
            return holder is not None
        return connection.execute(select(tables.scheduler_leases)).first() is not None


async def test_sigterm_finishes_the_command_in_flight_refuses_new_connections_and_frees_leadership(
        service: LeaveService, engine: Engine, db_url: str, held_slack: HeldSlack, tmp_path: Path) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with serve(db_url, port, held_slack.fake, tmp_path) as process:
        async with aiohttp.ClientSession() as http:
            await until_healthy(http, base, process)
            await eventually(lambda: asyncio.to_thread(leader_now, engine), "the scheduler to lead")

            fields = payload("slash_command")
            fields.update(user_id=ANANYA, text="balance", response_url=held_slack.fake.response_url("held"),
                          trigger_id="1.2.held")
            body = form_body(fields)
            async with http.post(f"{base}/slack/events", data=body, headers=signed(body, FORM)) as response:
                assert response.status == 200  # acknowledged; the work follows
        await asyncio.wait_for(held_slack.asked.wait(), WAIT_SECONDS)

        process.send_signal(signal.SIGTERM)

        async def refused() -> bool:
            try:
                _reader, writer = await asyncio.open_connection("127.0.0.1", port)
            except ConnectionRefusedError:
                return True
            except ConnectionResetError:  # queued just as the socket closed: ask again
                return False
            writer.close()
            return False

        await eventually(refused, "the listening socket to close")
        await release_and_stop(held_slack, process)
    assert not leader_now(engine)
    successor = Leadership(make_engine(db_url), "the-next-replica")
    assert successor.acquire(datetime.now(UTC))
    successor.release()

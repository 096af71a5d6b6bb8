"""MariaDB stopped for 20 s under load: every reply says "try again shortly", nothing is half-written,
and the bot recovers by itself when the database is back, without a restart.

The shared MariaDB of the other tests must stay up, so this module starts a private ``mariadbd``
on a data directory and port of its own, stops it with SIGTERM in the middle of a steady load of
signed ``/leave balance`` and ``/leave apply`` commands from several people, and starts it again
on the same data directory and port. Each reply comes in the acknowledgement or through
``response_url``, as Slack allows; the test plays Slack and gives each request Slack's 3 seconds.

``LEAVEBOT_OUTAGE_SECONDS`` shortens the outage for local runs; CI runs the full 20 s.
"""

from __future__ import annotations

import asyncio
import getpass
import json
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import pymysql
import pytest

from core.service import UNAVAILABLE
from tests.integration.slack.fake_slack import FakeSlack
from tests.reliability.conftest import (
    Org,
    SlackTraffic,
    free_port,
    half_written,
    ledger_matches_balances,
    make_org,
    serve_in_process,
    server_settings,
    service_balance,
    until,
    working_days,
)

pytestmark = pytest.mark.asyncio

MARIADBD = shutil.which("mariadbd") or shutil.which("mariadbd", path="/usr/sbin:/usr/local/sbin")
INSTALL_DB = shutil.which("mariadb-install-db") or shutil.which("mysql_install_db")
OUTAGE_SECONDS = float(os.environ.get("LEAVEBOT_OUTAGE_SECONDS", "20"))
#: Slack gives up on a request that has no HTTP answer after 3 seconds.
SLACK_TIMEOUT = 3.0
#: Each of these people types a command every ``PAUSE`` seconds, all the time.
TYPISTS = 6
PAUSE = 0.25


@dataclass
class PrivateMariaDB:
    """A ``mariadbd`` of this module's own: root without a password over TCP on 127.0.0.1."""

    datadir: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"mysql+pymysql://root@127.0.0.1:{self.port}/leavebot"

    def install(self) -> None:
        assert INSTALL_DB is not None
        subprocess.run([INSTALL_DB, "--no-defaults", f"--datadir={self.datadir / 'data'}",
                        "--auth-root-authentication-method=normal", "--skip-test-db"],
                       check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        assert MARIADBD is not None
        log = (self.datadir / "mariadbd.log").open("ab")
        self.process = subprocess.Popen(
            [MARIADBD, "--no-defaults", f"--datadir={self.datadir / 'data'}", f"--socket={self.datadir / 'sock'}",
             f"--port={self.port}", "--bind-address=127.0.0.1", f"--user={getpass.getuser()}",
             f"--pid-file={self.datadir / 'pid'}", "--skip-log-bin", "--innodb-buffer-pool-size=32M"],
            stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while not self._answers():
            if self.process.poll() is not None:
                raise AssertionError(f"mariadbd exited: {(self.datadir / 'mariadbd.log').read_text()[-2000:]}")
            if time.monotonic() > deadline:
                raise AssertionError("mariadbd did not accept connections within 60 s")
            time.sleep(0.1)

    def stop(self) -> None:
        """SIGTERM, then wait until the server has exited (and closed every connection)."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=60)

    def _answers(self) -> bool:
        try:
            connection = pymysql.connect(host="127.0.0.1", port=self.port, user="root", password="",
                                         connect_timeout=1)
        except pymysql.err.OperationalError:
            return False
        try:
            with connection.cursor() as cursor:
                cursor.execute("CREATE DATABASE IF NOT EXISTS leavebot CHARACTER SET utf8mb4")
        finally:
            connection.close()
        return True


@pytest.fixture(scope="module")
def mariadb(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrivateMariaDB]:
    if MARIADBD is None or INSTALL_DB is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true requires mariadbd and mariadb-install-db for the outage test", pytrace=False)
        pytest.skip("mariadbd is not installed: the outage test needs a MariaDB server of its own")
    server = PrivateMariaDB(tmp_path_factory.mktemp("mariadb"))
    server.install()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def org() -> Org:
    return make_org(teams=2, size=TYPISTS // 2)


@dataclass
class Sent:
    """One command: when it was sent, how Slack's HTTP request ended, the reply's URL, and the reply
    itself when it came in the acknowledgement."""

    at: float
    status: int | str
    url: str
    acked: dict[str, Any] | None = None


async def keep_typing(traffic: SlackTraffic, org: Org, days: list[str], sent: list[Sent], stop: asyncio.Event) -> None:
    """Each person types ``balance`` and ``apply`` by turns until ``stop``; every request is recorded."""

    async def typist(index: int) -> None:
        member = org.staff[index]
        turn = 0
        while not stop.is_set():
            text = "balance" if turn % 2 else f"apply casual {days[(turn // 2) % len(days)]}"
            url = traffic.response_url()
            at = time.monotonic()
            status: int | str
            body = ""
            try:
                status, body = await traffic.post(traffic.command(member.slack_id, text, url),
                                                  timeout=SLACK_TIMEOUT)
            except (aiohttp.ClientError, TimeoutError) as error:
                status = type(error).__name__
            sent.append(Sent(at, status, url, json.loads(body) if status == 200 and body else None))
            turn += 1
            await asyncio.sleep(PAUSE)

    await asyncio.gather(*(typist(i) for i in range(TYPISTS)))


async def test_an_outage_is_answered_politely_and_recovered_from_without_a_restart(
        mariadb: PrivateMariaDB, slack_api: FakeSlack, org: Org, http: aiohttp.ClientSession) -> None:
    server = await serve_in_process(server_settings(mariadb.url, slack_api, rate_limit_per_minute=0))
    typing: asyncio.Task[None] | None = None
    stop = asyncio.Event()
    try:
        service, engine = server.runtime.service, server.runtime.engine
        service.import_employees(org.csv())
        days = [day.isoformat() for day in working_days(engine, 10)]
        traffic = SlackTraffic(slack_api, http, server.base)
        sent: list[Sent] = []

        def answers(s: Sent) -> list[dict[str, Any]]:
            return [s.acked, *traffic.replies(s.url)] if s.acked else traffic.replies(s.url)

        def replies(since: float, until_: float | None = None) -> list[str]:
            return [str(reply.get("text", "")) for s in sent if s.at >= since and (until_ is None or s.at < until_)
                    for reply in answers(s)]

        typing = asyncio.create_task(keep_typing(traffic, org, days, sent, stop))
        started = time.monotonic()
        await until(lambda: any(UNAVAILABLE not in text for text in replies(started)), 30, "replies while up")

        await asyncio.get_running_loop().run_in_executor(None, mariadb.stop)
        down = time.monotonic()
        await asyncio.sleep(OUTAGE_SECONDS)
        back = time.monotonic()
        await asyncio.get_running_loop().run_in_executor(None, mariadb.start)
        # No restart of the bot: the next commands reach the database again by themselves.
        await until(lambda: any(UNAVAILABLE not in text for text in replies(time.monotonic() - 2 * PAUSE)), 60,
                    "a normal reply once the database is back")
        stop.set()
        await typing
        await slack_api.settle(quiet=0.5)

        assert {s.status for s in sent} == {200}  # every request answered within Slack's 3 s, none a 500
        during = [s for s in sent if down <= s.at < back]
        assert len(during) >= TYPISTS * int(OUTAGE_SECONDS / 2)
        assert all(answers(s) for s in during)  # every one of them got its reply...
        assert set(replies(down, back)) == {UNAVAILABLE}  # ...saying to try again shortly
        assert half_written(engine) == []
        assert ledger_matches_balances(engine, service_balance(service), org) == []
        assert service.list_requests()  # applications were filed before and after the outage
    finally:
        stop.set()
        if typing is not None:
            await asyncio.gather(typing, return_exceptions=True)
        await server.close()

"""Shared pieces of the reliability suite: an organisation, ``leavebot serve`` processes, signed Slack traffic.

The scenarios run the real server (as a subprocess, or the same app in-process) on real
databases (SQLite files and MariaDB), with the Slack Web API replaced by the stand-in of
``tests/integration/slack`` reached through ``SLACK_API_URL``, as in production.
``db_url`` (SQLite and MariaDB, each test in a fresh database) and the stand-in fixtures are the
integration suite's own, imported here rather than copied.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import AsyncIterator, Coroutine, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

import aiohttp
import pytest
import pytest_asyncio
from sqlalchemy import Engine, func, select, update

from bot.clock import SystemClock
from bot.main import build_runtime, default_policy_document, mount_doors
from bot.runtime import Runtime
from bot.server import create_app
from bot.settings import Settings
from core.commands import ApplyLeave
from core.service import LeaveService
from core.views import AppliedView
from storage import tables
from storage.engine import make_engine
from storage.migrate import upgrade
from storage.uow import uow_factory
from tests.integration.conftest import (  # noqa: F401  (fixtures, reused)
    db_url,
    migrated_mysql,
    migrated_sqlite,
    mysql_server,
)
from tests.integration.slack.conftest import payload, slack_api, slack_settings  # noqa: F401  (slack_api: fixture)
from tests.integration.slack.fake_slack import FakeSlack, form_body, interaction_body, signed

REPO = Path(__file__).resolve().parents[2]
FORM = "application/x-www-form-urlencoded"
ZONE = "Asia/Kolkata"
CSV_HEADER = ("employee_id,email,first_name,last_name,manager_email,role,department,location,country,joining_date,"
              "status,time_zone,slack_user_id")
#: How long a ``leavebot serve`` process may take to answer ``/health`` (imports, migrations).
START_SECONDS = 60.0

T = TypeVar("T")


def free_port() -> int:
    """A TCP port nobody listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# -- the organisation --------------------------------------------------------------------------


@dataclass(frozen=True)
class Member:
    employee_id: str
    email: str
    first: str
    last: str
    role: str
    manager_email: str = ""

    @property
    def slack_id(self) -> str:
        return f"U0{self.employee_id}"

    def row(self) -> str:
        return (f"{self.employee_id},{self.email},{self.first},{self.last},{self.manager_email},{self.role},"
                f"Engineering,Bengaluru,INDIA,2021-04-01,ACTIVE,{ZONE},{self.slack_id}")


@dataclass(frozen=True)
class Org:
    """An HR admin, ``teams`` managers and ``size`` reports for each, all on Slack."""

    hr: Member
    managers: tuple[Member, ...]
    staff: tuple[Member, ...]

    @property
    def everyone(self) -> tuple[Member, ...]:
        return (self.hr, *self.managers, *self.staff)

    def csv(self) -> str:
        return "\n".join([CSV_HEADER, *(member.row() for member in self.everyone)]) + "\n"

    def manager_of(self, member: Member) -> Member:
        return next(m for m in self.managers if m.email == member.manager_email)

    def by_email(self, email: str) -> Member:
        return next(m for m in self.everyone if m.email == email)


def make_org(teams: int, size: int) -> Org:
    hr = Member("H1", "hr@rel.test", "Hema", "Rao", "HR_ADMIN")
    managers = tuple(Member(f"M{t}", f"manager{t}@rel.test", "Manager", f"No{t}", "MANAGER") for t in range(teams))
    staff = tuple(Member(f"E{t}x{i}", f"staff{t}x{i}@rel.test", "Staff", f"No{t}x{i}", "EMPLOYEE", m.email)
                  for t, m in enumerate(managers) for i in range(size))
    return Org(hr, managers, staff)


def add_to_stand_in(fake: FakeSlack, org: Org) -> FakeSlack:
    for member in org.everyone:
        fake.add_user(member.slack_id, member.email, f"{member.first} {member.last}")
    return fake


@dataclass(frozen=True)
class Pending:
    """A request waiting for ``approver``'s decision."""

    request_id: int
    number: str
    employee: Member
    approver: Member


def seeded_service(url: str, org: Org) -> tuple[LeaveService, Engine]:
    """Migrate the database, load the built-in policy and the organisation, as ``leavebot`` would."""
    engine = make_engine(url)
    upgrade(engine)
    service = LeaveService(uow_factory(engine), SystemClock(), default_time_zone=ZONE)
    service.load_policy(default_policy_document(), "default")
    service.import_employees(org.csv())
    return service, engine


def apply_for_everyone(service: LeaveService, org: Org, per_person: int = 1) -> list[Pending]:
    """Each member of staff applies for ``per_person`` single casual days, on working days ahead."""
    pending: list[Pending] = []
    for member in org.staff:
        day = date.today() + timedelta(days=10)
        for _ in range(per_person):
            view = None
            while not isinstance(view, AppliedView):  # skip weekends and holidays
                day += timedelta(days=1)
                assert day < date.today() + timedelta(days=120), f"no working day found for {member.email}"
                view = service.execute(member.email, ApplyLeave("casual", day, day), "cli")
            pending.append(Pending(view.request.id, view.request.number, member, org.manager_of(member)))
    return pending


def working_days(engine: Engine, count: int, after: int = 10) -> list[date]:
    """The next ``count`` weekdays from ``after`` days ahead that are no holiday of the organisation's region."""
    with engine.connect() as connection:
        holidays = set(connection.execute(select(tables.holidays.c.day)).scalars())
    days: list[date] = []
    day = date.today() + timedelta(days=after)
    while len(days) < count:
        day += timedelta(days=1)
        if day.weekday() < 5 and day not in holidays:
            days.append(day)
    return days


def row_counts(engine: Engine) -> dict[str, int]:
    """Rows in every table LeaveBot owns."""
    with engine.connect() as connection:
        return {name: int(connection.execute(select(func.count()).select_from(table)).scalar_one())
                for name, table in tables.metadata.tables.items()}


def ledger_sums(engine: Engine) -> dict[tuple[str, str, int], Decimal]:
    """(employee, type, year) -> sum of the ledger's entries."""
    query = select(tables.ledger_entries.c.employee_id, tables.ledger_entries.c.type_key,
                   tables.ledger_entries.c.year, func.sum(tables.ledger_entries.c.days)).group_by(
        tables.ledger_entries.c.employee_id, tables.ledger_entries.c.type_key, tables.ledger_entries.c.year)
    with engine.connect() as connection:
        return {(str(e), str(t), int(y)): Decimal(str(s)) for e, t, y, s in connection.execute(query)}


def decision_audit(engine: Engine) -> dict[int, list[str]]:
    """request id -> the successful approve/reject audit entries recorded for it."""
    audit = tables.audit_log
    query = select(audit.c.request_id, audit.c.action).where(
        audit.c.action.in_(("approve", "reject")), audit.c.outcome == "ok")
    found: dict[int, list[str]] = {}
    with engine.connect() as connection:
        for request_id, action in connection.execute(query):
            found.setdefault(int(request_id), []).append(str(action))
    return found


def rows_per_request(engine: Engine, table: Any, *where: Any) -> Counter[int]:
    """How many rows of ``table`` (decisions, ledger entries...) each request has."""
    query = select(table.c.request_id).where(table.c.request_id.is_not(None), *where)
    with engine.connect() as connection:
        return Counter(int(request_id) for request_id in connection.execute(query).scalars())


def decisions_made(engine: Engine) -> Counter[int]:
    return rows_per_request(engine, tables.approval_decisions)


def leave_taken(engine: Engine) -> Counter[int]:
    """How many leave-taken entries each request has."""
    ledger = tables.ledger_entries.c
    query = select(ledger.source_id).where(ledger.source_kind == "request", ledger.kind == "LEAVE_TAKEN")
    with engine.connect() as connection:
        return Counter(int(request_id) for request_id in connection.execute(query).scalars())


def posts_per_delivery(api: FakeSlack) -> Counter[str]:
    """How many times each outbox delivery (named in the message metadata) was posted to Slack."""
    found: Counter[str] = Counter()
    for call in api.calls_to("chat.postMessage"):
        metadata = call.params.get("metadata") or {}
        delivery = (metadata.get("event_payload") or {}).get("delivery") if isinstance(metadata, dict) else None
        if delivery:
            found[str(delivery)] += 1
    return found


def settled_targets(engine: Engine) -> set[str]:
    """Every (event, target) the outbox recorded as settled, as ``event/target`` like the metadata."""
    query = select(tables.outbox_targets.c.outbox_id, tables.outbox_targets.c.target).where(
        tables.outbox_targets.c.outcome == "delivered")
    with engine.connect() as connection:
        return {f"{event}/{target}" for event, target in connection.execute(query)}


def half_written(engine: Engine) -> list[str]:
    """What is not whole: a request without its audit entry and outbox event for every change, or
    with leave taken that does not match its status. Empty when every change was written whole."""
    audit, outbox = tables.audit_log, tables.outbox
    with engine.connect() as connection:
        statuses = dict(connection.execute(select(tables.leave_requests.c.id, tables.leave_requests.c.status)).all())
        audited = Counter(connection.execute(select(audit.c.request_id).where(
            audit.c.outcome == "ok", audit.c.request_id.is_not(None))).scalars())
        events = Counter(json.loads(payload).get("request_id") for payload in connection.execute(
            select(outbox.c.payload)).scalars())
    taken = leave_taken(engine)
    problems = []
    for request_id, status in statuses.items():
        if not audited[request_id] or audited[request_id] != events[request_id]:
            problems.append(f"request {request_id}: {audited[request_id]} audit entries, {events[request_id]} events")
        if bool(taken[request_id]) != (status == "APPROVED"):
            problems.append(f"request {request_id} is {status} with {taken[request_id]} leave-taken entries")
    return problems


def ledger_matches_balances(engine: Engine, balance: Any, org: Org) -> list[str]:
    """Where the ledger of an (employee, type, year) does not sum to ``available + pending`` of the balance
    shown; ``balance(email, year)`` gives the rows shown (from the service, or ``leavebot balance --json``)."""
    problems = []
    shown: dict[tuple[str, int], dict[str, Decimal]] = {}
    for (employee_id, type_key, year), total in ledger_sums(engine).items():
        member = next(m for m in org.everyone if m.employee_id == employee_id)
        if (member.email, year) not in shown:
            shown[member.email, year] = balance(member.email, year)
        if shown[member.email, year].get(type_key) != total:
            problems.append(f"{member.email} {type_key} {year}: ledger {total}, shown "
                            f"{shown[member.email, year].get(type_key)}")
    return problems


def service_balance(service: LeaveService) -> Any:
    """``available + pending`` per type, as the service shows an employee's balance of a year."""

    def balance(email: str, year: int) -> dict[str, Decimal]:
        return {row.type_key: (row.available + row.pending).value for row in service.balance_of(email, year).rows}

    return balance


def outbox_left(engine: Engine) -> int:
    with engine.connect() as connection:
        query = select(func.count()).select_from(tables.outbox).where(tables.outbox.c.delivered_at.is_(None))
        return int(connection.execute(query).scalar_one())


async def until(check: Any, timeout: float, what: str, every: float = 0.2) -> None:
    """Wait until ``check()`` is true (it may be a coroutine function), or fail naming ``what``."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        await asyncio.sleep(every)


# -- Slack traffic -------------------------------------------------------------------------------


@dataclass
class SlackTraffic:
    """Signed requests as Slack sends them to ``{base}/slack/events``; ``retry`` adds the retry headers."""

    api: FakeSlack
    session: aiohttp.ClientSession
    base: str
    _names: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    def response_url(self) -> str:
        return self.api.response_url(f"r{next(self._names)}")

    def command(self, user: str, text_: str, response_url: str, trigger_id: str | None = None) -> str:
        fields = payload("slash_command")
        fields.update(user_id=user, text=text_, response_url=response_url,
                      trigger_id=trigger_id or f"{next(self._names)}.738474920.{user.lower()}")
        return form_body(fields)

    def click(self, user: str, action_id: str, number: str, response_url: str) -> str:
        body = payload("block_actions_approve")
        body["user"]["id"] = user
        body["response_url"] = response_url
        body["trigger_id"] = f"{next(self._names)}.738474920.click"
        body["actions"][0].update(action_id=action_id, value=number, block_id=f"decide:{number}")
        return interaction_body(body)

    def apply_modal(self, user: str, view_id: str, type_key: str, day: date) -> str:
        body = payload("view_submission_apply")
        body["user"]["id"] = user
        body["view"]["id"] = view_id
        values = body["view"]["state"]["values"]
        values["leave_type"]["value"]["selected_option"]["value"] = type_key
        values["start"]["value"]["selected_date"] = values["end"]["value"]["selected_date"] = day.isoformat()
        return interaction_body(body)

    def reject_modal(self, user: str, view_id: str, number: str, reason: str) -> str:
        body = payload("view_submission_reject")
        body["user"]["id"] = user
        body["view"].update(id=view_id, private_metadata=json.dumps({"id": number}))
        body["view"]["state"]["values"]["reason"]["value"]["value"] = reason
        return interaction_body(body)

    async def post(self, body: str, retry: int | None = None, base: str | None = None,
                   content_type: str = FORM, timeout: float = 10.0) -> tuple[int, str]:
        headers = signed(body, content_type, retry=retry)
        async with self.session.post(f"{base or self.base}/slack/events", data=body.encode(), headers=headers,
                                     timeout=aiohttp.ClientTimeout(total=timeout)) as response:
            return response.status, await response.text()

    def replies(self, response_url: str) -> list[dict[str, Any]]:
        name = response_url.rsplit("/", 1)[1]
        return [c.params for c in self.api.calls_to("response_url") if c.params.get("name") == name]


@pytest.fixture
def org() -> Org:
    return make_org(teams=10, size=10)


@pytest.fixture
def fake_slack(org: Org) -> FakeSlack:
    """The stand-in knows everyone in ``org`` (``slack_api`` serves it)."""
    return add_to_stand_in(FakeSlack(), org)


@pytest_asyncio.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


# -- the server, in-process or as ``leavebot serve`` -------------------------------------------


def server_settings(url: str, api: FakeSlack, **overrides: Any) -> Settings:
    """Slack at the stand-in, Teams in Emulator mode, no scheduler (its jobs are not under test)."""
    return slack_settings(api, database_url=url, timezone=ZONE, enable_scheduled_jobs=False, **overrides)


@dataclass
class InProcess:
    """The app of ``leavebot serve``, composed by the same functions, on a port of this event loop."""

    runtime: Runtime
    base: str
    runner: Any

    async def close(self) -> None:
        await self.runner.cleanup()
        self.runtime.engine.dispose()


async def serve_in_process(settings: Settings) -> InProcess:
    from aiohttp import web

    runtime = build_runtime(settings)
    app = create_app(runtime.engine, service=runtime.service, doors={"slack": "configured"})
    mount_doors(app, runtime, settings)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    return InProcess(runtime, f"http://127.0.0.1:{port}", runner)


class ServeProcess:
    """``leavebot serve`` as a child process, with the environment a deployment would give it."""

    def __init__(self, url: str, api: FakeSlack, workdir: Path, name: str = "serve") -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = workdir / f"{name}-{self.port}.log"
        self._workdir = workdir
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("SLACK_", "MICROSOFT_", "MS_GRAPH_", "GOOGLE_", "ENABLE_", "DATABASE_"))}
        env.update(DATABASE_URL=url, PORT=str(self.port), HOST="127.0.0.1", TIMEZONE=ZONE,
                   ENABLE_SCHEDULED_JOBS="false", SLACK_BOT_TOKEN="xoxb-leavebot-test",
                   SLACK_SIGNING_SECRET=slack_settings(api).slack_signing_secret.get_secret_value(),  # type: ignore[union-attr]
                   SLACK_API_URL=f"{api.base_url}/api/", PYTHONPATH=str(REPO), LOG_LEVEL="warning")
        self._env = env
        self.process: subprocess.Popen[bytes] | None = None

    async def start(self, session: aiohttp.ClientSession) -> ServeProcess:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen([sys.executable, "-m", "bot.cli", "serve"], cwd=self._workdir,
                                            env=self._env, stdout=log, stderr=subprocess.STDOUT)

        async def healthy() -> bool:
            assert self.process is not None
            if self.process.poll() is not None:
                raise AssertionError(f"leavebot serve exited with {self.process.returncode}:\n{self.output()}")
            try:
                async with session.get(f"{self.base}/health", timeout=aiohttp.ClientTimeout(total=2)) as response:
                    return response.status == 200
            except (aiohttp.ClientError, TimeoutError):
                return False

        await until(healthy, START_SECONDS, f"leavebot serve on port {self.port} to answer /health")
        return self

    def kill(self) -> None:
        """SIGKILL: no clean-up at all, as when a machine loses power."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


def expire_leases(engine: Engine) -> None:
    """Let the leases of outbox claims held by a dead process run out now instead of in minutes."""
    past = datetime.now(UTC) - timedelta(seconds=1)
    with engine.begin() as connection:
        connection.execute(update(tables.outbox).where(tables.outbox.c.delivered_at.is_(None),
                                                       tables.outbox.c.next_attempt_at > past)
                           .values(next_attempt_at=past))


class BackgroundLoop:
    """An event loop in a thread of its own, for synchronous tests (hypothesis) that need async servers."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, name="reliability-loop", daemon=True)
        self._thread.start()

    def run(self, work: Coroutine[Any, Any, T], timeout: float = 60.0) -> T:
        return asyncio.run_coroutine_threadsafe(work, self.loop).result(timeout)

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=10)
        self.loop.close()

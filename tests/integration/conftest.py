"""Fixtures for tests against real databases: every test runs on SQLite and on MariaDB/MySQL.

Each MySQL test gets a database of its own (created and dropped here), so tests can run in any
order and never see each other's rows. Without a reachable server the MySQL half is skipped
with a notice locally, and fails in CI (``CI=true``) so that it cannot silently stop running.
"""

from __future__ import annotations

import contextlib
import os
import socket
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from core.ports import UnitOfWork
from core.ports.chat import ChatStore
from core.ports.downloads import Downloads
from core.service import LeaveService
from storage import migrate
from storage import uow as storage_uow
from storage.chat import SqlChatStore
from storage.downloads import SqlDownloads
from storage.engine import make_engine
from tests.unit.conftest import ORG_CSV, policy_document
from tests.unit.fakes import FixedClock

DEFAULT_MYSQL_SERVER_URL = "mysql+pymysql://root@127.0.0.1:3306"
MYSQL_URL_VARIABLE = "LEAVEBOT_TEST_MYSQL_URL"
SKIP_PREFIX = "MySQL tests skipped"
DEFAULT_SKIP_MESSAGE = (
    f"{SKIP_PREFIX}: no MariaDB/MySQL at 127.0.0.1:3306 (set {MYSQL_URL_VARIABLE} to point elsewhere)"
)


def _server_url() -> str:
    return os.environ.get(MYSQL_URL_VARIABLE) or DEFAULT_MYSQL_SERVER_URL


def _server_engine(server_url: str) -> Engine:
    """An engine on the server itself (no database), for CREATE/DROP DATABASE."""
    url = make_url(server_url).set(database=None)
    if url.drivername in ("mysql", "mariadb"):
        url = url.set(drivername=f"{url.drivername}+pymysql")
    return create_engine(
        url,
        poolclass=NullPool,
        isolation_level="AUTOCOMMIT",
        connect_args={"connect_timeout": 3},
    )


@pytest.fixture(scope="session")
def mysql_server() -> tuple[str | None, str]:
    """(server URL, "") when a MariaDB/MySQL server answers, else (None, why not); asked once."""
    server_url = _server_url()
    engine = _server_engine(server_url)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as exc:
        if not os.environ.get(MYSQL_URL_VARIABLE):
            return None, DEFAULT_SKIP_MESSAGE
        cause = str(getattr(exc, "orig", exc)).splitlines()[0]
        return None, f"{SKIP_PREFIX}: no MariaDB/MySQL at {_display_url()} (from {MYSQL_URL_VARIABLE}): {cause}"
    finally:
        engine.dispose()
    return server_url, ""


@pytest.fixture(
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param("mysql", id="mysql", marks=pytest.mark.mysql),
    ]
)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of an empty database of the parametrized kind, removed after the test."""
    with new_database(request, tmp_path) as url:
        yield url


@contextlib.contextmanager
def new_database(request: pytest.FixtureRequest, directory: Path, kind: str | None = None) -> Iterator[str]:
    """An empty database of the kind ``request.param`` (or ``kind``) names (``sqlite`` in ``directory``,
    or ``mysql``), removed afterwards; also for fixtures of a wider scope than a test."""
    if (kind or request.param) == "sqlite":
        yield f"sqlite:///{directory / 'leavebot.db'}"
        return
    server_url, reason = request.getfixturevalue("mysql_server")
    if server_url is None:
        if os.environ.get("CI") == "true":
            pytest.fail(
                f"CI=true requires the MySQL tests to run: {reason.removeprefix(SKIP_PREFIX + ': ')}", pytrace=False
            )
        pytest.skip(reason)
    name = f"leavebot_test_{uuid.uuid4().hex[:12]}"
    server = _server_engine(server_url)
    try:
        with server.connect() as connection:
            connection.execute(text(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"))
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with server.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS `{name}`"))
        server.dispose()


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """An engine on a freshly migrated database."""
    engine = make_engine(db_url)
    try:
        migrate.upgrade(engine)
        yield engine
    finally:
        engine.dispose()


@pytest.fixture
def uow_factory(engine: Engine) -> Callable[[], storage_uow.SqlUnitOfWork]:
    """What the core's use cases take: a new unit of work on each call."""
    return storage_uow.uow_factory(engine)


@pytest.fixture
def chat_store(engine: Engine) -> ChatStore:
    """The doors' own addresses and cards, in the same database."""
    return SqlChatStore(engine)


@pytest.fixture
def download_store(engine: Engine) -> Downloads:
    """The files the doors hand out by link, in the same database."""
    return SqlDownloads(engine)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say loudly that the MySQL half did not run, rather than leaving it in the skip count."""
    skipped = [
        report
        for report in terminalreporter.stats.get("skipped", [])
        if SKIP_PREFIX in str(getattr(report, "longrepr", ""))
    ]
    if skipped:
        terminalreporter.write_sep(
            "!",
            f"{len(skipped)} MySQL test(s) skipped: no MariaDB/MySQL reachable at {_display_url()} "
            f"(start one or set {MYSQL_URL_VARIABLE})",
            yellow=True,
            bold=True,
        )


def _display_url() -> str:
    return make_url(_server_url()).render_as_string(hide_password=True)


@pytest.fixture
def clock() -> FixedClock:
    """Wednesday 25 Nov 2026, 10:00 in India: the day every integration test lives on."""
    return FixedClock(datetime(2026, 11, 25, 4, 30, tzinfo=UTC))


@pytest.fixture
def service(uow_factory: Callable[[], UnitOfWork], clock: FixedClock) -> LeaveService:
    """The core on the real database, with the built-in policy and a small organisation."""
    service = LeaveService(uow_factory, clock, default_time_zone="Asia/Kolkata")
    service.load_policy(policy_document(), "test")
    service.import_employees(ORG_CSV)
    return service


@pytest.fixture
def silent() -> Iterator[str]:
    """``http://127.0.0.1:PORT`` of a service that has hung: the kernel queues connections and
    nothing is ever read or sent, so a client waits until its own time-out."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        listener.close()

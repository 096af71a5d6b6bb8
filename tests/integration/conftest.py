"""Fixtures for tests against real databases: every test runs on SQLite and on MariaDB/MySQL.

Each MySQL test gets a database of its own (created and dropped here), so tests can run in any
order and never see each other's rows. Without a reachable server the MySQL half is skipped
with a notice locally, and fails in CI (``CI=true``) so that it cannot silently stop running.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Connection, Engine, create_engine, text
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
    """The URL of an empty database of the parametrized kind, removed after the test; one already at
    the newest revision when the test asks for an ``engine`` too (which would migrate it anyway)."""
    with new_database(request, tmp_path, migrated="engine" in request.fixturenames) as url:
        yield url


@contextlib.contextmanager
def new_database(request: pytest.FixtureRequest, directory: Path, kind: str | None = None, *,
                 migrated: bool = False) -> Iterator[str]:
    """An empty database of the kind ``request.param`` (or ``kind``) names (``sqlite`` in ``directory``,
    or ``mysql``), removed afterwards; also for fixtures of a wider scope than a test.

    With ``migrated`` it is at the newest revision and holds no rows: SQLite's a copy of a file migrated
    once per test process, MySQL's the process's own migrated database, emptied again afterwards
    (:class:`MigratedDatabase`). Running the migrations is most of a MySQL test's own time otherwise.
    """
    if (kind or request.param) == "sqlite":
        path = directory / "leavebot.db"
        if migrated:
            shutil.copyfile(request.getfixturevalue("migrated_sqlite"), path)
        yield f"sqlite:///{path}"
        return
    server_url, reason = request.getfixturevalue("mysql_server")
    if server_url is None:
        if os.environ.get("CI") == "true":
            pytest.fail(
                f"CI=true requires the MySQL tests to run: {reason.removeprefix(SKIP_PREFIX + ': ')}", pytrace=False
            )
        pytest.skip(reason)
    if migrated:
        with request.getfixturevalue("migrated_mysql").lease() as url:
            yield url
        return
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


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file at the newest revision, copied for each test that asks for a migrated one."""
    path = tmp_path_factory.mktemp("migrated") / "leavebot.db"
    engine = make_engine(f"sqlite:///{path}")
    try:
        migrate.upgrade(engine)
    finally:
        engine.dispose()  # the last connection's close folds the write-ahead log into the file
    return path


class MigratedDatabase:
    """One MySQL database at the newest revision for a test process, lent to one test at a time.

    After each test every table but ``alembic_version`` is emptied and each table's AUTO_INCREMENT
    set back to what the migrations left, so the next test sees what a freshly migrated database
    shows, ids included. A test that changed the schema itself (a downgrade, a dropped table) leaves
    it different: the database is then dropped and migrated anew for the next. So does one that added
    a trigger or a routine.
    """

    def __init__(self, server_url: str) -> None:
        self._server_url = server_url
        self._server = _server_engine(server_url)
        self._name: str | None = None
        self._counters: dict[str, int | None] = {}

    @contextlib.contextmanager
    def lease(self) -> Iterator[str]:
        if self._name is None:
            self._create()
        assert self._name is not None
        try:
            yield make_url(self._server_url).set(database=self._name).render_as_string(hide_password=False)
        finally:
            try:
                self._empty()
            except Exception:
                # Never lend a database that could not be emptied (a lock a test left, say): the next
                # test gets a new one, and this error is the test's.
                name, self._name = self._name, None
                with contextlib.suppress(Exception), self._server.connect() as connection:
                    connection.execute(text(f"DROP DATABASE IF EXISTS `{name}`"))
                raise

    def drop(self) -> None:
        if self._name is not None:
            with self._server.connect() as connection:
                connection.execute(text(f"DROP DATABASE IF EXISTS `{self._name}`"))
            self._name = None

    def close(self) -> None:
        self.drop()
        self._server.dispose()

    def _create(self) -> None:
        name = f"leavebot_test_{uuid.uuid4().hex[:12]}"
        with self._server.connect() as connection:
            connection.execute(text(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"))
        self._name = name
        engine = make_engine(make_url(self._server_url).set(database=name).render_as_string(hide_password=False))
        try:
            migrate.upgrade(engine)
        finally:
            engine.dispose()
        with self._server.connect() as connection:
            self._counters = self._tables(connection)

    def _tables(self, connection: Connection) -> dict[str, int | None]:
        """Each table's name and AUTO_INCREMENT counter (None: it has none), and each trigger's and
        routine's name (as ``trigger NAME``, ``routine NAME``)."""
        if "mariadb" not in str(connection.execute(text("SELECT VERSION()")).scalar()).lower():
            # MySQL 8 answers from statistics it refreshes once a day unless told otherwise.
            connection.execute(text("SET SESSION information_schema_stats_expiry = 0"))
        rows = connection.execute(text(
            "SELECT table_name, auto_increment FROM information_schema.tables WHERE table_schema = :name"
            # A trigger or routine a test added (one that fails writes, say) is not the migrations'.
            " UNION ALL SELECT CONCAT('trigger ', trigger_name), NULL FROM information_schema.triggers"
            " WHERE trigger_schema = :name UNION ALL SELECT CONCAT('routine ', routine_name), NULL"
            " FROM information_schema.routines WHERE routine_schema = :name"), {"name": self._name}).all()
        return {str(table): None if counter is None else int(counter) for table, counter in rows}

    def _empty(self) -> None:
        with self._server.connect() as connection:
            tables = self._tables(connection)
            if tables.keys() == self._counters.keys():
                connection.execute(text(f"USE `{self._name}`"))
                connection.execute(text("SET SESSION foreign_key_checks = 0"))
                for table in sorted(tables.keys() - {"alembic_version"}):
                    connection.execute(text(f"DELETE FROM `{table}`"))
                for table, counter in tables.items():
                    if counter != self._counters[table]:
                        connection.execute(text(f"ALTER TABLE `{table}` AUTO_INCREMENT = {self._counters[table]}"))
                revision = connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
        if tables.keys() != self._counters.keys() or revision != [migrate.head_revision()]:
            self.drop()


@pytest.fixture(scope="session")
def migrated_mysql(mysql_server: tuple[str | None, str]) -> Iterator[MigratedDatabase]:
    """This test process's migrated MySQL database (see :class:`MigratedDatabase`), dropped at the end."""
    server_url, _reason = mysql_server
    assert server_url is not None, "asked for only once a server answered"
    pool = MigratedDatabase(server_url)
    try:
        yield pool
    finally:
        pool.close()


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
def replica_engine(db_url: str, service: LeaveService) -> Iterator[Engine]:
    """A second process's engine on the database ``service`` set up, with a cache of its own (a replica)."""
    engine = make_engine(db_url)
    try:
        yield engine
    finally:
        engine.dispose()


@pytest.fixture
def replica(replica_engine: Engine, clock: FixedClock) -> LeaveService:
    return LeaveService(storage_uow.uow_factory(replica_engine), clock, default_time_zone="Asia/Kolkata")


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

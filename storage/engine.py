"""Engines for the two supported databases, tuned so that concurrency is the database's job.

SQLite serialises writers with ``BEGIN IMMEDIATE`` (a transaction takes the write lock when it
starts, so two units of work never deadlock halfway through); MySQL/MariaDB run at READ COMMITTED
with row locks (``SELECT ... FOR UPDATE``) and a pool sized for the bot's thread pool.

A transaction begun on a connection marked :func:`read_only` only looks, and the database holds
it to that: SQLite begins it deferred (under WAL a reader takes no lock, so it neither waits for
the writer nor holds it up) with ``PRAGMA query_only`` on; MySQL/MariaDB begin it with
``START TRANSACTION READ ONLY``. A write attempted in one fails there and then.
"""

from __future__ import annotations

import threading
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.pool import ConnectionPoolEntry, PoolResetState, StaticPool

SQLITE_BUSY_TIMEOUT_SECONDS = 30.0
MYSQL_CONNECT_TIMEOUT_SECONDS = 5
#: A query that gets no answer for this long fails (a server that froze must not hold a worker for
#: ever); longer than InnoDB's lock wait (50 s), so that a lock wait still ends as a Conflict.
MYSQL_READ_TIMEOUT_SECONDS = 60
MYSQL_BACKENDS = ("mysql", "mariadb")
#: Key in a pooled connection's ``info``: see :func:`mark_transaction_ended`.
TRANSACTION_ENDED = "leavebot_transaction_ended"
#: Execution option of a connection whose transactions only look: see :func:`read_only`.
READ_ONLY = "leavebot_read_only"
#: Key in a pooled SQLite connection's ``info``: whether its ``PRAGMA query_only`` is on.
QUERY_ONLY = "leavebot_query_only"


def make_engine(url: str, *, sqlite_busy_timeout: float = SQLITE_BUSY_TIMEOUT_SECONDS) -> Engine:
    """Create the engine for ``url`` (``sqlite:///file``, ``sqlite://`` or ``mysql+pymysql://...``).

    Args:
        url: an SQLAlchemy URL; ``mysql://`` means PyMySQL, utf8mb4 is added when no charset is given.
        sqlite_busy_timeout: how long a SQLite transaction waits for the write lock before giving
            up (as :class:`core.ports.Conflict`); tests shorten it.

    Raises:
        ValueError: for a database other than SQLite, MySQL or MariaDB.
    """
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return _sqlite_engine(parsed, sqlite_busy_timeout)
    if backend in MYSQL_BACKENDS:
        return _mysql_engine(parsed)
    raise ValueError(f"Unsupported database '{backend}': use a sqlite:// or mysql+pymysql:// URL")


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def is_mysql(engine: Engine) -> bool:
    return engine.dialect.name in MYSQL_BACKENDS


def ping(engine: Engine, timeout_seconds: float = 2.0) -> bool:
    """True when the database answers ``SELECT 1`` within ``timeout_seconds``; never raises or hangs.

    MySQL is asked over a fresh connection with socket time-outs rather than through the pool, so
    that a server which accepts connections but never answers cannot hold a pooled connection (or
    the health check) forever.
    """
    if is_mysql(engine):
        return _ping_mysql(engine, timeout_seconds)
    return _ping_in_thread(engine, timeout_seconds)


def _sqlite_engine(url: URL, busy_timeout: float) -> Engine:
    in_memory = url.database in (None, "", ":memory:")
    options: dict[str, Any] = {
        "connect_args": {"check_same_thread": False, "timeout": busy_timeout},
    }
    if in_memory:
        # One shared connection, so that every thread sees the same in-memory database.
        options["poolclass"] = StaticPool
    engine = create_engine(url, **options)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
        # Stop the sqlite3 driver from issuing its own (deferred) BEGIN; we emit ours below.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA foreign_keys=ON")
            if not in_memory:
                cursor.execute("PRAGMA journal_mode=WAL")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        looking = _is_read_only(connection)
        if connection.info.get(QUERY_ONLY, False) != looking:  # a pooled connection keeps its last mode
            connection.exec_driver_sql(f"PRAGMA query_only={'ON' if looking else 'OFF'}")
            connection.info[QUERY_ONLY] = looking
        # A writer takes the write lock up front: SQLite then never has to fail a transaction
        # midway because another writer got there first; a waiting writer just waits (busy
        # timeout). A reader takes none.
        connection.exec_driver_sql("BEGIN" if looking else "BEGIN IMMEDIATE")

    return engine


def _mysql_engine(url: URL) -> Engine:
    if url.drivername in MYSQL_BACKENDS:
        url = url.set(drivername=f"{url.drivername}+pymysql")
    if "charset" not in url.query:
        url = url.update_query_dict({"charset": "utf8mb4"})
    engine = create_engine(
        url,
        isolation_level="READ COMMITTED",
        pool_pre_ping=True,
        pool_size=10,
        max_overflow=20,
        pool_recycle=3600,
        # The rollback on return is made by _reset below, which skips it when the unit of work ended the transaction.
        pool_reset_on_return=None,
        # pool_pre_ping replaces connections that died while the database was away, so the service
        # recovers by itself once it is back; the time-outs keep a dead server from hanging a worker.
        connect_args={"connect_timeout": MYSQL_CONNECT_TIMEOUT_SECONDS, "read_timeout": MYSQL_READ_TIMEOUT_SECONDS,
                      "write_timeout": MYSQL_READ_TIMEOUT_SECONDS},
    )
    event.listen(engine, "checkout", _on_checkout)
    event.listen(engine, "reset", _reset)
    event.listen(engine, "begin", _begin_mysql)
    return engine


def read_only(connection: Connection) -> Connection:
    """Mark ``connection`` (before its transaction begins) so that its transactions only look."""
    return connection.execution_options(**{READ_ONLY: True})


def _is_read_only(connection: Connection) -> bool:
    return bool(connection.get_execution_options().get(READ_ONLY, False))


def _begin_mysql(connection: Connection) -> None:
    """A read-only transaction is begun explicitly; any other begins implicitly, with its first statement."""
    if _is_read_only(connection):
        connection.exec_driver_sql("START TRANSACTION READ ONLY")


def mark_transaction_ended(connection: Connection) -> None:
    """Say that ``connection``'s transaction was committed or rolled back and nothing ran since.

    Its return to the pool then skips the rollback that would only repeat what was done: one
    round trip less for every unit of work on MySQL.
    """
    connection.info[TRANSACTION_ENDED] = True


def _on_checkout(_dbapi_connection: Any, record: ConnectionPoolEntry, _proxy: Any) -> None:
    record.info.pop(TRANSACTION_ENDED, None)  # a mark never outlives the checkout that made it


def _reset(dbapi_connection: Any, record: ConnectionPoolEntry | None, state: PoolResetState) -> None:
    """The pool's rollback on return, unless the transaction is known to be over already."""
    ended = record is not None and record.info.pop(TRANSACTION_ENDED, False)
    if not (ended or state.transaction_was_reset):
        dbapi_connection.rollback()


def _ping_mysql(engine: Engine, timeout_seconds: float) -> bool:
    try:
        args, kwargs = engine.dialect.create_connect_args(engine.url)
        kwargs.update(connect_timeout=timeout_seconds, read_timeout=timeout_seconds, write_timeout=timeout_seconds)
        dbapi: Any = engine.dialect.loaded_dbapi
        connection = dbapi.connect(*args, **kwargs)
        try:
            cursor = connection.cursor()
            cursor.execute("SELECT 1")
            return bool(cursor.fetchone())
        finally:
            connection.close()
    except Exception:
        return False


def _ping_in_thread(engine: Engine, timeout_seconds: float) -> bool:
    outcome: list[bool] = []

    def probe() -> None:
        # A raw DBAPI connection, so that no BEGIN IMMEDIATE is issued: a health check must not
        # queue behind a long write transaction.
        try:
            connection = engine.raw_connection()
            try:
                cursor = connection.cursor()
                cursor.execute("SELECT 1")
                outcome.append(cursor.fetchone() == (1,))
            finally:
                connection.close()
        except Exception:
            outcome.append(False)

    worker = threading.Thread(target=probe, name="leavebot-db-ping", daemon=True)
    worker.start()
    worker.join(timeout_seconds)
    return bool(outcome and outcome[0])

"""One transaction on one connection, and what a database error means for the one who ran it.

Lost races are the database's to detect and the core's to handle: a deadlock or a lock wait
time-out (MySQL/MariaDB) or a busy database (SQLite) leaves as :class:`core.ports.Conflict`, so
the work can run again from the start without knowing which database it ran on. A database
that cannot be reached at all (down, restarting, connection lost) leaves as
:class:`core.ports.Unavailable`, so that people are told to try again instead of seeing a crash.

The core's unit of work (:mod:`storage.uow`) is one such transaction with the repositories bound
to it; the doors' own stores (:mod:`storage.chat`, :mod:`storage.downloads`) run each call in a
short one of its own (:func:`in_transaction`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from types import TracebackType
from typing import Self, TypeVar

from sqlalchemy import Connection, Engine, RootTransaction
from sqlalchemy.exc import DBAPIError, OperationalError

from core.ports import Conflict, Unavailable
from core.shared.transactions import in_unit_of_work
from storage.engine import mark_transaction_ended, read_only

T = TypeVar("T")

MYSQL_DEADLOCK = 1213
MYSQL_LOCK_WAIT_TIMEOUT = 1205
SQLITE_BUSY_MESSAGES = ("database is locked", "database is busy", "database table is locked")
#: Server shutting down, connection killed, can't connect (socket, TCP), server gone away, connection
#: lost during a query (twice: before and after the first packet).
MYSQL_UNREACHABLE = frozenset({1053, 1927, 2002, 2003, 2006, 2013, 2055})
SQLITE_UNREACHABLE_MESSAGES = ("unable to open database file", "disk i/o error")


def is_lost_race(exc: BaseException) -> bool:
    """True for the errors after which running the whole transaction again is safe."""
    if not isinstance(exc, DBAPIError):
        return False
    args = getattr(exc.orig, "args", ())
    if args and args[0] in (MYSQL_DEADLOCK, MYSQL_LOCK_WAIT_TIMEOUT):
        return True
    if isinstance(exc, OperationalError):
        message = str(exc.orig).lower()
        return any(text in message for text in SQLITE_BUSY_MESSAGES)
    return False


def is_unreachable(exc: BaseException) -> bool:
    """True when the database could not be reached, or the connection to it broke."""
    if not isinstance(exc, DBAPIError):
        return False
    if exc.connection_invalidated:
        return True
    args = getattr(exc.orig, "args", ())
    if args and args[0] in MYSQL_UNREACHABLE:
        return True
    message = str(exc.orig).lower()
    return isinstance(exc, OperationalError) and any(text in message for text in SQLITE_UNREACHABLE_MESSAGES)


def _translated(exc: BaseException, what: str) -> Exception | None:
    """The port's error for a database error that a caller can act on, else None."""
    if is_lost_race(exc):
        return Conflict(f"{what} lost a race: {getattr(exc, 'orig', exc)}")
    if is_unreachable(exc):
        return Unavailable(f"{what}: the database is unreachable: {getattr(exc, 'orig', exc)}")
    return None


def _raise_translated(exc: DBAPIError, what: str) -> None:
    """Raise the port's error for ``exc`` if it has one; the caller re-raises ``exc`` otherwise."""
    translated = _translated(exc, what)
    if translated is not None:
        raise translated from exc



class SqlTransaction:
    """One transaction over an engine; use once, in a ``with`` block.

    Nothing is written unless :meth:`commit` is called; leaving the block rolls back the rest.
    With ``read_only`` it only looks: the database refuses a write in it (:func:`storage.engine.read_only`).
    """

    def __init__(self, engine: Engine, *, read_only: bool = False) -> None:
        self._engine = engine
        self._read_only = read_only
        self._connection: Connection | None = None
        self._transaction: RootTransaction | None = None
        self._committed = False

    @property
    def read_only(self) -> bool:
        return self._read_only

    @property
    def connection(self) -> Connection:
        """The open connection, for storage code that needs more than the repositories offer."""
        if self._connection is None:
            raise RuntimeError("the transaction is not open: use it in a 'with' block")
        return self._connection

    def __enter__(self) -> Self:
        try:
            connection = self._engine.connect()
        except DBAPIError as exc:
            _raise_translated(exc, "connecting")
            raise
        try:
            if self._read_only:
                connection = read_only(connection)
            # On SQLite a writer's is BEGIN IMMEDIATE, which waits for (and may time out on) the write lock.
            self._transaction = connection.begin()
        except DBAPIError as exc:
            connection.close()
            _raise_translated(exc, "starting a transaction")
            raise
        self._connection = connection
        return self

    def commit(self) -> None:
        """Make everything done so far durable; raises :class:`Conflict` if the database refuses."""
        transaction = self._transaction
        if transaction is None or not transaction.is_active:
            raise RuntimeError("nothing to commit: the transaction is not open or already committed")
        try:
            transaction.commit()
        except DBAPIError as exc:
            _raise_translated(exc, "commit")
            raise
        self._committed = True

    def rollback(self) -> None:
        """Undo everything not yet committed (also done on leaving the block)."""
        connection = self._connection
        if connection is not None and connection.in_transaction():
            connection.rollback()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        connection, self._connection, self._transaction = self._connection, None, None
        committed, self._committed = self._committed, False
        if connection is not None:
            try:
                if connection.in_transaction():
                    connection.rollback()
                    mark_transaction_ended(connection)
                elif committed:  # and nothing ran since
                    mark_transaction_ended(connection)
            except DBAPIError as failed:
                # The connection may be dead (that may be why we are here); the pool discards it.
                if exc is None:
                    _raise_translated(failed, "rollback")
                    raise
            finally:
                connection.close()
        if exc is not None and (translated := _translated(exc, "transaction")) is not None:
            raise translated from exc


def in_transaction(engine: Engine, work: Callable[[Connection], T]) -> T:
    """``work`` in a short transaction of its own, committed when it returns, run again from the start
    when it lost a race (:func:`core.shared.transactions.in_unit_of_work`)."""

    def run(transaction: SqlTransaction) -> T:
        result = work(transaction.connection)
        transaction.commit()
        return result

    return in_unit_of_work(functools.partial(SqlTransaction, engine), run)

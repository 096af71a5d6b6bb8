"""The unit of work: one connection, one transaction, the repositories bound to it.

Lost races are the database's to detect and the core's to handle: a deadlock or a lock wait
time-out (MySQL/MariaDB) or a busy database (SQLite) leaves as :class:`core.ports.Conflict`, so
the use case can run again from the start without knowing which database it ran on. A database
that cannot be reached at all (down, restarting, connection lost) leaves as
:class:`core.ports.Unavailable`, so that people are told to try again instead of seeing a crash.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from types import TracebackType
from typing import TYPE_CHECKING, Self

from sqlalchemy import Connection, Engine, RootTransaction
from sqlalchemy.exc import DBAPIError, OperationalError

from core.ports import (
    AuditRepository,
    ChatDirectory,
    Conflict,
    DecisionRepository,
    DelegationRepository,
    EmployeeRepository,
    HolidayRepository,
    LedgerRepository,
    Outbox,
    PolicyRepository,
    RequestRepository,
    Unavailable,
    UnitOfWork,
    UnitOfWorkFactory,
)
from core.ports.calendars import CalendarLinks, FeedTokens
from core.ports.downloads import Downloads
from core.ports.jobs import JobStore
from storage.approvals import SqlDecisionRepository, SqlDelegationRepository
from storage.audit import SqlAuditRepository
from storage.calendars.links import SqlCalendarLinks
from storage.chat import SqlChatDirectory
from storage.downloads import SqlDownloads
from storage.engine import mark_transaction_ended
from storage.feeds import SqlFeedTokens
from storage.jobs import SqlJobStore
from storage.outbox import Correlation, SqlOutbox, no_correlation
from storage.policies import SqlHolidayRepository, SqlPolicyRepository
from storage.repositories import (
    SqlEmployeeRepository,
    SqlLedgerRepository,
    SqlRequestRepository,
)

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


class SqlUnitOfWork:
    """:class:`core.ports.UnitOfWork` over an engine; use once, in a ``with`` block.

    Nothing is written unless :meth:`commit` is called; leaving the block rolls back the rest.
    """

    # Typed as the ports (the Protocol's attributes are mutable, hence invariant); the extra
    # methods of the Sql* classes stay reachable through ``connection`` and the classes.
    employees: EmployeeRepository
    policies: PolicyRepository
    holidays: HolidayRepository
    requests: RequestRepository
    ledger: LedgerRepository
    audit: AuditRepository
    outbox: Outbox
    chat: ChatDirectory
    decisions: DecisionRepository
    delegations: DelegationRepository
    jobs: JobStore
    calendars: CalendarLinks
    feeds: FeedTokens
    downloads: Downloads

    def __init__(self, engine: Engine, correlation: Correlation = no_correlation) -> None:
        """``correlation`` gives the current request id, which the outbox keeps with each event."""
        self._engine = engine
        self._correlation = correlation
        self._connection: Connection | None = None
        self._transaction: RootTransaction | None = None
        self._committed = False

    @property
    def connection(self) -> Connection:
        """The open connection, for storage code that needs more than the repositories offer."""
        if self._connection is None:
            raise RuntimeError("the unit of work is not open: use it in a 'with' block")
        return self._connection

    def __enter__(self) -> Self:
        try:
            connection = self._engine.connect()
        except DBAPIError as exc:
            _raise_translated(exc, "connecting")
            raise
        try:
            # On SQLite this is BEGIN IMMEDIATE, which waits for (and may time out on) the write lock.
            self._transaction = connection.begin()
        except DBAPIError as exc:
            connection.close()
            _raise_translated(exc, "starting a transaction")
            raise
        self._connection = connection
        self.employees = SqlEmployeeRepository(connection)
        self.policies = SqlPolicyRepository(connection)
        self.holidays = SqlHolidayRepository(connection)
        self.requests = SqlRequestRepository(connection)
        self.ledger = SqlLedgerRepository(connection)
        self.audit = SqlAuditRepository(connection)
        self.outbox = SqlOutbox(connection, self._correlation)
        self.chat = SqlChatDirectory(connection)
        self.decisions = SqlDecisionRepository(connection)
        self.delegations = SqlDelegationRepository(connection)
        self.jobs = SqlJobStore(connection)
        self.calendars = SqlCalendarLinks(connection)
        self.feeds = SqlFeedTokens(connection)
        self.downloads = SqlDownloads(connection)
        return self

    def commit(self) -> None:
        """Make everything done so far durable; raises :class:`Conflict` if the database refuses."""
        transaction = self._transaction
        if transaction is None or not transaction.is_active:
            raise RuntimeError("nothing to commit: the unit of work is not open or already committed")
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


def uow_factory(engine: Engine, correlation: Correlation = no_correlation) -> Callable[[], SqlUnitOfWork]:
    """What the core's use cases take as their :data:`core.ports.UnitOfWorkFactory`.

    ``correlation`` (the serving process's current request id) is stamped on every outbox event,
    whichever use case writes it, so that the core neither reads nor passes request ids.
    """
    return functools.partial(SqlUnitOfWork, engine, correlation)


if TYPE_CHECKING:  # lets mypy prove that the unit of work implements the port

    def _implements_port(engine: Engine) -> tuple[UnitOfWork, UnitOfWorkFactory]:
        return SqlUnitOfWork(engine), uow_factory(engine)

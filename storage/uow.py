"""The core's unit of work: one transaction (:class:`storage.transactions.SqlTransaction`), the
repositories bound to it.

It carries only what the core reads or writes; the doors' own stores (:mod:`storage.chat`'s
:class:`~storage.chat.SqlChatStore`, :mod:`storage.downloads`) are made apart, by the
composition root, and run short transactions of their own. Errors leave as the transaction's do:
:class:`core.ports.Conflict` for a lost race, :class:`core.ports.Unavailable` for a database out of
reach.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Self

from sqlalchemy import Engine

from core.ports import (
    AuditRepository,
    DecisionRepository,
    DelegationRepository,
    DigestChannels,
    EmployeeRepository,
    HolidayRepository,
    LedgerRepository,
    Outbox,
    PolicyRepository,
    RequestRepository,
    UnitOfWork,
    UnitOfWorkFactory,
)
from core.ports.calendars import CalendarLinks, FeedTokens
from core.ports.compoff import CompOffClaims
from core.ports.documents import DocumentRepository
from core.ports.jobs import JobStore
from core.ports.links import LinkTokens
from core.ports.offers import SplitOffers
from storage.approvals import SqlDecisionRepository, SqlDelegationRepository
from storage.audit import SqlAuditRepository
from storage.cache import Stamps, process_cache
from storage.calendars.links import SqlCalendarLinks
from storage.chat import SqlDigestChannels
from storage.compoff import SqlCompOffClaims
from storage.documents import SqlDocumentRepository
from storage.feeds import SqlFeedTokens
from storage.jobs import SqlJobStore
from storage.links import SqlLinkTokens
from storage.offers import SqlSplitOffers
from storage.outbox import Correlation, SqlOutbox, no_correlation
from storage.policies import SqlHolidayRepository, SqlPolicyRepository
from storage.repositories import (
    SqlEmployeeRepository,
    SqlLedgerRepository,
    SqlRequestRepository,
)
from storage.transactions import SqlTransaction


class SqlUnitOfWork(SqlTransaction):
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
    channels: DigestChannels
    decisions: DecisionRepository
    delegations: DelegationRepository
    jobs: JobStore
    calendars: CalendarLinks
    feeds: FeedTokens
    documents: DocumentRepository
    offers: SplitOffers
    compoff: CompOffClaims
    links: LinkTokens

    def __init__(self, engine: Engine, correlation: Correlation = no_correlation, *, read_only: bool = False) -> None:
        """``correlation`` gives the current request id, which the outbox keeps with each event;
        ``read_only`` makes a unit of work that only looks."""
        super().__init__(engine, read_only=read_only)
        self._correlation = correlation
        self._stamps: Stamps | None = None

    def __enter__(self) -> Self:
        super().__enter__()
        connection = self.connection
        self._stamps = stamps = Stamps(connection, process_cache(self._engine), read_only=self.read_only)
        self.employees = SqlEmployeeRepository(connection, stamps)
        self.policies = SqlPolicyRepository(connection, stamps)
        self.holidays = SqlHolidayRepository(connection, stamps)
        self.requests = SqlRequestRepository(connection, stamps)
        self.ledger = SqlLedgerRepository(connection, stamps)
        self.audit = SqlAuditRepository(connection)
        self.outbox = SqlOutbox(connection, self._correlation)
        self.channels = SqlDigestChannels(connection)
        self.decisions = SqlDecisionRepository(connection)
        self.delegations = SqlDelegationRepository(connection)
        self.jobs = SqlJobStore(connection)
        self.calendars = SqlCalendarLinks(connection)
        self.feeds = SqlFeedTokens(connection)
        self.documents = SqlDocumentRepository(connection)
        self.offers = SqlSplitOffers(connection)
        self.compoff = SqlCompOffClaims(connection)
        self.links = SqlLinkTokens(connection)
        return self

    def commit(self) -> None:
        """Commit, giving what changed the policies, holidays, directory or someone's leave a new version
        stamp first, in the same transaction: other processes drop their copies as soon as the change is
        visible."""
        if self._stamps is not None:
            self._stamps.bump()
        super().commit()


def uow_factory(engine: Engine, correlation: Correlation = no_correlation) -> functools.partial[SqlUnitOfWork]:
    """What the core's use cases take as their :data:`core.ports.UnitOfWorkFactory`.

    ``correlation`` (the serving process's current request id) is stamped on every outbox event,
    whichever use case writes it, so that the core neither reads nor passes request ids.
    """
    return functools.partial(SqlUnitOfWork, engine, correlation)


if TYPE_CHECKING:  # lets mypy prove that the unit of work implements the port

    def _implements_port(engine: Engine) -> tuple[UnitOfWork, UnitOfWorkFactory]:
        return SqlUnitOfWork(engine), uow_factory(engine)

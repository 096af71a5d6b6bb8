"""What a balance reads of a person is kept per process under that person's stamp, and never hides a change.

A chat balance reads the person's ledger of the year, their pending requests and their requests
counted by type; a process keeps those (``storage.cache``) under the person's token in
``person_stamps``, which every transaction adding to their ledger or adding or changing one of
their requests replaces. Here a second engine on the same database stands for a second replica,
with a cache of its own; every change is made through the first. SQLite (a file) and MariaDB/MySQL.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import Engine

from bench.statements import recording
from core.commands import ApplyLeave, Decide
from core.domain.amount import Amount
from core.domain.model import EntryKind, LedgerEntry, Source, SourceKind
from core.service import LeaveService
from core.views import AppliedView, BalanceRow, BalanceView, DecidedView
from storage.cache import PEOPLE_PER_UNIT
from storage.uow import uow_factory
from tests.integration.test_process_caches import tables_read
from tests.unit.fakes import FixedClock

ANANYA = "ananya@x.test"
MANAGER = "boss@x.test"


def casual(service: LeaveService) -> BalanceRow:
    """Ananya's casual leave as `/leave balance` in chat shows it (a unit of work that only looks)."""
    shown = service.handle_text(ANANYA, "balance", "slack")
    assert isinstance(shown, BalanceView), shown
    (row,) = [row for row in shown.rows if row.type_key == "casual"]
    return row


def apply(service: LeaveService, day: date) -> AppliedView:
    applied = service.execute(ANANYA, ApplyLeave("casual", day, day), "test")
    assert isinstance(applied, AppliedView), applied
    return applied


def test_a_second_balance_reads_only_the_stamps(replica: LeaveService, replica_engine: Engine) -> None:
    casual(replica)  # writes the grants that came due: the person's first stamp
    with recording(replica_engine) as first:
        before = casual(replica)
    with recording(replica_engine) as again:
        assert casual(replica) == before
    assert {"person_stamps", "ledger_entries", "leave_requests"} <= tables_read(first)
    assert tables_read(again) == {"cache_versions", "person_stamps"}


def test_leave_applied_and_decided_through_one_process_shows_in_the_others_balance(
        service: LeaveService, replica: LeaveService) -> None:
    before = casual(replica)
    casual(replica)  # kept now
    applied = apply(service, date(2026, 12, 8))
    pending = casual(replica)
    assert pending.pending == before.pending + Amount(Decimal(1))
    assert pending.available == before.available - Amount(Decimal(1))

    decided = service.execute(MANAGER, Decide(applied.request.id, approve=True), "test")
    assert isinstance(decided, DecidedView), decided
    taken = casual(replica)
    assert (taken.taken, taken.pending) == (before.taken + Amount(Decimal(1)), before.pending)


def test_a_ledger_entry_written_through_one_process_shows_in_the_others_balance(
        service: LeaveService, replica: LeaveService) -> None:
    before = casual(replica)
    service.adjust(ANANYA, "casual", "+2", "a correction", "test")
    assert casual(replica).available == before.available + Amount(Decimal(2))


def test_a_change_rolled_back_keeps_what_was_kept(service: LeaveService, replica: LeaveService,
                                                  replica_engine: Engine, engine: Engine, clock: FixedClock) -> None:
    casual(replica)
    before = casual(replica)
    with uow_factory(engine)() as uow:  # never committed
        uow.ledger.add(LedgerEntry(employee_id="E3", type_key="casual", year=2026, kind=EntryKind.ADJUSTMENT,
                                   amount=Amount(Decimal(5)), created_at=clock.now(),
                                   source=Source(SourceKind.ADJUSTMENT, "rolled-back"), note="never"))
    with recording(replica_engine) as log:
        assert casual(replica) == before
    assert tables_read(log) == {"cache_versions", "person_stamps"}


def test_a_unit_of_work_that_writes_reads_the_person_from_the_database(
        replica: LeaveService, replica_engine: Engine) -> None:
    """An application checks the balance under the person's row lock: what is kept could be older."""
    casual(replica)
    casual(replica)
    with recording(replica_engine) as log:
        apply(replica, date(2026, 12, 9))
    assert {"ledger_entries", "leave_requests"} <= tables_read(log)


def test_a_unit_of_work_reading_many_people_reads_their_ledgers_as_before(
        replica: LeaveService, replica_engine: Engine) -> None:
    """A report reads everybody's ledger: past the first few people it asks for no stamp and keeps nothing."""
    for email in ("ananya@x.test", "rahul@x.test", "boss@x.test"):
        replica.handle_text(email, "balance", "slack")  # everyone's grants written: everyone has a stamp
    people = ["E2", "E3", "E4"]
    with recording(replica_engine) as log, uow_factory(replica_engine)(read_only=True) as uow:
        for employee_id in people:
            uow.ledger.entries(employee_id, 2026)
    stamps_asked = [sql for sql, _ in log.statements if "person_stamps" in sql]
    assert len(stamps_asked) == PEOPLE_PER_UNIT < len(people)

"""Two processes over one database: what one keeps in memory never hides what the other changed,
and what it keeps saves reads.

Each process keeps the policy versions, holidays and people it read, under version stamps that
every change replaces in its own transaction (``storage.cache``). Here a second engine on the same
database stands for a second replica: it has a cache of its own, as another process would. Each
test runs on SQLite (a file, so both engines open the same database) and on MariaDB/MySQL.
"""

from __future__ import annotations

import copy
import re
from datetime import date

from sqlalchemy import Engine

from bench.statements import StatementLog, recording
from core.commands import ApplyLeave
from core.service import LeaveService
from core.views import AppliedView, BalanceView, HolidaysView
from storage.uow import uow_factory
from tests.unit.conftest import ORG_CSV, policy_document
from tests.unit.fakes import FixedClock


def casual_name(service: LeaveService, email: str = "ananya@x.test") -> str:
    balance = service.balance_of(email)
    assert isinstance(balance, BalanceView)
    (casual,) = [row for row in balance.rows if row.type_key == "casual"]
    return casual.name


def holiday_names(service: LeaveService) -> set[str]:
    shown = service.handle_text("ananya@x.test", "holidays 2026", "test")
    assert isinstance(shown, HolidaysView)
    return {holiday.name for holiday in shown.holidays}


def approver_of_a_day(service: LeaveService, day: date) -> str:
    applied = service.execute("kiran@x.test", ApplyLeave("casual", day, day), "test")
    assert isinstance(applied, AppliedView), applied
    assert applied.request.approver is not None
    return applied.request.approver.email


def tables_read(log: StatementLog) -> set[str]:
    """The tables the recorded SELECTs read (by the name after FROM)."""
    return {re.search(r"\bFROM\s+[`\"]?(\w+)", sql)[1] for sql, _ in log.statements  # type: ignore[index]
            if sql.startswith("SELECT")}


def test_a_policy_loaded_by_one_process_is_used_by_the_other_on_its_next_command(
        service: LeaveService, replica: LeaveService) -> None:
    assert casual_name(replica) == "Casual leave"  # the replica has read (and kept) the policy
    renamed = copy.deepcopy(policy_document())
    renamed["leave_types"]["casual"]["name"] = "Casual days"
    service.load_policy(renamed, "test")
    assert casual_name(replica) == "Casual days"
    assert casual_name(service) == "Casual days"


def test_a_holiday_added_by_one_process_is_listed_by_the_other(service: LeaveService, replica: LeaveService) -> None:
    before = holiday_names(replica)
    assert "Christmas" in before
    assert service.sync_holidays("IN", None, 2026).stored > 0
    assert holiday_names(replica) > before  # the calendar's holidays, besides the policy's


def test_a_new_manager_set_by_one_process_approves_in_the_other(service: LeaveService, replica: LeaveService) -> None:
    assert approver_of_a_day(replica, date(2026, 12, 8)) == "ananya@x.test"
    service.import_employees(ORG_CSV.replace("Kiran,Das,ananya@x.test", "Kiran,Das,boss@x.test"))
    assert approver_of_a_day(replica, date(2026, 12, 9)) == "boss@x.test"


def test_a_command_reads_the_stamps_instead_of_what_they_cover(
        service: LeaveService, replica: LeaveService, replica_engine: Engine) -> None:
    with recording(replica_engine) as first:
        replica.balance_of("ananya@x.test")
    with recording(replica_engine) as again:
        replica.balance_of("ananya@x.test")
    assert {"cache_versions", "employees", "policy_versions"} <= tables_read(first)
    assert tables_read(again) == {"cache_versions", "ledger_entries", "leave_requests"}
    assert again.counts()["SELECT"] < first.counts()["SELECT"]

    service.load_policy(policy_document(), "test")  # a new version: the one kept is stale now
    with recording(replica_engine) as after_a_change:
        replica.balance_of("ananya@x.test")
    assert "policy_versions" in tables_read(after_a_change)
    assert "employees" not in tables_read(after_a_change)  # nobody changed the directory


def test_a_change_rolled_back_leaves_the_stamps_alone(service: LeaveService, replica: LeaveService,
                                                     replica_engine: Engine, engine: Engine, clock: FixedClock) -> None:
    casual_name(replica)
    with uow_factory(engine)() as uow:
        uow.policies.save(policy_document(), "abandoned", clock.now())
        uow.employees.link_chat_id("E3", "slack", "U3")
    with recording(replica_engine) as log:
        casual_name(replica)
    assert tables_read(log) == {"cache_versions", "ledger_entries", "leave_requests"}

"""Commands that only look run in read-only units of work; what they may come to write after all
(grants that came due, a refusal, a flood) runs the command again in one that writes."""

from __future__ import annotations

from datetime import date

import pytest

from core.commands import EXAMPLES, ApplyLeave, ShowBalance
from core.language.grammar import parse_command, subcommand
from core.ports.limits import RateLimit
from core.service import LOOKING, LOOKING_WORDS, LeaveService
from core.shared.audit import RATE_LIMITED, UNKNOWN_PERSON
from core.views import AppliedView, BalanceView, RefusalView
from tests.unit.conftest import ORG_CSV, policy_document
from tests.unit.fakes import FakeStore, FakeUnitOfWork, FixedClock

TODAY = date(2026, 11, 25)


class Modes:
    """The fake store, noting the mode of every unit of work opened on it (True: read-only)."""

    def __init__(self, store: FakeStore) -> None:
        self.store = store
        self.opened: list[bool] = []

    def __call__(self, *, read_only: bool = False) -> FakeUnitOfWork:
        self.opened.append(read_only)
        return self.store(read_only=read_only)


@pytest.fixture
def modes(store: FakeStore, clock: FixedClock) -> Modes:
    seeded = LeaveService(store, clock, default_time_zone="Asia/Kolkata")
    seeded.load_policy(policy_document(), "test")
    seeded.import_employees(ORG_CSV)
    return Modes(store)


@pytest.mark.parametrize("text, word", [("/leave balance 2027", "balance"), ("  leave   LIST", "list"),
                                        ("", "help"), ("/leave", "help"), ("frobnicate now", "frobnicate")])
def test_a_lines_subcommand_is_its_first_word(text: str, word: str) -> None:
    assert subcommand(text) == word


@pytest.mark.parametrize("word", sorted(EXAMPLES))
def test_a_word_that_only_looks_reads_as_a_command_that_only_looks(word: str) -> None:
    command = parse_command(EXAMPLES[word], TODAY)
    assert subcommand(EXAMPLES[word]) == word
    assert (word in LOOKING_WORDS) == (type(command) in LOOKING), (word, command)


def test_a_balance_looks_read_only_and_writes_the_grants_that_came_due_in_a_second_unit_of_work(
        modes: Modes, clock: FixedClock) -> None:
    service = LeaveService(modes, clock, default_time_zone="Asia/Kolkata")
    assert isinstance(service.handle_text("ananya@x.test", "balance", "slack"), BalanceView)
    assert modes.opened == [True, False]  # the grants came due: written
    modes.opened.clear()
    assert isinstance(service.execute("ananya@x.test", ShowBalance(), "slack"), BalanceView)
    assert modes.opened == [True]
    modes.opened.clear()
    applied = service.execute("ananya@x.test", ApplyLeave("casual", date(2026, 12, 7), date(2026, 12, 7)), "slack")
    assert isinstance(applied, AppliedView) and modes.opened == [False]


def test_a_look_held_back_by_the_brake_records_the_flood_once_in_a_unit_of_work_that_writes(
        modes: Modes, clock: FixedClock, store: FakeStore) -> None:
    service = LeaveService(modes, clock, default_time_zone="Asia/Kolkata", rate_limit=RateLimit(per_minute=1, burst=1))
    service.handle_text("ananya@x.test", "balance", "slack")
    modes.opened.clear()
    held = service.handle_text("ananya@x.test", "balance", "slack")
    assert isinstance(held, RefusalView) and "a bit fast" in held.message
    assert modes.opened == [True, False]
    assert [e.action for e in store.committed.audit].count(RATE_LIMITED) == 1
    modes.opened.clear()
    assert isinstance(service.handle_text("ananya@x.test", "balance", "slack"), RefusalView)
    assert modes.opened == [True]  # held back again, and nothing more to record


def test_a_stranger_looking_is_refused_and_recorded(modes: Modes, clock: FixedClock, store: FakeStore) -> None:
    service = LeaveService(modes, clock, default_time_zone="Asia/Kolkata")
    refused = service.handle_text("stranger@elsewhere.test", "balance", "slack")
    assert isinstance(refused, RefusalView) and "ask HR to add you" in refused.message
    assert modes.opened == [True, False]
    assert [(e.actor, e.action) for e in store.committed.audit][-1] == ("stranger@elsewhere.test", UNKNOWN_PERSON)

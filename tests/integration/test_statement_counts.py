"""A chat command is one transaction, with a bounded number of SQL statements, on SQLite and MariaDB.

The statements are counted where SQLAlchemy hands them to the driver (``before_cursor_execute``),
the transactions where they begin and commit, the connections where the pool hands them out. A
second transaction for the same command (a door looking the person up first, a view read after
the commit) or a look-up per listed request fails here before anyone notices the database
working harder.

The bounds are what each command reads when the process has kept nothing (storage's cache stamps
in one statement, the person, the policy in two, then what the command needs); with the cache warm,
as here, it reads less. A new statement has to be counted in.

A command that only looks runs in a read-only transaction (SQLite's deferred ``BEGIN``, MySQL's
``START TRANSACTION READ ONLY``), one that writes in a writing one (SQLite's ``BEGIN IMMEDIATE``).
The Teams door is held to the same bounds with the same counter
(``tests/integration/teams/test_teams_statement_counts.py``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest
from sqlalchemy import Engine, event

from core.commands import ApplyLeave, Decide
from core.service import Answer, ChatUser, LeaveService
from core.views import AppliedView, BalanceView, DecidedView, RequestListView
from storage.engine import is_sqlite

ANANYA = ChatUser("slack", "U0ANANYA")
VIKRAM = ChatUser("slack", "U0VIKRAM")

#: The stamps (the person and the policy come from the process caches under them), the person's own stamp,
#: the year's ledger, the pending requests, and the requests counted by type (for the limits on times taken).
BALANCE_STATEMENTS = 5
#: The same balance again: the stamps and the person's own; the rest comes from the process's cache under them.
BALANCE_AGAIN_STATEMENTS = 2
#: The stamps, the person, the policy, the requests; their approver.
LIST_STATEMENTS = 5
#: The stamps, the person, the policy, the person's row lock, the idempotency key, the checks
#: (holidays, overlaps, ledger, team limit), and the request, its audit entry and its event.
APPLY_STATEMENTS = 14
#: The stamps, the person, the request's lock, the decision, the request's update, the ledger, the
#: audit entry, the event, and the requester and the policy for the view.
DECIDE_STATEMENTS = 11
#: How a transaction begins: writing (SQLite, and MySQL implicitly with its first statement) or only looking.
BEGINNINGS = ("BEGIN", "START TRANSACTION")
READ_ONLY_BEGINNINGS = {"sqlite": "BEGIN", "mysql": "START TRANSACTION READ ONLY"}
TRANSACTION_STATEMENTS = (*BEGINNINGS, "PRAGMA QUERY_ONLY")


@dataclass
class Counts:
    """What one command cost the database."""

    statements: list[str] = field(default_factory=list)
    checkouts: int = 0
    begins: int = 0
    commits: int = 0

    @property
    def queries(self) -> list[str]:
        """The statements other than the transaction's own (its ``BEGIN`` or ``START TRANSACTION``,
        and SQLite's ``PRAGMA query_only`` when a pooled connection changes from reading to writing)."""
        return [s for s in self.statements if not s.lstrip().upper().startswith(TRANSACTION_STATEMENTS)]

    @property
    def began(self) -> list[str]:
        """How each transaction began."""
        return [s.strip().upper() for s in self.statements if s.lstrip().upper().startswith(BEGINNINGS)]

    def one_transaction(self, *, commits: int) -> bool:
        return (self.checkouts, self.begins, self.commits) == (1, 1, commits)


@contextlib.contextmanager
def counted(engine: Engine) -> Iterator[Counts]:
    """Count what ``engine`` is asked to do inside the block."""
    counts = Counts()

    def statement(_connection: Any, _cursor: Any, text: str, *_args: Any) -> None:
        counts.statements.append(text)

    def checkout(*_args: Any) -> None:
        counts.checkouts += 1

    def begin(_connection: Any) -> None:
        counts.begins += 1

    def commit(_connection: Any) -> None:
        counts.commits += 1

    listeners = [(engine, "before_cursor_execute", statement), (engine.pool, "checkout", checkout),
                 (engine, "begin", begin), (engine, "commit", commit)]
    for target, name, listener in listeners:
        event.listen(target, name, listener)
    try:
        yield counts
    finally:
        for target, name, listener in listeners:
            event.remove(target, name, listener)


@pytest.fixture
def chat(service: LeaveService) -> LeaveService:
    """The seeded core, with Ananya and her manager Vikram linked to Slack and their grants written."""
    service.link_by_email(ANANYA.platform, ANANYA.user_id, "ananya@x.test")
    service.link_by_email(VIKRAM.platform, VIKRAM.user_id, "boss@x.test")
    for who in (ANANYA, VIKRAM):
        answered(service.answer(who, "balance", "slack"))
    return service


def answered(answer: Answer | None) -> Answer:
    assert answer is not None, "the account is linked"
    return answer


def apply(service: LeaveService, day: date) -> AppliedView:
    view = answered(service.answer(ANANYA, f"apply casual {day:%d %b %Y}", "slack", f"key-{day}")).view
    assert isinstance(view, AppliedView), view
    return view


def read_only_beginning(engine: Engine) -> str:
    return READ_ONLY_BEGINNINGS["sqlite" if is_sqlite(engine) else "mysql"]


def test_the_first_balance_looks_then_writes_its_grants_in_one_transaction(service: LeaveService,
                                                                         engine: Engine) -> None:
    """Grants that came due are the one thing a balance writes: its look finds them due, and the
    command runs again, whole, in a transaction that writes them."""
    service.link_by_email(ANANYA.platform, ANANYA.user_id, "ananya@x.test")
    with counted(engine) as counts:
        view = answered(service.answer(ANANYA, "balance", "slack")).view
    assert isinstance(view, BalanceView) and view.rows
    assert (counts.checkouts, counts.begins, counts.commits) == (2, 2, 1), counts
    assert counts.began[0] == read_only_beginning(engine), counts.began


def test_a_balance_is_one_read_only_transaction(chat: LeaveService, engine: Engine) -> None:
    with counted(engine) as counts:
        answer = answered(chat.answer(ANANYA, "/leave balance", "slack"))
    assert isinstance(answer.view, BalanceView) and answer.actor is not None and answer.actor.employee_id == "E3"
    assert counts.one_transaction(commits=0), counts
    assert counts.began == [read_only_beginning(engine)], counts.began
    assert len(counts.queries) <= BALANCE_STATEMENTS, "\n".join(counts.queries)
    counting = [q for q in counts.queries if "leave_requests.type_key, count(*)" in " ".join(q.split())]
    assert len(counting) == 1, "the times taken are counted once, by type, in the database"


def test_a_balance_asked_again_reads_only_the_stamps(chat: LeaveService, engine: Engine) -> None:
    first = answered(chat.answer(ANANYA, "/leave balance", "slack")).view
    with counted(engine) as counts:
        again = answered(chat.answer(ANANYA, "/leave balance", "slack")).view
    assert again == first
    assert counts.one_transaction(commits=0), counts
    assert len(counts.queries) == BALANCE_AGAIN_STATEMENTS, "\n".join(counts.queries)


def test_a_list_is_one_transaction_however_many_requests_it_shows(chat: LeaveService, engine: Engine) -> None:
    apply(chat, date(2026, 12, 7))
    with counted(engine) as one:
        view = answered(chat.answer(ANANYA, "list", "slack")).view
    assert isinstance(view, RequestListView) and len(view.requests) == 1
    for day in (date(2026, 12, 8), date(2026, 12, 9), date(2026, 12, 10)):
        apply(chat, day)
    with counted(engine) as four:
        view = answered(chat.answer(ANANYA, "list", "slack")).view
    assert isinstance(view, RequestListView) and len(view.requests) == 4
    assert one.one_transaction(commits=0) and four.one_transaction(commits=0), (one, four)
    assert len(one.queries) <= LIST_STATEMENTS, one.queries
    assert len(four.queries) == len(one.queries), four.queries  # no look-up per request


def test_an_application_is_one_transaction(chat: LeaveService, engine: Engine) -> None:
    with counted(engine) as counts:
        view = apply(chat, date(2026, 12, 7))
    assert view.request.approver is not None and view.request.approver.email == "boss@x.test"
    assert counts.one_transaction(commits=1), counts
    assert read_only_beginning(engine) not in counts.began, counts.began
    assert len(counts.queries) <= APPLY_STATEMENTS, counts.queries


def test_an_approval_click_is_one_transaction(chat: LeaveService, engine: Engine) -> None:
    applied = apply(chat, date(2026, 12, 7))
    with counted(engine) as counts:
        view = answered(chat.answer(VIKRAM, Decide(applied.request.id, approve=True), "slack")).view
    assert isinstance(view, DecidedView) and view.request.decided_by is not None
    assert counts.one_transaction(commits=1), counts
    assert len(counts.queries) <= DECIDE_STATEMENTS, counts.queries


def test_a_command_by_e_mail_is_one_transaction_too(chat: LeaveService, engine: Engine) -> None:
    """The terminal and the Teams door name the person by e-mail: the same single transaction."""
    with counted(engine) as counts:
        view = chat.handle_text("ananya@x.test", "balance", "console")
    assert isinstance(view, BalanceView)
    assert counts.one_transaction(commits=0), counts
    with counted(engine) as counts:
        view = chat.execute("ananya@x.test", ApplyLeave("casual", date(2026, 12, 7), date(2026, 12, 7)), "console")
    assert isinstance(view, AppliedView)
    assert counts.one_transaction(commits=1), counts


"""What the chat doors show besides replies: a person's home page, and a request as one viewer may
see it (and whether they may decide it), each read by the core in one unit of work.

Each test runs on SQLite and on MariaDB/MySQL (see conftest.py).
"""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from core.commands import ApplyLeave, CancelRequest, Decide, Delegate
from core.domain.model import RequestStatus
from core.ports import UnitOfWork, UnitOfWorkFactory
from core.service import LeaveService
from core.views import AppliedView, DelegationView, RequestView


class Counted:
    """The real unit-of-work factory, counting how many units of work the service opens."""

    def __init__(self, factory: UnitOfWorkFactory) -> None:
        self._factory = factory
        self.opened = 0

    def __call__(self, *, read_only: bool = False) -> UnitOfWork:
        self.opened += 1
        return self._factory(read_only=read_only)


@pytest.fixture
def uow_factory(uow_factory: UnitOfWorkFactory) -> Counted:
    """The database's factory, counted: the ``service`` fixture's core opens its units of work here."""
    return Counted(uow_factory)


def apply(service: LeaveService, email: str, start: date, end: date) -> RequestView:
    applied = service.execute(email, ApplyLeave("casual", start, end, reason="family"), "test")
    assert isinstance(applied, AppliedView), applied
    return applied.request


def test_the_home_page_holds_the_balance_the_leave_to_come_and_nothing_to_decide(
        service: LeaveService, uow_factory: Counted) -> None:
    later = apply(service, "ananya@x.test", date(2026, 12, 14), date(2026, 12, 15))
    sooner = apply(service, "ananya@x.test", date(2026, 12, 7), date(2026, 12, 9))
    withdrawn = apply(service, "ananya@x.test", date(2026, 12, 21), date(2026, 12, 21))
    service.execute("ananya@x.test", CancelRequest(withdrawn.id), "test")
    uow_factory.opened = 0

    page = service.home_view("ananya@x.test", "slack")

    assert uow_factory.opened == 1
    assert (page.name, page.today, page.problems) == ("Ananya", date(2026, 11, 25), ())
    assert page.balance == service.balance_of("ananya@x.test")
    assert [r.number for r in page.upcoming] == [sooner.number, later.number]
    assert (page.queue, page.show_queue) == ((), False)


def test_an_approvers_home_page_holds_what_waits_for_them_and_the_queue_even_when_empty(service: LeaveService) -> None:
    waiting = apply(service, "ananya@x.test", date(2026, 12, 7), date(2026, 12, 7))

    boss = service.home_view("boss@x.test", "slack")
    assert [r.number for r in boss.queue] == [waiting.number] and boss.show_queue
    service.execute("boss@x.test", Decide(waiting.id, True), "test")
    after = service.home_view("boss@x.test", "slack")
    assert (after.queue, after.show_queue, after.name) == ((), True, "Vikram")
    assert [(r.number, r.status) for r in service.home_view("ananya@x.test", "slack").upcoming] == [
        (waiting.number, RequestStatus.APPROVED)]


def test_a_strangers_home_page_says_why_and_the_attempt_is_recorded(service: LeaveService) -> None:
    page = service.home_view("nobody@x.test", "slack")

    assert page.name == "there" and page.balance is None and page.upcoming == page.queue == ()
    [problem] = page.problems
    assert "nobody@x.test" in problem
    [entry] = [e for e in service.audit_log() if e.actor == "nobody@x.test"]
    assert (entry.action, entry.outcome, entry.source, entry.detail) == ("unknown_person", "refused", "slack", "home")


def test_a_pending_request_as_each_viewer_sees_it(service: LeaveService, uow_factory: Counted) -> None:
    request = apply(service, "ananya@x.test", date(2026, 12, 7), date(2026, 12, 9))
    uow_factory.opened = 0

    approver = service.request_seen_by("boss@x.test", request.id)
    assert uow_factory.opened == 1
    assert approver is not None and approver.can_decide
    # The same request, seen by the one it waits for.
    assert approver.request == dataclasses.replace(request, yours_to_decide=True)
    assert approver.approver_notice is not None
    assert approver.approver_notice.recipient.email == "boss@x.test"
    assert approver.approver_notice.facts == ("Applied 12 days ahead", "3 working days")

    hr = service.request_seen_by("hr@x.test", request.id)
    assert hr is not None and hr.can_decide
    assert hr.approver_notice is not None and hr.approver_notice.recipient.email == "boss@x.test"

    owner = service.request_seen_by("ananya@x.test", request.id)
    assert owner is not None and (owner.can_decide, owner.approver_notice) == (False, None)
    assert owner.request == request

    assert service.request_seen_by("rahul@x.test", request.id) is None
    assert service.request_seen_by("nobody@x.test", request.id) is None
    assert service.request_seen_by("boss@x.test", request.id + 1000) is None


def test_a_delegate_may_decide_for_the_approver_and_nobody_may_once_it_is_decided(service: LeaveService) -> None:
    request = apply(service, "ananya@x.test", date(2026, 12, 7), date(2026, 12, 7))
    assert service.request_seen_by("rahul@x.test", request.id) is None
    delegated = service.execute("boss@x.test", Delegate("rahul@x.test", date(2026, 11, 25), date(2026, 11, 30)), "test")
    assert isinstance(delegated, DelegationView)

    delegate = service.request_seen_by("rahul@x.test", request.id)
    assert delegate is not None and delegate.can_decide
    assert delegate.approver_notice is not None and delegate.approver_notice.recipient.email == "boss@x.test"

    service.execute("boss@x.test", Decide(request.id, False, "release week"), "test")
    decided = service.request_seen_by("boss@x.test", request.id)
    assert decided is not None and decided.request.status is RequestStatus.REJECTED
    assert (decided.can_decide, decided.approver_notice) == (False, None)

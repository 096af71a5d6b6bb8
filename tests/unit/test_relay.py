"""Delivering the outbox to the doors, on the in-memory fakes: who hears what, once, and retries.

The notifiers here stand in for Slack and Teams: they record what they were asked to send, or
fail the way a platform fails (throttling, an unknown user, a refusal, a plain bug).
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from core.commands import ApplyLeave, CancelRequest, Decide, ShowBalance
from core.delivery.relay import backoff
from core.domain.amount import Amount
from core.domain.model import RequestStatus
from core.ports import DeliveryFailed, RetryLater, Unreachable
from core.service import LeaveService
from core.views import AppliedView, CancelledView, DecidedView, Notice, NoticeKind, RefusalView
from tests.unit.fakes import FakeStore, FixedClock, OutboxRow

# Tuesday 1 Dec 2026: six days after the fixed "today" (Wednesday 25 Nov 2026 in India).
DAY = date(2026, 12, 1)


class Recorder:
    """A door that always gets through, remembering every notice it sent."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.sent: list[Notice] = []

    def deliver(self, notice: Notice) -> None:
        self.sent.append(notice)


class Failing:
    """A door that fails with ``error`` while ``failing`` is true, then gets through."""

    def __init__(self, name: str, error: Exception) -> None:
        self.name = name
        self.error = error
        self.failing = True
        self.calls = 0
        self.sent: list[Notice] = []

    def deliver(self, notice: Notice) -> None:
        self.calls += 1
        if self.failing:
            raise self.error
        self.sent.append(notice)


def apply(service: LeaveService, who: str = "ananya@x.test", day: date = DAY) -> AppliedView:
    view = service.execute(who, ApplyLeave("casual", day, day, reason="family"), "test")
    assert isinstance(view, AppliedView), view
    return view


def only_event(store: FakeStore) -> OutboxRow:
    rows = store.committed.outbox
    assert len(rows) == 1, rows
    return rows[0]


# -- who hears what ---------------------------------------------------------------------------------


def test_an_application_tells_the_approver_once_with_what_they_need(service: LeaveService) -> None:
    slack = Recorder("slack")
    applied = apply(service)
    report = service.deliver_notices([slack])
    assert (report.delivered, report.retrying, report.errors) == (1, 0, [])
    assert len(slack.sent) == 1
    notice = slack.sent[0]
    assert notice.kind is NoticeKind.APPROVAL_NEEDED
    assert notice.key == "approval_needed:E2"
    assert notice.recipient.email == "boss@x.test"
    assert notice.request == applied.request
    # The card shows the employee's balance as it stands: 11 accrued by 25 Nov, 1 pending; December's to come.
    (left,) = notice.balance_after.values()
    assert notice.balance_after == applied.balance_after and (left.available, left.at_year_end) == (
        Amount.days(10), Amount.days(11))
    assert notice.facts == ("Applied 6 days ahead", "1 working day")
    assert notice.team_out == ()

    again = service.deliver_notices([slack])
    assert (again.delivered, again.retrying) == (0, 0)
    assert len(slack.sent) == 1


def test_a_decision_tells_the_employee_and_closes_the_approvers_card(service: LeaveService) -> None:
    slack = Recorder("slack")
    applied = apply(service)
    service.deliver_notices([slack])
    decided = service.execute("boss@x.test", Decide(applied.request.id, True), "test")
    assert isinstance(decided, DecidedView)
    report = service.deliver_notices([slack])
    assert report.delivered == 1
    later = [(n.kind, n.recipient.email, n.request.status) for n in slack.sent[1:]]
    assert later == [
        (NoticeKind.DECIDED, "ananya@x.test", RequestStatus.APPROVED),
        (NoticeKind.REQUEST_CLOSED, "boss@x.test", RequestStatus.APPROVED),
    ]
    assert service.deliver_notices([slack]).delivered == 0
    assert len(slack.sent) == 3


def test_a_cancelled_pending_request_closes_the_approvers_card_only(service: LeaveService) -> None:
    slack = Recorder("slack")
    applied = apply(service)
    cancelled = service.execute("ananya@x.test", CancelRequest(applied.request.id), "test")
    assert isinstance(cancelled, CancelledView)
    service.deliver_notices([slack])
    # Cancelled before the card went out: no stale card to click, only the closing notice.
    assert [(n.kind, n.recipient.email) for n in slack.sent] == [(NoticeKind.REQUEST_CLOSED, "boss@x.test")]


def test_every_door_gets_every_notice(service: LeaveService) -> None:
    slack, teams = Recorder("slack"), Recorder("teams")
    apply(service)
    service.deliver_notices([slack, teams])
    assert [n.key for n in slack.sent] == [n.key for n in teams.sent] == ["approval_needed:E2"]


def test_without_doors_nothing_is_marked_delivered(service: LeaveService, store: FakeStore) -> None:
    apply(service)
    report = service.deliver_notices([])
    assert (report.delivered, report.retrying) == (0, 0)
    assert only_event(store).delivered_at is None


# -- failures -----------------------------------------------------------------------------------


def test_throttling_retries_after_the_platforms_wait_and_never_repeats_the_other_door(
    service: LeaveService, store: FakeStore, clock: FixedClock
) -> None:
    slack = Failing("slack", RetryLater("429", after=120))
    teams = Recorder("teams")
    apply(service)
    started = clock.at
    report = service.deliver_notices([slack, teams])
    assert (report.delivered, report.retrying) == (0, 1)
    assert report.errors == ["slack:approval_needed:E2: 429"]
    row = only_event(store)
    assert row.delivered_at is None
    assert row.next_attempt_at is not None and row.next_attempt_at >= started + timedelta(seconds=120)
    assert row.attempts == 1
    assert row.targets == {"teams:approval_needed:E2": ("delivered", "")}
    assert len(teams.sent) == 1

    # Not due yet: nobody is asked again.
    assert service.deliver_notices([slack, teams]).retrying == 0
    assert slack.calls == 1

    slack.failing = False
    clock.at = row.next_attempt_at
    report = service.deliver_notices([slack, teams])
    assert (report.delivered, report.retrying) == (1, 0)
    assert [n.key for n in slack.sent] == ["approval_needed:E2"]
    assert len(teams.sent) == 1  # delivered on the first round, not repeated
    assert only_event(store).delivered_at == clock.at


def test_a_short_retry_after_does_not_shorten_the_back_off(
    service: LeaveService, store: FakeStore, clock: FixedClock
) -> None:
    apply(service)
    service.deliver_notices([Failing("slack", RetryLater("503", after=1))])
    assert only_event(store).next_attempt_at == clock.at + backoff(0)


def test_an_unreachable_person_is_recorded_audited_and_not_retried(
    service: LeaveService, store: FakeStore, clock: FixedClock
) -> None:
    teams = Failing("teams", Unreachable("not in the tenant"))
    applied = apply(service)
    report = service.deliver_notices([teams])
    assert (report.delivered, report.retrying, report.errors) == (1, 0, [])
    row = only_event(store)
    assert row.delivered_at == clock.at
    assert row.targets == {"teams:approval_needed:E2": ("unreachable", "not in the tenant")}
    audit = store.committed.audit[-1]
    assert (audit.action, audit.outcome, audit.actor, audit.source) == (
        "notice.unreachable", "refused", "system", "teams"
    )
    assert audit.request_id == applied.request.id
    assert audit.detail == "boss@x.test: not in the tenant"

    clock.at += timedelta(days=1)
    service.deliver_notices([teams])
    assert teams.calls == 1


def test_a_permanent_refusal_is_settled_as_failed(service: LeaveService, store: FakeStore, clock: FixedClock) -> None:
    slack = Failing("slack", DeliveryFailed("invalid_auth"))
    apply(service)
    report = service.deliver_notices([slack])
    assert (report.delivered, report.retrying) == (1, 0)
    assert report.errors == ["slack:approval_needed:E2: invalid_auth"]
    assert only_event(store).targets == {"slack:approval_needed:E2": ("failed", "invalid_auth")}
    clock.at += timedelta(days=1)
    service.deliver_notices([slack])
    assert slack.calls == 1


def test_any_other_error_is_retried_with_growing_back_off(
    service: LeaveService, store: FakeStore, clock: FixedClock
) -> None:
    broken = Failing("slack", RuntimeError("socket closed"))
    apply(service)
    first = clock.at
    report = service.deliver_notices([broken])
    assert (report.delivered, report.retrying) == (0, 1)
    row = only_event(store)
    assert (row.attempts, row.next_attempt_at) == (1, first + backoff(0))
    assert row.last_error == "slack:approval_needed:E2: RuntimeError: socket closed"
    assert row.targets == {}

    clock.at = first + backoff(0)
    service.deliver_notices([broken])
    row = only_event(store)
    assert (row.attempts, row.next_attempt_at) == (2, clock.at + backoff(1))
    assert backoff(1) == 2 * backoff(0)

    broken.failing = False
    clock.at += backoff(1)
    assert service.deliver_notices([broken]).delivered == 1
    assert (broken.calls, len(broken.sent)) == (3, 1)
    assert only_event(store).last_error is None


def test_depth_counts_what_waits(service: LeaveService, store: FakeStore, clock: FixedClock) -> None:
    with store() as uow:
        assert uow.outbox.depth() == (0, None)
    apply(service)
    with store() as uow:
        assert uow.outbox.depth() == (1, clock.at)
    service.deliver_notices([Recorder("slack")])
    with store() as uow:
        assert uow.outbox.depth() == (0, None)


# -- identity ---------------------------------------------------------------------------------------


def test_a_chat_user_is_linked_by_email_and_found_again(service: LeaveService, store: FakeStore) -> None:
    assert service.linked_employee("slack", "U1") is None
    linked = service.link_by_email("slack", "U1", "Ananya@X.test")
    assert linked is not None and linked.employee_id == "E3"
    found = service.linked_employee("slack", "U1")
    assert found is not None and (found.employee_id, found.slack_user_id) == ("E3", "U1")
    assert service.linked_employee("teams", "U1") is None
    audit = store.committed.audit[-1]
    assert (audit.actor, audit.action, audit.source, audit.detail) == ("ananya@x.test", "identity.link", "slack", "U1")

    assert service.link_by_email("slack", "U2", "nobody@x.test") is None
    assert service.linked_employee("slack", "U2") is None


def test_linking_moves_a_chat_id_from_its_previous_owner(service: LeaveService) -> None:
    service.link_by_email("teams", "aad-1", "ananya@x.test")
    service.link_by_email("teams", "aad-1", "rahul@x.test")
    found = service.linked_employee("teams", "aad-1")
    assert found is not None and found.employee_id == "E4"
    ananya = service.link_by_email("slack", "U3", "ananya@x.test")
    assert ananya is not None and ananya.teams_aad_object_id is None


def test_an_unknown_platform_is_a_programming_error(service: LeaveService) -> None:
    with pytest.raises(ValueError, match="platform"):
        service.linked_employee("irc", "nick")
    with pytest.raises(ValueError, match="platform"):
        service.link_by_email("irc", "nick", "ananya@x.test")


# -- on_change ------------------------------------------------------------------------------------


@pytest.fixture
def watched(service: LeaveService, store: FakeStore, clock: FixedClock) -> tuple[LeaveService, list[int], Recorder]:
    """A second service on the same store, whose ``on_change`` delivers at once, as the doors do."""
    slack = Recorder("slack")
    changes: list[int] = []
    holder: list[LeaveService] = []

    def on_change() -> None:
        changes.append(len(slack.sent))
        holder[0].deliver_notices([slack])

    holder.append(LeaveService(store, clock, default_time_zone="Asia/Kolkata", on_change=on_change))
    return holder[0], changes, slack


def test_on_change_runs_once_after_each_committed_change(
    watched: tuple[LeaveService, list[int], Recorder],
) -> None:
    service, changes, slack = watched
    execute = service.execute
    applied = execute("ananya@x.test", ApplyLeave("casual", DAY, DAY), "test", "key-1")
    assert isinstance(applied, AppliedView)
    assert len(changes) == 1
    # The change had committed: delivering from on_change found the new event.
    assert [n.kind for n in slack.sent] == [NoticeKind.APPROVAL_NEEDED]

    duplicate = execute("ananya@x.test", ApplyLeave("casual", DAY, DAY), "test", "key-1")
    assert isinstance(duplicate, AppliedView) and duplicate.duplicate
    refused = execute("ananya@x.test", ApplyLeave("casual", DAY, DAY), "test")  # overlaps itself
    assert isinstance(refused, RefusalView)
    outsider = execute("rahul@x.test", Decide(applied.request.id, True), "test")
    assert isinstance(outsider, RefusalView)
    execute("ananya@x.test", ShowBalance(), "test")
    service.handle_text("ananya@x.test", "balance", "test")
    assert len(changes) == 1

    assert isinstance(execute("boss@x.test", Decide(applied.request.id, True), "test"), DecidedView)
    assert len(changes) == 2
    assert isinstance(execute("ananya@x.test", CancelRequest(applied.request.id), "test"), CancelledView)
    assert len(changes) == 3
    assert [n.kind for n in slack.sent] == [
        NoticeKind.APPROVAL_NEEDED,
        NoticeKind.DECIDED,
        NoticeKind.REQUEST_CLOSED,
        NoticeKind.REQUEST_CLOSED,
    ]


def test_without_on_change_nothing_is_delivered_by_itself(service: LeaveService, store: FakeStore) -> None:
    apply(service)
    assert only_event(store).delivered_at is None

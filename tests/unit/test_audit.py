"""The audit log through the service: HR's search, refusals written once, floods held back."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from core.commands import ApplyLeave, Decide, Report, ShowAudit, ShowBalance
from core.domain.model import AuditEntry
from core.errors import BadCommand
from core.language.grammar import parse_command
from core.ports import AuditQuery
from core.service import LeaveService
from core.shared.audit import CHAT_LIMIT, RATE_LIMITED, UNKNOWN_PERSON
from core.shared.limits import RateLimit
from core.views import AppliedView, AuditView, BalanceView, RefusalView
from tests.unit.conftest import ORG_CSV, policy_document
from tests.unit.fakes import FakeStore, FixedClock

HR, BOSS, ANANYA, RAHUL = "hr@x.test", "boss@x.test", "ananya@x.test", "rahul@x.test"
TODAY = date(2026, 11, 25)


@pytest.mark.parametrize(("text", "command"), [
    ("audit", ShowAudit()),
    ("/leave audit @priya", ShowAudit("@priya")),
    ("audit 2026-11", ShowAudit(None, date(2026, 11, 1), date(2026, 11, 30), "2026-11")),
    ("audit priya@x.test 2026-q4", ShowAudit("priya@x.test", date(2026, 10, 1), date(2026, 12, 31), "2026-Q4")),
    ("audit 1 Oct 2026 to 15 Nov 2026", ShowAudit(None, date(2026, 10, 1), date(2026, 11, 15),
                                                  "2026-10-01 to 2026-11-15")),
    ("audit <@U0PRIYA|priya> yesterday", ShowAudit("<@U0PRIYA|priya>", date(2026, 11, 24), date(2026, 11, 24),
                                                   "2026-11-24")),
])
def test_the_audit_words(text: str, command: ShowAudit) -> None:
    assert parse_command(text, TODAY) == command


@pytest.mark.parametrize(("text", "said"), [
    ("audit 2026-13", "There is no month 13"),
    ("audit @priya 2026 and more", "I didn't understand 'and more'"),
    ("audit 15 Nov 2026 to 1 Oct 2026", "put the earlier date first"),
])
def test_audit_words_that_do_not_make_a_search(text: str, said: str) -> None:
    with pytest.raises(BadCommand, match=said) as refused:
        parse_command(text, TODAY)
    assert "/leave audit [@person] [PERIOD]" in refused.value.message


def refused(store: FakeStore) -> list[tuple[str, str, str]]:
    return [(a.actor, a.action, a.source) for a in store.committed.audit if a.outcome == "refused"]


def applied(service: LeaveService, who: str = ANANYA) -> AppliedView:
    view = service.execute(who, ApplyLeave("casual", date(2026, 12, 7), date(2026, 12, 8)), "test")
    assert isinstance(view, AppliedView)
    return view


@pytest.fixture
def braked(store: FakeStore, clock: FixedClock) -> LeaveService:
    """The service with a small brake: 3 actions at once, then one a second."""
    service = LeaveService(store, clock, default_time_zone="Asia/Kolkata", rate_limit=RateLimit(60, 3))
    service.load_policy(policy_document(), "test")
    service.import_employees(ORG_CSV)
    return service


def test_hr_sees_the_newest_entries_first_with_request_ids(service: LeaveService, clock: FixedClock) -> None:
    request = applied(service).request
    clock.at += timedelta(minutes=5)
    service.execute(BOSS, Decide(request.id, approve=True), "slack")
    view = service.execute(HR, ShowAudit(), "console")
    assert isinstance(view, AuditView)
    assert [(e.actor, e.action, e.request) for e in view.entries[:2]] == [
        (BOSS, "approve", request.number), (ANANYA, "apply", request.number)]
    assert view.total == len(view.entries) and view.person is None


def test_a_long_log_shows_the_newest_and_counts_them_all(service: LeaveService, store: FakeStore,
                                                         clock: FixedClock) -> None:
    for minute in range(CHAT_LIMIT + 5):
        store.committed.audit.append(AuditEntry(at=clock.at + timedelta(minutes=minute), actor="system",
                                                action=f"probe.{minute}"))
    view = service.execute(HR, ShowAudit(), "console")
    assert isinstance(view, AuditView)
    assert len(view.entries) == CHAT_LIMIT and view.total == len(store.committed.audit)
    assert view.entries[0].action == f"probe.{CHAT_LIMIT + 4}"


def test_a_person_is_found_as_the_actor_or_as_the_employee(service: LeaveService, clock: FixedClock) -> None:
    request = applied(service).request
    service.execute(BOSS, Decide(request.id, approve=False, reason="release"), "slack")
    service.execute(RAHUL, ShowBalance(), "slack")  # no audit entry: reading is not audited
    view = service.execute(HR, ShowAudit("ananya@x.test"), "console")
    assert isinstance(view, AuditView) and view.person is not None and view.person.name == "Ananya Iyer"
    assert {(e.actor, e.action) for e in view.entries} == {(ANANYA, "apply"), (BOSS, "reject")}
    boss = service.execute(HR, ShowAudit("@boss"), "console")
    assert isinstance(boss, AuditView) and [(e.actor, e.action) for e in boss.entries] == [(BOSS, "reject")]


def test_a_period_keeps_to_its_days(service: LeaveService, clock: FixedClock) -> None:
    applied(service)
    november = service.execute(HR, ShowAudit(None, date(2026, 11, 25), date(2026, 11, 25), "2026-11-25"), "console")
    december = service.execute(HR, ShowAudit(None, date(2026, 12, 1), date(2026, 12, 31), "2026-12"), "console")
    assert isinstance(november, AuditView) and isinstance(december, AuditView)
    assert "apply" in [e.action for e in november.entries] and december.entries == ()
    assert december.period == "2026-12"


def test_the_audit_log_is_for_hr_and_asking_is_itself_audited(service: LeaveService, store: FakeStore) -> None:
    view = service.execute(ANANYA, ShowAudit(), "slack")
    assert isinstance(view, RefusalView) and "for HR admins" in view.message
    assert refused(store) == [(ANANYA, "not_hr", "slack")]


def test_a_report_refused_to_someone_else_is_audited_once(service: LeaveService, store: FakeStore) -> None:
    view = service.execute(RAHUL, Report("2026-11", date(2026, 11, 1), date(2026, 11, 30)), "teams")
    assert isinstance(view, RefusalView)
    assert refused(store) == [(RAHUL, "not_hr", "teams")]


def test_a_decision_by_someone_else_is_audited_once(service: LeaveService, store: FakeStore) -> None:
    request = applied(service).request
    view = service.execute(RAHUL, Decide(request.id, approve=True), "teams")
    assert isinstance(view, RefusalView)
    assert refused(store) == [(RAHUL, "not_approver", "teams")]


def test_someone_the_directory_does_not_know_is_refused_and_recorded(service: LeaveService,
                                                                    store: FakeStore) -> None:
    view = service.handle_text("Stranger@Elsewhere.test", "approve LV-1001", "slack")
    assert isinstance(view, RefusalView) and "ask HR to add you" in view.message
    clicked = service.execute("stranger@elsewhere.test", Decide(1, approve=True), "slack")
    assert isinstance(clicked, RefusalView)
    assert refused(store) == [("stranger@elsewhere.test", UNKNOWN_PERSON, "slack")] * 2
    assert [a.detail for a in store.committed.audit if a.action == UNKNOWN_PERSON] == ["approve LV-1001", "approve"]


def test_a_flood_is_held_back_with_one_audit_entry_and_nothing_done(braked: LeaveService, store: FakeStore,
                                                                    clock: FixedClock) -> None:
    for _ in range(3):
        assert isinstance(braked.handle_text(ANANYA, "balance", "slack"), BalanceView)
    audit_before = len(store.committed.audit)
    held = [braked.execute(ANANYA, ApplyLeave("casual", date(2026, 12, 7), date(2026, 12, 7)), "slack")
            for _ in range(4)]
    held.append(braked.handle_text(ANANYA, "apply casual 7 Dec", "slack"))
    assert {v.message for v in held if isinstance(v, RefusalView)} == {
        "You're going a bit fast \u2014 try again in 1 second."}
    assert len(held) == 5 and store.committed.requests == {}
    assert [(a.actor, a.action, a.source) for a in store.committed.audit[audit_before:]] == [
        (ANANYA, RATE_LIMITED, "slack")]
    # Someone else is not held back, and a door reading on Ananya's behalf is not counted.
    assert isinstance(braked.execute(RAHUL, ShowBalance(), "slack"), BalanceView)
    assert isinstance(braked.execute(ANANYA, ShowBalance(), "slack", counted=False), BalanceView)
    clock.at += timedelta(seconds=1)
    assert isinstance(braked.execute(ANANYA, ShowBalance(), "slack"), BalanceView)


def test_a_stranger_the_door_refused_is_recorded_unless_flooding(braked: LeaveService, store: FakeStore) -> None:
    assert [braked.record_stranger("29:1x", "teams", "approve") for _ in range(3)] == [None] * 3
    held = braked.record_stranger("29:1x", "teams", "approve")
    assert isinstance(held, RefusalView) and "going a bit fast" in held.message
    assert [a.action for a in braked.audit_log(AuditQuery(actor="29:1x"))] == [UNKNOWN_PERSON] * 3 + [RATE_LIMITED]

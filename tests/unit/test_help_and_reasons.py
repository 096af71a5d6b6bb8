"""Help that fits the reader, and a rejection's reason as the policy wants it, on the in-memory fakes."""

from __future__ import annotations

from datetime import date

import pytest

from core.commands import AUDIENCE, EXAMPLES, PURPOSE, USAGE, ApplyLeave, Audience, Decide, Delegate
from core.domain.model import RequestStatus
from core.policy.rules import parse_policy
from core.service import LeaveService
from core.views import AppliedView, ApplyFormView, DecidedView, DelegationView, HelpView, RefusalView
from tests.unit.conftest import policy_document


def help_of(service: LeaveService, who: str, words: str = "help") -> HelpView:
    view = service.handle_text(who, words, "test")
    assert isinstance(view, HelpView), view
    return view


def words(view: HelpView) -> set[str]:
    return {c.word for c in view.commands}


def for_audience(*audiences: Audience) -> set[str]:
    return {word for word, audience in AUDIENCE.items() if audience in audiences}


def test_every_command_says_what_it_is_for_and_whom() -> None:
    assert set(PURPOSE) == set(AUDIENCE) == set(EXAMPLES) == set(USAGE)


def test_an_employee_sees_no_approval_or_hr_commands(service: LeaveService) -> None:
    shown = words(help_of(service, "rahul@x.test"))
    assert "apply" in shown and "balance" in shown
    assert not shown & for_audience(Audience.APPROVERS, Audience.HR)


def test_a_manager_and_anyone_with_reports_see_the_approval_commands(service: LeaveService) -> None:
    approvals = for_audience(Audience.APPROVERS)
    for who in ("boss@x.test", "ananya@x.test"):  # Vikram is a manager; Ananya, an employee, has Kiran reporting
        shown = words(help_of(service, who))
        assert approvals <= shown and not shown & for_audience(Audience.HR), who


def test_someone_standing_in_for_an_approver_sees_the_approval_commands(service: LeaveService) -> None:
    delegated = service.execute("boss@x.test", Delegate("rahul@x.test", date(2026, 11, 25), date(2026, 11, 30)), "test")
    assert isinstance(delegated, DelegationView)
    assert for_audience(Audience.APPROVERS) <= words(help_of(service, "rahul@x.test"))


def test_hr_sees_its_own_commands(service: LeaveService) -> None:
    assert for_audience(Audience.HR, Audience.APPROVERS) <= words(help_of(service, "hr@x.test"))


def test_help_all_is_every_command_in_the_grammar_for_everyone(service: LeaveService) -> None:
    every = help_of(service, "rahul@x.test", "help all")
    assert every.full and [c.word for c in every.commands] == list(USAGE)
    assert all(c.example.startswith("/leave ") for c in every.commands)
    assert every.balance is None


def test_help_with_other_words_is_the_short_help(service: LeaveService) -> None:
    assert help_of(service, "rahul@x.test", "help me please") == help_of(service, "rahul@x.test")


def test_help_the_form_and_the_balance_list_the_types_the_person_may_take(service: LeaveService) -> None:
    shown = help_of(service, "rahul@x.test")
    rahul = service.employee("E4")
    assert rahul is not None
    open_to = [t.key for t in parse_policy(policy_document()).types_open_to(rahul, date(2026, 11, 25), {})]
    assert [t.key for t in shown.leave_types] == open_to
    assert shown.balance is not None and [r.type_key for r in shown.balance.rows] == open_to
    form = service.handle_text("rahul@x.test", "apply", "test")
    assert isinstance(form, ApplyFormView) and [key for key, _ in form.leave_types] == open_to


def applied(service: LeaveService) -> int:
    view = service.execute("ananya@x.test", ApplyLeave("casual", date(2026, 12, 7), date(2026, 12, 9)), "test")
    assert isinstance(view, AppliedView)
    return view.request.id


@pytest.fixture
def reasons_required(service: LeaveService) -> LeaveService:
    service.load_policy({**policy_document(), "reject_reason": "required"}, "test")
    return service


def test_where_the_policy_wants_a_reason_a_bare_rejection_is_refused_and_changes_nothing(
        reasons_required: LeaveService) -> None:
    request_id = applied(reasons_required)
    for bare in (Decide(request_id, approve=False), Decide(request_id, approve=False, reason="   ")):
        refused = reasons_required.execute("boss@x.test", bare, "test")
        assert isinstance(refused, RefusalView)
        assert refused.message == ("Say why you reject LV-1001; Ananya will read it: "
                                   "/leave reject LV-1001 REASON.")
    assert reasons_required.list_requests()[0].status is RequestStatus.PENDING
    rejected = reasons_required.execute("boss@x.test", Decide(request_id, False, "release week"), "test")
    assert isinstance(rejected, DecidedView) and rejected.request.decision_note == "release week"


def test_where_the_policy_wants_a_reason_approving_needs_none(reasons_required: LeaveService) -> None:
    approved = reasons_required.execute("boss@x.test", Decide(applied(reasons_required), approve=True), "test")
    assert isinstance(approved, DecidedView) and approved.request.status is RequestStatus.APPROVED


def test_by_default_a_reason_is_optional_and_every_door_is_told_so(service: LeaveService) -> None:
    request_id = applied(service)
    assert service.reject_reason_required() is False
    seen = service.request_seen_by("boss@x.test", request_id)
    assert seen is not None and seen.request.reject_reason_required is False
    rejected = service.execute("boss@x.test", Decide(request_id, approve=False), "test")
    assert isinstance(rejected, DecidedView) and rejected.request.status is RequestStatus.REJECTED


def test_a_required_reason_reaches_the_doors(reasons_required: LeaveService) -> None:
    request_id = applied(reasons_required)
    assert reasons_required.reject_reason_required() is True
    seen = reasons_required.request_seen_by("boss@x.test", request_id)
    assert seen is not None and seen.request.reject_reason_required is True

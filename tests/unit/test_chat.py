"""What people type, end to end through the service on the fakes: the words, not the commands."""

from __future__ import annotations

from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.domain.amount import Amount
from core.domain.model import RequestStatus
from core.service import LeaveService
from core.views import (
    AppliedView,
    ApplyFormView,
    BalanceView,
    DecidedView,
    HelpView,
    HolidaysView,
    RefusalView,
    ReportView,
    RequestListView,
    TeamView,
    View,
)


def say(service: LeaveService, who: str, text: str) -> View:
    return service.handle_text(who, text, "test")


def test_a_conversation(service: LeaveService) -> None:
    help_view = say(service, "ananya@x.test", "/leave")
    assert isinstance(help_view, HelpView) and help_view.balance is not None
    assert isinstance(say(service, "ananya@x.test", "/leave apply"), ApplyFormView)
    applied = say(service, "ananya@x.test", "/leave apply CL 24 Dec to 28 Dec year-end trip")
    assert isinstance(applied, AppliedView)
    assert (applied.request.start, applied.request.end, applied.request.days) == (date(2026, 12, 24),
                                                                                 date(2026, 12, 28), Amount.days(2))
    assert applied.request.reason == "year-end trip"
    listed = say(service, "ananya@x.test", "list")
    assert isinstance(listed, RequestListView) and listed.requests[0].number == applied.request.number
    pending = say(service, "boss@x.test", "pending")
    assert isinstance(pending, RequestListView) and [r.number for r in pending.requests] == [applied.request.number]
    decided = say(service, "boss@x.test", f"approve {applied.request.number}")
    assert isinstance(decided, DecidedView) and decided.request.status is RequestStatus.APPROVED
    team = say(service, "rahul@x.test", "team 24 Dec")
    assert isinstance(team, TeamView) and [a.person.name for a in team.absences] == ["Ananya Iyer"]
    holidays = say(service, "ananya@x.test", "holidays 2027")
    assert isinstance(holidays, HolidaysView) and holidays.holidays[0].name == "New Year"
    someone = say(service, "boss@x.test", "balance ananya@x.test")
    assert isinstance(someone, BalanceView) and someone.person.name == "Ananya Iyer"
    rejected = say(service, "ananya@x.test", "apply sick tomorrow fever")
    assert isinstance(rejected, AppliedView) and rejected.request.start == date(2026, 11, 26)
    reason = say(service, "boss@x.test", f"reject {rejected.request.number} please use casual")
    assert isinstance(reason, DecidedView) and reason.request.decision_note == "please use casual"


def test_report_is_for_hr_only(service: LeaveService) -> None:
    applied = say(service, "ananya@x.test", "apply casual 2026-11-30 to 2026-12-02")
    assert isinstance(applied, AppliedView)
    say(service, "boss@x.test", f"approve {applied.request.number}")
    refused = say(service, "boss@x.test", "report 2026-12")
    assert isinstance(refused, RefusalView) and "HR" in refused.message
    report = say(service, "hr@x.test", "report 2026-12")
    assert isinstance(report, ReportView)
    lines = report.files[0].text.splitlines()
    # Only the days inside the period count: 1 and 2 Dec.
    assert lines[1].split(",")[4:] == ["casual", "2", "1", "2026-12-01", "2026-12-02"]


def test_unknown_person_gets_a_clear_message(service: LeaveService) -> None:
    view = say(service, "stranger@x.test", "balance")
    assert isinstance(view, RefusalView) and "ask HR to add you (your e-mail: stranger@x.test)" in view.message


WORDS = st.sampled_from([
    "apply", "casual", "CL", "sick", "PL", "ML", "today", "tomorrow", "monday", "next", "friday", "to", "24",
    "Dec", "2026-12-24", "2027-02-30", "half-day", "second-half", "balance", "list", "cancel", "LV-1001",
    "pending", "approve", "reject", "team", "holidays", "report", "2026-Q4", "<@U1>", "@x", "doc:", "💥", "",
])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.one_of(st.text(max_size=60), st.lists(WORDS, max_size=8).map(" ".join)))
def test_no_text_crashes_the_service(service: LeaveService, text: str) -> None:
    view = say(service, "ananya@x.test", text)
    if isinstance(view, RefusalView):
        assert view.message.strip()

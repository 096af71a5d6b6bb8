"""What the digests and reminders say, on the in-memory fakes with a frozen clock."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

import pytest

from bot.digest_words import empty_sections, nothing_line, worded
from bot.render_text import render_digest
from bot.scheduled import SLACK_BLOCK_LIMIT
from bot.slack import render as slack_render
from bot.teams import cards as teams_cards
from core.domain.amount import Amount
from core.domain.heatmap import HeatMap
from core.domain.model import HalfDay, LeaveRequest, RequestStatus
from core.errors import PolicyError
from core.ports.calendars import CalendarFailure
from core.scheduling.digests import hr_digest, whos_out
from core.scheduling.reminders import escalation_days, reminders
from core.service import LeaveService
from tests.trees import nodes
from tests.unit.conftest import ORG_CSV, policy_document
from tests.unit.fakes import FakeStore, FixedClock


def add(store: FakeStore, employee: str, start: date, end: date, status: RequestStatus, days: str,
        half: HalfDay | None = None, created: datetime | None = None, approver: str | None = "E2") -> None:
    amount = Amount.days(days)
    with store() as uow:
        uow.requests.add(LeaveRequest(employee_id=employee, type_key="casual", start=start, end=end, days=amount,
                                      status=status, created_at=created or datetime(2026, 11, 1, tzinfo=UTC),
                                      half=half, approver_id=approver, year_days={start.year: amount}))
        uow.commit()


def test_the_hr_digest_counts_last_weeks_working_days_by_department_and_type(
        service: LeaveService, store: FakeStore) -> None:
    add(store, "E3", date(2026, 11, 13), date(2026, 11, 16), RequestStatus.APPROVED, "2")  # Fri-Mon: Mon counts
    add(store, "E4", date(2026, 11, 18), date(2026, 11, 18), RequestStatus.APPROVED, "0.5", half=HalfDay.FIRST)
    add(store, "E5", date(2026, 11, 30), date(2026, 12, 1), RequestStatus.APPROVED, "2")
    add(store, "E4", date(2026, 12, 3), date(2026, 12, 3), RequestStatus.PENDING, "1",
        created=datetime(2026, 11, 20, tzinfo=UTC))
    with store() as uow:
        digest = hr_digest(uow, datetime(2026, 11, 23, 3, 30, tzinfo=UTC), date(2026, 11, 23))
    assert digest["taken"]["total"] == "1.5"
    assert digest["taken"]["by_type"] == [{"type": "Casual leave", "days": "1.5"}]
    assert digest["taken"]["by_department"]["rows"] == [
        {"department": "Engineering", "type": "Casual leave", "days": "1.5"}]
    assert [(r["name"], r["start"]) for r in digest["upcoming"]["rows"]] == [
        ("Kiran Das", "2026-11-30"), ("Rahul Verma", "2026-12-03")]
    assert [r["waiting_days"] for r in digest["pending"]["rows"]] == [3]
    assert digest["upcoming_by_department"] == {"Engineering": 2}


def test_the_hr_digest_lists_calendar_sync_failures_in_slack_and_teams(
        service: LeaveService, store: FakeStore) -> None:
    add(store, "E3", date(2026, 12, 7), date(2026, 12, 8), RequestStatus.APPROVED, "2")
    with store() as uow:
        (request,) = uow.requests.search(employee_ids=["E3"])
        assert request.id is not None
        uow.calendars.fail(CalendarFailure(request.id, "google", "e3@example.com", "403 Forbidden: no delegation",
                                           datetime(2026, 11, 27, 10, tzinfo=UTC)))
        uow.commit()
    with store() as uow:
        digest = hr_digest(uow, datetime(2026, 11, 30, 3, 30, tzinfo=UTC), date(2026, 11, 30))
    section = digest["calendar_failures"]
    assert section["total"] == 1 and section["more"] == 0
    assert section["rows"][0]["number"] == request.number and section["rows"][0]["provider"] == "google"
    slack = json.dumps(slack_render._render("hr_digest.j2", SLACK_BLOCK_LIMIT, digest=worded(digest)))
    teams = json.dumps(teams_cards.render("hr_digest.j2", digest=worded(digest)))
    for output in (slack, teams):
        assert "Calendar sync failures" in output and "Fri 27 Nov 2026" in output
        assert f"Ananya Iyer, {request.number} (google): 403 Forbidden: no delegation" in output


def test_whos_out_goes_by_each_persons_local_date_and_shows_half_days(service: LeaveService,
                                                                     store: FakeStore) -> None:
    add(store, "E3", date(2026, 11, 30), date(2026, 11, 30), RequestStatus.APPROVED, "0.5", half=HalfDay.SECOND)
    add(store, "E5", date(2026, 11, 30), date(2026, 11, 30), RequestStatus.APPROVED, "1")  # in New York
    add(store, "E4", date(2026, 12, 2), date(2026, 12, 3), RequestStatus.APPROVED, "2")
    nine_in_kolkata = datetime(2026, 11, 30, 3, 30, tzinfo=UTC)  # still Sunday evening in New York
    with store() as uow:
        out = whos_out(uow, nine_in_kolkata, "Engineering", date(2026, 11, 30))
    assert [(r["name"], r["half"]) for r in out["today"]["rows"]] == [("Ananya Iyer", "SECOND")]
    assert [r["name"] for r in out["this_week"]["rows"]] == ["Kiran Das", "Rahul Verma"]


def test_reminders_go_to_approvers_of_the_zone_on_their_working_days(service: LeaveService,
                                                                   store: FakeStore) -> None:
    add(store, "E3", date(2026, 12, 10), date(2026, 12, 10), RequestStatus.PENDING, "1")
    add(store, "E5", date(2026, 12, 11), date(2026, 12, 11), RequestStatus.PENDING, "1", approver="E3")
    now = datetime(2026, 11, 30, 4, 0, tzinfo=UTC)
    with store() as uow:
        found, _ = reminders(uow, now, "Asia/Kolkata", date(2026, 11, 30))
        weekend, _ = reminders(uow, now, "Asia/Kolkata", date(2026, 11, 29))
    assert [(who, [r["name"] for r in p["requests"]]) for who, p in found] == [
        ("E2", ["Ananya Iyer"]), ("E3", ["Kiran Das"])]
    assert weekend == []


def test_escalation_days_are_read_from_the_policy_and_checked() -> None:
    document = policy_document()
    document["escalate_after_working_days"] = 3
    document["leave_types"]["sick"]["escalate_after_working_days"] = 1
    store = FakeStore()
    service = LeaveService(store, FixedClock(datetime(2026, 11, 25, tzinfo=UTC)))
    service.load_policy(document, "test")
    with store() as uow:
        assert (escalation_days(uow, "casual"), escalation_days(uow, "sick")) == (3, 1)
    document["escalate_after_working_days"] = 0
    with pytest.raises(PolicyError, match="escalate_after_working_days"):
        service.load_policy(document, "test")


def texts(card: dict[str, Any]) -> str:
    """Every text of a card or of Slack blocks, in order: what a person reads."""
    return "\n".join(str(node["text"]) for node in nodes(card) if isinstance(node.get("text"), str))


def every_door(digest: dict[str, Any]) -> dict[str, str]:
    """The HR digest as each door shows it: the terminal's text, Slack's blocks, the Teams card's texts."""
    shaped = worded(digest)
    slack = slack_render._render("hr_digest.j2", SLACK_BLOCK_LIMIT, digest=shaped)
    return {"text": render_digest(shaped, HeatMap.from_payload(digest["chart"])),
            "slack": texts(slack),
            "teams": texts(teams_cards.render("hr_digest.j2", digest=shaped))}


def test_a_quiet_weeks_digest_says_its_empty_sections_in_one_line_on_every_door(service: LeaveService,
                                                                                store: FakeStore) -> None:
    with store() as uow:
        digest = hr_digest(uow, datetime(2026, 11, 30, 3, 30, tzinfo=UTC), date(2026, 11, 30))
    assert empty_sections(worded(digest)) == ("taken", "upcoming", "pending", "documents", "low_balances", "expiring",
                                              "calendar_failures", "near_limit")
    for door, shown in every_door(digest).items():
        assert "Nobody took leave last week, nobody out in the next two weeks, nothing pending over two days, " \
               "no documents due, no balance near zero, nothing expiring, no calendar sync failures, " \
               "no team at its limit." in shown, door
        for heading in ("Pending more than two days", "Documents due", "Calendar sync failures", "team limit",
                        "about to expire", "None."):
            assert heading not in shown, (door, heading)
        assert "No leave in the last 90 days" in shown, door  # a section with something in it stays


def test_the_team_limit_lists_only_days_at_or_over_it_and_marks_those_over(service: LeaveService,
                                                                          store: FakeStore) -> None:
    document = policy_document()
    document["team_limits"] = [{"departments": ["Engineering"], "max_out": 2, "action": "flag"}]
    service.load_policy(document, "test")
    add(store, "E3", date(2026, 12, 7), date(2026, 12, 9), RequestStatus.APPROVED, "3")
    add(store, "E4", date(2026, 12, 8), date(2026, 12, 9), RequestStatus.PENDING, "2")
    add(store, "E5", date(2026, 12, 9), date(2026, 12, 9), RequestStatus.PENDING, "1")
    with store() as uow:
        digest = hr_digest(uow, datetime(2026, 11, 30, 3, 30, tzinfo=UTC), date(2026, 11, 30))
    (engineering,) = digest["insight"]["near_limit"]["rows"]
    assert engineering["days"]["rows"] == [{"day": "2026-12-08", "out": 2, "over": False},
                                           {"day": "2026-12-09", "out": 3, "over": True}]  # Mon 7 Dec: 1 of 2
    for door, shown in every_door(digest).items():
        read = shown.replace("*", "")  # Slack's bold: the heading, and the day over the limit
        assert "At the team limit in the next two weeks (1)" in read, door
        assert "Engineering (limit 2): Tue 8 Dec 2026 2 out, Wed 9 Dec 2026 3 out (1 over)" in read, door
    assert "*Wed 9 Dec 2026 3 out (1 over)*" in every_door(digest)["slack"]


def test_a_quiet_day_in_a_department_is_one_line_in_slack_and_teams(service: LeaveService, store: FakeStore) -> None:
    with store() as uow:
        out = worded(whos_out(uow, datetime(2026, 11, 30, 3, 30, tzinfo=UTC), "Engineering", date(2026, 11, 30)))
    slack = json.dumps(slack_render._render("whos_out.j2", SLACK_BLOCK_LIMIT, digest=out))
    teams = texts(teams_cards.render("whos_out.j2", digest=out))
    assert "Nobody in Engineering is out today or later this week." in slack and "Out today" not in slack
    assert "Nobody is out today or later this week." in teams and "Later this week" not in teams


def test_names_and_departments_in_the_digest_stay_text_in_slack(service: LeaveService, store: FakeStore) -> None:
    service.import_employees(ORG_CSV + "E9,zed@x.test,<!here> Zed,*Quorra*,,EMPLOYEE,<!channel> R&D,Bengaluru,"
                                       "INDIA,2020-01-06,ACTIVE,Asia/Kolkata\n")
    document = policy_document()
    document["team_limits"] = [{"max_out": 1, "action": "flag"}]
    service.load_policy(document, "test")
    add(store, "E9", date(2026, 12, 1), date(2026, 12, 1), RequestStatus.APPROVED, "1")
    with store() as uow:
        digest = hr_digest(uow, datetime(2026, 11, 30, 3, 30, tzinfo=UTC), date(2026, 11, 30))
    assert digest["insight"]["near_limit"]["rows"][0]["department"] == "<!channel> R&D"
    slack = every_door(digest)["slack"]
    assert "<!here>" not in slack and "<!channel>" not in slack
    assert "&lt;!channel&gt; R&amp;D (limit 1): Tue 1 Dec 2026 1 out" in slack


def test_a_week_when_everyone_has_rested_says_so_in_the_one_line() -> None:
    quiet = {"total": 0, "by_department": {"rows": [], "more": 0, "total": 0}, "since": "2026-09-01", "days": 90}
    digest = {"taken": {"by_type": [{"type": "Casual leave", "days": "1"}]},
              **{key: {"rows": [], "more": 0, "total": 0} for key in
                 ("upcoming", "pending", "documents", "low_balances", "expiring", "calendar_failures")},
              "insight": {"quiet": quiet, "year_end": None, "near_limit": {"rows": [], "more": 0, "total": 0}}}
    assert nothing_line(digest) == ("Nobody out in the next two weeks, nothing pending over two days, no documents "
                                    "due, no balance near zero, nothing expiring, no calendar sync failures, "
                                    "everyone has had leave in the last 90 days, no team at its limit.")
    assert "year_end" not in empty_sections(digest), "out of season, the year-end section is not empty: it is not due"

"""What the digests and reminders say, on the in-memory fakes with a frozen clock."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from bot.scheduled import SLACK_BLOCK_LIMIT, worded
from bot.slack import render as slack_render
from bot.teams import cards as teams_cards
from core.domain.model import HalfDay, LeaveRequest, RequestStatus
from core.errors import PolicyError
from core.ports.calendars import CalendarFailure
from core.scheduling.digests import hr_digest, whos_out
from core.scheduling.reminders import escalation_days, reminders
from core.service import LeaveService
from tests.unit.conftest import policy_document
from tests.unit.fakes import FakeStore, FixedClock


def add(store: FakeStore, employee: str, start: date, end: date, status: RequestStatus, days: str,
        half: HalfDay | None = None, created: datetime | None = None, approver: str | None = "E2") -> None:
    with store() as uow:
        uow.requests.add(LeaveRequest(employee_id=employee, type_key="casual", start=start, end=end, days=Decimal(days),
                                      status=status, created_at=created or datetime(2026, 11, 1, tzinfo=UTC),
                                      half=half, approver_id=approver, year_days={start.year: Decimal(days)}))
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

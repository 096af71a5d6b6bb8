"""Who a request is shown as waiting for, who decided it and when, and whether it was filed after it began:
decided once, in the core's view of a request, for every door and for ``requests --json``."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from bot.cli.output import request_json
from core.domain.model import RequestStatus
from core.service import LeaveService
from core.views import RequestListView
from tests.unit.conftest import ORG_CSV
from tests.unit.fakes import FixedClock

SECOND_HR = "E6,hr2@x.test,Asha,Menon,,HR_ADMIN,People,Bengaluru,INDIA,2021-01-04,ACTIVE,Asia/Kolkata\n"


def listed(service: LeaveService, who: str, text: str) -> RequestListView:
    view = service.handle_text(who, text, source="console")
    assert isinstance(view, RequestListView), view
    return view


def at_the_hr_step(service: LeaveService) -> None:
    service.handle_text("rahul@x.test", "apply paternity 2026-12-07 to 2026-12-09 baby due", source="console")
    service.handle_text("boss@x.test", "approve LV-1001", source="console")


def test_the_manager_step_waits_for_the_manager_who_reads_it_as_theirs(service: LeaveService) -> None:
    service.handle_text("rahul@x.test", "apply paternity 2026-12-07 to 2026-12-09 baby due", source="console")
    (mine,) = listed(service, "rahul@x.test", "list").requests
    assert (mine.approver and mine.approver.name, mine.waiting_for, mine.yours_to_decide) == (
        "Vikram Rao", "manager", False)
    (queued,) = listed(service, "boss@x.test", "pending").requests
    assert queued.yours_to_decide


def test_the_hr_step_names_the_one_hr_admin_on_duty(service: LeaveService) -> None:
    at_the_hr_step(service)
    (mine,) = listed(service, "rahul@x.test", "list").requests
    assert (mine.approver and mine.approver.email, mine.waiting_for) == ("hr@x.test", "hr")
    (queued,) = listed(service, "hr@x.test", "pending").requests
    assert queued.yours_to_decide
    (row,) = [request_json(r) for r in service.list_requests()]
    assert (row["approver"], row["waiting_for"]) == ("hr@x.test", "hr")
    home = service.home_view("hr@x.test", "slack")
    assert [r.number for r in home.queue if r.yours_to_decide] == ["LV-1001"]


def test_with_several_hr_admins_the_hr_step_waits_for_hr_and_each_of_them_reads_it_as_theirs(
        service: LeaveService) -> None:
    service.import_employees(ORG_CSV + SECOND_HR)
    at_the_hr_step(service)
    (mine,) = listed(service, "rahul@x.test", "list").requests
    assert (mine.approver, mine.waiting_for) == (None, "hr")
    assert all(listed(service, hr, "pending").requests[0].yours_to_decide for hr in ("hr@x.test", "hr2@x.test"))
    (row,) = [request_json(r) for r in service.list_requests()]
    assert (row["approver"], row["waiting_for"]) == (None, "hr")


def test_a_decided_request_says_who_decided_it_and_when_in_the_readers_zone(service: LeaveService,
                                                                               clock: FixedClock) -> None:
    at_the_hr_step(service)
    clock.at += timedelta(hours=2)
    service.handle_text("hr@x.test", "approve LV-1001", source="console")
    (mine,) = listed(service, "rahul@x.test", "list").requests
    assert mine.status is RequestStatus.APPROVED and mine.approver is None
    assert mine.decided_by is not None and mine.decided_by.name == "Meera Nair"
    # 06:30 UTC is 12:00 in India, where Rahul reads it.
    assert mine.decided_at is not None and (mine.decided_at.hour, mine.decided_at.minute) == (12, 0)
    assert mine.decided_at.tzname() == "IST"
    # Read by nobody in particular (the leavebot command), it stays in UTC.
    (admin_row,) = service.list_requests()
    assert admin_row.decided_at == datetime(2026, 11, 25, 6, 30, tzinfo=UTC)


def test_leave_filed_after_it_began_is_back_dated_and_leave_filed_before_is_not(service: LeaveService) -> None:
    service.handle_text("ananya@x.test", "apply casual 2026-11-23 child unwell", source="console")
    service.handle_text("ananya@x.test", "apply casual 2026-11-25 errand", source="console")
    service.handle_text("ananya@x.test", "apply casual 2026-12-02 errand", source="console")
    queued = {r.start: r.back_dated for r in listed(service, "boss@x.test", "pending").requests}
    assert queued == {date(2026, 11, 23): True, date(2026, 11, 25): False, date(2026, 12, 2): False}


def test_who_else_is_out_reads_in_order_of_date(service: LeaveService) -> None:
    service.handle_text("rahul@x.test", "apply casual 2026-12-10 errand", source="console")
    service.handle_text("kiran@x.test", "apply casual 2026-12-08 errand", source="console")
    service.handle_text("boss@x.test", "apply casual 2026-12-09 errand", source="console")
    service.handle_text("ananya@x.test", "apply casual 2026-12-07 to 2026-12-11 trip", source="console")
    (request,) = service.list_requests("ananya@x.test")
    seen = service.request_seen_by("boss@x.test", request.id)
    assert seen is not None and seen.approver_notice is not None
    notice = seen.approver_notice
    assert [a.start for a in notice.team_out] == [date(2026, 12, 8), date(2026, 12, 9), date(2026, 12, 10)]
    assert notice.today == date(2026, 11, 25)

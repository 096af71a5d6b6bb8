"""The team calendar's month (:mod:`core.requests.month`) on the fakes: whom each viewer sees and
how, following ``/leave team``'s rules and HR's, and the words a bad month or filter gets."""

from __future__ import annotations

import re
from datetime import date

import pytest

from core.commands import ApplyLeave, Decide
from core.domain.model import HalfDay, RequestStatus
from core.errors import BadCommand, UnknownEmployee
from core.ports import AuditQuery
from core.requests.month import month_start
from core.service import LeaveService
from core.views import AppliedView, MonthCell, TeamMonthView


def apply(service: LeaveService, email: str, leave_type: str, start: date, end: date,
          half: HalfDay | None = None) -> int:
    view = service.execute(email, ApplyLeave(leave_type, start, end, half, reason="x"), "test")
    assert isinstance(view, AppliedView), view
    return view.request.id


def cells(view: TeamMonthView, name: str) -> dict[int, MonthCell]:
    [row] = [r for r in view.rows if r.person.name == name]
    return {day.day.day: cell for day, cell in zip(view.days, row.cells, strict=True) if cell is not None}


@pytest.fixture
def december(service: LeaveService) -> LeaveService:
    sick = apply(service, "rahul@x.test", "sick", date(2026, 12, 4), date(2026, 12, 7))  # Fri to Mon
    service.execute("boss@x.test", Decide(sick, True), "test")
    apply(service, "kiran@x.test", "casual", date(2026, 12, 3), date(2026, 12, 3), HalfDay.SECOND)
    return service


def test_a_month_is_read_as_written_or_is_this_month() -> None:
    today = date(2026, 11, 25)
    assert month_start(None, today) == month_start(" ", today) == date(2026, 11, 1)
    assert month_start("2027-02", today) == date(2027, 2, 1)
    for bad in ("2026-13", "Dec", "2026-1", "2026-12-01"):
        with pytest.raises(BadCommand, match="is not a month; write it as 2026-11"):
            month_start(bad, today)


def test_a_colleague_sees_out_the_manager_and_hr_the_type_and_days_off_stay_empty(december: LeaveService) -> None:
    ananya = december.team_month("ananya@x.test", "2026-12", "web")
    assert (ananya.scope, ananya.people, ananya.month) == ("your team", 4, date(2026, 12, 1))  # and Vikram
    assert cells(ananya, "Rahul Verma") == {4: MonthCell("Out", "Out", RequestStatus.APPROVED),
                                            7: MonthCell("Out", "Out", RequestStatus.APPROVED)}  # not Sat, Sun
    assert cells(ananya, "Kiran Das") == {3: MonthCell("Casual leave", "CL", RequestStatus.PENDING, HalfDay.SECOND)}

    hr = december.team_month("hr@x.test", "2026-12", "web")
    assert hr.scope == "everyone" and hr.people == 5 and hr.departments == ("Engineering", "People")
    assert cells(hr, "Rahul Verma")[4] == MonthCell("Sick leave", "SL", RequestStatus.APPROVED)

    rahul = december.team_month("rahul@x.test", "2026-12", "web")
    assert [r.person.name for r in rahul.rows] == ["Rahul Verma"]  # Kiran is not in Rahul's team
    weekend = {d.day.day for d in rahul.days if d.off}
    assert {5, 6, 25} <= weekend and [d.holiday for d in rahul.days if d.day.day == 25] == ["Christmas"]


def test_filters_choose_among_the_viewers_own_choices(december: LeaveService) -> None:
    mumbai = december.team_month("hr@x.test", "2026-12", "web", location="MUMBAI")
    assert (mumbai.location, [r.person.name for r in mumbai.rows], mumbai.people) == ("Mumbai", ["Rahul Verma"], 1)
    refused = re.escape("'People' is not a department you can look at; choose one of: Engineering.")
    with pytest.raises(BadCommand, match=refused):
        december.team_month("rahul@x.test", "2026-12", "web", department="People")


def test_a_stranger_is_refused_and_recorded(december: LeaveService) -> None:
    with pytest.raises(UnknownEmployee):
        december.team_month("nobody@x.test", None, "web")
    [entry] = december.audit_log(AuditQuery(actor="nobody@x.test"))
    assert (entry.outcome, entry.source) == ("refused", "web")

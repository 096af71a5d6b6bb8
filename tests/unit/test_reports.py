"""HR's report on the fakes: what each file holds, for the cases that are easiest to see small."""

from __future__ import annotations

import csv
import io

from core.domain.amount import Amount
from core.service import LeaveService
from core.views import AppliedView, ReportView
from tests.unit.conftest import ORG_CSV


def report(service: LeaveService, text: str) -> ReportView:
    view = service.handle_text("hr@x.test", text, "test")
    assert isinstance(view, ReportView), view
    return view


def taken_rows(view: ReportView) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(view.files[0].text)))


def approve(service: LeaveService, who: str, text: str) -> None:
    applied = service.handle_text(who, text, "test")
    assert isinstance(applied, AppliedView), applied
    service.handle_text("boss@x.test", f"approve {applied.request.number}", "test")


def test_leave_over_a_weekend_a_holiday_and_the_periods_edge_counts_its_working_days_inside(
        service: LeaveService) -> None:
    approve(service, "ananya@x.test", "apply casual 24 Dec to 4 Jan")  # Christmas and New Year inside
    december = taken_rows(report(service, "report 2026-12"))
    january = taken_rows(report(service, "report 2027-01"))
    assert [(r["days"], r["first_day"], r["last_day"]) for r in december] == [("5", "2026-12-24", "2026-12-31")]
    assert [(r["days"], r["first_day"], r["last_day"]) for r in january] == [("1", "2027-01-04", "2027-01-04")]


def test_a_half_day_and_a_partial_cancel(service: LeaveService) -> None:
    approve(service, "rahul@x.test", "apply sick 1 Dec second-half")
    approve(service, "rahul@x.test", "apply casual 7 Dec to 11 Dec")
    service.handle_text("rahul@x.test", "cancel LV-1002 9 Dec to 10 Dec", "test")
    view = report(service, "report 2026-Q4")
    assert {(r["type"], r["days"], r["requests"]) for r in taken_rows(view)} == {("sick", "0.5", "1"),
                                                                                ("casual", "3", "1")}
    assert [(t.type_key, t.days) for t in view.totals] == [("casual", Amount.days(3)), ("sick", Amount.days("0.5"))]
    assert view.people == 1


def test_text_a_spreadsheet_would_run_as_a_formula_is_quoted(service: LeaveService) -> None:
    service.import_employees(ORG_CSV.replace("E3,ananya@x.test,Ananya,Iyer,boss@x.test,EMPLOYEE,Engineering",
                                             "E3,ananya@x.test,=HYPERLINK(1),@Iyer,boss@x.test,EMPLOYEE,+Engineering"))
    approve(service, "ananya@x.test", "apply casual 7 Dec")
    view = report(service, "report 2026-12")
    [row] = taken_rows(view)
    assert (row["name"], row["department"]) == ("'=HYPERLINK(1) @Iyer", "'+Engineering")
    assert all(not line.split(",")[2].startswith(("=", "+", "@")) for line in view.files[1].text.splitlines())

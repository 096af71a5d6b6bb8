"""HR in Chromium: importing the employee CSV (a rejected file's problems shown line by line, then a
good file), uploading a policy with a bad key, the reports page with its heat map and a CSV
download, and an employee who opens an HR page refused. Screenshots of the people and reports pages."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from core.commands import ApplyLeave, Decide
from core.ports import AuditQuery
from core.service import LeaveService
from core.views import AppliedView
from tests.unit.conftest import DEFAULT_POLICY, ORG_CSV

if TYPE_CHECKING:
    from playwright.sync_api import Page

HR, BOSS, ANANYA = "hr@x.test", "boss@x.test", "ananya@x.test"
HEADER = ORG_CSV.splitlines()[0]
NEW_ROW = "E9,neha@x.test,Neha,Kapoor,boss@x.test,EMPLOYEE,Engineering,Pune,INDIA,2026-01-05,ACTIVE,Asia/Kolkata"
Shot = Callable[["Page", str], Path]


def test_hr_imports_people_after_a_rejected_file(signed_in_page: Callable[[str], Page], service: LeaveService,
                                                 screenshot: Shot, tmp_path: Path) -> None:
    page = signed_in_page(HR)
    page.get_by_role("link", name="HR").click()
    page.wait_for_url(re.compile(r".*/web/hr/people$"))
    assert page.get_by_role("columnheader", name="Manager").is_visible()

    bad = f"{HEADER}\n{NEW_ROW}\nE10,not-an-email,Bad,Row,,EMPLOYEE,Engineering,Pune,INDIA,2026-01-05,ACTIVE,UTC\n"
    page.get_by_label("Or paste its lines (header first)").fill(bad)
    page.get_by_role("button", name="Import").click()
    problems = page.locator("ul.problems li")
    assert problems.count() >= 1 and problems.first.inner_text().startswith("Line 3:")
    assert page.get_by_text("The file was not imported; nothing was changed.").is_visible()
    assert service.employee_by_email("neha@x.test") is None

    good = tmp_path / "people.csv"
    good.write_text(f"{HEADER}\n{NEW_ROW}\n")
    page.get_by_label("Or paste its lines (header first)").fill("")
    page.get_by_label("CSV file").set_input_files(str(good))
    page.get_by_role("button", name="Import").click()
    assert page.get_by_role("status").inner_text().startswith("people.csv: 1 created, 0 updated")
    assert page.get_by_role("rowheader", name="Neha Kapoor").is_visible()
    page.get_by_label("Name, e-mail or department").fill("engineering")
    page.get_by_role("button", name="Search").click()
    assert page.get_by_role("heading", name=re.compile(r"5 of 6 people match")).is_visible()
    screenshot(page, "hr-people")


def test_a_policy_with_a_bad_key_is_named_and_nothing_changes(signed_in_page: Callable[[str], Page],
                                                              service: LeaveService) -> None:
    document = yaml.safe_load(DEFAULT_POLICY.read_text())
    document["leave_types"]["casual"]["days_per_year"] = "lots"
    page = signed_in_page(HR)
    page.goto("/web/hr/policy")
    page.get_by_label("Or paste the policy").fill(yaml.safe_dump(document))
    page.get_by_role("button", name="Load this version").click()
    assert page.get_by_role("alert").get_by_text(re.compile(r"leave_types\.casual\.days_per_year")).is_visible()
    assert len(service.audit_log(AuditQuery(action="policies.load"))) == 1


def test_the_reports_page_shows_the_table_the_heat_map_and_downloads_the_csv(
        signed_in_page: Callable[[str], Page], service: LeaveService, screenshot: Shot) -> None:
    applied = service.execute(ANANYA, ApplyLeave("casual", date(2026, 11, 26), date(2026, 11, 27)), "test")
    assert isinstance(applied, AppliedView)
    service.execute(BOSS, Decide(applied.request.id, approve=True), "test")
    page = signed_in_page(HR)
    page.goto("/web/hr/reports")
    page.get_by_label("Period", exact=True).fill("2026-11")
    page.get_by_role("button", name="Show").click()
    assert page.get_by_role("heading", name="Report 2026-11").is_visible()
    assert page.get_by_role("rowheader", name="Casual leave").is_visible()
    heat = page.locator(".heatmap img")
    assert heat.evaluate("img => img.complete && img.naturalWidth > 0")
    expected = service.report(service.read_report("2026-11")).files[0]
    with page.expect_download() as waiting:
        page.get_by_role("link", name=expected.name).click()
    download = waiting.value
    assert download.suggested_filename == expected.name
    assert Path(download.path()).read_text() == expected.text
    screenshot(page, "hr-reports")


def test_an_employee_opening_an_hr_page_is_refused(signed_in_page: Callable[[str], Page],
                                                   service: LeaveService) -> None:
    page = signed_in_page(ANANYA)
    response = page.goto("/web/hr/people")
    assert response is not None and response.status == 403
    assert page.get_by_text("This is for HR admins").is_visible()
    assert [e.action for e in service.audit_log(AuditQuery(actor=ANANYA, action="not_hr"))] == ["not_hr"]

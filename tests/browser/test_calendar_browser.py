"""The team calendar in Chromium: a colleague sees "Out" where HR sees the leave type, pending and half
days read as such, the filters and month links work without JavaScript, and the grid fits a phone."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from core.service import LeaveService
from tests.browser.organisation import busy_december

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

Shot = Callable[["Page", str], Path]
DECEMBER = "/web/calendar?month=2026-12"


def row(page: Page, name: str) -> Locator:
    return page.locator("table.month tbody tr", has=page.get_by_role("rowheader", name=re.compile(name)))


def test_a_colleague_sees_out_where_hr_sees_the_type(signed_in_page: Callable[[str], Page], service: LeaveService,
                                                     screenshot: Shot) -> None:
    busy_december(service)
    rahul = signed_in_page("rahul@x.test")
    rahul.get_by_role("link", name="Team calendar").click()
    rahul.get_by_role("link", name="Next month").click()
    assert rahul.get_by_role("heading", level=1).inner_text() == "Team calendar: December 2026"
    priya = row(rahul, "Priya Shah").inner_text()
    assert "Out" in priya and "Privilege" not in priya and "PL" not in priya
    assert "Sick leave" in row(rahul, "Rahul Verma").inner_text()  # his own
    assert rahul.get_by_role("rowheader", name=re.compile("Omar Khan")).count() == 0  # not his team
    screenshot(rahul, "calendar-colleague")

    hr = signed_in_page("hr@x.test")
    hr.goto(DECEMBER)
    assert "Privilege leave" in row(hr, "Priya Shah").inner_text()
    kiran = row(hr, "Kiran Das").inner_text()
    assert "Casual leave, first half, pending" in kiran  # said in words, not by colour alone
    assert "Sick leave" in row(hr, "Omar Khan").inner_text()
    christmas = hr.locator("th.day").nth(24)
    assert "off" in (christmas.get_attribute("class") or "")
    assert hr.locator("th.day abbr").nth(24).get_attribute("title") == "Fri 25 Dec 2026, Christmas"
    screenshot(hr, "calendar")


def test_filters_and_month_links_work_without_javascript(signed_in_page: Callable[[str], Page],
                                                        service: LeaveService) -> None:
    busy_december(service)
    page = signed_in_page("hr@x.test")
    page.goto(DECEMBER)
    page.get_by_label("Department").select_option("Design")
    page.get_by_label("Location").select_option("Pune")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url(re.compile(r"department=Design"))
    names = page.get_by_role("rowheader").all_inner_texts()
    assert len(names) == 1 and names[0].startswith("Lena Fischer")
    page.get_by_role("link", name="Next month").click()
    page.wait_for_url(re.compile(r"month=2027-01"))
    assert page.get_by_role("heading", level=1).inner_text() == "Team calendar: January 2027"
    assert page.get_by_label("Department").input_value() == "Design"
    page.get_by_role("link", name="Previous month").click()
    page.get_by_role("link", name="Previous month").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Team calendar: November 2026"


def test_the_grid_scrolls_inside_its_box_on_a_phone(signed_in_page: Callable[[str], Page],
                                                    service: LeaveService, screenshot: Shot) -> None:
    busy_december(service)
    page = signed_in_page("ananya@x.test")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(DECEMBER)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")  # the page does not scroll
    grid = page.get_by_role("region", name=re.compile("Who is out in December 2026"))
    assert grid.evaluate("box => box.scrollWidth > box.clientWidth")
    page.get_by_text("Day by day, as a list").click()  # the list reads better than the grid on a phone
    assert "Kiran Das: Casual leave, first half, pending" in page.locator(".by-day").inner_text()
    screenshot(page, "calendar-phone")

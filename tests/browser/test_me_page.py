"""An employee in Chromium: signing in from the ``/leave web`` link, the Me page, applying through the
form (the plan first, then Submit), cancelling, signing out; and what is refused (a used or expired
link, a form with a wrong CSRF token)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from core.commands import ApplyLeave, ListRequests
from core.domain.model import RequestStatus
from core.service import LeaveService
from core.views import AppliedView, RequestListView, RequestView
from tests.unit.fakes import FixedClock
from tests.web_door import chat_link

if TYPE_CHECKING:
    from playwright.sync_api import Page

ANANYA = "ananya@x.test"
Shot = Callable[["Page", str], Path]


def requests_of(service: LeaveService, email: str = ANANYA) -> tuple[RequestView, ...]:
    view = service.execute(email, ListRequests(), "test")
    assert isinstance(view, RequestListView)
    return view.requests


def test_signing_in_from_the_chat_link_opens_the_me_page_once(
        new_page: Callable[[], Page], service: LeaveService, screenshot: Shot) -> None:
    link = chat_link(service, ANANYA)
    page = new_page()
    opened = page.goto(link)
    assert opened is not None and opened.status == 200
    headers = opened.headers
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["referrer-policy"] == "no-referrer" and headers["x-content-type-options"] == "nosniff"
    assert page.get_by_text("This link signs in Ananya Iyer").is_visible()
    screenshot(page, "sign-in")

    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r".*/web/$"))
    assert page.get_by_role("heading", name="Hello, Ananya Iyer").is_visible()
    assert page.get_by_role("heading", name=re.compile("My balances")).is_visible()
    assert page.get_by_role("link", name="Me").get_attribute("aria-current") == "page"
    assert page.get_by_role("link", name="HR").count() == 0  # not HR

    elsewhere = new_page()  # the same link, opened again (forwarded, or from another device)
    again = elsewhere.goto(link)
    assert again is not None and again.status == 410
    assert elsewhere.get_by_text("This link has been used already").is_visible()


def test_an_expired_link_is_refused(new_page: Callable[[], Page], service: LeaveService, clock: FixedClock) -> None:
    link = chat_link(service, ANANYA)
    clock.at += timedelta(minutes=16)
    page = new_page()
    response = page.goto(link)
    assert response is not None and response.status == 410
    assert page.get_by_text("This link has expired").is_visible()
    assert page.get_by_role("button", name="Sign in").count() == 0


def test_an_employee_applies_through_the_form_seeing_the_plan_first(
        signed_in_page: Callable[[str], Page], service: LeaveService, screenshot: Shot) -> None:
    page = signed_in_page(ANANYA)
    screenshot(page, "me")
    page.get_by_label("Leave type").select_option("casual")
    page.get_by_label("First day").fill("2026-12-21")
    page.get_by_label("Last day").fill("2026-12-23")
    page.get_by_label("Reason").fill("Family visit")
    page.get_by_role("button", name="Check the plan").click()

    assert page.get_by_role("heading", name=re.compile("Plan: Casual leave")).is_visible()
    assert page.get_by_text("Nothing has been created yet.").is_visible()
    assert page.locator("dt", has_text="Days counted").locator("xpath=following-sibling::dd[1]").inner_text() == "3"
    screenshot(page, "me-plan")
    assert requests_of(service) == ()

    page.get_by_role("button", name="Submit").click()
    page.wait_for_url(re.compile(r".*/web/$"))
    (made,) = requests_of(service)
    assert (made.start, made.end, made.status, made.reason) == (date(2026, 12, 21), date(2026, 12, 23),
                                                                RequestStatus.PENDING, "Family visit")
    assert page.get_by_role("status").inner_text().startswith(f"Applied: {made.number}")
    assert page.get_by_role("cell", name=made.number, exact=True).is_visible()


def test_an_employee_cancels_a_request_from_the_me_page(
        signed_in_page: Callable[[str], Page], service: LeaveService, screenshot: Shot) -> None:
    applied = service.execute(ANANYA, ApplyLeave("casual", date(2026, 12, 7), date(2026, 12, 8)), "test")
    assert isinstance(applied, AppliedView)
    page = signed_in_page(ANANYA)
    page.on("dialog", lambda dialog: dialog.accept())  # the script asks before cancelling
    page.get_by_role("button", name=f"Cancel {applied.request.number}").click()
    page.wait_for_url(re.compile(r".*/web/$"))
    assert page.get_by_role("status").inner_text().startswith(f"Cancelled {applied.request.number}")
    (after,) = requests_of(service)
    assert after.status is RequestStatus.CANCELLED
    page.set_viewport_size({"width": 390, "height": 844})  # a phone
    screenshot(page, "me-phone")


def test_a_form_with_a_wrong_csrf_token_is_refused(signed_in_page: Callable[[str], Page],
                                                   service: LeaveService) -> None:
    page = signed_in_page(ANANYA)
    page.get_by_label("Leave type").select_option("casual")
    page.get_by_label("First day").fill("2026-12-21")
    page.locator("form[action='/web/me/plan'] input[name='csrf']").evaluate("input => input.value = 'forged'")
    with page.expect_response(re.compile(r".*/web/me/plan$")) as answer:
        page.get_by_role("button", name="Check the plan").click()
    assert answer.value.status == 403
    assert page.get_by_text("Nothing was changed").is_visible()
    assert requests_of(service) == ()


def test_signing_out_ends_the_session(signed_in_page: Callable[[str], Page], served: str) -> None:
    page = signed_in_page(ANANYA)
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r".*/web/signed-out$"))
    assert page.get_by_role("heading", name="You are not signed in").is_visible()
    page.goto("/web/")
    assert page.url == f"{served}/web/signed-out"

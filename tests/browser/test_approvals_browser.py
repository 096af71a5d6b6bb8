"""The approvals page in Chromium: the manager sees each request with the approver card's context,
rejects one with a reason, approves another (its employee hears through the outbox), and approves
several at once, one of which was decided meanwhile in chat and is reported refused, with why."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from core.commands import Decide
from core.domain.model import RequestStatus
from core.service import LeaveService
from core.views import AnyNotice, Notice, NoticeKind
from tests.browser.organisation import busy_december

if TYPE_CHECKING:
    from playwright.sync_api import Page

Shot = Callable[["Page", str], Path]


class Chat:
    """The employees' chat door as the outbox hands it notices."""

    name = "slack"

    def __init__(self) -> None:
        self.sent: list[AnyNotice] = []

    def deliver(self, notice: AnyNotice) -> None:
        self.sent.append(notice)


def status_of(service: LeaveService, request_id: int) -> RequestStatus:
    seen = service.request_seen_by("hr@x.test", request_id)
    assert seen is not None
    return seen.request.status


def test_the_manager_decides_on_the_approvals_page_and_the_employees_hear(
        signed_in_page: Callable[[str], Page], service: LeaveService, screenshot: Shot) -> None:
    booked = busy_december(service)
    service.deliver_notices([Chat()])  # the approval cards went out already
    page = signed_in_page("boss@x.test")
    page.get_by_role("link", name="Approvals").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Approvals"
    assert "3 requests wait for your decision" in page.locator("main").inner_text()
    card = page.locator(f'li[id="LV-{1000 + booked["rahul_moving"]}"]').inner_text()
    assert "Rahul Verma asks for 2 days of casual leave" in card and "moving house" in card
    assert "Left in 2026 once approved" in card  # the card's balance after
    assert "Also out in the team" in card and "Priya Shah: Privilege leave" in card  # her manager sees the type
    screenshot(page, "approvals")

    chat = Chat()
    arjun = page.locator(f'li[id="LV-{1000 + booked["arjun"]}"]')
    arjun.get_by_label(re.compile("Reason for rejecting")).fill("Release freeze that week")
    arjun.get_by_role("button", name=re.compile("Reject")).click()
    assert "rejected." in page.get_by_role("status").inner_text()
    assert status_of(service, booked["arjun"]) is RequestStatus.REJECTED

    ananya = page.locator(f'li[id="LV-{1000 + booked["ananya"]}"]')
    ananya.get_by_role("button", name=re.compile("Approve")).click()
    assert "approved." in page.get_by_role("status").inner_text()
    assert status_of(service, booked["ananya"]) is RequestStatus.APPROVED

    assert service.deliver_notices([chat]).errors == []
    told = {(n.recipient.email, n.request.status, n.request.decision_note)
            for n in chat.sent if isinstance(n, Notice) and n.kind is NoticeKind.DECIDED}
    assert told == {("arjun@x.test", RequestStatus.REJECTED, "Release freeze that week"),
                    ("ananya@x.test", RequestStatus.APPROVED, "")}


def test_bulk_approval_reports_each_request_with_the_refused_one_and_why(
        signed_in_page: Callable[[str], Page], service: LeaveService, screenshot: Shot) -> None:
    booked = busy_december(service)
    page = signed_in_page("boss@x.test")
    page.goto("/web/approvals")
    page.get_by_label("Select all requests").check()  # progressive enhancement: ticks every request
    assert page.locator('input[name="request"]:checked').count() == 3
    service.execute("hr@x.test", Decide(booked["arjun"], True), "slack")  # meanwhile, HR in chat
    page.get_by_role("button", name="Approve selected").click()

    assert page.get_by_role("heading", level=1).inner_text() == "Approved 2 of 3"
    refused = page.locator("li.refused").inner_text()
    assert f"LV-{1000 + booked['arjun']}" in refused and "already approved by Meera Nair" in refused
    screenshot(page, "approvals-bulk")
    assert status_of(service, booked["ananya"]) is RequestStatus.APPROVED
    assert status_of(service, booked["rahul_moving"]) is RequestStatus.APPROVED

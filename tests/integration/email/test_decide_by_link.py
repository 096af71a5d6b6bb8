"""Approve or Reject from an e-mail: the link's GET page decides nothing, its POST decides once, as the
approver it was sent to, audited as ``email``; a used, expired, unknown or someone else's link is refused."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, timedelta
from typing import Any

import pytest
import pytest_asyncio
from aiohttp.test_utils import TestClient
from sqlalchemy import Engine

from bot.email.decide import mount_decide
from bot.server import create_app
from core.commands import ApplyLeave, Decide
from core.domain.links import LinkPurpose
from core.domain.model import RequestStatus
from core.service import LeaveService
from core.views import AnyNotice, AppliedView, DecidedView, NoticeKind
from tests.unit.fakes import FixedClock

pytestmark = pytest.mark.asyncio

WEEK = timedelta(days=7)
Client = TestClient[Any, Any]


class Collected:
    """The outbox's notices to people, as a chat door would be handed them."""

    name = "collected"

    def __init__(self) -> None:
        self.notices: list[AnyNotice] = []

    def deliver(self, notice: AnyNotice) -> None:
        self.notices.append(notice)


@pytest_asyncio.fixture
async def client(aiohttp_client: Callable[..., Awaitable[Client]], engine: Engine, service: LeaveService) -> Client:
    app = create_app(engine, service=service)
    mount_decide(app, service)
    return await aiohttp_client(app)


def pending_request(service: LeaveService) -> int:
    applied = service.execute("ananya@x.test", ApplyLeave("casual", date(2026, 12, 14), date(2026, 12, 15),
                                                          reason="family"), "test")
    assert isinstance(applied, AppliedView), applied
    return applied.request.id


def link(service: LeaveService, request_id: int, answer: str = "approve", employee_id: str = "E2") -> str:
    return service.issue_link(LinkPurpose.DECIDE, employee_id, f"request:{request_id}:{answer}", WEEK)


def status_of(service: LeaveService, request_id: int) -> RequestStatus:
    return next(r.status for r in service.list_requests() if r.id == request_id)


def audited(service: LeaveService, request_id: int) -> list[tuple[str, str, str, str]]:
    return [(e.actor, e.action, e.outcome, e.source) for e in service.audit_log() if e.request_id == request_id]


async def test_the_page_shows_the_request_and_decides_nothing(client: Client, service: LeaveService) -> None:
    request_id = pending_request(service)
    token = link(service, request_id)
    page = await client.get(f"/email/decide/{token}")
    html = await page.text()
    assert page.status == 200
    assert "Approve LV-" in html and "Ananya Iyer" in html and "Casual" in html
    assert f'action="/email/decide/{token}"' in html and "left in" in html  # the balance after, as the card
    again = await client.get(f"/email/decide/{token}")  # a mail scanner's second look
    assert again.status == 200
    assert status_of(service, request_id) is RequestStatus.PENDING
    assert [a for a in audited(service, request_id) if a[1] == "approve"] == []


async def test_an_approve_link_decides_once_and_the_employee_hears(client: Client, service: LeaveService) -> None:
    request_id = pending_request(service)
    token = link(service, request_id)
    done = await client.post(f"/email/decide/{token}", data={})
    assert done.status == 200, await done.text()
    assert "is approved" in await done.text()
    assert status_of(service, request_id) is RequestStatus.APPROVED
    assert ("boss@x.test", "approve", "ok", "email") in audited(service, request_id)
    told = Collected()
    service.deliver_notices([told])
    assert [(n.kind, n.recipient.email) for n in told.notices if n.kind is NoticeKind.DECIDED] == [
        (NoticeKind.DECIDED, "ananya@x.test")]

    again = await client.post(f"/email/decide/{token}", data={})
    text = await again.text()
    assert again.status == 410
    assert "used already" in text and "was approved by Vikram Rao" in text
    looked = await client.get(f"/email/decide/{token}")
    assert looked.status == 410
    assert [a for a in audited(service, request_id) if a[1] == "approve"] == [("boss@x.test", "approve", "ok",
                                                                               "email")]


async def test_a_reject_link_asks_for_the_reason_and_records_it(client: Client, service: LeaveService) -> None:
    request_id = pending_request(service)
    token = link(service, request_id, "reject")
    page = await client.get(f"/email/decide/{token}")
    assert 'name="reason"' in await page.text()
    done = await client.post(f"/email/decide/{token}", data={"reason": "Release week <b>freeze</b>"})
    assert done.status == 200, await done.text()
    assert status_of(service, request_id) is RequestStatus.REJECTED
    request = next(r for r in service.list_requests() if r.id == request_id)
    assert request.decision_note == "Release week <b>freeze</b>"
    assert ("boss@x.test", "reject", "ok", "email") in audited(service, request_id)


async def test_an_expired_link_is_refused_and_changes_nothing(client: Client, service: LeaveService,
                                                              clock: FixedClock) -> None:
    request_id = pending_request(service)
    token = link(service, request_id)
    clock.at += WEEK + timedelta(minutes=1)
    page = await client.get(f"/email/decide/{token}")
    assert page.status == 410 and "expired" in await page.text()
    refused = await client.post(f"/email/decide/{token}", data={})
    assert refused.status == 410
    assert status_of(service, request_id) is RequestStatus.PENDING


async def test_an_unknown_link_is_a_404(client: Client) -> None:
    page = await client.get("/email/decide/not-a-token")
    assert page.status == 404 and "not valid" in await page.text()
    refused = await client.post("/email/decide/not-a-token", data={})
    assert refused.status == 404


async def test_a_link_bound_to_someone_else_cannot_decide_and_is_recorded(client: Client,
                                                                          service: LeaveService) -> None:
    """The link is the identity: one sent to Rahul decides as Rahul, who does not hold the request."""
    request_id = pending_request(service)
    token = link(service, request_id, employee_id="E4")
    page = await client.get(f"/email/decide/{token}")
    assert page.status == 403
    refused = await client.post(f"/email/decide/{token}", data={})
    assert refused.status == 403 and "yours to decide" in await refused.text()
    assert status_of(service, request_id) is RequestStatus.PENDING
    assert ("rahul@x.test", "not_approver", "refused", "email") in audited(service, request_id)


async def test_a_link_to_a_request_decided_in_chat_meanwhile_is_spent(client: Client, service: LeaveService) -> None:
    request_id = pending_request(service)
    token = link(service, request_id, "reject")
    assert isinstance(service.execute("boss@x.test", Decide(request_id, approve=True), "slack"), DecidedView)
    page = await client.get(f"/email/decide/{token}")
    assert page.status == 200 and "nothing left for you to decide" in await page.text()
    refused = await client.post(f"/email/decide/{token}", data={"reason": "too late"})
    assert refused.status == 403 and "already approved by Vikram Rao" in await refused.text()
    again = await client.post(f"/email/decide/{token}", data={"reason": "too late"})
    assert again.status == 410  # a final refusal used the link up
    assert status_of(service, request_id) is RequestStatus.APPROVED

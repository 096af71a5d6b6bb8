"""The web dashboard's approvals page over HTTP, on SQLite and MariaDB/MySQL: what waits for the
viewer with the approver card's context, Approve and Reject (with the policy's reason rule), bulk
approval decided request by request, and the refusals chat gives (not yours, already decided, a
form without its CSRF token), audited and changing nothing. The employee hears through the outbox."""

from __future__ import annotations

import html
import re
from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

import pytest
import pytest_asyncio
from aiohttp import web
from aiohttp.test_utils import TestClient
from sqlalchemy import Engine

from core.commands import ApplyLeave, Decide, Delegate, ShowPending
from core.domain.model import RequestStatus
from core.ports import AuditQuery
from core.service import LeaveService
from core.views import AnyNotice, AppliedView, Notice, NoticeKind, RequestListView
from tests.unit.conftest import policy_document
from tests.unit.fakes import FixedClock
from tests.web_door import chat_link, web_app

pytestmark = pytest.mark.asyncio

Client = Callable[[web.Application], Awaitable[TestClient[Any, Any]]]
PAGE = "/web/approvals"


class Chat:
    """The employees' chat door as the outbox hands it notices."""

    name = "slack"

    def __init__(self) -> None:
        self.sent: list[AnyNotice] = []

    def deliver(self, notice: AnyNotice) -> None:
        self.sent.append(notice)


@pytest_asyncio.fixture
async def client(engine: Engine, service: LeaveService, clock: FixedClock,
                 aiohttp_client: Client) -> TestClient[Any, Any]:
    return await aiohttp_client(web_app(engine, service, clock))


async def sign_in(client: TestClient[Any, Any], service: LeaveService, email: str) -> str:
    """Sign ``email`` in; the CSRF token of their session, read from the approvals page."""
    client.session.cookie_jar.clear()
    assert (await client.post(chat_link(service, email), allow_redirects=False)).status == 303
    found = re.search(r'name="csrf" value="([^"]+)"', await (await client.get(PAGE)).text())
    assert found is not None
    return found.group(1)


def apply(service: LeaveService, email: str, start: date, end: date, leave_type: str = "casual") -> int:
    view = service.execute(email, ApplyLeave(leave_type, start, end, reason="family wedding"), "test")
    assert isinstance(view, AppliedView), view
    return view.request.id


def status_of(service: LeaveService, request_id: int) -> RequestStatus:
    seen = service.request_seen_by("hr@x.test", request_id)
    assert seen is not None
    return seen.request.status


async def page_text(response: Any) -> str:
    """What the page says: its text without the tags, spaces collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", await response.text())).split())


async def test_the_manager_sees_the_cards_context_and_approves_and_the_employee_hears(
        client: TestClient[Any, Any], service: LeaveService) -> None:
    rahul = apply(service, "rahul@x.test", date(2026, 12, 8), date(2026, 12, 9))
    ananya = apply(service, "ananya@x.test", date(2026, 12, 9), date(2026, 12, 10))
    service.deliver_notices([Chat()])  # the approval cards went out already
    csrf = await sign_in(client, service, "boss@x.test")

    body = await page_text(await client.get(PAGE))
    assert "2 requests wait for your decision" in body
    assert "Ananya Iyer asks for 2 days of casual leave" in body and "LV-1002" in body
    assert "Left in 2026 once approved:" in body  # the balance after, as on the card
    assert "Also out in the team" in body and "Rahul Verma: Casual leave" in body  # her manager sees the type
    assert "family wedding" in body

    chat = Chat()
    done = await client.post(f"{PAGE}/{ananya}/approve", data={"csrf": csrf}, allow_redirects=False)
    assert done.status == 303 and done.headers["Location"] == PAGE
    again = await client.get(PAGE)
    after = await page_text(again)
    assert "LV-1002 (Ananya Iyer, Casual leave, 2 days) approved." in after
    assert "1 request waits for your decision" in after and f'value="{ananya}"' not in await again.text()
    assert status_of(service, ananya) is RequestStatus.APPROVED and status_of(service, rahul) is RequestStatus.PENDING
    assert ("boss@x.test", "approve", "ok", "web") in audited(service, ananya)

    report = service.deliver_notices([chat])
    assert report.errors == []
    told = [n for n in chat.sent if isinstance(n, Notice) and n.kind is NoticeKind.DECIDED]
    assert [(n.recipient.email, n.request.number, n.request.status) for n in told] == [
        ("ananya@x.test", "LV-1002", RequestStatus.APPROVED)]


async def test_rejecting_takes_the_reason_and_a_required_one_must_be_given(
        client: TestClient[Any, Any], service: LeaveService) -> None:
    document = policy_document()
    document["reject_reason"] = "required"
    service.load_policy(document, "test")
    first = apply(service, "ananya@x.test", date(2026, 12, 8), date(2026, 12, 8))
    csrf = await sign_in(client, service, "boss@x.test")
    body = await page_text(await client.get(PAGE))
    assert "A rejection must say why." in body and "Reason for rejecting (required)" in body

    bare = await client.post(f"{PAGE}/{first}/reject", data={"csrf": csrf, "reason-LV-1001": "  "})
    assert bare.status == 403 and "reason" in (await page_text(bare)).lower()
    assert status_of(service, first) is RequestStatus.PENDING

    chat = Chat()
    done = await client.post(f"{PAGE}/{first}/reject", data={"csrf": csrf, "reason-LV-1001": "Release week <b>"},
                             allow_redirects=False)
    assert done.status == 303
    assert "LV-1001 (Ananya Iyer, Casual leave, 1 day) rejected." in await page_text(await client.get(PAGE))
    service.deliver_notices([chat])
    [told] = [n for n in chat.sent if isinstance(n, Notice) and n.kind is NoticeKind.DECIDED]
    assert (told.recipient.email, told.request.status, told.request.decision_note) == (
        "ananya@x.test", RequestStatus.REJECTED, "Release week <b>")


async def test_bulk_approval_decides_each_request_and_says_which_was_refused_and_why(
        client: TestClient[Any, Any], service: LeaveService) -> None:
    first = apply(service, "ananya@x.test", date(2026, 12, 8), date(2026, 12, 8))
    second = apply(service, "rahul@x.test", date(2026, 12, 9), date(2026, 12, 9))
    csrf = await sign_in(client, service, "boss@x.test")
    assert "LV-1002" in await page_text(await client.get(PAGE))
    service.execute("hr@x.test", Decide(second, False, "overlaps the audit"), "slack")  # meanwhile, in chat

    done = await client.post(f"{PAGE}/bulk", data=[("csrf", csrf), ("request", str(first)), ("request", str(second))])
    body = await page_text(done)
    assert done.status == 200 and "Approved 1 of 2" in body
    assert "Done: LV-1001: LV-1001 (Ananya Iyer, Casual leave, 1 day) approved." in body
    assert re.search(r"Refused: LV-1002: LV-1002 was already rejected by Meera Nair", body), body
    assert status_of(service, first) is RequestStatus.APPROVED
    assert status_of(service, second) is RequestStatus.REJECTED

    nothing = await client.post(f"{PAGE}/bulk", data={"csrf": csrf}, allow_redirects=False)
    assert nothing.status == 303
    assert "Tick the requests to approve first" in await page_text(await client.get(PAGE))


async def test_an_employee_deciding_someone_elses_request_is_refused_audited_and_nothing_changes(
        client: TestClient[Any, Any], service: LeaveService) -> None:
    ananya = apply(service, "ananya@x.test", date(2026, 12, 8), date(2026, 12, 8))
    csrf = await sign_in(client, service, "rahul@x.test")
    assert "Nothing waits for your decision." in await page_text(await client.get(PAGE))

    refused = await client.post(f"{PAGE}/{ananya}/approve", data={"csrf": csrf})
    assert refused.status == 403
    assert "LV-1001 isn't yours to decide; /leave pending lists those waiting for you." in await page_text(refused)
    assert status_of(service, ananya) is RequestStatus.PENDING
    assert ("rahul@x.test", "not_approver", "refused", "web") in audited(service, ananya, actor="rahul@x.test")

    bulk = await client.post(f"{PAGE}/bulk", data=[("csrf", csrf), ("request", str(ananya))])
    assert "Approved 0 of 1" in await page_text(bulk)
    assert status_of(service, ananya) is RequestStatus.PENDING


async def test_a_decision_without_the_forms_csrf_token_is_refused_and_changes_nothing(
        client: TestClient[Any, Any], service: LeaveService) -> None:
    ananya = apply(service, "ananya@x.test", date(2026, 12, 8), date(2026, 12, 8))
    await sign_in(client, service, "boss@x.test")
    for data in ({}, {"csrf": "forged"}):
        forged = await client.post(f"{PAGE}/{ananya}/approve", data=data)
        assert forged.status == 403 and "Nothing was changed" in await page_text(forged)
        bulk = await client.post(f"{PAGE}/bulk", data={**data, "request": str(ananya)})
        assert bulk.status == 403
    assert status_of(service, ananya) is RequestStatus.PENDING
    assert audited(service, ananya, actor="boss@x.test") == []


async def test_a_delegate_and_hr_see_what_waits_for_them_as_pending_lists_it(
        client: TestClient[Any, Any], service: LeaveService) -> None:
    away = apply(service, "boss@x.test", date(2026, 11, 25), date(2026, 11, 27), "sick")  # no manager: HR decides
    service.execute("boss@x.test", Delegate("ananya@x.test", date(2026, 11, 25), date(2026, 11, 27)), "test")
    csrf = await sign_in(client, service, "hr@x.test")
    assert "Vikram Rao asks for 3 days of sick leave" in await page_text(await client.get(PAGE))
    assert (await client.post(f"{PAGE}/{away}/approve", data={"csrf": csrf}, allow_redirects=False)).status == 303

    rahul = apply(service, "rahul@x.test", date(2026, 12, 8), date(2026, 12, 8))  # Vikram is away: his delegate
    listed = service.execute("ananya@x.test", ShowPending(), "test")
    assert isinstance(listed, RequestListView) and [r.id for r in listed.requests] == [rahul]
    csrf = await sign_in(client, service, "ananya@x.test")
    assert "Rahul Verma asks for 1 day of casual leave" in await page_text(await client.get(PAGE))
    done = await client.post(f"{PAGE}/{rahul}/approve", data={"csrf": csrf}, allow_redirects=False)
    assert done.status == 303 and status_of(service, rahul) is RequestStatus.APPROVED


def audited(service: LeaveService, request_id: int, actor: str | None = None) -> list[tuple[str, str, str, str]]:
    return [(e.actor, e.action, e.outcome, e.source) for e in service.audit_log(AuditQuery(actor=actor))
            if e.request_id == request_id and e.source == "web"]

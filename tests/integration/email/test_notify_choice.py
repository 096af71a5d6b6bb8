"""``/leave notify`` and the e-mail's link back to chat, on SQLite and MariaDB.

The choice is stored and audited; chat is refused to someone with no chat account (they would hear
nothing); e-mail is kept where no mail server is set up, and the answer says so. The link's GET
page changes nothing, its POST switches to chat once, and a second use is refused.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import pytest
import pytest_asyncio
from aiohttp.test_utils import TestClient
from sqlalchemy import Engine

from bot.email.pages import mount_notify
from bot.server import create_app
from core.domain.links import LinkPurpose
from core.domain.reach import CHAT, NotifyBy
from core.ports import UnitOfWork
from core.service import LeaveService
from core.views import NotifyView, RefusalView
from tests.unit.conftest import ORG_CSV
from tests.unit.fakes import FixedClock

Client = TestClient[Any, Any]
MONTH = timedelta(days=30)


@pytest.fixture
def mailing(service: LeaveService, uow_factory: Callable[[], UnitOfWork], clock: FixedClock) -> LeaveService:
    """The core of a server that sends e-mail, over the seeded database."""
    return LeaveService(uow_factory, clock, default_time_zone="Asia/Kolkata", email_enabled=True)


def choice_of(service: LeaveService, employee_id: str) -> NotifyBy | None:
    employee = service.employee(employee_id)
    assert employee is not None
    return employee.notify_by


def notify_audit(service: LeaveService) -> list[tuple[str, str, str]]:
    return [(e.actor, e.detail, e.source) for e in service.audit_log() if e.action == "notify"]


def test_notify_alone_shows_the_default(mailing: LeaveService) -> None:
    view = mailing.handle_text("ananya@x.test", "notify", "console")
    assert isinstance(view, NotifyView)
    assert view.lines == ("Your notices go by e-mail to ananya@x.test.",
                          "That is the default; choose with /leave notify email, chat or both.")
    assert notify_audit(mailing) == []


def test_a_choice_is_kept_audited_and_survives_a_directory_import(mailing: LeaveService) -> None:
    mailing.link_by_email("teams", "aad-ananya", "ananya@x.test")
    view = mailing.handle_text("ananya@x.test", "notify both", "teams")
    assert isinstance(view, NotifyView) and view.changed
    assert view.lines == ("Your notices now go in chat (Slack or Teams) and by e-mail to ananya@x.test.",)
    mailing.import_employees(ORG_CSV)  # HR's next directory file says nothing of it
    assert choice_of(mailing, "E3") is NotifyBy.BOTH
    assert notify_audit(mailing) == [("ananya@x.test", "default -> both", "teams")]


def test_chat_is_refused_without_a_chat_account_and_nothing_changes(mailing: LeaveService) -> None:
    view = mailing.handle_text("ananya@x.test", "notify chat", "console")
    assert isinstance(view, RefusalView)
    assert "no Slack or Teams account linked" in view.message
    assert choice_of(mailing, "E3") is None and notify_audit(mailing) == []


def test_a_bad_word_is_refused_with_the_usage(mailing: LeaveService) -> None:
    view = mailing.handle_text("ananya@x.test", "notify pigeon", "console")
    assert isinstance(view, RefusalView)
    assert view.message.startswith("'pigeon' is not one of email, chat, both. Usage: /leave notify")
    assert choice_of(mailing, "E3") is None


def test_e_mail_is_kept_where_no_mail_server_is_set_up_and_the_answer_says_so(service: LeaveService) -> None:
    service.link_by_email("slack", "U_ANANYA", "ananya@x.test")
    view = service.handle_text("ananya@x.test", "notify email", "slack")
    assert isinstance(view, NotifyView)
    assert view.lines == ("Your notices now go in chat (Slack or Teams).",
                          "E-mail is not set up on this server yet: your choice is kept and takes effect once it is.")
    assert choice_of(service, "E3") is NotifyBy.EMAIL


# -- the link back to chat ------------------------------------------------------------------------


@pytest_asyncio.fixture
async def client(aiohttp_client: Callable[..., Awaitable[Client]], engine: Engine, mailing: LeaveService) -> Client:
    app = create_app(engine, service=mailing)
    mount_notify(app, mailing)
    return await aiohttp_client(app)


def switch_link(service: LeaveService, employee_id: str = "E3") -> str:
    return service.issue_link(LinkPurpose.NOTIFY, employee_id, CHAT, MONTH)


@pytest.mark.asyncio
async def test_the_link_page_changes_nothing_its_post_switches_once(client: Client, mailing: LeaveService) -> None:
    mailing.link_by_email("slack", "U_ANANYA", "ananya@x.test")
    mailing.handle_text("ananya@x.test", "notify email", "slack")
    token = switch_link(mailing)
    for _ in range(2):  # a mail scanner, then the person
        page = await client.get(f"/email/notify/{token}")
        assert page.status == 200
        html = await page.text()
        assert "Ananya Iyer, your LeaveBot notices go by e-mail to ananya@x.test." in html
        assert f'action="/email/notify/{token}"' in html
    assert choice_of(mailing, "E3") is NotifyBy.EMAIL

    done = await client.post(f"/email/notify/{token}")
    assert done.status == 200
    assert "Your notices now go in chat (Slack or Teams)." in await done.text()
    assert choice_of(mailing, "E3") is NotifyBy.CHAT
    assert notify_audit(mailing)[-1] == ("ananya@x.test", "email -> chat", "email")

    again = await client.post(f"/email/notify/{token}")
    assert again.status == 410
    assert "This link has been used already" in await again.text()
    assert (await client.get(f"/email/notify/{token}")).status == 410


@pytest.mark.asyncio
async def test_unknown_expired_and_other_purpose_links_are_refused(client: Client, mailing: LeaveService,
                                                                     clock: FixedClock) -> None:
    assert (await client.get("/email/notify/not-a-token")).status == 404
    decide = mailing.issue_link(LinkPurpose.DECIDE, "E3", "request:1:approve", MONTH)
    assert (await client.post(f"/email/notify/{decide}")).status == 404
    token = switch_link(mailing)
    clock.at += MONTH + timedelta(minutes=1)
    expired = await client.post(f"/email/notify/{token}")
    assert expired.status == 410 and "expired" in await expired.text()
    assert choice_of(mailing, "E3") is None


@pytest.mark.asyncio
async def test_switching_to_chat_without_a_chat_account_is_refused_and_the_link_kept(
        client: Client, mailing: LeaveService) -> None:
    token = switch_link(mailing)
    refused = await client.post(f"/email/notify/{token}")
    assert refused.status == 403
    assert "no Slack or Teams account linked" in await refused.text()
    mailing.link_by_email("teams", "aad-ananya", "ananya@x.test")
    assert (await client.post(f"/email/notify/{token}")).status == 200  # not used up by the refusal
    assert choice_of(mailing, "E3") is NotifyBy.CHAT

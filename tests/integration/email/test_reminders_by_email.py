"""Scheduled reminders by e-mail: the approver's morning reminder and the document still due go by
e-mail to people who hear by e-mail, and to chat for the rest, once, on SQLite and MariaDB."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.email.digest import EmailPoster
from bot.email.reminders import EmailPosts
from core.ports import UnitOfWorkFactory
from core.service import LeaveService
from core.views import AppliedView
from tests.integration.email.conftest import SmtpServer

PUBLIC_URL = "https://leave.x.test"


class ChatPoster:
    """A chat platform's poster as the scheduler sees it, recording what it was asked to send."""

    def __init__(self) -> None:
        self.posts: list[tuple[str, str, str]] = []

    def post(self, kind: str, address: str, payload: dict[str, Any]) -> None:
        self.posts.append((kind, address, str(payload.get("kind"))))


def posters(service: LeaveService, smtp: SmtpServer, chat: ChatPoster) -> dict[str, Any]:
    mailer = smtp.mailer()
    return {"slack": chat, "email": EmailPosts(service, mailer, PUBLIC_URL, EmailPoster(mailer))}


def targets(uow_factory: UnitOfWorkFactory, job: str) -> list[tuple[str, str]]:
    with uow_factory() as uow:
        return [(target, outcome) for _job, _period, target, outcome in uow.jobs.posts(job)]


def test_an_approver_without_chat_is_reminded_by_e_mail_with_links_and_one_with_chat_in_chat(
        service: LeaveService, smtp_server: SmtpServer, uow_factory: UnitOfWorkFactory) -> None:
    for who, dates in (("ananya@x.test", "14 Dec to 15 Dec"), ("kiran@x.test", "16 Dec")):
        assert isinstance(service.handle_text(who, f"apply casual {dates}", "test"), AppliedView)
    service.link_by_email("slack", "U_ANANYA", "ananya@x.test")  # Kiran's approver hears in chat
    chat = ChatPoster()
    for run in service.runs_for_date("reminders", date(2026, 11, 30)):
        service.run_due(run, ["slack", "email"])
    service.deliver_posts(posters(service, smtp_server, chat), lambda seconds: None)
    service.deliver_posts(posters(service, smtp_server, chat), lambda seconds: None)  # nothing twice

    assert sorted(targets(uow_factory, "reminders")) == [("email:person:E2", "delivered"),
                                                          ("slack:person:E3", "delivered")]
    assert chat.posts == [("person", "E3", "approval_reminder")]
    [reminder] = smtp_server.messages
    assert reminder["To"] == "Vikram Rao <boss@x.test>"
    assert reminder["Subject"] == "1 leave request waits for your decision"
    text = str(reminder.get_body(preferencelist=("plain",)).get_content())  # type: ignore[union-attr]
    assert "Ananya Iyer asks for 2 days of casual leave" in text and f"Approve: {PUBLIC_URL}/email/decide/" in text
    token = next(w for w in text.split() if "/email/decide/" in w).rsplit("/", 1)[1]
    link = service.decision_link(token)
    assert link.approve and link.approver.employee_id == "E2"


def test_a_document_due_is_reminded_by_e_mail(service: LeaveService, smtp_server: SmtpServer,
                                              uow_factory: UnitOfWorkFactory) -> None:
    assert isinstance(service.handle_text("ananya@x.test", "apply sick 1 Dec to 4 Dec flu", "test"), AppliedView)
    [run] = service.runs_for_date("document-reminders", date(2026, 11, 30))
    service.run_due(run, ["slack", "email"])
    service.deliver_posts(posters(service, smtp_server, ChatPoster()), lambda seconds: None)
    assert targets(uow_factory, "document-reminders") == [("email:person:E3", "delivered")]
    [reminder] = smtp_server.to("ananya@x.test")
    assert reminder["Subject"] == "A document is still due for your leave"
    assert [p.get_content_type() for p in reminder.walk() if not p.is_multipart()] == ["text/plain", "text/html"]

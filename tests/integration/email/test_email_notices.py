"""Every notice by e-mail, through the outbox, to a real SMTP server on loopback, on SQLite and MariaDB.

People without a chat link hear by e-mail; ``/leave notify`` decides for the rest; a temporary
refusal (4xx) is retried with the same Message-ID and delivered once, a permanent one (5xx) is
recorded as failed and audited, and nothing recorded is ever sent again.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from email.message import EmailMessage

import pytest

from bot.email.notifier import EmailNotifier
from core.commands import ClaimCompOff, HandInDocument
from core.domain.documents import DocumentFile
from core.domain.reach import CHAT
from core.ports import UnitOfWork
from core.service import LeaveService
from core.views import AnyNotice, AppliedView, CompOffClaimView, NoticeKind, NotifyView
from tests.integration.email.conftest import SmtpServer
from tests.unit.conftest import ORG_CSV, policy_document
from tests.unit.fakes import FixedClock

PUBLIC_URL = "https://leave.x.test"
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"


class ChatStandIn:
    """Slack as the outbox sees it: a notifier that reaches people in chat (or by ``medium``),
    recording what it was given."""

    name = "slack"

    def __init__(self, medium: str = CHAT) -> None:
        self.medium = medium
        self.notices: list[AnyNotice] = []

    def deliver(self, notice: AnyNotice) -> None:
        self.notices.append(notice)


@pytest.fixture
def mailing(service: LeaveService, uow_factory: Callable[[], UnitOfWork], clock: FixedClock) -> LeaveService:
    """The core of a server that sends e-mail (``SMTP_URL`` set), over the seeded database."""
    return LeaveService(uow_factory, clock, default_time_zone="Asia/Kolkata", email_enabled=True)


def notifier(service: LeaveService, smtp: SmtpServer) -> EmailNotifier:
    return EmailNotifier(service, smtp.mailer(), PUBLIC_URL)


def apply(service: LeaveService, text: str, who: str = "ananya@x.test") -> int:
    view = service.handle_text(who, text, "test")
    assert isinstance(view, AppliedView), view
    return view.request.id


def parts(message: EmailMessage) -> list[str]:
    return [part.get_content_type() for part in message.walk() if not part.is_multipart()]


def body(message: EmailMessage, subtype: str) -> str:
    found = message.get_body(preferencelist=(subtype,))
    assert found is not None
    return str(found.get_content())


def kinds(messages: list[EmailMessage]) -> list[str]:
    return [str(m["X-LeaveBot-Notice"]) for m in messages]


def test_every_notice_kind_reaches_people_without_chat_by_e_mail_once(
        service: LeaveService, smtp_server: SmtpServer, clock: FixedClock) -> None:
    service.load_policy(policy_document(including=("compoff",)), "test")
    email = notifier(service, smtp_server)
    deliver = lambda: service.deliver_notices([email])  # noqa: E731

    decided = apply(service, "apply casual 14 Dec to 15 Dec family <visit>")  # approval needed, to Vikram
    deliver()
    service.handle_text("hr@x.test", f"approve LV-{1000 + decided}", "test")  # decided; closed by someone else
    deliver()
    service.handle_text("hr@x.test", f"cancel LV-{1000 + decided}", "test")  # corrected by HR
    deliver()
    sick = apply(service, "apply sick 1 Dec to 4 Dec flu")  # four days of sick leave want a document
    service.execute("ananya@x.test", HandInDocument(sick, DocumentFile("note.pdf", PDF)), "test")  # document added
    deliver()
    service.adjust("ananya@x.test", "casual", "+1", "worked the launch weekend")  # adjusted
    claim = service.execute("ananya@x.test", ClaimCompOff(date(2026, 11, 21), None, "release night"), "test")
    assert isinstance(claim, CompOffClaimView), claim
    deliver()
    service.handle_text("boss@x.test", f"approve {claim.number}", "test")  # the claim decided
    deliver()
    service.import_employees(ORG_CSV.replace("2019-03-01,ACTIVE", "2019-03-01,INACTIVE"))
    service.run_job("reassign", clock.now().date())  # Vikram left: his pending requests move to HR
    deliver()
    assert service.deliver_notices([email]).delivered == 0  # nothing is sent twice

    received = smtp_server.messages
    assert {"approval_needed", "decided", "request_closed", "corrected", "document_added", "adjusted",
            "reassigned"} <= set(kinds(received))
    assert sorted(kinds(received)).count("decided") == 2  # the leave, and the comp-off claim
    assert len({m["Message-ID"] for m in received}) == len(received)  # each notice once
    for message in received:
        assert parts(message) == ["text/plain", "text/html"], message["Subject"]
        assert message["From"] == "LeaveBot <leave@x.test>"
        assert message["List-Unsubscribe"] is None  # nobody here has a chat account to switch to
    subjects = [str(m["Subject"]) for m in received]
    asked = "Ananya Iyer asks for 2 days of casual leave, 14\u201315 Dec"
    assert any(s.startswith("LV-") and asked in s for s in subjects)
    assert any(s.startswith("CO-") for s in subjects)
    approval = next(m for m in smtp_server.to("boss@x.test") if m["X-LeaveBot-Notice"] == "approval_needed")
    html = body(approval, "html")
    assert "family &lt;visit&gt;" in html and "family <visit>" in body(approval, "plain")
    assert f'href="{PUBLIC_URL}/email/decide/' in html and "Mon 14 Dec to Tue 15 Dec" in html


def test_approval_e_mail_links_decide_for_its_approver_only(
        service: LeaveService, smtp_server: SmtpServer, uow_factory: Callable[[], UnitOfWork]) -> None:
    request_id = apply(service, "apply casual 14 Dec to 15 Dec")
    service.deliver_notices([notifier(service, smtp_server)])
    [approval] = smtp_server.to("boss@x.test")
    text = body(approval, "plain")
    approve = next(w for w in text.split() if "/email/decide/" in w)
    link = service.decision_link(approve.rsplit("/", 1)[1])
    assert link.approve and link.approver.employee_id == "E2" and link.request is not None
    assert link.request.request.id == request_id


def test_a_person_linked_to_chat_hears_in_chat_only_unless_they_ask_for_both(
        mailing: LeaveService, smtp_server: SmtpServer) -> None:
    service = mailing
    service.link_by_email("slack", "U_BOSS", "boss@x.test")
    chat, email = ChatStandIn(), notifier(service, smtp_server)
    apply(service, "apply casual 14 Dec to 15 Dec")
    service.deliver_notices([chat, email])
    assert [n.recipient.email for n in chat.notices] == ["boss@x.test"]
    assert smtp_server.messages == []  # the default for someone linked: chat

    answer = service.handle_text("boss@x.test", "notify both", "slack")
    assert isinstance(answer, NotifyView) and answer.where.startswith("in chat (Slack or Teams) and by e-mail")
    apply(service, "apply casual 21 Dec to 22 Dec")
    service.deliver_notices([chat, email])
    assert len(chat.notices) == 2
    [both] = smtp_server.to("boss@x.test")
    assert both["List-Unsubscribe"].startswith(f"<{PUBLIC_URL}/email/notify/")

    service.handle_text("boss@x.test", "notify email", "slack")
    apply(service, "apply casual 28 Dec to 29 Dec")
    service.deliver_notices([chat, email])
    assert len(chat.notices) == 2 and len(smtp_server.to("boss@x.test")) == 2  # e-mail alone now


def test_a_temporary_refusal_is_retried_with_the_same_message_id_and_delivered_once(
        service: LeaveService, smtp_server: SmtpServer, clock: FixedClock) -> None:
    email = notifier(service, smtp_server)
    smtp_server.refuse_next("451 4.3.0 Mailbox busy, try again later")
    apply(service, "apply casual 14 Dec to 15 Dec")
    first = service.deliver_notices([email])
    assert (first.delivered, first.retrying) == (0, 1) and "451" in first.errors[0]
    assert smtp_server.messages == []
    assert service.deliver_notices([email]).delivered == 0  # not due yet: backing off
    clock.at += timedelta(minutes=1)
    assert service.deliver_notices([email]).delivered == 1
    clock.at += timedelta(hours=2)
    assert service.deliver_notices([email]).delivered == 0
    [refused], [delivered] = smtp_server.refused, smtp_server.messages
    assert delivered["Message-ID"] == refused["Message-ID"]
    assert str(delivered["Message-ID"]).endswith("@x.test>")


def test_the_same_notice_sent_again_carries_the_same_message_id(
        service: LeaveService, smtp_server: SmtpServer) -> None:
    """The window left: the server accepted, and the process died before the outbox recorded it.
    Sending the notice again (as the next round would) repeats its Message-ID, so it reads as one."""
    email = notifier(service, smtp_server)
    apply(service, "apply casual 14 Dec to 15 Dec")
    captured = ChatStandIn(medium="email")
    service.deliver_notices([captured])
    [notice] = captured.notices
    email.deliver(notice)
    email.deliver(notice)
    first, again = smtp_server.messages
    assert first["Message-ID"] == again["Message-ID"]
    assert first["Subject"] == again["Subject"]


def test_a_permanent_refusal_is_recorded_failed_audited_and_never_sent_again(
        service: LeaveService, smtp_server: SmtpServer, clock: FixedClock) -> None:
    email = notifier(service, smtp_server)
    smtp_server.refuse_next("550 5.1.1 No such mailbox here")
    request_id = apply(service, "apply casual 14 Dec to 15 Dec")
    report = service.deliver_notices([email])
    assert report.delivered == 1 and "550" in report.errors[0]  # the event is done: the target failed
    clock.at += timedelta(hours=2)
    assert service.deliver_notices([email]).delivered == 0
    assert smtp_server.messages == []
    failed = [e for e in service.audit_log() if e.action == "notice.failed" and e.request_id == request_id]
    assert [(e.source, e.outcome) for e in failed] == [("email", "refused")]
    assert "boss@x.test" in failed[0].detail and "550" in failed[0].detail


def test_without_a_public_url_the_e_mail_says_how_to_decide_in_chat(
        service: LeaveService, smtp_server: SmtpServer) -> None:
    apply(service, "apply casual 14 Dec to 15 Dec")
    service.deliver_notices([EmailNotifier(service, smtp_server.mailer(), None)])
    [message] = smtp_server.to("boss@x.test")
    assert message["X-LeaveBot-Notice"] == NoticeKind.APPROVAL_NEEDED.value
    text = body(message, "plain")
    assert "/email/decide/" not in text and "/leave approve LV-" in text

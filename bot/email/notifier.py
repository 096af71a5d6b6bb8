"""The e-mail notifier: the outbox's way of telling people who hear by e-mail (target ``email``).

It runs in the outbox's worker thread, like the chat notifiers, and sends each notice as one
message (:mod:`bot.email.letters`, :mod:`bot.email.compose`) through the :class:`~bot.email.transport.Mailer`.
The outbox gives it only the notices of people who want e-mail (``medium``), records each one
once sent, and retries on :class:`~core.ports.RetryLater` (an SMTP 4xx answer, a broken
connection) or gives up on :class:`~core.ports.DeliveryFailed` (5xx).

Every message's ``Message-ID`` is derived from the notice's outbox delivery, so a copy sent again
(the server accepted it, and the process died before the outbox recorded it) carries the same id
as the first and mail clients show it once.

An approval asked for carries Approve and Reject links (one-time, bound to the approver, 7 days:
:data:`DECIDE_LIFETIME`); every message carries a link back to chat for someone who has a chat
account linked (``List-Unsubscribe``); without one, switching would leave them hearing nothing.
"""

from __future__ import annotations

from datetime import timedelta
from email.utils import formataddr

from bot.email.compose import compose
from bot.email.letters import letter, template_of
from bot.email.transport import Mailer
from bot.runtime import Runtime
from bot.settings import Settings
from core.domain.compoff import parse_claim_number
from core.domain.links import LinkPurpose
from core.domain.reach import CHAT, EMAIL
from core.ports import Unreachable
from core.service import LeaveService
from core.views import AnyNotice, ClaimNotice, Notice, NoticeKind

DECIDE_LIFETIME = timedelta(days=7)
#: Says which kind of notice a message is (``approval_needed``...), for mail filters.
KIND_HEADER = "X-LeaveBot-Notice"
SWITCH_LIFETIME = timedelta(days=30)


class EmailNotifier:
    """A :class:`core.ports.Notifier` named ``email``."""

    name = "email"
    medium = EMAIL

    def __init__(self, service: LeaveService, mailer: Mailer, public_url: str | None) -> None:
        self._service = service
        self._mailer = mailer
        self._public_url = (public_url or "").rstrip("/")

    def deliver(self, notice: AnyNotice) -> None:
        """Send one notice; raises what :class:`core.ports.Notifier` documents."""
        recipient = notice.recipient
        if not recipient.email:
            raise Unreachable(f"{recipient.name} has no e-mail address")
        name = template_of(notice)
        if name is None:
            return
        links = self._links(notice)
        said = letter(notice, name, links)
        message = compose(sender=self._mailer.settings.from_address, to=formataddr((recipient.name, recipient.email)),
                          subject=said.subject, text=said.text, html=said.html,
                          message_id_seed=notice.delivery_id or notice.key,
                          unsubscribe_url=links.get("unsubscribe_url"))
        message[KIND_HEADER] = notice.kind.value  # for people's mail rules (and for telling kinds apart)
        self._mailer.send(message)

    def _links(self, notice: AnyNotice) -> dict[str, str]:
        """Approve and Reject for an approval asked for, and the way back to chat for someone with
        a chat account; none where this server has no public address to link to."""
        if not self._public_url:
            return {}
        employee_id = notice.recipient.employee_id
        links: dict[str, str] = {}
        if notice.kind is NoticeKind.APPROVAL_NEEDED and isinstance(notice, Notice | ClaimNotice):
            about = (f"request:{notice.request.id}" if isinstance(notice, Notice)
                     else f"claim:{parse_claim_number(notice.claim.number)}")
            for verb in ("approve", "reject"):
                token = self._service.issue_link(LinkPurpose.DECIDE, employee_id, f"{about}:{verb}", DECIDE_LIFETIME)
                links[f"{verb}_url"] = f"{self._public_url}/email/decide/{token}"
        if notice.recipient.reach.chat_linked:
            token = self._service.issue_link(LinkPurpose.NOTIFY, employee_id, CHAT, SWITCH_LIFETIME)
            links["unsubscribe_url"] = f"{self._public_url}/email/notify/{token}"
        return links


def email_notifier(runtime: Runtime, settings: Settings) -> EmailNotifier | None:
    """The notifier that sends notices by e-mail; None when e-mail is off (no ``SMTP_URL``)."""
    smtp = settings.smtp()
    if smtp is None:
        return None
    return EmailNotifier(runtime.service, Mailer(smtp, timeout=settings.http_timeout_seconds), settings.public_url)

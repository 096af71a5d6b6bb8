"""Mounting e-mail on the server: the outbox's ``email`` notifier and the pages its links open.

Off without ``SMTP_URL``: nothing is mounted, and the start-up lines say so (:func:`bot.settings.door_states`).
"""

from __future__ import annotations

import logging

from aiohttp import web

from bot.email.decide import mount_decide
from bot.email.digest import EmailPoster
from bot.email.notifier import email_notifier
from bot.email.pages import mount_notify
from bot.email.reminders import EmailPosts
from bot.email.transport import Mailer
from bot.runtime import Runtime
from bot.settings import Settings

log = logging.getLogger(__name__)


def email_poster(runtime: Runtime, settings: Settings) -> EmailPosts | None:
    """The scheduler's ``email`` poster (personal reminders and digests); None when e-mail is off.

    ``HR_DIGEST_EMAILS``, when set, is where the HR digest goes by e-mail: it is kept as the HR
    digest's ``email`` channel (as a policy's ``channels.hr.email`` would be), so that the scheduler
    plans, claims and records that post like any other, once across replicas.
    """
    smtp = settings.smtp()
    if smtp is None:
        return None
    if settings.hr_digest_addresses:
        runtime.service.set_digest_channel("email", None, ", ".join(settings.hr_digest_addresses))
    mailer = Mailer(smtp, timeout=settings.http_timeout_seconds)
    return EmailPosts(runtime.service, mailer, settings.public_url, EmailPoster(mailer))


def mount_email(app: web.Application, runtime: Runtime, settings: Settings) -> None:
    """Give the outbox the e-mail notifier and serve the Approve/Reject and "switch to chat" pages."""
    notifier = email_notifier(runtime, settings)
    if notifier is None:
        log.info("E-mail: off (SMTP_URL not set): notices go to chat only")
        return
    if not settings.public_url:
        log.warning("E-mail: PUBLIC_URL is not set, so e-mails carry no Approve/Reject or switch-to-chat links")
    runtime.delivery.add(notifier)
    mount_decide(app, runtime.service)
    mount_notify(app, runtime.service)

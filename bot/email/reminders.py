"""Scheduled personal posts by e-mail: the morning reminder of requests waiting for an approver and
the reminder of a document still due, to people who hear by e-mail.

The scheduler plans a personal post for each platform the person wants (``email:person:E2`` only
for someone who hears by e-mail, :func:`core.scheduling.scheduled.reaching`); this poster sends
those, and hands posts to a digest's addresses on to the digest poster
(:class:`bot.email.digest.EmailPoster`). A reminder carries Approve and Reject links for each
request and claim, as the approval-needed e-mail does.
"""

from __future__ import annotations

import hashlib
import json
from email.utils import formataddr
from typing import Any

from bot.digest_words import worded
from bot.email.compose import compose
from bot.email.letters import render_letter
from bot.email.notifier import DECIDE_LIFETIME
from bot.email.transport import Mailer
from core.domain.links import LinkPurpose
from core.ports import DeliveryFailed, Unreachable
from core.ports.jobs import Poster
from core.service import LeaveService

PERSONAL_KINDS = frozenset({"approval_reminder", "document_reminder"})


class EmailPosts:
    """The scheduler's ``email`` poster: personal reminders here, digests by ``channels``."""

    def __init__(self, service: LeaveService, mailer: Mailer, public_url: str | None, channels: Poster) -> None:
        self._service = service
        self._mailer = mailer
        self._public_url = (public_url or "").rstrip("/")
        self._channels = channels

    def post(self, kind: str, address: str, payload: dict[str, Any]) -> None:
        """Raises Unreachable for someone no longer in the directory, and what the mailer raises."""
        if kind != "person":
            self._channels.post(kind, address, payload)
            return
        name = str(payload.get("kind"))
        if name not in PERSONAL_KINDS:
            raise DeliveryFailed(f"no e-mail for a personal post of kind {name!r}")
        employee = self._service.employee(address)
        if employee is None or not employee.email:
            raise Unreachable(f"no employee {address} with an e-mail address")
        links = self._links(employee.employee_id, payload) if name == "approval_reminder" else {}
        said = render_letter(name, {"digest": worded(payload), "links": links})
        # The same post sent again after a crash carries the same Message-ID.
        seed = "post:" + hashlib.sha256(json.dumps([address, payload], sort_keys=True).encode()).hexdigest()
        self._mailer.send(compose(sender=self._mailer.settings.from_address,
                                  to=formataddr((employee.name, employee.email)), subject=said.subject,
                                  text=said.text, html=said.html, message_id_seed=seed))

    def _links(self, approver_id: str, payload: dict[str, Any]) -> dict[str, dict[str, str]]:
        """Approve and Reject for each request and claim (by number); none without a public URL."""
        if not self._public_url:
            return {}
        waiting = [("request", row) for row in payload.get("requests") or []]
        waiting += [("claim", row) for row in payload.get("claims") or []]
        return {str(row["number"]): {verb: self._decide_url(approver_id, f"{what}:{row['id']}:{verb}")
                                     for verb in ("approve", "reject")}
                for what, row in waiting}

    def _decide_url(self, approver_id: str, subject: str) -> str:
        token = self._service.issue_link(LinkPurpose.DECIDE, approver_id, subject, DECIDE_LIFETIME)
        return f"{self._public_url}/email/decide/{token}"

"""The scheduled digests by e-mail: the weekly HR digest (its heat map inline) and each department's
who's-out, posted through the scheduler like the chat posts.

The e-mail door is one more :class:`core.ports.jobs.Poster` (platform ``email``): a digest's
addresses are kept as its channel (``HR_DIGEST_EMAILS`` for the HR digest, a policy's
``channels: {departments: {Sales: {email: sales-leads@example.com}}}`` for a who's-out; several
addresses separated by commas), so the job run plans one post per digest and the posting machinery
(:meth:`core.service.LeaveService.deliver_posts`: claim, send, record) sends it once across replicas.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from bot.digest_words import digest_picture, worded
from bot.email.compose import compose
from bot.email.transport import Mailer
from bot.render_text import render_digest
from bot.rendering import template_environment
from core.domain.heatmap import HeatMap
from core.ports import DeliveryFailed

PLATFORM = "email"
#: The ``cid:`` name of a digest's heat map inside its e-mail.
HEATMAP_CID = "heatmap.png"
_TEXT = template_environment("email")
_HTML = template_environment("email", autoescape=True)


def recipients(address: str) -> list[str]:
    """The addresses of a digest's channel (comma-separated), blanks dropped."""
    return [part.strip() for part in address.split(",") if part.strip()]


class EmailPoster:
    """Sends a planned digest post as one e-mail to the channel's addresses."""

    def __init__(self, mailer: Mailer) -> None:
        self._mailer = mailer

    def post(self, kind: str, address: str, payload: dict[str, Any]) -> None:
        """Raises DeliveryFailed for what e-mail does not post (a personal post, an empty address list);
        the mailer's RetryLater and DeliveryFailed otherwise."""
        to = recipients(address)
        if kind != "channel" or not to:
            raise DeliveryFailed(f"e-mail posts only digests to addresses, not {kind} {address!r}")
        digest = worded(payload)
        images: dict[str, tuple[bytes, str]] = {}
        drawn = digest_picture(payload)
        if drawn is not None:
            images[HEATMAP_CID] = (drawn.png, "image/png")
        name = str(payload.get("kind"))
        if name == "hr_digest":
            subject = f"HR digest: week of {digest['week_day']}"
            text = render_digest(digest, HeatMap.from_payload(payload["chart"]))
        elif name == "whos_out":
            subject = f"Who's out in {digest['department']}, {digest['day_label']}"
            text = _TEXT.get_template("whos_out.txt.j2").render(digest=digest)
        else:
            raise DeliveryFailed(f"no e-mail for a scheduled post of kind {name!r}")
        html = _HTML.get_template(f"{name}.html.j2").render(digest=digest, subject=subject,
                                                             picture=drawn, cid=HEATMAP_CID)
        # The same post sent again after a crash carries the same Message-ID.
        seed = "digest:" + hashlib.sha256(json.dumps([address, payload], sort_keys=True).encode()).hexdigest()
        message = compose(sender=self._mailer.settings.from_address, to=", ".join(to), subject=subject,
                          text=text.strip() + "\n", html=html, message_id_seed=seed, images=images)
        self._mailer.send(message)

"""Building one e-mail: plain text and HTML alternatives, inline pictures, a stable Message-ID.

The Message-ID is derived from a seed that names the notice (its outbox delivery), never drawn
at random, so that a notice sent again after a crash carries the same Message-ID as the first
copy and a mail client or the recipient can tell the two apart from two different notices.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from email.message import EmailMessage
from email.utils import formatdate, parseaddr

NO_IMAGES: Mapping[str, tuple[bytes, str]] = {}


def message_id(seed: str, sender: str) -> str:
    """``<sha256-of-seed@sender's domain>``: the same seed always gives the same id."""
    domain = parseaddr(sender)[1].rpartition("@")[2] or "leavebot.invalid"
    return f"<{hashlib.sha256(seed.encode()).hexdigest()[:40]}@{domain}>"


def compose(*, sender: str, to: str, subject: str, text: str, html: str, message_id_seed: str,
            unsubscribe_url: str | None = None, images: Mapping[str, tuple[bytes, str]] = NO_IMAGES) -> EmailMessage:
    """A ``multipart/alternative`` message (plain text first, then HTML).

    ``images`` maps a name to ``(content, mime type)``; the HTML refers to each as ``cid:NAME``
    and the HTML part becomes ``multipart/related`` carrying them. ``unsubscribe_url`` becomes a
    ``List-Unsubscribe`` header (the page behind it switches the reader's notices to chat).
    """
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = " ".join(subject.split())
    message["Date"] = formatdate(localtime=False, usegmt=True)
    message["Message-ID"] = message_id(message_id_seed, sender)
    message["Auto-Submitted"] = "auto-generated"
    if unsubscribe_url:
        message["List-Unsubscribe"] = f"<{unsubscribe_url}>"
    message.set_content(text)
    message.make_alternative()
    message.attach(_html_part(html, images))
    return message


def _html_part(html: str, images: Mapping[str, tuple[bytes, str]]) -> EmailMessage:
    """The HTML alternative: ``text/html``, or ``multipart/related`` holding it and its pictures."""
    part = EmailMessage()
    part.set_content(html, subtype="html")
    del part["MIME-Version"]  # said once, by the message
    for name, (content, mime_type) in images.items():
        maintype, _, subtype = mime_type.partition("/")
        part.add_related(content, maintype=maintype, subtype=subtype, cid=f"<{name}>", disposition="inline",
                         filename=name)
    return part

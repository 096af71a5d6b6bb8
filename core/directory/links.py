"""Issuing and honouring one-time links (:mod:`core.domain.links`), inside the caller's unit of work.

A page that a link opens first *checks* it (a GET: mail scanners and chat previews fetch links, so
looking must use nothing up), and the person's confirmation *redeems* it, in the same unit of work
as what it does.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from core.domain.links import LinkPurpose, LinkToken, hash_token
from core.errors import LinkRefused
from core.ports import UnitOfWork

#: Random bytes in a token: as hard to guess as a session id.
TOKEN_BYTES = 32
#: How long an expired link is kept, so that it is refused as expired (not as unknown) for a while.
KEPT_AFTER_EXPIRY = timedelta(days=7)


def issue_link(uow: UnitOfWork, purpose: LinkPurpose, employee_id: str, subject: str, now: datetime,
               lifetime: timedelta) -> str:
    """A new link's token (the caller puts it in a URL and commits); only its hash is kept. Links
    long expired go, so the table holds about a week's links."""
    uow.links.purge(now - KEPT_AFTER_EXPIRY)
    raw = secrets.token_urlsafe(TOKEN_BYTES)
    uow.links.add(LinkToken(hash_token(raw), purpose, employee_id, subject, now, now + lifetime))
    return raw


def check_link(uow: UnitOfWork, raw: str, purpose: LinkPurpose, now: datetime) -> LinkToken:
    """The link's token if it may still be used for ``purpose``; nothing is used up.

    Raises:
        LinkRefused: unknown (or made for something else), used already, or expired.
    """
    token = uow.links.get(hash_token(raw)) if raw else None
    if token is None or token.purpose is not purpose:
        raise LinkRefused("unknown", "This link is not valid. Ask for a new one.")
    if token.used_at is not None:
        raise LinkRefused("used", "This link has been used already; each link works once.")
    if now >= token.expires_at:
        raise LinkRefused("expired", "This link has expired. Ask for a new one.")
    return token


def redeem_link(uow: UnitOfWork, raw: str, purpose: LinkPurpose, now: datetime) -> LinkToken:
    """:func:`check_link`, then the link is used: a second redeem, even a concurrent one, is refused."""
    token = check_link(uow, raw, purpose, now)
    if not uow.links.use(token.token_hash, now):
        raise LinkRefused("used", "This link has been used already; each link works once.")
    return token

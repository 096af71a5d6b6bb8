"""One-time links: a random token that, once, lets its holder do one thing as one person.

``/leave web`` signs a person in to the dashboard with one, an approval e-mail's Approve and Reject
buttons are two, and every e-mail carries one that switches its reader's notices back to chat. Each is
bound to a person (``employee_id``) and to what it does (``purpose`` and ``subject``), expires, and is
used at most once. Only the token's SHA-256 is stored, so the table alone opens nothing.
"""

from __future__ import annotations

import enum
import hashlib
from dataclasses import dataclass
from datetime import datetime


class LinkPurpose(enum.StrEnum):
    SIGN_IN = "sign_in"  # the dashboard: starts a session for the person
    DECIDE = "decide"  # an approval e-mail's Approve or Reject: subject "request:42:approve", "claim:7:reject"
    NOTIFY = "notify"  # an e-mail's "hear about it in chat instead": subject "chat"


@dataclass(frozen=True)
class LinkToken:
    token_hash: str  # SHA-256 of the token, lower-case hex
    purpose: LinkPurpose
    employee_id: str  # the person the link acts as: only they may use it
    subject: str  # what it acts on ("" for a sign-in)
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None = None


def hash_token(raw: str) -> str:
    """What is stored of a token, and what a presented one is looked up by."""
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()

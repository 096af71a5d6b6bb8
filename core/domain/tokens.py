"""Secret link tokens: made at random, handed out once, kept only as a hash.

A link that opens something without a sign-in (a calendar feed, a downloadable report) carries a
random token. Only its SHA-256 is stored, so that a copy of the database (a backup, a replica, a
curious administrator) opens nothing; the token itself exists only in the link that was handed out.
"""

from __future__ import annotations

import hashlib
import secrets


def new_token() -> str:
    """32 random bytes, URL-safe: unguessable, and safe in a path segment (43 characters)."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """What is stored for ``token``: its SHA-256, lower-case hex (64 characters)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()

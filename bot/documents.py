"""Fetching a file that someone handed in through a chat platform, for the core to check and keep.

Slack and Teams do not send a file with the event that tells of it: the bot downloads it from a
URL the platform gives (Slack's ``url_private`` with the bot token, Teams' pre-authorised
``downloadUrl``). A download stops one byte past :data:`core.domain.documents.MAX_BYTES`, so a
huge file costs no memory: it reaches the core with its size only, to be refused in the same words
as everywhere. Each door says which URLs it trusts, so that an event can never make the bot fetch
(or send its token to) anything else.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlsplit

import aiohttp

from core.domain.documents import MAX_BYTES, DocumentFile

#: Redirects a download may follow (a platform's file host may send it on once or twice).
MAX_REDIRECTS = 3
CHUNK = 64 * 1024


class FetchFailed(Exception):
    """The file could not be fetched; ``str()`` says why, in words for the person who sent it."""


def same_origin(url: str, base: str) -> bool:
    """Whether ``url`` is on the scheme, host and port of ``base``."""
    try:
        one, other = urlsplit(url), urlsplit(base)
        return (one.scheme, one.hostname, one.port) == (other.scheme, other.hostname, other.port)
    except ValueError:
        return False


def is_https(url: str) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme == "https" and bool(parts.hostname)


async def fetch(url: str, name: str, ref: str | None, *, headers: Mapping[str, str] | None = None,
                timeout: float = 30.0) -> DocumentFile:
    """The file at ``url``, read up to one byte past the limit (then only its size comes back).

    Raises:
        FetchFailed: the platform did not give the file (an error status, no connection, a time-out).
    """
    try:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=timeout)) as session, \
                session.get(url, headers=dict(headers or {}), max_redirects=MAX_REDIRECTS) as response:
            if response.status != 200:
                raise FetchFailed(f"the platform answered {response.status} when I fetched {name}")
            content = bytearray()
            async for chunk in response.content.iter_chunked(CHUNK):
                content += chunk
                if len(content) > MAX_BYTES:
                    return DocumentFile(name, size=max(len(content), response.content_length or 0), ref=ref)
    except (aiohttp.ClientError, TimeoutError) as error:
        raise FetchFailed(f"I could not fetch {name} ({type(error).__name__})") from error
    return DocumentFile(name, bytes(content), ref=ref)

"""Files the bot hands out by link (HR's report and the heat map in Teams, where a bot cannot attach a file).

The link carries a random token; only its SHA-256 is stored, so the table alone opens nothing.
A report's file can be taken once, before it expires; taking it removes it. A *reusable* file
(a picture that a Teams card points at, fetched by every viewer) is served until it expires.

Only the doors use it (:mod:`bot.downloads`), so it is no part of the core's unit of work: each
call is a short transaction of its own, and the composition root hands the store to the doors.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

#: Media types kept as they are; any other file is kept as base64 text (the column holds text).
TEXT_PREFIX = "text/"


@dataclass(frozen=True)
class Download:
    token_hash: str  # SHA-256 of the link's token, hex
    filename: str
    media_type: str
    #: The file's text, or base64 of its bytes when it is not text (:meth:`binary`).
    content: str
    created_at: datetime
    expires_at: datetime
    #: Served to every request until it expires, instead of once.
    reusable: bool = False

    @staticmethod
    def binary(data: bytes) -> str:
        """The content that keeps ``data``, a file that is not text; :attr:`body` gives it back."""
        return base64.b64encode(data).decode("ascii")

    @property
    def body(self) -> bytes:
        """The file's bytes, as served."""
        if self.media_type.startswith(TEXT_PREFIX):
            return self.content.encode("utf-8")
        return base64.b64decode(self.content)


class Downloads(Protocol):
    def add(self, *downloads: Download) -> None:
        """Keep the files, all or none."""
        ...

    def take(self, token_hash: str, at: datetime) -> Download | None:
        """The file; None when unknown, taken or expired at ``at``. A single-use file is removed so
        that no one takes it again; a reusable one stays until it expires."""
        ...

    def purge(self, at: datetime) -> int:
        """Remove the files expired at ``at``; how many."""
        ...

"""The doors' own chat store: how each door reaches people, and the cards it posted about requests.

The core never reads it, so it is no part of the unit of work: each call is a short transaction of
its own (run again when it lost a race), made by the composition root and handed to the doors
that use it (the Slack notifier and poster, the Teams directory). It lives in the database, never
in process memory, so that what one replica learnt or posted serves every other one.

``addresses``: per platform and key (``employee:E3``, ``channel:19:abc``...), an opaque text the
door understands (a Teams conversation reference as JSON, a Slack DM channel id). Keys under
:data:`core.ports.CHANNEL_KEYS` are the digests' channels, which the core keeps
(:class:`core.ports.DigestChannels`): this store refuses them (``ValueError``) and never lists them.
``cards``: the messages posted about a request, so a door can update them in place after a decision
made anywhere.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Protocol


class ChatStore(Protocol):
    def save_address(self, platform: str, key: str, address: str, at: datetime) -> None:
        """Insert or replace the address of ``key``."""
        ...

    def address(self, platform: str, key: str) -> str | None: ...

    def addresses(self, platform: str, prefix: str = "") -> dict[str, str]:
        """Every address of the platform whose key starts with ``prefix`` (exactly: no wildcards, case counts)."""
        ...

    def addresses_of(self, platform: str, keys: Collection[str]) -> dict[str, str]:
        """The addresses of those of ``keys`` that have one, in one read."""
        ...

    def add_card(self, platform: str, request_id: int, employee_id: str, address: str, message_id: str,
                 at: datetime) -> None:
        """Remember a posted card; the same card (platform, request, person, message) is kept once."""
        ...

    def cards(self, platform: str, request_id: int) -> list[tuple[str, str, str]]:
        """``(employee_id, address, message_id)`` of every card posted about the request, oldest first."""
        ...

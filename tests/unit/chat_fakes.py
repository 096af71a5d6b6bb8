"""An in-memory :class:`core.ports.chat.ChatStore`: the doors' addresses and cards.

Each call stands for a short transaction of its own, so they are kept here, apart from the
unit-of-work state (:mod:`tests.unit.fakes`), and nothing waits for a commit. Like the SQL version,
keys of the digests' channels are refused: the core keeps those.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from core.ports import is_channel_key


@dataclass(frozen=True)
class Card:
    platform: str
    request_id: int
    employee_id: str
    address: str
    message_id: str
    created_at: datetime


@dataclass
class FakeChatStore:
    #: (platform, key) -> address
    stored: dict[tuple[str, str], str] = field(default_factory=dict)
    posted: list[Card] = field(default_factory=list)

    def save_address(self, platform: str, key: str, address: str, at: datetime) -> None:
        self.stored[(platform, _door_key(key))] = address

    def address(self, platform: str, key: str) -> str | None:
        return self.stored.get((platform, _door_key(key)))

    def addresses(self, platform: str, prefix: str = "") -> dict[str, str]:
        return {key: address for (p, key), address in sorted(self.stored.items())
                if p == platform and key.startswith(prefix)}

    def addresses_of(self, platform: str, keys: Collection[str]) -> dict[str, str]:
        return {key: address for key in keys if (address := self.stored.get((platform, _door_key(key))))}

    def add_card(self, platform: str, request_id: int, employee_id: str, address: str, message_id: str,
                 at: datetime) -> None:
        same = (platform, request_id, employee_id, message_id)
        if all((c.platform, c.request_id, c.employee_id, c.message_id) != same for c in self.posted):
            self.posted.append(Card(platform, request_id, employee_id, address, message_id, at))

    def cards(self, platform: str, request_id: int) -> list[tuple[str, str, str]]:
        return [(c.employee_id, c.address, c.message_id) for c in self.posted
                if c.platform == platform and c.request_id == request_id]


def _door_key(key: str) -> str:
    if is_channel_key(key):
        raise ValueError(f"{key!r} is a digest's channel, which the core keeps")
    return key


if TYPE_CHECKING:  # lets mypy prove that the fake implements the port
    from core.ports.chat import ChatStore

    def _implements_port() -> ChatStore:
        return FakeChatStore()

"""Where the Teams door keeps its conversation references and the cards it posted: the database.

A thin, synchronous wrapper over the doors' :class:`core.ports.chat.ChatStore` (each call a short
transaction of its own, apart from the core's units of work), so that every replica can send and
update. The bot calls it through the server's worker pool, the notifier from the outbox's worker
thread.

Every message would otherwise cost the store a transaction or two besides the command's own (its
conversation remembered, the card's watchers looked up), so the addresses this process stored or
read, and who the HR admins are, are recalled for :data:`RECALL` without asking again. That is a
copy, never the only one: a reference that changed (a new ``serviceUrl``) is written at once, and
what another replica wrote meanwhile is read again once the recollection is that old. Sending
(:meth:`TeamsDirectory.reference`) always reads the store.

The Emulator mode keeps its own: references of unauthenticated conversations are stored under
the platform ``teams-emulator``, never as anyone's Teams address, so a local try-out can notify
the people who talked to it without touching (or being able to reach) their real Teams chats.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.teams.references import Reference, employee_key, user_id
from core.ports import Clock
from core.ports.chat import ChatStore
from core.service import LeaveService

PLATFORM = "teams"
EMULATOR_PLATFORM = "teams-emulator"
#: Teams refreshes a card automatically for at most 60 listed users.
MAX_REFRESH_USERS = 60
#: How long what this process stored or read is trusted without asking the store again.
RECALL = timedelta(minutes=10)
#: Past this many recalled addresses the recollection starts afresh.
MAX_RECALLED = 10_000


@dataclass(frozen=True)
class StoredCard:
    employee_id: str
    reference: Reference
    message_id: str


class TeamsDirectory:
    """The references and cards of one platform: ``teams``, or ``teams-emulator`` in Emulator mode.

    Args:
        service: who the HR admins are (their view of a card is kept current).
        chat: where the references and cards are kept.
    """

    def __init__(self, service: LeaveService, chat: ChatStore, clock: Clock, platform: str = PLATFORM) -> None:
        self._service = service
        self._chat = chat
        self._clock = clock
        self._platform = platform
        self._lock = threading.Lock()
        #: key -> (the stored address, None for none; when this process last stored or read it).
        self._recalled: dict[str, tuple[str | None, datetime]] = {}
        self._hr_admins: tuple[list[str], datetime] | None = None

    def remember(self, entries: Mapping[str, Reference]) -> None:
        """Store references, writing only those that changed: none for the steady stream of a
        person's messages, which this process stored already (nothing is asked then)."""
        texts = {key: _dump(reference) for key, reference in entries.items()}
        recalled = self._recall(texts)
        new = {key: text for key, text in texts.items() if key not in recalled or recalled[key] != text}
        if not new:
            return
        stored = self._chat.addresses_of(self._platform, new.keys())
        for key, text in new.items():
            if stored.get(key) != text:
                self._chat.save_address(self._platform, key, text, self._clock.now())
            self._note(key, text)

    def reference(self, key: str) -> Reference | None:
        text = self._chat.address(self._platform, key)
        return _load(text) if text else None

    def references(self, prefix: str) -> dict[str, Reference]:
        found = self._chat.addresses(self._platform, prefix)
        return {key: _load(text) for key, text in found.items()}

    def add_card(self, request_id: int, employee_id: str, reference: Reference, message_id: str) -> None:
        self._chat.add_card(self._platform, request_id, employee_id, _dump(reference), message_id, self._clock.now())

    def cards(self, request_id: int) -> list[StoredCard]:
        rows = self._chat.cards(self._platform, request_id)
        return [StoredCard(employee_id, _load(address), message_id) for employee_id, address, message_id in rows]

    def refresh_user_ids(self, employee_ids: Iterable[str]) -> list[str]:
        """Teams user ids of these people and of every HR admin, for a card's ``refresh.userIds``.

        Those are the people who may decide a request, so their view of its card is kept current
        automatically; others can still refresh it by hand.
        """
        people = dict.fromkeys([*employee_ids, *self._admins()])
        keys = [employee_key(employee_id) for employee_id in people]
        stored = self._recall(keys)
        unknown = [key for key in keys if key not in stored]
        if unknown:
            read = self._chat.addresses_of(self._platform, unknown)
            for key in unknown:
                stored[key] = read.get(key)
                self._note(key, stored[key])
        found: list[str] = []
        for key in keys:
            text = stored.get(key)
            mri = user_id(_load(text)) if text else None
            if mri and mri not in found:
                found.append(mri)
        return found[:MAX_REFRESH_USERS]

    def _admins(self) -> list[str]:
        """The HR admins' employee ids, as recalled (read from the core again past :data:`RECALL`)."""
        now = self._clock.now()
        known = self._hr_admins
        if known is None or now - known[1] >= RECALL:
            known = self._hr_admins = (self._service.hr_admin_ids(), now)
        return known[0]

    def _recall(self, keys: Iterable[str]) -> dict[str, str | None]:
        """What this process stored or read lately under these keys (None: no address), where it did."""
        oldest = self._clock.now() - RECALL
        with self._lock:
            found = {key: self._recalled.get(key) for key in keys}
        return {key: seen[0] for key, seen in found.items() if seen is not None and seen[1] > oldest}

    def _note(self, key: str, text: str | None) -> None:
        with self._lock:
            if len(self._recalled) >= MAX_RECALLED:
                self._recalled.clear()
            self._recalled[key] = (text, self._clock.now())


def _dump(reference: Reference) -> str:
    return json.dumps(reference, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _load(text: str) -> Reference:
    value = json.loads(text)
    if not isinstance(value, dict):
        raise ValueError("a stored Teams address is not a conversation reference")
    return value

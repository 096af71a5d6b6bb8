"""Where the Teams door keeps its conversation references and the cards it posted: the database.

A thin, synchronous wrapper over the :class:`core.ports.ChatDirectory` of a unit of work, so that
every replica can send and update; nothing here is kept in memory. The bot calls it through the
server's worker pool, the notifier from the outbox's worker thread.

The Emulator mode keeps its own: references of unauthenticated conversations are stored under
the platform ``teams-emulator``, never as anyone's Teams address, so a local try-out can notify
the people who talked to it without touching (or being able to reach) their real Teams chats.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TypeVar

from bot.teams.references import Reference, employee_key, user_id
from core.ports import Clock, UnitOfWork, UnitOfWorkFactory
from core.shared.transactions import in_unit_of_work

PLATFORM = "teams"
EMULATOR_PLATFORM = "teams-emulator"
#: Teams refreshes a card automatically for at most 60 listed users.
MAX_REFRESH_USERS = 60

T = TypeVar("T")


@dataclass(frozen=True)
class StoredCard:
    employee_id: str
    reference: Reference
    message_id: str


class TeamsDirectory:
    """The references and cards of one platform: ``teams``, or ``teams-emulator`` in Emulator mode."""

    def __init__(self, uow_factory: UnitOfWorkFactory, clock: Clock, platform: str = PLATFORM) -> None:
        self._uow_factory = uow_factory
        self._clock = clock
        self._platform = platform

    def remember(self, entries: Mapping[str, Reference]) -> None:
        """Store references, writing only those that changed (most messages change none)."""
        if not entries:
            return

        def save(uow: UnitOfWork) -> None:
            changed = False
            for key, reference in entries.items():
                text = _dump(reference)
                if uow.chat.address(self._platform, key) != text:
                    uow.chat.save_address(self._platform, key, text, self._clock.now())
                    changed = True
            if changed:
                uow.commit()

        self._run(save)

    def reference(self, key: str) -> Reference | None:
        text = self._run(lambda uow: uow.chat.address(self._platform, key))
        return _load(text) if text else None

    def references(self, prefix: str) -> dict[str, Reference]:
        found = self._run(lambda uow: uow.chat.addresses(self._platform, prefix))
        return {key: _load(text) for key, text in found.items()}

    def add_card(self, request_id: int, employee_id: str, reference: Reference, message_id: str) -> None:
        def add(uow: UnitOfWork) -> None:
            uow.chat.add_card(self._platform, request_id, employee_id, _dump(reference), message_id, self._clock.now())
            uow.commit()

        self._run(add)

    def cards(self, request_id: int) -> list[StoredCard]:
        rows = self._run(lambda uow: uow.chat.cards(self._platform, request_id))
        return [StoredCard(employee_id, _load(address), message_id) for employee_id, address, message_id in rows]

    def refresh_user_ids(self, employee_ids: Iterable[str]) -> list[str]:
        """Teams user ids of these people and of every HR admin, for a card's ``refresh.userIds``.

        Those are the people who may decide a request, so their view of its card is kept current
        automatically; others can still refresh it by hand.
        """

        def look(uow: UnitOfWork) -> list[str]:
            people = [*employee_ids, *(hr.employee_id for hr in uow.employees.hr_admins() if hr.is_active)]
            found: list[str] = []
            for employee_id in dict.fromkeys(people):
                text = uow.chat.address(self._platform, employee_key(employee_id))
                mri = user_id(_load(text)) if text else None
                if mri and mri not in found:
                    found.append(mri)
            return found[:MAX_REFRESH_USERS]

        return self._run(look)

    def _run(self, work: Callable[[UnitOfWork], T]) -> T:
        return in_unit_of_work(self._uow_factory, work)


def _dump(reference: Reference) -> str:
    return json.dumps(reference, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _load(text: str) -> Reference:
    value = json.loads(text)
    if not isinstance(value, dict):
        raise ValueError("a stored Teams address is not a conversation reference")
    return value

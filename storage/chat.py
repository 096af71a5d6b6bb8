"""The doors' directory of :mod:`core.ports`: addresses and posted cards, in the database.

A Teams conversation reference or a Slack DM channel learnt by one replica must be usable by
every other one (and survive a restart), and a card posted by one replica must be updatable by
whichever replica handles the decision; so both live here rather than in process memory.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, exists, insert, select, update
from sqlalchemy.exc import IntegrityError

from storage.tables import chat_addresses, chat_cards


class SqlChatDirectory:
    """:class:`core.ports.ChatDirectory` inside the caller's transaction.

    Keys compare as the database compares text: on MySQL/MariaDB with the default utf8mb4
    collation that is case-insensitive, like every other key of the schema.
    """

    def __init__(self, connection: Connection) -> None:
        self._conn = connection

    def save_address(self, platform: str, key: str, address: str, at: datetime) -> None:
        """Insert or replace, portably: update first, insert when nothing matched.

        Two replicas learning the same address at once may both find nothing to update; the
        loser's insert then fails on the primary key inside a savepoint and becomes an update,
        so the caller never sees the race.
        """
        if self._update_address(platform, key, address, at):
            return
        try:
            with self._conn.begin_nested():
                self._conn.execute(
                    insert(chat_addresses).values(platform=platform, key=key, address=address, updated_at=at)
                )
        except IntegrityError:
            if not self._update_address(platform, key, address, at):
                raise

    def _update_address(self, platform: str, key: str, address: str, at: datetime) -> bool:
        # MySQL counts matched rows (CLIENT_FOUND_ROWS, SQLAlchemy's default), so rewriting the
        # same address still counts as found.
        result = self._conn.execute(
            update(chat_addresses)
            .where(chat_addresses.c.platform == platform, chat_addresses.c.key == key)
            .values(address=address, updated_at=at)
        )
        return result.rowcount > 0

    def address(self, platform: str, key: str) -> str | None:
        query = select(chat_addresses.c.address).where(
            chat_addresses.c.platform == platform, chat_addresses.c.key == key
        )
        value: str | None = self._conn.execute(query).scalar()
        return value

    def addresses(self, platform: str, prefix: str = "") -> dict[str, str]:
        """Every address of the platform whose key starts with ``prefix`` (``employee:``...).

        ``LIKE`` narrows the rows in the database (``%`` and ``_`` in the prefix are escaped);
        the exact, case-sensitive test is repeated here because MySQL's ``LIKE`` ignores case.
        """
        query = select(chat_addresses.c.key, chat_addresses.c.address).where(chat_addresses.c.platform == platform)
        if prefix:
            query = query.where(chat_addresses.c.key.startswith(prefix, autoescape=True))
        rows = self._conn.execute(query.order_by(chat_addresses.c.key))
        return {key: address for key, address in rows if key.startswith(prefix)}

    def add_card(self, platform: str, request_id: int, employee_id: str, address: str, message_id: str,
                 at: datetime) -> None:
        """Remember a posted card; the same card (platform, request, person, message) is kept once.

        A door may report the same post twice (a retried delivery, two replicas); the second
        report is ignored, also when it races the first (the unique key refuses it in a savepoint).
        """
        if self._has_card(platform, request_id, employee_id, message_id):
            return
        try:
            with self._conn.begin_nested():
                self._conn.execute(
                    insert(chat_cards).values(
                        platform=platform,
                        request_id=request_id,
                        employee_id=employee_id,
                        address=address,
                        message_id=message_id,
                        created_at=at,
                    )
                )
        except IntegrityError:
            # A foreign key (unknown request or employee) is a real error; a duplicate is not.
            if not self._has_card(platform, request_id, employee_id, message_id):
                raise

    def _has_card(self, platform: str, request_id: int, employee_id: str, message_id: str) -> bool:
        query = select(
            exists().where(
                chat_cards.c.platform == platform,
                chat_cards.c.request_id == request_id,
                chat_cards.c.employee_id == employee_id,
                chat_cards.c.message_id == message_id,
            )
        )
        return bool(self._conn.execute(query).scalar())

    def cards(self, platform: str, request_id: int) -> list[tuple[str, str, str]]:
        """``(employee_id, address, message_id)`` of the request's cards, oldest first."""
        query = (
            select(chat_cards.c.employee_id, chat_cards.c.address, chat_cards.c.message_id)
            .where(chat_cards.c.platform == platform, chat_cards.c.request_id == request_id)
            .order_by(chat_cards.c.id)
        )
        return [(row.employee_id, row.address, row.message_id) for row in self._conn.execute(query)]


__all__ = ["SqlChatDirectory"]

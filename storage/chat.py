"""The ``chat_addresses`` and ``chat_cards`` tables: the digests' channels, which the core keeps, and
the doors' own addresses and cards.

One table holds every address, split by key: the digests' channels (keys under
:data:`core.ports.CHANNEL_KEYS`) are read and written inside the core's unit of work
(:class:`SqlDigestChannels`); the rest, with the cards, belong to the doors (:class:`SqlChatStore`),
each call a short transaction of its own. A Teams conversation reference or a Slack DM channel
learnt by one replica must be usable by every other one (and survive a restart), and a card posted
by one replica must be updatable by whichever replica handles the decision; so both live here
rather than in process memory.

Keys compare as the database compares text: on MySQL/MariaDB with the default utf8mb4 collation
that is case-insensitive, like every other key of the schema.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, exists, insert, select, update
from sqlalchemy.exc import IntegrityError

from core.ports import CHANNEL_KEYS, is_channel_key
from storage.tables import chat_addresses, chat_cards
from storage.transactions import in_transaction


class AddressTable:
    """The rows of ``chat_addresses``, on the caller's connection, whatever their key."""

    def __init__(self, connection: Connection) -> None:
        self._conn = connection

    def save(self, platform: str, key: str, address: str, at: datetime) -> None:
        """Insert or replace, portably: update first, insert when nothing matched.

        Two replicas learning the same address at once may both find nothing to update; the
        loser's insert then fails on the primary key inside a savepoint and becomes an update,
        so the caller never sees the race.
        """
        if self._update(platform, key, address, at):
            return
        try:
            with self._conn.begin_nested():
                self._conn.execute(
                    insert(chat_addresses).values(platform=platform, key=key, address=address, updated_at=at)
                )
        except IntegrityError:
            if not self._update(platform, key, address, at):
                raise

    def _update(self, platform: str, key: str, address: str, at: datetime) -> bool:
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

    def starting(self, platform: str, prefix: str) -> dict[str, str]:
        """Every address of the platform whose key starts with ``prefix``, by key.

        ``LIKE`` narrows the rows in the database (``%`` and ``_`` in the prefix are escaped);
        the exact, case-sensitive test is repeated here because MySQL's ``LIKE`` ignores case.
        """
        query = select(chat_addresses.c.key, chat_addresses.c.address).where(chat_addresses.c.platform == platform)
        if prefix:
            query = query.where(chat_addresses.c.key.startswith(prefix, autoescape=True))
        rows = self._conn.execute(query.order_by(chat_addresses.c.key))
        return {key: address for key, address in rows if key.startswith(prefix)}

    def of(self, platform: str, keys: Collection[str]) -> dict[str, str]:
        """The addresses of those of ``keys`` that have one (keys exactly as asked), in one read."""
        if not keys:
            return {}
        query = select(chat_addresses.c.key, chat_addresses.c.address).where(
            chat_addresses.c.platform == platform, chat_addresses.c.key.in_(sorted(keys))
        )
        return {key: address for key, address in self._conn.execute(query) if key in keys}


class SqlDigestChannels:
    """:class:`core.ports.DigestChannels` inside the core's unit of work."""

    def __init__(self, connection: Connection) -> None:
        self._table = AddressTable(connection)

    def save(self, platform: str, key: str, address: str, at: datetime) -> None:
        self._table.save(platform, _channel_key(key), address, at)

    def address(self, platform: str, key: str) -> str | None:
        return self._table.address(platform, _channel_key(key))

    def all(self, platform: str) -> dict[str, str]:
        return self._table.starting(platform, CHANNEL_KEYS)


def _channel_key(key: str) -> str:
    if not is_channel_key(key):
        raise ValueError(f"{key!r} is not a digest's channel: its key must start with {CHANNEL_KEYS!r}")
    return key


def _door_key(key: str) -> str:
    if is_channel_key(key):
        raise ValueError(f"{key!r} is a digest's channel, which the core keeps: not a door's address")
    return key


class SqlChatStore:
    """:class:`core.ports.chat.ChatStore`: each call one short transaction of its own on ``engine``."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def save_address(self, platform: str, key: str, address: str, at: datetime) -> None:
        _door_key(key)
        in_transaction(self._engine, lambda conn: AddressTable(conn).save(platform, key, address, at))

    def address(self, platform: str, key: str) -> str | None:
        _door_key(key)
        return in_transaction(self._engine, lambda conn: AddressTable(conn).address(platform, key))

    def addresses(self, platform: str, prefix: str = "") -> dict[str, str]:
        found = in_transaction(self._engine, lambda conn: AddressTable(conn).starting(platform, prefix))
        return {key: address for key, address in found.items() if not is_channel_key(key)}

    def addresses_of(self, platform: str, keys: Collection[str]) -> dict[str, str]:
        wanted = {_door_key(key) for key in keys}
        return in_transaction(self._engine, lambda conn: AddressTable(conn).of(platform, wanted))

    def add_card(self, platform: str, request_id: int, employee_id: str, address: str, message_id: str,
                 at: datetime) -> None:
        """A door may report the same post twice (a retried delivery, two replicas); the second
        report is ignored, also when it races the first (the unique key refuses it in a savepoint)."""

        def add(conn: Connection) -> None:
            if _has_card(conn, platform, request_id, employee_id, message_id):
                return
            try:
                with conn.begin_nested():
                    conn.execute(insert(chat_cards).values(
                        platform=platform, request_id=request_id, employee_id=employee_id, address=address,
                        message_id=message_id, created_at=at))
            except IntegrityError:
                # A foreign key (unknown request or employee) is a real error; a duplicate is not.
                if not _has_card(conn, platform, request_id, employee_id, message_id):
                    raise

        in_transaction(self._engine, add)

    def cards(self, platform: str, request_id: int) -> list[tuple[str, str, str]]:
        query = (
            select(chat_cards.c.employee_id, chat_cards.c.address, chat_cards.c.message_id)
            .where(chat_cards.c.platform == platform, chat_cards.c.request_id == request_id)
            .order_by(chat_cards.c.id)
        )
        rows = in_transaction(self._engine, lambda conn: conn.execute(query).all())
        return [(row.employee_id, row.address, row.message_id) for row in rows]


def _has_card(conn: Connection, platform: str, request_id: int, employee_id: str, message_id: str) -> bool:
    query = select(
        exists().where(
            chat_cards.c.platform == platform,
            chat_cards.c.request_id == request_id,
            chat_cards.c.employee_id == employee_id,
            chat_cards.c.message_id == message_id,
        )
    )
    return bool(conn.execute(query).scalar())


if TYPE_CHECKING:  # lets mypy prove that the door store implements its port
    from core.ports.chat import ChatStore

    def _implements_port(engine: Engine) -> ChatStore:
        return SqlChatStore(engine)


__all__ = ["AddressTable", "SqlChatStore", "SqlDigestChannels"]

"""What every command reads and rarely changes, kept per process and checked by one cheap read.

The policy versions, the holidays of a region and the people a command names are read on every
command, and change a few times a year (a policy), a month (holidays) or a day (a joiner, a chat
link). So each process keeps what it read, per engine, under the **version stamp** it was read
with: ``cache_versions`` holds one row per kind of data (:class:`Kind`) with a random token, and
every transaction that changes a kind writes it a new token just before it commits, in the same
transaction. A unit of work reads all the stamps in one query the first time it needs a kept
value and uses what the process holds only under the same token. A policy loaded by another
replica changes the token, so this replica uses it from its next command on.

What keeps the copies honest:

* the stamps are read before the data they cover, so data kept under a token is never older than
  what that token stood for (under READ COMMITTED it may be newer, which does no harm: the next
  token drops it);
* a unit of work that changed a kind reads that kind from the database for the rest of its
  transaction and keeps nothing of it: it sees its own uncommitted writes, and nobody else may;
* a kind without a stamp row (a database filled by plain SQL, never through the repositories) is
  not kept at all, since an empty token would be the same in every such database;
* tokens are random rather than counted, so a database restored from an export (its stamps come
  with the rows they cover) never hands a process a token it kept other data under.

A person's leave (what a balance reads: the year's ledger, the pending requests, the requests
counted by type) changes with every application and decision, so it has a stamp per person
instead (``person_stamps``), written by every transaction that adds to their ledger or adds or
changes one of their requests. It is used only by a unit of work that only looks: one that
writes takes row locks and must see what was committed up to them, and reads the database.
"""

from __future__ import annotations

import enum
import threading
import uuid
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from typing import TypeVar, cast

from sqlalchemy import Column, Connection, Engine, insert, select, update
from sqlalchemy.exc import IntegrityError

from storage.tables import cache_versions, person_stamps

T = TypeVar("T")


class Kind(enum.StrEnum):
    """What is kept, and the name of its row in ``cache_versions``."""

    POLICIES = "policies"
    HOLIDAYS = "holidays"
    EMPLOYEES = "employees"


#: How many values one process keeps per kind and database; the least recently used goes first.
#: People are kept under their id, e-mail and chat id: 30,000 keys cover 10,000 people.
CAPACITY = {Kind.POLICIES: 64, Kind.HOLIDAYS: 256, Kind.EMPLOYEES: 30_000}

#: How many people's leave one process keeps per database; the least recently asked for goes first.
PEOPLE_KEPT = 1_000
#: How many people one unit of work takes from what is kept: a balance is about one person. Past
#: them (a report that reads everybody's ledger) it reads the database as before, rather than ask
#: for every person's stamp too and push the people being served out of the cache.
PEOPLE_PER_UNIT = 2
#: What :meth:`ProcessCache.get` returns for a value not kept (None may be a kept value: nobody there).
MISSING = object()


class ProcessCache:
    """The values one process keeps for one database, each kind under the token it was read with.

    Shared by every thread of the process; a value kept under another token than the one asked
    for is not returned, and keeping a value under a new token drops what the old one held.
    """

    def __init__(self, capacity: dict[Kind, int] | None = None, people: int = PEOPLE_KEPT) -> None:
        self._capacity = capacity or CAPACITY
        self._people = people
        self._lock = threading.Lock()
        self._kept: dict[Kind, tuple[str, OrderedDict[Hashable, object]]] = {}
        self._persons: OrderedDict[str, tuple[str, dict[Hashable, object]]] = OrderedDict()

    def get(self, kind: Kind, token: str, key: Hashable) -> object:
        """The value kept under ``token``, or :data:`MISSING`."""
        with self._lock:
            kept = self._kept.get(kind)
            if kept is None or kept[0] != token or key not in kept[1]:
                return MISSING
            kept[1].move_to_end(key)
            return kept[1][key]

    def put(self, kind: Kind, token: str, key: Hashable, value: object) -> None:
        with self._lock:
            kept = self._kept.get(kind)
            if kept is None or kept[0] != token:
                kept = self._kept[kind] = (token, OrderedDict())
            values = kept[1]
            values[key] = value
            values.move_to_end(key)
            while len(values) > self._capacity[kind]:
                values.popitem(last=False)

    def get_person(self, employee_id: str, token: str, key: Hashable) -> object:
        """A value of one person's leave kept under their ``token``, or :data:`MISSING`."""
        with self._lock:
            kept = self._persons.get(employee_id)
            if kept is None or kept[0] != token or key not in kept[1]:
                return MISSING
            self._persons.move_to_end(employee_id)
            return kept[1][key]

    def put_person(self, employee_id: str, token: str, key: Hashable, value: object) -> None:
        with self._lock:
            kept = self._persons.get(employee_id)
            if kept is None or kept[0] != token:
                kept = self._persons[employee_id] = (token, {})
            kept[1][key] = value
            self._persons.move_to_end(employee_id)
            while len(self._persons) > self._people:
                self._persons.popitem(last=False)


_caches: weakref.WeakKeyDictionary[Engine, ProcessCache] = weakref.WeakKeyDictionary()
_caches_lock = threading.Lock()


def process_cache(engine: Engine) -> ProcessCache:
    """This process's cache for ``engine``'s database (one per engine, gone with the engine)."""
    with _caches_lock:
        cache = _caches.get(engine)
        if cache is None:
            cache = _caches[engine] = ProcessCache()
        return cache


class Stamps:
    """The version stamps one unit of work sees, and the kinds it changed.

    The repositories of a unit of work share one: :meth:`cached` answers from the process's cache
    when it can, :meth:`changed` records a write, and the unit of work calls :meth:`bump` just
    before its COMMIT.
    """

    def __init__(self, connection: Connection, cache: ProcessCache, *, read_only: bool = False) -> None:
        self._conn = connection
        self._cache = cache
        self._read_only = read_only
        self._tokens: dict[str, str] | None = None
        self._changed: set[Kind] = set()
        self._person_tokens: dict[str, str | None] = {}
        self._people_changed: set[str] = set()

    def cached(self, kind: Kind, key: Hashable, load: Callable[[], T]) -> T:
        """The value of ``key``: kept by the process under the current stamp, else ``load()``-ed (and kept).

        ``load`` must return a value nobody changes afterwards (frozen objects, tuples): every
        thread of the process gets the same one.
        """
        if kind in self._changed:
            return load()
        token = self._stamps().get(kind)
        if token is None:
            return load()
        return _kept(self._cache.get(kind, token, key), load, lambda value: self._cache.put(kind, token, key, value))

    def keep(self, kind: Kind, key: Hashable, value: object) -> None:
        """Keep ``value`` as ``key``'s too (a row read under another key), if read after the stamps."""
        if kind in self._changed or self._tokens is None:
            return
        token = self._tokens.get(kind)
        if token is not None:
            self._cache.put(kind, token, key, value)

    def changed(self, kind: Kind) -> None:
        """This unit of work wrote ``kind``: read it fresh from now on, and stamp it at the commit."""
        self._changed.add(kind)

    def for_person(self, employee_id: str, key: Hashable, load: Callable[[], T]) -> T:
        """A value of ``employee_id``'s leave: kept by the process under their current stamp, else
        ``load()``-ed (and kept). Only a unit of work that only looks uses what is kept, for its first
        :data:`PEOPLE_PER_UNIT` people; ``load`` must return a value nobody changes afterwards, as for
        :meth:`cached`."""
        if not self._read_only or employee_id in self._people_changed:
            return load()
        if employee_id not in self._person_tokens:
            if len(self._person_tokens) >= PEOPLE_PER_UNIT:
                return load()
            query = select(person_stamps.c.token).where(person_stamps.c.employee_id == employee_id)
            self._person_tokens[employee_id] = self._conn.execute(query).scalar_one_or_none()
        token = self._person_tokens[employee_id]
        if token is None:  # nothing written through the repositories yet: nothing to key it by
            return load()
        return _kept(self._cache.get_person(employee_id, token, key), load,
                     lambda value: self._cache.put_person(employee_id, token, key, value))

    def person_changed(self, employee_id: str) -> None:
        """This unit of work wrote ``employee_id``'s leave: stamp them anew at the commit."""
        self._people_changed.add(employee_id)

    def bump(self) -> None:
        """Give every changed kind and person a new token; called inside the transaction, just before COMMIT.

        Whatever runs after the commit reads the stamps again (the new ones), as a new transaction.
        """
        bump(self._conn, self._changed)
        bump_people(self._conn, self._people_changed)
        self._changed.clear()
        self._people_changed.clear()
        self._tokens = None
        self._person_tokens.clear()

    def _stamps(self) -> dict[str, str]:
        """Every kind's token, read once per unit of work (one small query: a row per kind)."""
        if self._tokens is None:
            rows = self._conn.execute(select(cache_versions.c.name, cache_versions.c.token))
            self._tokens = {str(name): str(token) for name, token in rows}
        return self._tokens


def _kept(found: object, load: Callable[[], T], keep: Callable[[T], None]) -> T:
    """``found`` when the process kept a value, else ``load()``-ed and handed to ``keep``."""
    if found is not MISSING:
        return cast(T, found)
    value = load()
    keep(value)
    return value


def bump(connection: Connection, kinds: Iterable[Kind]) -> None:
    """Write new tokens for ``kinds`` in the caller's transaction: what a writer of their tables must do.

    Update first, insert when the row is missing; two transactions inserting the same row at once
    meet on the primary key, and the loser's insert (in a savepoint) becomes an update.
    """
    for kind in sorted(kinds):  # one order for every writer, so two of them never wait on each other crosswise
        _renew(connection, cache_versions.c.name, kind.value)


def bump_people(connection: Connection, employee_ids: Iterable[str]) -> None:
    """New tokens for these people's leave, in the caller's transaction (as :func:`bump` for kinds)."""
    for employee_id in sorted(employee_ids):
        _renew(connection, person_stamps.c.employee_id, employee_id)


def _renew(connection: Connection, key: Column[str], value: str) -> None:
    """A new random token in the row of ``key``'s table whose ``key`` is ``value``, made if missing."""
    table, token = key.table, uuid.uuid4().hex
    if _update(connection, key, value, token):
        return
    try:
        with connection.begin_nested():
            connection.execute(insert(table).values({key.name: value, "token": token}))
    except IntegrityError:
        if not _update(connection, key, value, token):
            raise


def _update(connection: Connection, key: Column[str], value: str, token: str) -> bool:
    result = connection.execute(update(key.table).where(key == value).values(token=token))
    return result.rowcount > 0


__all__ = ["CAPACITY", "MISSING", "PEOPLE_KEPT", "PEOPLE_PER_UNIT", "Kind", "ProcessCache", "Stamps", "bump",
           "bump_people", "process_cache"]

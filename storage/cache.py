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
"""

from __future__ import annotations

import enum
import threading
import uuid
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from typing import TypeVar, cast

from sqlalchemy import Connection, Engine, insert, select, update
from sqlalchemy.exc import IntegrityError

from storage.tables import cache_versions

T = TypeVar("T")


class Kind(enum.StrEnum):
    """What is kept, and the name of its row in ``cache_versions``."""

    POLICIES = "policies"
    HOLIDAYS = "holidays"
    EMPLOYEES = "employees"


#: How many values one process keeps per kind and database; the least recently used goes first.
#: People are kept under their id, e-mail and chat id: 30,000 keys cover 10,000 people.
CAPACITY = {Kind.POLICIES: 64, Kind.HOLIDAYS: 256, Kind.EMPLOYEES: 30_000}

#: What :meth:`ProcessCache.get` returns for a value not kept (None may be a kept value: nobody there).
MISSING = object()


class ProcessCache:
    """The values one process keeps for one database, each kind under the token it was read with.

    Shared by every thread of the process; a value kept under another token than the one asked
    for is not returned, and keeping a value under a new token drops what the old one held.
    """

    def __init__(self, capacity: dict[Kind, int] | None = None) -> None:
        self._capacity = capacity or CAPACITY
        self._lock = threading.Lock()
        self._kept: dict[Kind, tuple[str, OrderedDict[Hashable, object]]] = {}

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

    def __init__(self, connection: Connection, cache: ProcessCache) -> None:
        self._conn = connection
        self._cache = cache
        self._tokens: dict[str, str] | None = None
        self._changed: set[Kind] = set()

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
        found = self._cache.get(kind, token, key)
        if found is not MISSING:
            return cast(T, found)
        value = load()
        self._cache.put(kind, token, key, value)
        return value

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

    def bump(self) -> None:
        """Give every changed kind a new token; called inside the transaction, just before COMMIT.

        Whatever runs after the commit reads the stamps again (the new ones), as a new transaction.
        """
        bump(self._conn, self._changed)
        self._changed.clear()
        self._tokens = None

    def _stamps(self) -> dict[str, str]:
        """Every kind's token, read once per unit of work (one small query: a row per kind)."""
        if self._tokens is None:
            rows = self._conn.execute(select(cache_versions.c.name, cache_versions.c.token))
            self._tokens = {str(name): str(token) for name, token in rows}
        return self._tokens


def bump(connection: Connection, kinds: Iterable[Kind]) -> None:
    """Write new tokens for ``kinds`` in the caller's transaction: what a writer of their tables must do.

    Update first, insert when the row is missing; two transactions inserting the same row at once
    meet on the primary key, and the loser's insert (in a savepoint) becomes an update.
    """
    for kind in sorted(kinds):  # one order for every writer, so two of them never wait on each other crosswise
        token = uuid.uuid4().hex
        if _update(connection, kind, token):
            continue
        try:
            with connection.begin_nested():
                connection.execute(insert(cache_versions).values(name=kind.value, token=token))
        except IntegrityError:
            if not _update(connection, kind, token):
                raise


def _update(connection: Connection, kind: Kind, token: str) -> bool:
    result = connection.execute(update(cache_versions).where(cache_versions.c.name == kind.value).values(token=token))
    return result.rowcount > 0


__all__ = ["CAPACITY", "MISSING", "Kind", "ProcessCache", "Stamps", "bump", "process_cache"]

"""One unit of work, run again from the start when it lost a race to another one.

Storage raises :class:`core.ports.Conflict` for a deadlock or a lock wait time-out after rolling
the transaction back, so running the whole work again is safe; a short random pause, longer after
each loss, keeps two racers from meeting again at once. Everything that opens a unit of work of its
own (the service's use cases, the periodic jobs) retries through here, and so do the short
transactions of the doors' own stores (:func:`storage.transactions.in_transaction`), which are no
units of work of the core's.

Work that usually only looks runs first in a read-only unit of work (:func:`looking_first`): on
SQLite it then takes no write lock, so readers never queue behind a writer or each other. Should it
come to something it must write after all (grants that came due, a refusal to record), it says so
before writing (:func:`before_writing`) and runs again from the start in a unit of work that writes:
nothing was written in the first, so nothing is done twice.
"""

from __future__ import annotations

import functools
import random
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import TypeVar

from core.ports import Conflict, UnitOfWork, UnitOfWorkFactory

T = TypeVar("T")
#: A unit of work, or any transaction that leaves as :class:`core.ports.Conflict` when it lost a race.
U = TypeVar("U")
ATTEMPTS = 5
#: The longest pause after the first loss, in seconds; it doubles with each further one.
FIRST_PAUSE = 0.05


def in_unit_of_work(uow_factory: Callable[[], AbstractContextManager[U]], work: Callable[[U], T], *,
                    attempts: int = ATTEMPTS, sleep: Callable[[float], None] = time.sleep) -> T:
    """``work`` in a unit of work of its own, run again (up to ``attempts`` times in all) when it
    lost a race.

    Raises:
        core.ports.Conflict: the last attempt lost its race too.
    """
    for attempt in range(attempts - 1):
        try:
            with uow_factory() as uow:
                return work(uow)
        except Conflict:
            sleep(random.uniform(0, FIRST_PAUSE * 2**attempt))
    with uow_factory() as uow:
        return work(uow)


class WriteNeeded(Exception):
    """Work in a read-only unit of work came to something it must write; nothing was written."""


def before_writing(uow: UnitOfWork) -> None:
    """Say that the work is about to write: in a read-only unit of work this ends it
    (:class:`WriteNeeded`), so that :func:`looking_first` runs it again in one that writes.

    A write without this check in a read-only unit of work is refused by the database: a bug that
    fails loudly, never a write that silently goes missing.
    """
    if uow.read_only:
        raise WriteNeeded()


def looking_first(uow_factory: UnitOfWorkFactory, work: Callable[[UnitOfWork], T]) -> T:
    """``work`` in a read-only unit of work (retried as :func:`in_unit_of_work` retries), or, when it
    comes to a write (:func:`before_writing`), all over again in one that writes.

    Raises:
        core.ports.Conflict: the last attempt lost its race too.
    """
    try:
        return in_unit_of_work(functools.partial(uow_factory, read_only=True), work)
    except WriteNeeded:
        return in_unit_of_work(uow_factory, work)

"""One unit of work, run again from the start when it lost a race to another one.

Storage raises :class:`core.ports.Conflict` for a deadlock or a lock wait time-out after rolling
the transaction back, so running the whole work again is safe; a short random pause, longer after
each loss, keeps two racers from meeting again at once. Everything that opens a unit of work of its
own (the service's use cases, the periodic jobs, the Teams door's stored references) retries
through here.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import TypeVar

from core.ports import Conflict, UnitOfWork, UnitOfWorkFactory

T = TypeVar("T")
ATTEMPTS = 5
#: The longest pause after the first loss, in seconds; it doubles with each further one.
FIRST_PAUSE = 0.05


def in_unit_of_work(uow_factory: UnitOfWorkFactory, work: Callable[[UnitOfWork], T], *,
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

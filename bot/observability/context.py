"""The request id: one token that follows a piece of work through the doors, the core's thread
pool, the outbox and the scheduler, so that every log line about it can be found together.

It lives in a :class:`~contextvars.ContextVar`: asyncio tasks inherit it, :func:`bot.server.call_core`
carries it into the worker threads, and the outbox stores it with each event (see
:func:`storage.uow.uow_factory`) so that the delivery, later and in another thread, logs under the
same id. The core never reads it.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from core.observation import COMMAND, DELIVERY, ERROR, FAILED, JOB, Observation

log = logging.getLogger(__name__)

REQUEST_ID_HEADER = "X-Request-Id"
#: A caller's id is reused only when it is a plain token: nothing that could forge log lines or
#: smuggle markup into them, and nothing long enough to bloat every line.
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")

#: What a watched unit of work that raised counts as, by kind.
RAISED = {COMMAND: ERROR, JOB: FAILED, DELIVERY: ERROR}

_request_id: ContextVar[str | None] = ContextVar("leavebot_request_id", default=None)


def new_request_id() -> str:
    return uuid.uuid4().hex


def current_request_id() -> str | None:
    """The id of the work in progress, or None outside any."""
    return _request_id.get()


def accepted_request_id(offered: str | None) -> str:
    """The caller's ``X-Request-Id`` when it is a sane token (a proxy's id keeps its trail), else a new one."""
    if offered is not None and SANE_REQUEST_ID.fullmatch(offered):
        return offered
    return new_request_id()


def set_request_id(request_id: str) -> None:
    """Mark the current task's work with ``request_id`` until the task ends.

    For an aiohttp request, which runs in a task of its own: the id stays set while the server
    (and an error reporter such as Sentry) handles an unhandled error after the handler returned.
    """
    _request_id.set(request_id)


@contextmanager
def request_context(request_id: str | None = None) -> Iterator[str]:
    """Run a block under ``request_id`` (a new one when None), then restore the previous id."""
    token = _request_id.set(request_id or new_request_id())
    try:
        yield _request_id.get() or ""
    finally:
        _request_id.reset(token)


@contextmanager
def watched(observation: Observation,
            record: Callable[[Observation, float], None] | None = None) -> Iterator[Observation]:
    """Run a unit of work under a request id and log its problems under that id: a core
    :data:`~core.observation.Watcher`.

    The id is the one the work continues (an outbox event's), else the current one (the HTTP
    request's), else a new one (a scheduled job, a terminal command, a delivery round's event).
    ``record`` (the metrics, when the process has them) is told how the work went and how long it took.
    """
    with request_context(observation.correlation or current_request_id()):
        started = time.perf_counter()
        try:
            yield observation
        except BaseException:
            observation.outcome = RAISED.get(observation.kind, ERROR)
            raise
        finally:
            if record is not None:
                record(observation, time.perf_counter() - started)
            for problem in observation.problems:
                log.warning("%s %s: %s", observation.kind, observation.name, problem)


class RequestIdFilter(logging.Filter):
    """Puts ``request_id`` on every record (``-`` outside any request), for both log formats."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _request_id.get() or "-"
        return True

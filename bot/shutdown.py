"""A graceful stop for ``leavebot serve``: nothing accepted is dropped half-way.

On SIGTERM (or Ctrl-C) aiohttp closes the listening socket first, so new connections are refused
and a load balancer moves on; then it waits for the request handlers in flight. Some work outlives
its handler on purpose: a Slack listener acknowledges within Slack's 3 seconds and runs the use
case afterwards, in a task bolt starts. :func:`install` tracks every task started while a request
is being handled (a context variable set by a middleware, and a task factory that notes the tasks
created under it) and waits for them too. Socket Mode, whose requests come over a websocket,
closes that websocket as the stop begins (Slack sends new envelopes to another connection) and
counts the work of the envelopes it already took in the same way (:func:`counting`). Then the
cleanup contexts stop the rest in reverse order of start: the outbox delivery's last round, the
scheduler (it waits for a running tick and releases leadership), and the use-case pools
(:func:`bot.server.call_core`, Socket Mode's own), where work already running finishes and work
still queued never starts. Each use case is one transaction, so a request is either done or
never begun.

Everything is bounded by ``SHUTDOWN_TIMEOUT``: what has not finished by then is cancelled.

In a server of several workers (:mod:`bot.workers`) each worker does all of this for what it took
in, on the SIGTERM its parent sends it; the parent exits once every worker has.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Iterator
from typing import Any

from aiohttp import web

log = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
TaskFactory = Callable[..., "asyncio.Future[Any]"]


class RequestWork:
    """The tasks that requests started and that may still be running after their answer."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[Any]] = set()

    def track(self, task: asyncio.Task[Any]) -> None:
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def running(self) -> set[asyncio.Task[Any]]:
        current = asyncio.current_task()
        return {task for task in self._tasks if not task.done() and task is not current}

    async def finish(self, deadline: float) -> int:
        """Wait until every tracked task (and the tasks those start) is done, or ``deadline`` (loop
        time) passes; the number still running."""
        loop = asyncio.get_running_loop()
        running = self.running()
        while running and loop.time() < deadline:
            await asyncio.wait(running, timeout=deadline - loop.time())
            running = self.running()
        return len(running)


_WORK: contextvars.ContextVar[RequestWork | None] = contextvars.ContextVar("leavebot_request_work", default=None)
WORK = web.AppKey("leavebot_request_work", RequestWork)


def work_of(app: web.Application) -> RequestWork:
    """The work ``app`` waits for on shutdown: one per app, shared by its HTTP requests and Socket Mode."""
    if WORK not in app:
        app[WORK] = RequestWork()
    return app[WORK]


@contextlib.contextmanager
def counting(work: RequestWork) -> Iterator[None]:
    """Count the tasks started inside this block as ``work`` (a request being handled starts them)."""
    token = _WORK.set(work)
    try:
        yield
    finally:
        _WORK.reset(token)


def install(app: web.Application, timeout: float) -> None:
    """Make ``app`` wait, on shutdown, for the work its requests started (up to ``timeout`` seconds).

    Call it last, after every door is mounted: its cleanup then runs first, before the scheduler,
    the outbox and the use-case pool are stopped. The tasks are noted from the first start-up step
    on, so that a door which receives requests as soon as it starts (Socket Mode) is counted too.
    """
    work = work_of(app)
    deadline: list[float] = []

    @web.middleware
    async def note_work(request: web.Request, handler: Handler) -> web.StreamResponse:
        with counting(work):
            return await handler(request)

    async def start_the_clock(app: web.Application) -> None:
        deadline.append(asyncio.get_running_loop().time() + timeout)

    async def note_tasks(app: web.Application) -> AsyncIterator[None]:
        loop = asyncio.get_running_loop()
        previous = loop.get_task_factory()
        loop.set_task_factory(_tracking_factory(previous))
        yield
        loop.set_task_factory(previous)

    async def finish_work(app: web.Application) -> AsyncIterator[None]:
        yield
        loop = asyncio.get_running_loop()
        left = await work.finish(deadline[0] if deadline else loop.time() + timeout)
        if left:
            log.warning("shutdown: %d request task(s) still running after %s s; they are cancelled", left, timeout)

    app.middlewares.append(note_work)
    app.on_shutdown.append(start_the_clock)
    app.cleanup_ctx.insert(0, note_tasks)
    app.cleanup_ctx.append(finish_work)


def _tracking_factory(previous: TaskFactory | None) -> TaskFactory:
    def factory(loop: asyncio.AbstractEventLoop, coro: Coroutine[Any, Any, Any], **kwargs: Any) -> asyncio.Future[Any]:
        task = previous(loop, coro, **kwargs) if previous is not None else asyncio.Task(coro, loop=loop, **kwargs)
        work = _WORK.get()
        if work is not None and isinstance(task, asyncio.Task):
            work.track(task)
        return task

    return factory

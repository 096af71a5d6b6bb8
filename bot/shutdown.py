"""A graceful stop for ``leavebot serve``: nothing accepted is dropped half-way.

On SIGTERM (or Ctrl-C) aiohttp closes the listening socket first, so new connections are refused
and a load balancer moves on; then it waits for the request handlers in flight. Some work outlives
its handler on purpose: a Slack listener acknowledges within Slack's 3 seconds and runs the use
case afterwards, in a task bolt starts. :func:`install` tracks every task started while a request
is being handled (a context variable set by a middleware, and a task factory that notes the tasks
created under it) and waits for them too, before the cleanup contexts stop the rest in reverse
order of start: the outbox delivery's last round, the scheduler (it waits for a running tick and
releases leadership), and the use-case pool (:func:`bot.server.call_core`), where work already
running finishes and work still queued never starts. Each use case is one transaction, so a
request is either done or never begun.

Everything is bounded by ``SHUTDOWN_TIMEOUT``: what has not finished by then is cancelled.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
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


def install(app: web.Application, timeout: float) -> None:
    """Make ``app`` wait, on shutdown, for the work its requests started (up to ``timeout`` seconds).

    Call it last, after every door is mounted: its cleanup then runs first, before the scheduler,
    the outbox and the use-case pool are stopped.
    """
    work = RequestWork()
    deadline: list[float] = []

    @web.middleware
    async def note_work(request: web.Request, handler: Handler) -> web.StreamResponse:
        token = _WORK.set(work)
        try:
            return await handler(request)
        finally:
            _WORK.reset(token)

    async def start_the_clock(app: web.Application) -> None:
        deadline.append(asyncio.get_running_loop().time() + timeout)

    async def finish_work(app: web.Application) -> AsyncIterator[None]:
        loop = asyncio.get_running_loop()
        previous = loop.get_task_factory()
        loop.set_task_factory(_tracking_factory(previous))
        yield
        loop.set_task_factory(previous)
        left = await work.finish(deadline[0] if deadline else loop.time() + timeout)
        if left:
            log.warning("shutdown: %d request task(s) still running after %s s; they are cancelled", left, timeout)

    app.middlewares.append(note_work)
    app.on_shutdown.append(start_the_clock)
    app.cleanup_ctx.append(finish_work)



def _tracking_factory(previous: TaskFactory | None) -> TaskFactory:
    def factory(loop: asyncio.AbstractEventLoop, coro: Coroutine[Any, Any, Any], **kwargs: Any) -> asyncio.Future[Any]:
        task = previous(loop, coro, **kwargs) if previous is not None else asyncio.Task(coro, loop=loop, **kwargs)
        work = _WORK.get()
        if work is not None and isinstance(task, asyncio.Task):
            work.track(task)
        return task

    return factory

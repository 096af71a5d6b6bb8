"""How the async Slack listeners run the synchronous core without blocking the event loop.

Over HTTP the listeners share the server's bounded pool (:func:`bot.server.call_core`), so Slack
traffic queues for database connections in order with every other door. Socket Mode has no
HTTP app, so it gets a pool of its own of the same kind.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Awaitable, Callable
from concurrent.futures import Executor
from typing import Any, Protocol, TypeVar

from aiohttp import web

from bot.server import call_core

T = TypeVar("T")


class Runner(Protocol):
    """Runs ``function(*args)`` in a worker thread and awaits its result."""

    def __call__(self, function: Callable[..., T], /, *args: Any) -> Awaitable[T]: ...


def app_runner(app: web.Application) -> Runner:
    """Run in the aiohttp app's pool, the one every HTTP door shares."""

    def run(function: Callable[..., T], /, *args: Any) -> Awaitable[T]:
        return call_core(app, function, *args)

    return run


def executor_runner(executor: Executor) -> Runner:
    """Run in ``executor`` (Socket Mode, where there is no aiohttp app)."""

    def run(function: Callable[..., T], /, *args: Any) -> Awaitable[T]:
        loop = asyncio.get_running_loop()
        return loop.run_in_executor(executor, functools.partial(function, *args))

    return run

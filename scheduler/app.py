"""APScheduler 3 around the runner: a tick a minute, in a worker thread, inside any asyncio loop.

The jobs are synchronous (they call the core, which talks to the database), so each tick runs in
the loop's executor and never blocks the server; ``max_instances=1`` and ``coalesce`` keep a slow
tick from piling up behind itself. APScheduler's own job store stays in memory on purpose: what
ran and what is due are decided from the database, so nothing is lost when the process stops.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from scheduler.runner import SchedulerRunner

log = logging.getLogger(__name__)

TICK_SECONDS = 60


def start(runner: SchedulerRunner, tick_seconds: float = TICK_SECONDS) -> AsyncIOScheduler:
    """Start ticking on the running event loop; stop it with :func:`stop`."""
    loop = asyncio.get_running_loop()

    async def tick() -> None:
        await loop.run_in_executor(None, runner.tick)

    scheduler = AsyncIOScheduler(event_loop=loop, timezone="UTC")
    scheduler.add_job(tick, "interval", seconds=tick_seconds, id="leavebot-tick", max_instances=1, coalesce=True,
                      misfire_grace_time=int(tick_seconds), next_run_time=_soon())
    scheduler.start()
    log.info("scheduler started: a tick every %s s", tick_seconds)
    return scheduler


def _soon() -> datetime:
    """The first tick a second after start, not a minute: catch-up starts at once."""
    return datetime.now(UTC) + timedelta(seconds=1)


async def stop(scheduler: AsyncIOScheduler, runner: SchedulerRunner) -> None:
    """No new tick starts, the one in progress finishes (it is not cancelled half-way), then the
    leadership is given up and APScheduler stops."""
    scheduler.pause()
    await asyncio.get_running_loop().run_in_executor(None, runner.stop)
    scheduler.shutdown(wait=False)


def run_forever(runner: SchedulerRunner, tick_seconds: float = TICK_SECONDS,
                on_start: Callable[[asyncio.AbstractEventLoop], None] | None = None) -> None:
    """``leavebot scheduler``: tick until SIGINT or SIGTERM; ``on_start`` gets the loop first
    (a Teams notifier runs its calls on it)."""

    async def main() -> None:
        done = asyncio.Event()
        loop = asyncio.get_running_loop()
        if on_start is not None:
            on_start(loop)
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError):
                loop.add_signal_handler(sig, done.set)
        scheduler = start(runner, tick_seconds)
        try:
            await done.wait()
        finally:
            await stop(scheduler, runner)

    asyncio.run(main())

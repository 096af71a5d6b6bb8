"""The composition root: the one place where concrete pieces are wired together.

Everything else receives what it needs (a service, an engine, a clock) as arguments, so that
tests can wire the same pieces differently without patching globals.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Coroutine
from importlib import resources
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine

from bot.clock import SystemClock
from bot.delivery import OutboxDelivery
from bot.observability.context import current_request_id, watched
from bot.runtime import Runtime
from bot.settings import Settings
from core.service import LeaveService
from storage.engine import make_engine
from storage.migrate import upgrade
from storage.uow import uow_factory

if TYPE_CHECKING:
    from aiohttp import web

log = logging.getLogger(__name__)

DEFAULT_POLICY = "policies/default.yaml"


def default_policy_text() -> str:
    """The built-in policy file, read as package data so that it works from a wheel too."""
    return resources.files("bot").joinpath(DEFAULT_POLICY).read_text(encoding="utf-8")


def default_policy_document() -> Any:
    """The built-in policy, parsed; only a new database needs it (:meth:`LeaveService.ensure_policy`)."""
    import yaml

    return yaml.safe_load(default_policy_text())


def build_runtime(settings: Settings, *, metrics: bool = True) -> Runtime:
    """Connect, migrate, make sure a policy is in force, and wire the service to the outbox.

    A new database starts with the default policy so that the bot is usable at once; an existing
    policy is never replaced here (only ``leavebot policies load`` does that). Every committed
    change kicks the outbox delivery, whose notifiers the serving doors add.

    Request ids reach the core's work from outside it: storage stamps the current one on every
    outbox event, whichever use case writes it, and the service's watcher sets one for work that
    arrives without (a scheduled job, a delivery round, a terminal command).

    Args:
        metrics: count the service's work for Prometheus. A one-shot command passes False: nothing
            would ever scrape its counts, and the command starts without loading the client.
    """
    engine = make_engine(settings.database_url)
    upgrade(engine)
    clock = SystemClock()
    factory = uow_factory(engine, correlation=current_request_id)
    telemetry = None
    if metrics:
        from bot.observability.metrics import Telemetry

        telemetry = Telemetry()
    kicks: list[OutboxDelivery] = []
    service = LeaveService(factory, clock, default_time_zone=settings.timezone,
                           on_change=lambda: kicks[0].kick() if kicks else None, public_url=settings.public_url,
                           watch=telemetry.watch if telemetry is not None else watched,
                           rate_limit=settings.rate_limit, email_enabled=settings.email_enabled)
    if telemetry is not None:
        telemetry.watch_database(service, clock)
    delivery = OutboxDelivery(service)
    kicks.append(delivery)
    service.ensure_policy(default_policy_document, source="default")
    return Runtime(service, engine, factory, clock, delivery, telemetry)


def build_service(settings: Settings) -> tuple[LeaveService, Engine]:
    """The service and its engine, for commands that do not deliver notices themselves."""
    runtime = build_runtime(settings, metrics=False)
    return runtime.service, runtime.engine


def preload_doors(settings: Settings) -> None:
    """Import what :func:`mount_doors` will, ahead of it: the parent of several workers does, so
    that every worker it forks (a replacement too) starts with the doors loaded, sharing their
    memory, instead of importing them all over again (:mod:`bot.workers`)."""
    from bot import calendars, downloads, server, slack  # noqa: F401
    from bot.email import door  # noqa: F401
    from bot.web.app import page_routes

    page_routes()  # the dashboard's pages

    if settings.teams_mode != "off":
        from bot import teams  # noqa: F401
    if settings.enable_scheduled_jobs:
        from bot import scheduled  # noqa: F401


def mount_doors(app: web.Application, runtime: Runtime, settings: Settings) -> None:
    """Mount the configured doors on the server and give the outbox their notifiers.

    Teams is mounted with ``MICROSOFT_APP_ID``, or for the local Emulator when ``TEAMS_EMULATOR``
    asks for it (a try-out then gets its notices too, at the Emulator's own loopback address);
    otherwise ``/api/messages`` does not exist, and a Slack-only company does not see everyone
    reported unreachable on Teams.

    The doors, the calendars and the downloads are imported here, not with this module, so that a
    command that only builds the service starts without loading them; Teams only when it is on, so
    that a Slack-only server does not carry the Bot Framework's libraries.
    """
    from bot import shutdown, slack
    from bot.calendars import calendar_notifiers, mount_feeds
    from bot.downloads import mount_downloads
    from bot.email.door import email_poster, mount_email
    from bot.web.app import install_web

    service, clock = runtime.service, runtime.clock
    if settings.slack_socket_mode:
        runtime.delivery.add(slack.make_notifier(service, runtime.chat, settings, clock=clock))
        _until_shutdown(app, lambda: slack.run_socket_mode(service, settings, clock=clock,
                                                           work=shutdown.work_of(app), downloads=runtime.downloads))
    elif settings.slack_enabled:
        runtime.delivery.add(slack.mount_slack(app, service, runtime.chat, settings, clock=clock,
                                               downloads=runtime.downloads))
    teams_notifier = None
    if settings.teams_mode == "off":
        log.info("Teams: off (no MICROSOFT_APP_ID, TEAMS_EMULATOR not set): /api/messages is not served")
    else:
        from bot import teams  # botbuilder and msal, only for a server that answers in Teams

        teams_notifier = teams.mount_teams(app, service, runtime.chat, runtime.downloads, settings, clock=clock)
        runtime.delivery.add(teams_notifier)
    if settings.enable_scheduled_jobs:
        from bot.scheduled import scheduling  # imports APScheduler only when the scheduler runs

        app.cleanup_ctx.append(scheduling(runtime, settings, teams_notifier, email_poster(runtime, settings)))
    for calendar in calendar_notifiers(settings, service):
        runtime.delivery.add(calendar)
    mount_email(app, runtime, settings)
    mount_feeds(app, runtime)
    mount_downloads(app, runtime.downloads, runtime.clock)
    install_web(app, service, public_url=settings.public_url, secure=(settings.public_url or "").startswith("https://"),
                sessions=runtime.web_sessions, clock=clock)
    app.cleanup_ctx.append(_delivering(runtime.delivery))


def _until_shutdown(app: web.Application, run: Callable[[], Coroutine[Any, Any, None]]) -> None:
    """Run ``run()`` while the server runs (Socket Mode's connection) and cancel it as soon as the
    shutdown begins, so that it takes nothing new while the server waits for what was taken; the
    end of its own stop is awaited with the rest of the cleanup."""
    tasks: list[asyncio.Task[None]] = []

    async def stop(app: web.Application) -> None:
        for task in tasks:
            if not task.cancelling():  # once: a second cancel would cut its stop short
                task.cancel()

    async def context(app: web.Application) -> AsyncIterator[None]:
        tasks.append(asyncio.create_task(run()))
        yield
        await stop(app)
        with contextlib.suppress(asyncio.CancelledError):
            await tasks[0]

    app.on_shutdown.append(stop)
    app.cleanup_ctx.append(context)


def _delivering(delivery: OutboxDelivery) -> Callable[[web.Application], AsyncIterator[None]]:
    async def context(app: web.Application) -> AsyncIterator[None]:
        delivery.start()
        delivery.kick()  # whatever was left undelivered before a restart
        yield
        await asyncio.get_running_loop().run_in_executor(None, delivery.stop)

    return context

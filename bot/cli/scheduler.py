"""The scheduler's commands: ``scheduler``, ``jobs list``, ``jobs run`` and ``channels set|list``.

:func:`add_commands` adds them to the ``leavebot`` parser with :func:`bot.cli.build_parser`'s
``add`` helper, so they get the same ``--debug`` and error handling as every other command.
APScheduler, the doors and the charts are imported by the commands that run jobs, not with this module.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Callable
from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from bot.main import build_runtime
from bot.settings import Settings
from core.domain.schedule import JOB_NAMES, LEDGER_JOBS
from core.domain.text import counted
from core.errors import LeaveError

if TYPE_CHECKING:
    from bot.runtime import Runtime

Add = Callable[..., argparse.ArgumentParser]
EXIT_OK = 0


def add_commands(commands: Any, add: Add) -> None:
    """Add the scheduler's commands to ``leavebot``'s subcommands (``commands``)."""
    add("scheduler", cmd_scheduler, "run the scheduled jobs alone (no HTTP server)")
    jobs = commands.add_parser("jobs", help="the scheduled jobs").add_subparsers(
        dest="jobs_command", required=True, metavar="ACTION")
    add("list", cmd_jobs_list, "each job, its next run and last result; missing channels", into=jobs)
    run = add("run", cmd_jobs_run, "run one job now, for the period that contains --as-of (catching up)", into=jobs)
    run.add_argument("name", choices=JOB_NAMES, metavar="NAME", help=f"one of: {', '.join(JOB_NAMES)}")
    run.add_argument("--as-of", dest="as_of", type=_iso_date, metavar="DATE", help="default: today")
    channels = commands.add_parser("channels", help="where digests and who's-out are posted").add_subparsers(
        dest="channels_command", required=True, metavar="ACTION")
    put = add("set", cmd_channels_set, "post the HR digest or a department's who's-out to a channel", into=channels)
    which = put.add_mutually_exclusive_group(required=True)
    which.add_argument("--hr", action="store_true", help="the HR channel (weekly digest)")
    which.add_argument("--department", metavar="NAME", help="a department's channel (who's out)")
    where = put.add_mutually_exclusive_group(required=True)
    where.add_argument("--slack", metavar="CHANNEL_ID", help="a Slack channel id, e.g. C0123456")
    where.add_argument("--teams", metavar="KEY", help="a Teams channel key (channel:<team id>:<channel id>)")
    add("list", cmd_channels_list, "the configured channels", into=channels)


def cmd_scheduler(args: argparse.Namespace, settings: Settings) -> int:
    """Tick the jobs, deliver their posts and the outbox, until stopped."""
    from aiohttp import web

    from bot import scheduled, slack, teams
    from bot.email.door import email_poster
    from bot.email.notifier import email_notifier
    from scheduler import app as scheduler_app

    runtime = build_runtime(settings)
    notifier = None
    if settings.slack_enabled:
        runtime.delivery.add(slack.make_notifier(runtime.service, runtime.chat, settings, clock=runtime.clock))
    if settings.teams_auth_enabled:
        notifier = teams.mount_teams(web.Application(), runtime.service, runtime.chat, runtime.downloads, settings,
                                     clock=runtime.clock)
        runtime.delivery.add(notifier)
    mailing = email_notifier(runtime, settings)
    if mailing is not None:
        runtime.delivery.add(mailing)
    runner = scheduled.build_runner(runtime, settings, notifier, extra=[runtime.delivery.deliver_now],
                                    email=email_poster(runtime, settings))
    print(f"Scheduler on {runtime.engine.url!r}, posting to: {', '.join(runner.platforms) or 'no door'}.")

    def bind(loop: asyncio.AbstractEventLoop) -> None:
        if notifier is not None:
            notifier.bind(loop)

    scheduler_app.run_forever(runner, on_start=bind)
    return EXIT_OK


def cmd_jobs_list(args: argparse.Namespace, settings: Settings) -> int:
    runtime = _runtime(settings)
    zone = ZoneInfo(settings.timezone)
    schedule = runtime.service.schedule_status()
    for status in schedule.jobs:
        upcoming = status.next_run.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z") if status.next_run else "-"
        last = status.last
        result = (f"{last.outcome} {last.period} at {last.started_at:%Y-%m-%d %H:%M} UTC"
                  + (f": {last.detail}" if last.detail else "")) if last else "never ran"
        print(f"{status.name:18}  next {upcoming}  last {result}")
        print(f"{'':18}  {status.description}")
        for problem in status.problems:
            print(f"{'':18}  ! {problem}")
    oldest = schedule.outbox_oldest
    since = f", oldest from {oldest:%Y-%m-%d %H:%M} UTC" if oldest else ""
    print(f"{'outbox':18}  every 30 s in serve and on each scheduler tick; "
          f"{counted(schedule.outbox_waiting, 'notice')} waiting{since}")
    print(f"{'':18}  notices and calendar work to Slack, Teams, Google and Outlook, with back-off")
    return EXIT_OK


def cmd_jobs_run(args: argparse.Namespace, settings: Settings) -> int:
    """Run a job for the period containing --as-of, unless that period already ran (then say so)."""
    from bot import scheduled
    from bot.email.door import email_poster

    runtime = _runtime(settings)
    as_of = args.as_of or datetime.now(ZoneInfo(settings.timezone)).date()
    if args.name in LEDGER_JOBS and args.as_of is not None:
        result = runtime.service.run_job(args.name, as_of)  # catch-up of the ledger, idempotent
        print(result.summary + ".")
        for detail in result.details:
            print(f"  {detail}")
        return EXIT_OK
    runs = runtime.service.runs_for_date(args.name, as_of)
    if not runs:
        raise LeaveError(f"{args.name}: nobody to run it for (no active employees).")
    runner = scheduled.build_runner(runtime, settings, None, email=email_poster(runtime, settings))
    for run in runs:
        outcome = runtime.service.run_due(run, runner.platforms)
        print(f"{run.job} {run.period}: " + (outcome.summary if outcome.ran else "already done, not repeated"))
    report = runner.send()
    print(f"Posted {report.delivered}, unreachable {report.unreachable}, failed {report.failed}, "
          f"to retry {report.retrying}.")
    if not settings.slack_enabled or settings.teams_auth_enabled:
        print("Posts for a door not reachable from this shell (Teams always) are sent by the running "
              "server or scheduler.")
    return EXIT_OK


def cmd_channels_set(args: argparse.Namespace, settings: Settings) -> int:
    runtime = _runtime(settings)
    platform, address = ("slack", args.slack) if args.slack else ("teams", args.teams)
    runtime.service.set_digest_channel(platform, None if args.hr else args.department, address)
    what = "HR digest" if args.hr else f"who's out in {args.department}"
    print(f"{what}: posted to {platform} {address}.")
    return EXIT_OK


def cmd_channels_list(args: argparse.Namespace, settings: Settings) -> int:
    rows = _runtime(settings).service.digest_channels()
    if not rows:
        print("No channels configured: leavebot channels set --hr|--department NAME --slack ID|--teams KEY")
    for what, platform, address in rows:
        print(f"{what:24}  {platform:6}  {address}")
    return EXIT_OK


def _runtime(settings: Settings) -> Runtime:
    """The runtime of a one-shot command: nothing scrapes its metrics."""
    return build_runtime(settings, metrics=False)


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not an ISO date (YYYY-MM-DD)") from None

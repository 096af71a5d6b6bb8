"""``leavebot calendar ...`` and ``leavebot feeds ...``: what HR needs to run calendar sync and feeds.

``calendar status`` lists what the providers refused for good (the outbox gave those up; they
stay listed until a later sync of the same request succeeds); ``calendar resync`` runs the same
sync as the outbox for current and upcoming leave, which repairs events deleted or changed by hand.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import Any

from bot.main import build_runtime
from bot.settings import Settings
from core.domain.text import counted
from core.errors import LeaveError
from core.ports.calendars import PROVIDERS

Handler = Callable[[argparse.Namespace, Settings], int]


def add_commands(commands: Any, add: Callable[..., argparse.ArgumentParser]) -> None:
    """Register the subcommands with ``bot.cli``'s ``add(name, handler, help, into=...)`` helper."""
    calendar = commands.add_parser("calendar", help="Google / Outlook calendar sync").add_subparsers(
        dest="calendar_command", required=True, metavar="ACTION")
    status = add("status", cmd_calendar_status, "providers, events kept and permanent failures", into=calendar)
    status.add_argument("--json", action="store_true", help="print JSON for scripts")
    resync = add("resync", cmd_calendar_resync, "bring calendars in line with current and upcoming leave",
                 into=calendar)
    resync.add_argument("--employee", metavar="EMAIL", help="only this employee's leave")

    feeds = commands.add_parser("feeds", help="iCalendar feed links").add_subparsers(
        dest="feeds_command", required=True, metavar="ACTION")
    create = add("create", cmd_feeds_create, "make a feed link for a person or a department", into=feeds)
    subject = create.add_mutually_exclusive_group(required=True)
    subject.add_argument("--employee", metavar="EMAIL")
    subject.add_argument("--department", metavar="NAME")
    add("revoke", cmd_feeds_revoke, "revoke a feed link; it answers 404 from now on", into=feeds).add_argument(
        "token", metavar="TOKEN")


def cmd_calendar_status(args: argparse.Namespace, settings: Settings) -> int:
    from bot.calendars import default_provider  # the providers' client libraries, for this command only

    status = build_runtime(settings).service.calendar_status()
    configured = {"google": settings.google_sync_enabled, "outlook": settings.outlook_sync_enabled}
    rows = [{"request": f.request, "provider": f.provider, "employee": f.employee, "at": f.at.isoformat(),
             "detail": f.detail} for f in status.failures]
    if args.json:
        print(json.dumps({"default": default_provider(settings), "configured": configured,
                          "events": status.events, "failures": rows}, indent=2))
        return 0
    for provider in PROVIDERS:
        state = "configured" if configured[provider] else "off"
        print(f"{provider}: {state}, {counted(status.events[provider], 'event')} kept")
    print(f"default provider: {default_provider(settings) or 'none (no sync)'}")
    if not rows:
        print("No permanent failures.")
    for row in rows:
        print(f"FAILED {row['request']} {row['provider']} {row['employee']} at {row['at']}: {row['detail']}")
    return 0


def cmd_calendar_resync(args: argparse.Namespace, settings: Settings) -> int:
    from bot.calendars import calendar_gateways, default_provider  # the providers' client libraries

    gateways = calendar_gateways(settings)
    if not gateways:
        print("No calendar is configured (GOOGLE_SERVICE_ACCOUNT_FILE or MS_GRAPH_*); nothing to sync.")
        return 0
    service = build_runtime(settings).service
    done = service.resync_calendars(gateways, default_provider(settings), args.employee)
    for line in done.later:
        print(line)
    print(f"{counted(done.checked, 'request')} checked: {counted(done.written, 'event')} written, "
          f"{done.removed} removed, {len(done.refused)} refused, {len(done.later)} to retry.")
    for line in done.refused:
        print(f"REFUSED {line}")
    return 1 if done.refused or done.later else 0


def cmd_feeds_create(args: argparse.Namespace, settings: Settings) -> int:
    print(build_runtime(settings).service.create_feed(args.employee, args.department))
    print("The link is shown only this once (only its hash is kept); keep it, or revoke it and make another.",
          file=sys.stderr)
    return 0


def cmd_feeds_revoke(args: argparse.Namespace, settings: Settings) -> int:
    if not build_runtime(settings).service.revoke_feed(args.token):
        raise LeaveError("No active feed has that token.")
    print("Revoked; the feed now answers 404.")
    return 0

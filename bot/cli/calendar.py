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
from datetime import timedelta
from typing import Any

from bot.main import build_runtime
from bot.settings import Settings
from core.calendars.feeds import create_feed, feed_path
from core.domain.model import RequestStatus, format_request_number
from core.domain.tokens import token_hash
from core.errors import LeaveError
from core.policy.calendar import PROVIDERS
from core.ports import DeliveryFailed, RetryLater
from core.shared.context import local_today

Handler = Callable[[argparse.Namespace, Settings], int]
#: How far back a resync looks: leave that ended long ago needs no repair.
RESYNC_PAST = timedelta(days=31)
RESYNC_AHEAD = timedelta(days=3 * 366)


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

    runtime = build_runtime(settings)
    with runtime.uow_factory() as uow:
        counts = uow.calendars.counts()
        failures = uow.calendars.failures()
        emails = {e.employee_id: e.email for e in uow.employees.all()}
        owners = {f.request_id: r.employee_id for f in failures if (r := uow.requests.get(f.request_id))}
    configured = {"google": settings.google_sync_enabled, "outlook": settings.outlook_sync_enabled}
    rows = [{"request": format_request_number(f.request_id), "provider": f.provider,
             "employee": emails.get(owners.get(f.request_id, ""), f.calendar), "at": f.at.isoformat(),
             "detail": f.detail} for f in failures]
    if args.json:
        print(json.dumps({"default": default_provider(settings), "configured": configured,
                          "events": {p: counts.get(p, 0) for p in PROVIDERS}, "failures": rows}, indent=2))
        return 0
    for provider in PROVIDERS:
        state = "configured" if configured[provider] else "off"
        print(f"{provider}: {state}, {counts.get(provider, 0)} event(s) kept")
    print(f"default provider: {default_provider(settings) or 'none (no sync)'}")
    if not rows:
        print("No permanent failures.")
    for row in rows:
        print(f"FAILED {row['request']} {row['provider']} {row['employee']} at {row['at']}: {row['detail']}")
    return 0


def cmd_calendar_resync(args: argparse.Namespace, settings: Settings) -> int:
    from bot.calendars import SyncResult, calendar_notifiers  # the providers' client libraries

    runtime = build_runtime(settings)
    notifiers = calendar_notifiers(settings, runtime.uow_factory, runtime.clock)
    if not notifiers:
        print("No calendar is configured (GOOGLE_SERVICE_ACCOUNT_FILE or MS_GRAPH_*); nothing to sync.")
        return 0
    with runtime.uow_factory() as uow:
        people = uow.employees.all()
        if args.employee:
            people = [e for e in people if e.email.casefold() == args.employee.casefold()]
            if not people:
                raise LeaveError(f"No employee with e-mail {args.employee}.")
        today = local_today(runtime.clock, settings.timezone)
        requests = uow.requests.search(employee_ids=[e.employee_id for e in people],
                                       statuses=[RequestStatus.APPROVED, RequestStatus.CANCELLED],
                                       overlapping=(today - RESYNC_PAST, today + RESYNC_AHEAD))
    result, later = SyncResult(), 0
    for request in requests:
        for notifier in notifiers:
            try:
                notifier.sync(request.id or 0, result)
            except DeliveryFailed:
                continue  # recorded, and listed by ``calendar status``
            except RetryLater as error:
                later += 1
                print(f"{request.number} {notifier.name}: try again later: {error}")
    print(f"{len(requests)} request(s) checked: {result.written} event(s) written, {result.removed} removed, "
          f"{len(result.failed)} refused, {later} to retry.")
    for line in result.failed:
        print(f"REFUSED {line}")
    return 1 if result.failed or later else 0


def cmd_feeds_create(args: argparse.Namespace, settings: Settings) -> int:
    runtime = build_runtime(settings)
    with runtime.uow_factory() as uow:
        if args.employee:
            employee = uow.employees.by_email(args.employee)
            if employee is None:
                raise LeaveError(f"No employee with e-mail {args.employee}.")
            token = create_feed(uow, runtime.clock, "employee", employee.employee_id)
        else:
            token = create_feed(uow, runtime.clock, "department", args.department)
        uow.commit()
    print(feed_path(token))
    print("The link is shown only this once (only its hash is kept); keep it, or revoke it and make another.",
          file=sys.stderr)
    return 0


def cmd_feeds_revoke(args: argparse.Namespace, settings: Settings) -> int:
    runtime = build_runtime(settings)
    with runtime.uow_factory() as uow:
        token = args.token.removesuffix(".ics").rsplit("/", 1)[-1]
        revoked = uow.feeds.revoke(token_hash(token), runtime.clock.now())
        uow.commit()
    if not revoked:
        raise LeaveError("No active feed has that token.")
    print("Revoked; the feed now answers 404.")
    return 0

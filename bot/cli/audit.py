"""``leavebot audit``: the audit log for scripts and the operator, narrowed by who, whom, what and when.

Every filter is checked before the database is asked: a malformed e-mail, request id, action or
date, or a period that ends before it starts, exits with 2 and one line saying what was wrong.
``--since``/``--until`` are whole days in UTC (the times the log is written in), both included.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable
from typing import Any

from bot.cli import output as out
from bot.cli.scheduler import _iso_date
from bot.main import build_service
from bot.settings import Settings
from core.domain.dates import day_bounds, parse_request_id
from core.errors import LeaveError
from core.ports import AuditQuery

SYSTEM = "system"
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+")
_ACTION = re.compile(r"[a-z][a-z0-9_.]*")


def add_commands(commands: Any, add: Callable[..., argparse.ArgumentParser]) -> None:
    """Register the subcommand through ``bot.cli``'s ``add(name, handler, help, into=...)``."""
    audit = add("audit", cmd_audit, "the audit log: decisions, changes and refused attempts")
    audit.add_argument("--actor", type=_actor, metavar="EMAIL", help="who acted (or 'system')")
    audit.add_argument("--employee", type=_email, metavar="EMAIL", help="entries about this employee's requests")
    audit.add_argument("--request", type=_request, metavar="LV-N", help="one request's entries")
    audit.add_argument("--action", type=_action, metavar="NAME",
                       help="one action, e.g. approve, reject, rate_limited, unknown_person")
    audit.add_argument("--since", type=_iso_date, metavar="DATE", help="entries on or after this day (UTC)")
    audit.add_argument("--until", type=_iso_date, metavar="DATE", help="entries on or before this day (UTC)")
    audit.add_argument("--json", action="store_true", help="print JSON for scripts")


def cmd_audit(args: argparse.Namespace, settings: Settings) -> int:
    if args.since and args.until and args.until < args.since:
        raise LeaveError(f"--until {args.until.isoformat()} is before --since {args.since.isoformat()}; "
                         "put the earlier date first.")
    since, until = day_bounds(args.since, args.until)
    query = AuditQuery(actor=args.actor, employee=args.employee, request_id=args.request, action=args.action,
                       since=since, until=until)
    service, _engine = build_service(settings)
    entries = service.audit_log(query)
    print(out.dumps([out.audit_json(e) for e in entries]) if args.json else out.audit_text(entries))
    return 0


def _email(text: str) -> str:
    if not _EMAIL.fullmatch(text.strip()):
        raise argparse.ArgumentTypeError(f"'{text}' is not an e-mail address")
    return text.strip().lower()


def _actor(text: str) -> str:
    return SYSTEM if text.strip().lower() == SYSTEM else _email(text)


def _request(text: str) -> int:
    try:
        return parse_request_id(text)
    except LeaveError as error:
        raise argparse.ArgumentTypeError(error.message) from None


def _action(text: str) -> str:
    if not _ACTION.fullmatch(text.strip()):
        raise argparse.ArgumentTypeError(f"'{text}' is not an action name (e.g. approve, rate_limited)")
    return text.strip()

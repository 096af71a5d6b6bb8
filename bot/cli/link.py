"""``leavebot link EMAIL --slack USER_ID | --teams AAD_OBJECT_ID``: HR moves a person's chat link.

A chat account is linked to an employee on first contact, and a second account showing a linked
person's e-mail is refused (the person is told to ask HR). When the account really changed (a new
Slack workspace, a recreated Teams account), HR links the new one here; the old account stops
being that person, and the change is audited.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from bot.main import build_service
from bot.settings import Settings

#: Who the audit log names for a change made from the command line.
ACTOR = "system"
SOURCE = "cli"


def add_commands(commands: Any, add: Callable[..., argparse.ArgumentParser]) -> None:
    """Register the subcommand through ``bot.cli``'s ``add(name, handler, help, into=...)``."""
    link = add("link", cmd_link, "link an employee to a Slack or Teams account, replacing the earlier link")
    link.add_argument("email", metavar="EMAIL", help="the employee's e-mail")
    account = link.add_mutually_exclusive_group(required=True)
    account.add_argument("--slack", metavar="USER_ID", help="the Slack user id (U...)")
    account.add_argument("--teams", metavar="AAD_OBJECT_ID", help="the Teams (Entra ID) object id")


def cmd_link(args: argparse.Namespace, settings: Settings) -> int:
    platform, account = ("slack", args.slack) if args.slack is not None else ("teams", args.teams)
    service, _engine = build_service(settings)
    previous = service.relink(args.email, platform, account, ACTOR, SOURCE)
    print(f"Linked {args.email} to {platform} account {account.strip()} (before: {previous or 'none'}).")
    return 0

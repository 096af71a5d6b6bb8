"""``leavebot adjust EMAIL TYPE +N|-N REASON``: HR's correction of a balance from the command line.

The same correction as ``/leave adjust`` in chat: one audited adjustment in the person's current
leave year, the balance before and after printed, the person told through the outbox (delivered
by the server). Bad input (an unknown person or type, no sign, no reason, a debit that would take
the balance too low) exits 2 and writes nothing.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from bot.main import build_service
from bot.settings import Settings

SOURCE = "cli"


def add_commands(commands: Any, add: Callable[..., argparse.ArgumentParser]) -> None:
    """Register the subcommand through ``bot.cli``'s ``add(name, handler, help, into=...)``."""
    adjust = add("adjust", cmd_adjust, "credit (+N) or debit (-N) an employee's balance, saying why (audited)")
    adjust.add_argument("email", metavar="EMAIL", help="the employee's e-mail")
    adjust.add_argument("leave_type", metavar="TYPE", help="the leave type's key or code, e.g. casual or CL")
    adjust.add_argument("change", metavar="+N|-N", help="days to credit (+1.5) or debit (-2), whole or half")
    adjust.add_argument("reason", nargs="+", metavar="REASON", help="why; the employee reads it")


def cmd_adjust(args: argparse.Namespace, settings: Settings) -> int:
    from bot import render_text  # the templates, for this command only

    service, _engine = build_service(settings)
    view = service.adjust(args.email, args.leave_type, args.change, " ".join(args.reason), SOURCE)
    print(render_text.render(view))
    return 0

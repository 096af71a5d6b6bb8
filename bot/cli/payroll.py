"""``leavebot payroll YYYY-MM --out DIR``: the month for payroll as one CSV file.

The operator's tool, as ``leavebot report`` is: no person is asked for and no permission is
checked. A bad month exits with 2 and writes nothing; a month with nothing in it writes the
header row alone, and says so.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bot.cli.report import write_files
from bot.main import build_runtime
from bot.settings import Settings


def add_commands(commands: Any, add: Callable[..., argparse.ArgumentParser]) -> None:
    """Register the subcommand with ``bot.cli``'s ``add(name, handler, help, into=...)`` helper."""
    payroll = add("payroll", cmd_payroll,
                  "write the month's paid, unpaid, encashed and adjusted days per person as a CSV file")
    payroll.add_argument("month", metavar="YYYY-MM", help="the month, e.g. 2026-11")
    payroll.add_argument("--out", type=Path, required=True, metavar="DIR", help="where to write (made if missing)")


def cmd_payroll(args: argparse.Namespace, settings: Settings) -> int:
    runtime = build_runtime(settings, metrics=False)
    return write_files(runtime.service.payroll(args.month), args.out)

"""``leavebot report PERIOD [--department NAME] --out DIR``: HR's report as two CSV files.

The operator's tool: whoever runs the CLI already has the database, so no person is asked for and
no permission is checked. The period reads as in ``/leave report`` (``2026-11``, ``2026-Q4``,
``2026``, ``2026-10-01 to 2026-11-15``); a bad period or an unknown department exits with 2 and
writes nothing.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from bot.main import build_runtime
from bot.settings import Settings
from core.errors import LeaveError
from core.views import FilesView

Handler = Callable[[argparse.Namespace, Settings], int]


def add_commands(commands: Any, add: Callable[..., argparse.ArgumentParser]) -> None:
    """Register the subcommand with ``bot.cli``'s ``add(name, handler, help, into=...)`` helper."""
    report = add("report", cmd_report, "write HR's leave report (days taken, balances at the end) as two CSV files")
    report.add_argument("period", nargs="+", metavar="PERIOD",
                        help="2026-11, 2026-Q4, 2026, or FROM to TO (e.g. 2026-10-01 to 2026-11-15)")
    report.add_argument("--department", metavar="NAME", help="only the people of this department")
    report.add_argument("--out", type=Path, required=True, metavar="DIR", help="where to write (made if missing)")


def cmd_report(args: argparse.Namespace, settings: Settings) -> int:
    runtime = build_runtime(settings, metrics=False)
    parsed = runtime.service.read_report(" ".join(args.period))
    if parsed.department and args.department:
        raise LeaveError(f"Name the department once: '{parsed.department}' follows the period and "
                         f"--department says '{args.department}'.")
    view = runtime.service.report(replace(parsed, department=args.department or parsed.department))
    return write_files(view, args.out)


def write_files(view: FilesView, out: Path) -> int:
    """Save the view's files in ``out`` and print where they are; a folder that can't be written
    to is a one-line error, as every CLI error is."""
    from bot.cli.chat import save_report
    from bot.render_text import render

    try:
        saved = save_report(view, out)
    except OSError as exc:
        raise LeaveError(f"{out}: can't write the files there ({exc.strerror or exc}).") from None
    print(render(saved))
    return 0

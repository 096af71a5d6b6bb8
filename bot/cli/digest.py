"""``leavebot digest``: the weekly HR digest in the terminal, with its picture written to a file.

The same digest the scheduler posts to the HR channel on Mondays, built now for any week: the
text (the heat map as a table of counts) on standard output, and the heat map as a PNG whose
path is printed last. Nothing is posted and nothing is recorded as a job run.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.cli.scheduler import _iso_date
from bot.main import build_runtime
from bot.settings import Settings
from core.domain.heatmap import HeatMap

Add = Callable[..., argparse.ArgumentParser]
EXIT_OK = 0


def add_commands(commands: Any, add: Add) -> None:
    """Add ``digest`` to ``leavebot``'s subcommands."""
    digest = add("digest", cmd_digest, "the weekly HR digest: text here, its picture into a PNG file")
    digest.add_argument("--week-of", dest="week_of", type=_iso_date, metavar="DATE",
                        help="any day of the week (default: this week)")
    digest.add_argument("--out", type=Path, default=Path.cwd(), metavar="DIR",
                        help="where the PNG is written (default: the current directory)")


def cmd_digest(args: argparse.Namespace, settings: Settings) -> int:
    from bot.digest_words import digest_picture, worded
    from bot.render_text import render_digest

    runtime = build_runtime(settings, metrics=False)
    week_of = args.week_of or datetime.now(ZoneInfo(settings.timezone)).date()
    payload = runtime.service.hr_digest(week_of)
    print(render_digest(worded(payload), HeatMap.from_payload(payload["chart"])))
    drawn = digest_picture(payload)
    if drawn is not None:
        args.out.mkdir(parents=True, exist_ok=True)
        path = args.out / drawn.filename
        path.write_bytes(drawn.png)
        print(f"\nPicture: {path}")
    return EXIT_OK


"""How long the weekly HR digest takes to build for a large organisation.

    /tmp/venv/bin/python -m bench.digest [DATABASE_URL]

Seeds 10,000 employees in 100 departments with 50,000 requests into an empty database (a
temporary SQLite file by default), then builds the digest five times and prints each time.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from bench.seed import NOW, seed
from bot.scheduled import SLACK_BLOCK_LIMIT, worded
from bot.slack import render as slack_render
from bot.teams import cards as teams_cards
from core.scheduling.digests import hr_digest
from storage.engine import make_engine
from storage.uow import uow_factory

RUNS = 5


def main(url: str | None = None) -> None:
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(url or f"sqlite:///{Path(folder) / 'bench.db'}")
        started = time.perf_counter()
        seed(engine)
        print(f"seeded in {time.perf_counter() - started:.1f} s on {engine.dialect.name}")
        factory = uow_factory(engine)
        for run in range(RUNS):
            started = time.perf_counter()
            with factory() as uow:
                digest = hr_digest(uow, NOW, date(2026, 11, 30))
            built = time.perf_counter() - started
            slack_message = slack_render._render("hr_digest.j2", SLACK_BLOCK_LIMIT, digest=worded(digest))
            teams_card = teams_cards.render("hr_digest.j2", digest=worded(digest))
            took = time.perf_counter() - started
            size = len(json.dumps(slack_message)) + len(json.dumps(teams_card))
            print(f"digest {run + 1}: built {built * 1000:.0f} ms, with both renderings {took * 1000:.0f} ms "
                  f"({size // 1024} KiB; {digest['upcoming']['total']} upcoming absences, "
                  f"{digest['pending']['total']} pending > 2 days, {digest['low_balances']['total']} low balances)")
        engine.dispose()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else None)

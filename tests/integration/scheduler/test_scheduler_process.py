"""``leavebot scheduler`` as a process of its own: it leads, runs what is due, and stops on SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import func, select

from storage import tables
from storage.engine import make_engine

REPO = Path(__file__).resolve().parents[3]
DRIVER = """
import argparse, sys
from bot.cli import scheduler as cli_scheduler
from bot.settings import load_settings
root = argparse.ArgumentParser()
commands = root.add_subparsers(dest="command")
def add(name, handler, help_text, into=commands):
    sub = into.add_parser(name, help=help_text)
    sub.set_defaults(handler=handler)
    return sub
cli_scheduler.add_commands(commands, add)
args = root.parse_args(sys.argv[1:])
sys.exit(args.handler(args, load_settings()))
"""


def test_the_scheduler_runs_alone_and_stops_cleanly(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'alone.db'}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "MICROSOFT_", "ENABLE_"))}
    env.update(DATABASE_URL=url, PYTHONPATH=str(REPO))
    process = subprocess.Popen([sys.executable, "-c", DRIVER, "scheduler"], cwd=tmp_path, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    engine = make_engine(url)
    try:
        deadline = time.monotonic() + 30
        runs = 0
        while time.monotonic() < deadline and not runs:
            time.sleep(0.3)
            try:
                with engine.connect() as connection:
                    runs = int(connection.execute(select(func.count()).select_from(tables.job_runs)).scalar_one())
            except Exception:
                continue  # not migrated yet
        assert runs > 0  # the accrual of this month, caught up on the first tick
    finally:
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=30)
        engine.dispose()
    assert process.returncode == 0, err
    assert "Scheduler on" in out and "Traceback" not in err

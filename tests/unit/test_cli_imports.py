"""``leavebot --help``, ``balance EMAIL --json`` and ``chat`` start without the heavy libraries.

Each command runs in a fresh interpreter (its imports are what it starts with) on a temporary
SQLite database holding the demo organisation; the interpreter then reports which of the modules
that only serving, scheduling, drawing or calendar sync need it has loaded. A top-level import of
any of them in the CLI's import graph makes these tests fail.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.main import build_service
from bot.settings import load_settings

REPO = Path(__file__).resolve().parents[2]
DEMO_CSV = REPO / "bot" / "demo" / "employees.csv"
EMPLOYEE = "ananya.iyer@demo.leavebot.example"
PLATFORM_PREFIXES = ("SLACK_", "MICROSOFT_", "MS_GRAPH_", "GOOGLE_", "TEAMS_", "SENTRY_")
#: What the doors, the scheduler, the charts, the calendars, the metrics and migrations load; no CLI
#: command below needs any of them (the demo database is already at the newest revision).
HEAVY = ("matplotlib", "botbuilder", "slack_bolt", "slack_sdk", "google.auth", "msal", "prometheus_client",
         "apscheduler", "aiohttp", "alembic")
#: Runs ``leavebot ARGS...`` in this interpreter, then writes the heavy modules it loaded to the
#: file named by LEAVEBOT_LOADED (stdout stays the command's own).
PROBE = """
import json, os, sys
{prelude}
from bot.cli.main import main
try:
    code = main(sys.argv[1:])
except SystemExit as exit:
    code = exit.code
heavy = json.loads(os.environ["LEAVEBOT_HEAVY"])
loaded = sorted(h for h in heavy if any(m == h or m.startswith(h + ".") for m in sys.modules))
with open(os.environ["LEAVEBOT_LOADED"], "w") as out:
    json.dump({{"code": code, "loaded": loaded}}, out)
"""


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A SQLite file with the demo organisation, as ``leavebot employees import`` leaves it."""
    url = f"sqlite:///{tmp_path_factory.mktemp('cli') / 'demo.db'}"
    service, engine = build_service(load_settings(database_url=url))
    service.import_employees(DEMO_CSV.read_text(encoding="utf-8"), source="test")
    engine.dispose()
    return url


def run(database: str, tmp_path: Path, *args: str, stdin: str = "", prelude: str = "") -> dict[str, object]:
    """``leavebot ARGS`` in a fresh interpreter: its exit code and the heavy modules it loaded."""
    loaded = tmp_path / "loaded.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith(PLATFORM_PREFIXES)}
    env.update(DATABASE_URL=database, LEAVEBOT_LOADED=str(loaded), LEAVEBOT_HEAVY=json.dumps(HEAVY),
               PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])))
    result = subprocess.run([sys.executable, "-c", PROBE.format(prelude=prelude), *args], input=stdin,
                            capture_output=True, text=True, cwd=tmp_path, env=env, timeout=120, check=False)
    assert loaded.exists(), result.stderr
    report: dict[str, object] = json.loads(loaded.read_text())
    report["stdout"] = result.stdout
    return report


def test_help_loads_none_of_the_heavy_libraries(database: str, tmp_path: Path) -> None:
    report = run(database, tmp_path, "--help")
    assert report["code"] == 0 and "balance" in str(report["stdout"])
    assert report["loaded"] == []


def test_balance_as_json_loads_none_of_the_heavy_libraries(database: str, tmp_path: Path) -> None:
    report = run(database, tmp_path, "balance", EMPLOYEE, "--json")
    assert report["code"] == 0
    assert {row["type"] for row in json.loads(str(report["stdout"]))} >= {"casual", "sick"}
    assert report["loaded"] == []


def test_chat_loads_none_of_the_heavy_libraries(database: str, tmp_path: Path) -> None:
    report = run(database, tmp_path, "chat", "--as", EMPLOYEE, stdin="balance\nquit\n")
    assert report["code"] == 0 and "Casual" in str(report["stdout"])
    assert report["loaded"] == []


def test_the_probe_sees_a_heavy_import(database: str, tmp_path: Path) -> None:
    """The tests above must be able to fail: a heavy module imported on the way is reported."""
    report = run(database, tmp_path, "--help", prelude="import prometheus_client")
    assert report["loaded"] == ["prometheus_client"]

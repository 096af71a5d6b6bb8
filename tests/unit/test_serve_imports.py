"""A serving worker loads the libraries of what it serves, and no others.

Every worker of ``leavebot serve`` holds what it imported for as long as it runs, so a door that is
off, a calendar that is not configured or a picture nobody asked for must not cost its memory. The
server is built as ``leavebot serve`` builds it (runtime, app, doors) in a fresh interpreter, on a
temporary SQLite database, and reports which of those libraries it loaded; nothing is served.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PLATFORM_PREFIXES = ("SLACK_", "MICROSOFT_", "MS_GRAPH_", "GOOGLE_", "TEAMS_", "SENTRY_", "SMTP_", "PUBLIC_URL")
#: Loaded by a picture (matplotlib, numpy, Pillow), Teams (botbuilder, msal), a calendar provider
#: (google-auth, msal) or the first iCalendar feed served, and by nothing else a worker does.
ON_DEMAND = ("matplotlib", "numpy", "PIL", "botbuilder", "msal", "google.auth", "icalendar")
PROBE = """
import json, os, sys
from bot.cli.main import door_states
from bot.main import build_runtime, mount_doors
from bot.server import create_app
from bot.settings import load_settings
settings = load_settings()
runtime = build_runtime(settings)
app = create_app(runtime.engine, service=runtime.service,
                 doors={key: door.state for key, door in door_states(settings).items()}, telemetry=runtime.telemetry)
mount_doors(app, runtime, settings)
watched = json.loads(os.environ["LEAVEBOT_WATCHED"])
print(json.dumps(sorted(w for w in watched if any(m == w or m.startswith(w + ".") for m in sys.modules))))
"""


def loaded_by_a_worker(tmp_path: Path, **settings: str) -> list[str]:
    """The :data:`ON_DEMAND` libraries a worker serving with ``settings`` has loaded once mounted."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(PLATFORM_PREFIXES)}
    env.update(DATABASE_URL=f"sqlite:///{tmp_path / 'serve.db'}", LEAVEBOT_WATCHED=json.dumps(ON_DEMAND),
               PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])), **settings)
    result = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, cwd=tmp_path, env=env,
                            timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    loaded: list[str] = json.loads(result.stdout.strip().splitlines()[-1])
    return loaded


SLACK = {"SLACK_SIGNING_SECRET": "secret", "SLACK_BOT_TOKEN": "xoxb-test", "SLACK_API_URL": "http://127.0.0.1:9/api/"}


@pytest.mark.parametrize("scheduler", ["true", "false"])
def test_a_slack_worker_loads_no_picture_teams_or_calendar_library(tmp_path: Path, scheduler: str) -> None:
    assert loaded_by_a_worker(tmp_path, ENABLE_SCHEDULED_JOBS=scheduler, **SLACK) == []


def test_a_worker_serving_teams_loads_the_bot_framework(tmp_path: Path) -> None:
    """The probe can see a library loaded: Teams on brings botbuilder and msal, and still no picture."""
    loaded = loaded_by_a_worker(tmp_path, ENABLE_SCHEDULED_JOBS="true", MICROSOFT_APP_ID="app-id",
                                MICROSOFT_APP_PASSWORD="secret", **SLACK)
    assert {"botbuilder", "msal"} <= set(loaded)
    assert not {"matplotlib", "numpy", "PIL"} & set(loaded)

"""``leavebot serve`` runs the scheduler with the server (APScheduler on the server's loop), and
not at all when ENABLE_SCHEDULED_JOBS is false."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.main import build_runtime, mount_doors
from bot.server import create_app
from bot.settings import load_settings
from storage import tables

pytestmark = pytest.mark.asyncio


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    for name in list(os.environ):
        if name.startswith(("SLACK_", "MICROSOFT_", "MS_GRAPH_", "GOOGLE_", "ENABLE_")):
            monkeypatch.delenv(name)


@pytest.mark.parametrize("enabled", [True, False])
async def test_the_server_ticks_the_scheduler_when_enabled(tmp_path: Path, enabled: bool,
                                                           aiohttp_client: Callable[..., Awaitable[Any]]) -> None:
    settings = load_settings(database_url=f"sqlite:///{tmp_path / 's.db'}", enable_scheduled_jobs=enabled)
    runtime = build_runtime(settings)
    app = create_app(runtime.engine, service=runtime.service)
    mount_doors(app, runtime, settings)
    client = await aiohttp_client(app)

    def runs() -> int:
        with runtime.engine.connect() as connection:
            return int(connection.execute(select(func.count()).select_from(tables.job_runs)).scalar_one())

    for _ in range(50):  # the first tick comes a second after start: the monthly accrual catches up
        if runs():
            break
        await asyncio.sleep(0.1)
    assert (runs() > 0) is enabled
    await client.close()

"""``GET /health``: 200 when the database answers, 503 when it does not, and never a hang."""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient
from sqlalchemy import Engine

from bot.server import create_app
from storage.engine import make_engine

pytestmark = pytest.mark.asyncio

Client = Callable[[web.Application], Awaitable[TestClient[Any, Any]]]


async def test_health_is_ok_with_a_working_database(engine: Engine, aiohttp_client: Client) -> None:
    app = create_app(engine, doors={"slack": "off", "teams": "emulator"})
    client = await aiohttp_client(app)
    response = await client.get("/health")
    assert response.status == 200
    assert await response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "slack": "off", "teams": "emulator"},
        "pid": os.getpid(),  # which worker answered, in a server of several
    }


async def test_health_is_503_when_the_database_is_unreachable(aiohttp_client: Client) -> None:
    unreachable = make_engine("mysql+pymysql://root@127.0.0.1:1/leavebot")
    try:
        client = await aiohttp_client(create_app(unreachable))
        response = await client.get("/health")
        assert response.status == 503
        assert await response.json() == {"status": "error", "checks": {"database": "unreachable"}, "pid": os.getpid()}
    finally:
        unreachable.dispose()


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A port that accepts TCP connections and never says a word, like a wedged database."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    try:
        yield listener.getsockname()[1]
    finally:
        listener.close()


async def test_health_gives_up_on_a_database_that_never_answers(
    silent_server: int, aiohttp_client: Client
) -> None:
    wedged = make_engine(f"mysql+pymysql://root@127.0.0.1:{silent_server}/leavebot")
    try:
        client = await aiohttp_client(create_app(wedged, ping_timeout=0.5))
        started = time.monotonic()
        response = await client.get("/health")
        assert response.status == 503
        assert time.monotonic() - started < 5
    finally:
        wedged.dispose()


async def test_health_is_503_when_the_sqlite_file_cannot_be_opened(tmp_path: Path, aiohttp_client: Client) -> None:
    dead = make_engine(f"sqlite:///{tmp_path / 'gone' / 'leavebot.db'}")
    try:
        client = await aiohttp_client(create_app(dead, doors={"slack": "socket-mode", "google_calendar": "off"}))
        response = await client.get("/health")
        assert response.status == 503
        assert await response.json() == {
            "status": "error",
            "checks": {"database": "unreachable", "slack": "socket-mode", "google_calendar": "off"},
            "pid": os.getpid(),
        }
    finally:
        dead.dispose()

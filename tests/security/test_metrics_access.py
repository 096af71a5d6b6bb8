"""``/metrics`` kept to the scraper: a bearer token (``METRICS_TOKEN``), a loopback port of its own
(``METRICS_PORT``), or both; against the running server on SQLite and MariaDB."""

from __future__ import annotations

import socket
from collections.abc import Callable
from typing import Any

import aiohttp
import pytest
from sqlalchemy import Engine

from bot.server import create_app

pytestmark = pytest.mark.asyncio

Client = Callable[..., Any]
TOKEN = "scrape-0f-the-metrics-9b1c"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


async def _scrape(url: str, authorization: str | None = None) -> tuple[int, str]:
    headers = {"Authorization": authorization} if authorization is not None else {}
    async with aiohttp.ClientSession() as session, session.get(url, headers=headers) as response:
        return response.status, await response.text()


async def test_with_a_token_a_scrape_without_it_or_with_another_is_refused(
        engine: Engine, aiohttp_client: Client) -> None:
    client = await aiohttp_client(create_app(engine, metrics_token=TOKEN))
    url = str(client.make_url("/metrics"))
    refused = [await _scrape(url, header) for header in
               (None, "Bearer", f"Bearer {TOKEN}x", f"Bearer {TOKEN[:-1]}", f"Basic {TOKEN}", TOKEN, "Bearer ")]
    assert [status for status, _ in refused] == [401] * len(refused)
    assert not [body for _, body in refused if "leavebot_" in body]
    status, body = await _scrape(url, f"Bearer {TOKEN}")
    assert status == 200 and "leavebot_http_requests" in body


async def test_with_a_port_metrics_are_served_on_loopback_there_and_not_on_the_main_port(
        engine: Engine, aiohttp_client: Client) -> None:
    port = free_port()
    client = await aiohttp_client(create_app(engine, metrics_port=port))
    main = await client.get("/metrics")
    assert main.status == 404 and "leavebot_" not in await main.text()
    status, body = await _scrape(f"http://127.0.0.1:{port}/metrics")
    assert status == 200 and "leavebot_outbox_depth" in body


async def test_with_a_port_and_a_token_the_port_asks_for_the_token_too(
        engine: Engine, aiohttp_client: Client) -> None:
    port = free_port()
    client = await aiohttp_client(create_app(engine, metrics_port=port, metrics_token=TOKEN))
    assert (await client.get("/metrics")).status == 404
    assert (await _scrape(f"http://127.0.0.1:{port}/metrics"))[0] == 401
    assert (await _scrape(f"http://127.0.0.1:{port}/metrics", f"Bearer {TOKEN}"))[0] == 200


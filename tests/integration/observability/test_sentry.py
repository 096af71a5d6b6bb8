"""Sentry, against a local stand-in of its ingestion API: one report per error, tagged, scrubbed."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
import pytest_asyncio
import sentry_sdk
from aiohttp import web
from aiohttp.test_utils import TestServer
from sqlalchemy import Engine

from bot.observability.context import REQUEST_ID_HEADER
from bot.observability.sentry import start_sentry
from bot.server import create_app
from bot.settings import Settings
from storage.engine import make_engine
from tests.integration.observability.conftest import Client

pytestmark = pytest.mark.asyncio

BOT_TOKEN = "xoxb-5151-5252-SentryLeak"
GRAPH_SECRET = "Gr4ph~never~in~a~report"


class FakeSentry:
    """Accepts ``POST /api/<project>/envelope/`` and keeps each envelope's items."""

    def __init__(self) -> None:
        self.envelopes: list[list[dict[str, Any]]] = []
        self.raw: list[str] = []

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/api/{project}/envelope/", self.envelope)
        return app

    async def envelope(self, request: web.Request) -> web.Response:
        body = await request.read()  # aiohttp has undone the Content-Encoding already
        text = body.decode()
        self.raw.append(text)
        self.envelopes.append([json.loads(line) for line in text.splitlines() if line.strip()])
        return web.json_response({"id": "ok"})

    def events(self) -> list[dict[str, Any]]:
        """The error events: in an envelope, each item's header line is followed by its payload."""
        return [items[i + 1] for items in self.envelopes for i, item in enumerate(items[:-1])
                if item.get("type") == "event"]


@pytest_asyncio.fixture
async def sentry() -> AsyncIterator[tuple[FakeSentry, str]]:
    fake = FakeSentry()
    server = TestServer(fake.app(), host="127.0.0.1")
    await server.start_server()
    try:
        yield fake, f"http://publickey@127.0.0.1:{server.port}/1"
    finally:
        await server.close()


@pytest.fixture
def engine() -> Iterator[Engine]:
    engine = make_engine("sqlite://")
    yield engine
    engine.dispose()


async def boom(request: web.Request) -> web.Response:
    raise RuntimeError(f"Slack said invalid_auth for {BOT_TOKEN} (graph secret {GRAPH_SECRET})")


# Sent explicitly off, so that no default of a future SDK can turn it on; newer SDKs call the option deprecated.
@pytest.mark.filterwarnings("ignore:The send_default_pii option is deprecated:DeprecationWarning")
async def test_an_unhandled_error_is_reported_once_with_its_request_id_and_no_secret(
        sentry: tuple[FakeSentry, str], engine: Engine, aiohttp_client: Client) -> None:
    fake, dsn = sentry
    settings = Settings(_env_file=None, sentry_dsn=dsn, sentry_environment="test",  # type: ignore[call-arg]
                        slack_bot_token=BOT_TOKEN, slack_signing_secret="s1gning-secret",
                        ms_graph_tenant_id="t", ms_graph_client_id="c", ms_graph_client_secret=GRAPH_SECRET)
    assert start_sentry(settings)
    try:
        app = create_app(engine)
        app.router.add_get("/boom", boom)
        client = await aiohttp_client(app)
        response = await client.get("/boom", headers={REQUEST_ID_HEADER: "req-sentry-1"})
        assert response.status == 500
        assert response.headers[REQUEST_ID_HEADER] == "req-sentry-1"
        assert await asyncio.get_running_loop().run_in_executor(None, lambda: sentry_sdk.flush(timeout=10)) is None
    finally:
        sentry_sdk.get_client().close()
        sentry_sdk.get_global_scope().set_client(None)

    (event,) = fake.events()
    assert event["tags"]["request_id"] == "req-sentry-1"
    assert event["environment"] == "test"
    assert event["exception"]["values"][-1]["type"] == "RuntimeError"
    everything = "\n".join(fake.raw)
    assert BOT_TOKEN not in everything and GRAPH_SECRET not in everything

"""A platform that echoes a credential in its error must not put it in our logs."""

from __future__ import annotations

import asyncio
import io
import logging
from collections.abc import Iterator

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from bot import slack
from bot.observability.logs import log_handler
from bot.settings import Settings
from core.ports.chat import ChatStore
from tests.integration.observability.conftest import Observed
from tests.unit.fakes import FixedClock

pytestmark = pytest.mark.asyncio

BOT_TOKEN = "xoxb-4242-4343-Echoed0Token"
SIGNING_SECRET = "c0ffee0signing0secret0c0ffee"


async def echo_credentials(request: web.Request) -> web.Response:
    """A Slack Web API that fails every call with an unknown error and, like some proxies, echoes
    the request's credentials back in the error."""
    return web.json_response({"ok": False, "error": "proxy_failure", "echo": request.headers.get("Authorization"),
                              "signing": SIGNING_SECRET})


@pytest.fixture(params=["json", "text"])
def logs(request: pytest.FixtureRequest) -> Iterator[tuple[io.StringIO, str]]:
    stream = io.StringIO()
    settings = Settings(_env_file=None, slack_bot_token=BOT_TOKEN, slack_signing_secret=SIGNING_SECRET,  # type: ignore[call-arg]
                        log_format=request.param)
    handler = log_handler(settings, stream)
    root = logging.getLogger()
    previous = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield stream, request.param
    finally:
        root.removeHandler(handler)
        root.setLevel(previous)


async def test_a_failing_slack_call_does_not_leak_the_token(
        observed: Observed, chat_store: ChatStore, clock: FixedClock, logs: tuple[io.StringIO, str]) -> None:
    stream, _ = logs
    api = web.Application()
    api.router.add_post("/api/{method}", echo_credentials)
    server = TestServer(api, host="127.0.0.1")
    await server.start_server()
    try:
        settings = Settings(_env_file=None, slack_bot_token=BOT_TOKEN, slack_signing_secret=SIGNING_SECRET,  # type: ignore[call-arg]
                            slack_api_url=str(server.make_url("/api/")))
        notifier = slack.make_notifier(observed.service, chat_store, settings, clock=clock)
        applied = observed.service.handle_text("ananya@x.test", "apply casual 2026-12-01", "slack")
        assert type(applied).__name__ == "AppliedView"
        loop = asyncio.get_running_loop()
        report = await loop.run_in_executor(None, observed.service.deliver_notices, [notifier])
    finally:
        await server.close()
    assert report.retrying > 0 and "proxy_failure" in " ".join(report.errors)
    written = stream.getvalue()
    assert "proxy_failure" in written  # the failure is logged...
    assert BOT_TOKEN not in written and SIGNING_SECRET not in written  # ...without what it echoed

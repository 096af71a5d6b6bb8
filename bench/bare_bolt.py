"""The baseline of :mod:`bench.http_balance`: a slack-bolt ``AsyncApp`` whose ``/leave`` only acks.

    /tmp/venv/bin/python -m bench.bare_bolt PORT   (SLACK_SIGNING_SECRET, SLACK_API_URL from the environment)

It is served exactly as LeaveBot's Slack door is (the same ``POST /slack/events`` route over
``slack_bolt.adapter.aiohttp``, the same ``run_server``, the same logging), so that the difference
measured is LeaveBot's own work.
"""

from __future__ import annotations

import os
import sys
from typing import Any

from aiohttp import web
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.observability.logs import configure_logging
from bot.server import run_server
from bot.settings import Settings
from bot.slack.app import COMMAND, add_events_route


def bare_app(signing_secret: str, api_url: str) -> web.Application:
    bolt_app = AsyncApp(client=AsyncWebClient(token="xoxb-bench", base_url=api_url), signing_secret=signing_secret,
                        name="bare", raise_error_for_unhandled_request=False)

    @bolt_app.command(COMMAND)
    async def leave(ack: Any) -> None:
        await ack()

    app = web.Application()
    add_events_route(app, bolt_app)
    return app


if __name__ == "__main__":
    configure_logging(Settings(_env_file=None))  # type: ignore[call-arg]
    run_server(bare_app(os.environ["SLACK_SIGNING_SECRET"], os.environ["SLACK_API_URL"]), "127.0.0.1",
               int(sys.argv[1]))

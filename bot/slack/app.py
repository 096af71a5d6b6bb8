"""The bolt ``AsyncApp``: which listener answers which Slack request, and how requests reach it.

Over HTTP, one aiohttp route (``POST /slack/events``) hands every request (slash commands,
interactivity, events) to bolt, which checks the signature (401 when it is missing, wrong or
more than 5 minutes old) before any listener runs. A request without the signature headers is
refused before its body is read, and no body over 64 KiB is read at all. In Socket Mode the same app is fed by a
websocket instead. Either way the listeners acknowledge within Slack's 3 seconds: with the
answer itself when it is quick (:mod:`bot.slack.commands`), else first, working after.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack import actions, documents
from bot.slack.commands import handle_leave_command
from bot.slack.door import SlackDoor
from core.errors import LeaveError
from core.ports import Unavailable
from core.service import UNAVAILABLE

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
COMMAND = "/leave"
APPROVE, REJECT, CANCEL, OPEN_APPLY = "leave_approve", "leave_reject", "leave_cancel", "leave_open_apply"
OPEN_DASHBOARD = "leave_open_dashboard"
APPLY_MODAL, REJECT_MODAL = "leave_apply", "leave_reject"
HAND_IN, OPEN_DOCUMENT, DOCUMENT_MODAL = "leave_hand_in", "leave_open_document", "leave_document"
MALFORMED = "the body is not a Slack request"
UNSIGNED = "the request is not signed by Slack"
TOO_LARGE = "the body is larger than any Slack request"
SIGNATURE_HEADER, TIMESTAMP_HEADER = "X-Slack-Signature", "X-Slack-Request-Timestamp"
#: Slack's payloads (a slash command, a click, a modal's values) are a few kilobytes; the server's
#: general limit (1 MiB) is far more than a request that is read before its signature is checked needs.
MAX_EVENT_BYTES = 64 * 1024
SORRY = "Something went wrong on my side and nothing more was done; please try again in a moment."


def build_bolt_app(door: SlackDoor, client: AsyncWebClient, signing_secret: str) -> AsyncApp:
    """The bolt app with LeaveBot's listeners; ``client`` decides where Web API calls go."""
    app = AsyncApp(client=client, signing_secret=signing_secret, name="leavebot",
                   raise_error_for_unhandled_request=False)
    app.error(_malformed)

    @app.command(COMMAND)
    async def leave_command(ack: Any, command: dict[str, Any], client: AsyncWebClient, respond: Any) -> None:
        async with _apology(respond):
            await handle_leave_command(door, ack, command, client, respond)

    @app.action(APPROVE)
    async def approve(ack: Any, body: dict[str, Any], client: AsyncWebClient, respond: Any) -> None:
        async with _apology(respond):
            await actions.handle_approve(door, ack, body, client, respond)

    @app.action(REJECT)
    async def reject(ack: Any, body: dict[str, Any], client: AsyncWebClient, respond: Any) -> None:
        async with _apology(respond):
            await actions.handle_reject_click(door, ack, body, client)

    @app.action(CANCEL)
    async def cancel(ack: Any, body: dict[str, Any], client: AsyncWebClient, respond: Any) -> None:
        async with _apology(respond):
            await actions.handle_cancel(door, ack, body, client, respond)

    @app.action(OPEN_APPLY)
    async def open_apply(ack: Any, body: dict[str, Any], client: AsyncWebClient) -> None:
        async with _apology(None):
            await actions.handle_open_apply(door, ack, body, client)

    @app.action(OPEN_DASHBOARD)
    async def open_dashboard(ack: Any, body: dict[str, Any], client: AsyncWebClient) -> None:
        async with _apology(None):
            await actions.handle_open_dashboard(door, ack, body, client)

    @app.view(APPLY_MODAL)
    async def apply_submitted(ack: Any, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient) -> None:
        async with _apology(None):
            await actions.handle_apply_submit(door, ack, body, view, client)

    @app.view(REJECT_MODAL)
    async def reject_submitted(ack: Any, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient) -> None:
        async with _apology(None):
            await actions.handle_reject_submit(door, ack, body, view, client)

    @app.action(HAND_IN)
    async def hand_in(ack: Any, body: dict[str, Any], client: AsyncWebClient) -> None:
        async with _apology(None):
            await documents.handle_hand_in_click(door, ack, body, client)

    @app.action(OPEN_DOCUMENT)
    async def open_document(ack: Any, body: dict[str, Any], client: AsyncWebClient, respond: Any) -> None:
        async with _apology(respond):
            await documents.handle_open_click(door, ack, body, client, respond)

    @app.view(DOCUMENT_MODAL)
    async def document_submitted(ack: Any, body: dict[str, Any], view: dict[str, Any],
                                 client: AsyncWebClient) -> None:
        async with _apology(None):
            await documents.handle_document_submit(door, ack, body, view, client)

    @app.event("message")
    async def direct_message(event: dict[str, Any], client: AsyncWebClient) -> None:
        async with _apology(None):
            await documents.handle_message(door, event, client)

    @app.event("file_shared")
    async def file_shared(event: dict[str, Any], client: AsyncWebClient) -> None:
        async with _apology(None):
            await documents.handle_file_shared(door, event, client)

    @app.event("app_home_opened")
    async def home_opened(event: dict[str, Any], client: AsyncWebClient) -> None:
        if event.get("tab", "home") != "home":
            return
        async with _apology(None):
            actor = await door.actor(client, str(event.get("user", "")))
            if actor is not None:
                await door.publish_home(client, actor)

    return app


async def _malformed(error: Exception) -> BoltResponse:
    """Bolt failed matching a signed body to a listener: a shape Slack never sends (a null view...).

    Every listener catches its own failures, so this is the body's fault: 400, not bolt's 500.
    """
    log.warning("a body that Slack never sends (%s: %s): refused", type(error).__name__, error)
    return BoltResponse(status=400, body={"error": MALFORMED})


@contextlib.asynccontextmanager
async def _apology(respond: Any) -> AsyncIterator[None]:
    """Log a listener's failure and, where there is a way to reply, say so instead of going quiet.

    The failure stays in the listener: bolt would otherwise report a failure just after ``ack()``
    to Slack as an unhandled request. A refusal from the core (the database is unreachable, say)
    is passed on in its own words; anything else is a bug, logged with its traceback.
    """
    try:
        yield
    except (LeaveError, Unavailable) as error:
        log.warning("Slack listener refused: %s", error)
        await _tell(respond, error.message if isinstance(error, LeaveError) else UNAVAILABLE)
    except Exception:
        log.exception("Slack listener failed")
        await _tell(respond, SORRY)


async def _tell(respond: Any, message: str) -> None:
    if respond is not None:
        with contextlib.suppress(Exception):
            await respond(text=message, response_type="ephemeral", replace_original=False)


def add_events_route(app: web.Application, bolt_app: AsyncApp) -> None:
    """``POST /slack/events`` on the shared server: request in, bolt's dispatch, response out."""

    async def slack_events(request: web.Request) -> web.Response:
        refused = _unsigned(request)
        if refused is not None:
            return refused
        body = await _small_body(request)
        if body is None:
            log.warning("a body over %s bytes to %s: refused", MAX_EVENT_BYTES, EVENTS_PATH)
            return web.json_response({"error": TOO_LARGE}, status=413)
        # Bolt reads and matches the body assuming Slack's shapes; ``payload`` that is not a JSON
        # object makes it raise before any check, and matching a body with, say, an empty list of
        # actions fails even in its error handler (the errors it does handle reach ``_malformed``).
        try:
            bolt_request = AsyncBoltRequest(body=body, query=request.query_string,
                                            headers=request.headers)  # type: ignore[arg-type]
            bolt_response = await bolt_app.async_dispatch(bolt_request)
        except Exception as error:
            log.warning("a body that Slack never sends (%s: %s): refused", type(error).__name__, error)
            return web.json_response({"error": MALFORMED}, status=400)
        return await to_aiohttp_response(bolt_response)

    app.router.add_post(EVENTS_PATH, slack_events)


def _unsigned(request: web.Request) -> web.Response | None:
    """401 for a request without Slack's signature headers, before a byte of its body is read.

    The signature covers the body, so bolt checks it only after reading it all; a request that
    does not even claim to be signed need not be read at all.
    """
    if request.headers.get(SIGNATURE_HEADER) and request.headers.get(TIMESTAMP_HEADER):
        return None
    log.warning("a request to %s without Slack's signature: refused unread", EVENTS_PATH)
    return web.json_response({"error": UNSIGNED}, status=401)


async def _small_body(request: web.Request) -> str | None:
    """The body as text; None when it is over :data:`MAX_EVENT_BYTES`, having read at most one byte more.

    A declared length over the limit is refused unread; a body of unknown length (chunked) is read
    only up to the limit. Slack's payloads are a few kilobytes.
    """
    if request.content_length is not None and request.content_length > MAX_EVENT_BYTES:
        return None
    body = bytearray()
    while len(body) <= MAX_EVENT_BYTES:
        chunk = await request.content.read(MAX_EVENT_BYTES + 1 - len(body))
        if not chunk:
            break
        body += chunk
    return None if len(body) > MAX_EVENT_BYTES else body.decode("utf-8", errors="replace")

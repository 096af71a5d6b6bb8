"""``GET /calendar/{token}.ics`` on the real databases, parsed back with icalendar."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from icalendar import Calendar
from sqlalchemy import Engine

from bot.calendars import mount_feeds
from bot.cli.calendar import cmd_feeds_create, cmd_feeds_revoke
from bot.delivery import OutboxDelivery
from bot.runtime import Runtime
from bot.server import create_app
from bot.settings import Settings
from core.commands import CancelRequest
from core.domain.model import HalfDay
from core.ports import UnitOfWork
from core.service import LeaveService
from core.views import FeedView
from tests.unit.conftest import policy_document
from tests.unit.fakes import FixedClock

Client = Callable[..., Any]
pytestmark = pytest.mark.asyncio


async def _client(aiohttp_client: Client, engine: Engine, service: LeaveService,
                  uow_factory: Callable[[], UnitOfWork], clock: FixedClock) -> Any:
    app = create_app(engine, service=service)
    mount_feeds(app, Runtime(service, engine, uow_factory, clock, OutboxDelivery(service)))
    return await aiohttp_client(app)


def _events(body: bytes) -> list[Any]:
    return list(Calendar.from_ical(body).walk("VEVENT"))


async def test_personal_feed_shows_approved_leave_as_all_day_events_with_stable_uids(
        org: LeaveService, approve: Callable[..., int], engine: Engine, uow_factory: Callable[[], UnitOfWork],
        clock: FixedClock, aiohttp_client: Client) -> None:
    approve("ananya@x.test", date(2026, 12, 7), date(2026, 12, 11))
    half = approve("ananya@x.test", date(2026, 12, 16), date(2026, 12, 16), half=HalfDay.SECOND)
    org.execute("ananya@x.test", CancelRequest(half - 1, date(2026, 12, 9), date(2026, 12, 9)), "test")
    first = org.handle_text("ananya@x.test", "/leave feed", "test")
    assert isinstance(first, FeedView) and not first.replaced and first.path.startswith("/calendar/")
    view = org.handle_text("ananya@x.test", "feed", "test")  # asked again: a new link, the first one stops
    assert isinstance(view, FeedView) and view.replaced and view.path != first.path

    client = await _client(aiohttp_client, engine, org, uow_factory, clock)
    assert (await client.get(first.path)).status == 404
    response = await client.get(view.path)
    assert response.status == 200 and response.content_type == "text/calendar"
    body = await response.read()
    events = _events(body)
    spans = [(e.decoded("dtstart"), e.decoded("dtend"), str(e["summary"])) for e in events]
    assert spans == [(date(2026, 12, 7), date(2026, 12, 9), "Casual leave"),
                     (date(2026, 12, 10), date(2026, 12, 12), "Casual leave"),
                     (date(2026, 12, 16), date(2026, 12, 17), "Casual leave (second half)")]
    assert all(e["dtstart"].params.get("VALUE") == "DATE" for e in events)
    assert all(e.decoded("dtstamp").tzinfo is not None for e in events)
    assert b"DTSTAMP:20261125T043000Z" in body
    second = _events(await (await client.get(view.path)).read())
    assert [str(e["uid"]) for e in second] == [str(e["uid"]) for e in events]
    assert len({str(e["uid"]) for e in events}) == 3


async def test_department_feed_hides_the_type_unless_the_policy_allows(
        org: LeaveService, approve: Callable[..., int], engine: Engine, uow_factory: Callable[[], UnitOfWork],
        clock: FixedClock, aiohttp_client: Client, db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    approve("ananya@x.test", date(2026, 12, 7), date(2026, 12, 7), leave_type="sick")
    approve("rahul@x.test", date(2026, 12, 8), date(2026, 12, 8))
    settings = Settings(database_url=db_url)
    assert cmd_feeds_create(argparse.Namespace(employee=None, department="Engineering"), settings) == 0
    path = capsys.readouterr().out.strip()
    client = await _client(aiohttp_client, engine, org, uow_factory, clock)
    titles = sorted(str(e["summary"]) for e in _events(await (await client.get(path)).read()))
    assert titles == ["Ananya Iyer: Out of office", "Rahul Verma: Out of office"]

    document = policy_document()
    document["calendar"] = {"show_type": ["casual"]}
    org.load_policy(document, "test")
    titles = sorted(str(e["summary"]) for e in _events(await (await client.get(path)).read()))
    assert titles == ["Ananya Iyer: Out of office", "Rahul Verma: Out of office: Casual leave"]


async def test_unknown_and_revoked_tokens_get_the_same_bare_404(
        org: LeaveService, engine: Engine, uow_factory: Callable[[], UnitOfWork], clock: FixedClock,
        aiohttp_client: Client, db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    settings = Settings(database_url=db_url)
    assert cmd_feeds_create(argparse.Namespace(employee="rahul@x.test", department=None), settings) == 0
    path = capsys.readouterr().out.strip()
    client = await _client(aiohttp_client, engine, org, uow_factory, clock)
    assert (await client.get(path)).status == 200
    token = path.removeprefix("/calendar/").removesuffix(".ics")
    assert cmd_feeds_revoke(argparse.Namespace(token=token), settings) == 0
    revoked = await client.get(path)
    unknown = await client.get("/calendar/not-a-token.ics")
    wrong_case = await client.get(path.swapcase().replace("/CALENDAR/", "/calendar/").replace(".ICS", ".ics"))
    bare = await client.get(f"/calendar/{token}")
    assert [r.status for r in (revoked, unknown, wrong_case, bare)] == [404, 404, 404, 404]
    assert await revoked.text() == await unknown.text() == "Not found\n"

"""The web dashboard's team calendar over HTTP, on SQLite and MariaDB/MySQL: whom a viewer sees and
whether the leave type shows follow chat's rules (``/leave team``; everyone for HR), pending and half
days are said in words, the viewer's holidays are shaded, and the filters and month links work."""

from __future__ import annotations

import html
import re
from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any
from urllib.parse import urlsplit

import pytest
import pytest_asyncio
from aiohttp import web
from aiohttp.test_utils import TestClient
from sqlalchemy import Engine

from core.commands import ApplyLeave, Decide
from core.domain.model import HalfDay
from core.service import LeaveService
from core.views import AppliedView
from tests.unit.fakes import FixedClock
from tests.web_door import chat_link, web_app

pytestmark = pytest.mark.asyncio

Client = Callable[[web.Application], Awaitable[TestClient[Any, Any]]]
DECEMBER = "/web/calendar?month=2026-12"


@pytest_asyncio.fixture
async def client(engine: Engine, service: LeaveService, clock: FixedClock,
                 aiohttp_client: Client) -> TestClient[Any, Any]:
    return await aiohttp_client(web_app(engine, service, clock))


async def sign_in(client: TestClient[Any, Any], service: LeaveService, email: str) -> None:
    client.session.cookie_jar.clear()
    response = await client.post(chat_link(service, email), allow_redirects=False)
    assert response.status == 303


def apply(service: LeaveService, email: str, leave_type: str, start: date, end: date,
          half: HalfDay | None = None) -> int:
    view = service.execute(email, ApplyLeave(leave_type, start, end, half, reason="family"), "test")
    assert isinstance(view, AppliedView), view
    return view.request.id


@pytest.fixture
def december(service: LeaveService) -> LeaveService:
    """Rahul's approved sick leave on 1-2 Dec; Kiran's pending casual morning on 3 Dec."""
    sick = apply(service, "rahul@x.test", "sick", date(2026, 12, 1), date(2026, 12, 2))
    service.execute("boss@x.test", Decide(sick, True), "test")
    apply(service, "kiran@x.test", "casual", date(2026, 12, 3), date(2026, 12, 3), HalfDay.FIRST)
    return service


def row_of(body: str, name: str) -> str:
    """The grid's row of one person (from their name to the end of the row)."""
    found = re.search(rf'<th scope="row" class="who-col">{re.escape(name)}.*?</tr>', body, re.S)
    assert found is not None, f"{name} is not in the grid"
    return found.group(0)


def cell_texts(row: str) -> list[str]:
    return [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", cell)).split())
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]


async def test_a_colleague_sees_out_and_a_manager_and_hr_see_the_type(client: TestClient[Any, Any],
                                                                       december: LeaveService) -> None:
    await sign_in(client, december, "ananya@x.test")
    page = await client.get(DECEMBER)
    body = await page.text()
    assert page.status == 200 and page.headers["Cache-Control"] == "no-store"
    assert "Team calendar: December 2026" in body and "Your team" in body
    rahul = cell_texts(row_of(body, "Rahul Verma"))
    assert rahul[:3] == ["Out Out", "Out Out", ""]  # shown "Out", said "Out": a colleague is not told why
    assert "Sick" not in row_of(body, "Rahul Verma")
    kiran = cell_texts(row_of(body, "Kiran Das"))  # Ananya is Kiran's manager: she sees the type
    assert kiran[2] == "CL½? Casual leave, first half, pending"

    await sign_in(client, december, "hr@x.test")
    body = await (await client.get(DECEMBER)).text()
    assert "Everyone in the organisation" in body
    assert cell_texts(row_of(body, "Rahul Verma"))[:2] == ["SL Sick leave", "SL Sick leave"]

    await sign_in(client, december, "boss@x.test")
    assert cell_texts(row_of(await (await client.get(DECEMBER)).text(), "Rahul Verma"))[0] == "SL Sick leave"


async def test_a_viewer_sees_only_their_team_as_in_chat(client: TestClient[Any, Any], december: LeaveService) -> None:
    await sign_in(client, december, "rahul@x.test")
    body = await (await client.get(DECEMBER)).text()
    assert "Kiran Das" not in body  # Kiran reports to Ananya: not in Rahul's team for /leave team either
    assert cell_texts(row_of(body, "Rahul Verma"))[0] == "SL Sick leave"  # his own leave, his own type
    assert "People" not in body  # HR's department is not among his choices


async def test_weekends_and_the_viewers_holidays_are_shaded_and_said(client: TestClient[Any, Any],
                                                                      december: LeaveService) -> None:
    await sign_in(client, december, "ananya@x.test")
    body = await (await client.get(DECEMBER)).text()
    headers = re.findall(r'<th scope="col" class="day( off)?"[^>]*>\s*<abbr title="([^"]+)"', body)
    assert len(headers) == 31
    assert headers[0] == ("", "Tue 1 Dec 2026")
    assert headers[4] == (" off", "Sat 5 Dec 2026, weekend")
    assert headers[24] == (" off", "Fri 25 Dec 2026, Christmas")


async def test_filters_narrow_the_grid_and_month_links_keep_them(client: TestClient[Any, Any],
                                                                  december: LeaveService) -> None:
    await sign_in(client, december, "hr@x.test")
    body = await (await client.get(DECEMBER + "&location=mumbai")).text()
    assert "Rahul Verma" in body and "Kiran Das" not in body
    assert '<option value="Mumbai" selected>' in body
    assert 'href="/web/calendar?month=2026-11&amp;location=Mumbai" rel="prev"' in body
    assert 'href="/web/calendar?month=2027-01&amp;location=Mumbai" rel="next"' in body

    body = await (await client.get(DECEMBER + "&department=Engineering&location=Bengaluru")).text()
    assert "Kiran Das" in body and "Rahul Verma" not in body

    january = await (await client.get("/web/calendar?month=2027-01&location=Mumbai")).text()
    assert "Team calendar: January 2027" in january and "Nobody here is out in January 2027." in january


async def test_this_month_by_default_and_bad_filters_are_refused_with_a_clear_message(
        client: TestClient[Any, Any], december: LeaveService) -> None:
    await sign_in(client, december, "rahul@x.test")
    assert "Team calendar: November 2026" in await (await client.get("/web/calendar")).text()

    bad_month = await client.get("/web/calendar?month=2026-13")
    said = html.unescape(await bad_month.text())
    assert bad_month.status == 400 and "'2026-13' is not a month; write it as 2026-11." in said
    other = await client.get(DECEMBER + "&department=People")
    text = html.unescape(await other.text())
    assert other.status == 400 and "'People' is not a department you can look at; choose one of: Engineering." in text


async def test_the_subscribe_button_gives_the_viewer_their_own_feed_once(client: TestClient[Any, Any],
                                                                          december: LeaveService) -> None:
    await sign_in(client, december, "rahul@x.test")
    body = await (await client.get(DECEMBER)).text()
    csrf = re.search(r'name="csrf" value="([^"]+)"', body)
    assert csrf is not None
    forged = await client.post("/web/calendar/feed", data={"csrf": "guess"})
    assert forged.status == 403

    made = await client.post("/web/calendar/feed", data={"csrf": csrf.group(1)})
    text = await made.text()
    link = re.search(r'value="(http://[^"]+/calendar/[A-Za-z0-9_-]+\.ics)"', text)
    assert made.status == 200 and link is not None
    token = urlsplit(link.group(1)).path.removeprefix("/calendar/").removesuffix(".ics")
    feed = december.feed(token)
    assert feed is not None and [item.title for item in feed.items] == ["Sick leave"]  # his own feed, his types
    again = await client.post("/web/calendar/feed", data={"csrf": csrf.group(1)})
    assert "Your earlier link has stopped working" in await again.text()
    assert december.feed(token) is None


async def test_a_signed_out_visitor_is_sent_to_sign_in(client: TestClient[Any, Any], december: LeaveService) -> None:
    page = await client.get(DECEMBER, allow_redirects=False)
    assert page.status == 303 and page.headers["Location"] == "/web/signed-out"
    assert "Rahul" not in await page.text()

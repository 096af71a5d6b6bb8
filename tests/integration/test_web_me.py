"""The web dashboard's Me page over HTTP, on SQLite and MariaDB/MySQL: balances and requests shown,
applying in two steps (the plan, then Submit), cancelling all or some days, and refusals that say
what chat would say and change nothing."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

import pytest
import pytest_asyncio
from aiohttp import web
from aiohttp.test_utils import TestClient
from sqlalchemy import Engine

from core.commands import ApplyLeave, ListRequests
from core.domain.model import RequestStatus
from core.service import LeaveService
from core.views import AppliedView, RequestListView, RequestView
from tests.unit.fakes import FixedClock
from tests.web_door import chat_link, web_app

pytestmark = pytest.mark.asyncio

Client = Callable[[web.Application], Awaitable[TestClient[Any, Any]]]
ANANYA = "ananya@x.test"
CHRISTMAS_WEEK = {"leave_type": "casual", "start": "2026-12-21", "end": "2026-12-23", "half": "",
                  "reason": "family <visit>"}


@pytest_asyncio.fixture
async def client(engine: Engine, service: LeaveService, clock: FixedClock,
                 aiohttp_client: Client) -> TestClient[Any, Any]:
    client = await aiohttp_client(web_app(engine, service, clock))
    await client.post(chat_link(service, ANANYA), allow_redirects=False)
    return client


async def csrf(client: TestClient[Any, Any]) -> str:
    html = await (await client.get("/web/")).text()
    marker = 'name="csrf" value="'
    start = html.index(marker) + len(marker)
    return html[start:html.index('"', start)]


def requests_of(service: LeaveService, email: str = ANANYA) -> tuple[RequestView, ...]:
    view = service.execute(email, ListRequests(), "test")
    assert isinstance(view, RequestListView)
    return view.requests


async def test_the_page_shows_balances_requests_and_an_apply_form(client: TestClient[Any, Any],
                                                                  service: LeaveService) -> None:
    applied = service.execute(ANANYA, ApplyLeave("casual", date(2026, 12, 7), date(2026, 12, 8), reason="<b>x"),
                              "test")
    assert isinstance(applied, AppliedView)
    page = await client.get("/web/")
    html = await page.text()
    assert page.status == 200 and page.headers["Cache-Control"] == "no-store"
    assert "Casual leave" in html and "available" in html
    assert applied.request.number in html and f"Cancel {applied.request.number}" in html
    assert '<label for="f-start">First day</label>' in html and '<select id="f-leave_type"' in html


async def test_applying_shows_the_plan_first_then_submits(client: TestClient[Any, Any],
                                                         service: LeaveService) -> None:
    token = await csrf(client)
    plan = await client.post("/web/me/plan", data={"csrf": token, **CHRISTMAS_WEEK})
    html = await plan.text()
    assert plan.status == 200 and "Nothing has been created yet" in html
    assert "Days counted" in html and "Left in" in html and "Submit" in html
    assert "family &lt;visit&gt;" in html  # the person's words are escaped
    assert requests_of(service) == ()
    change = html.split('class="button" href="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    refilled = await (await client.get(change)).text()
    assert 'value="2026-12-21"' in refilled and 'value="2026-12-23"' in refilled
    assert ">family &lt;visit&gt;<" in refilled

    key = html.split('name="key" value="', 1)[1].split('"', 1)[0]
    form = {"csrf": token, "key": key, **CHRISTMAS_WEEK}
    done = await client.post("/web/me/apply", data=form, allow_redirects=False)
    assert done.status == 303 and done.headers["Location"] == "/web/"
    (made,) = requests_of(service)
    assert (made.start, made.end, made.status, made.reason) == (date(2026, 12, 21), date(2026, 12, 23),
                                                                RequestStatus.PENDING, "family <visit>")
    shown = await (await client.get("/web/")).text()
    assert f"Applied: {made.number}" in shown

    again = await client.post("/web/me/apply", data=form, allow_redirects=False)  # the same Submit, sent twice
    assert again.status == 303 and len(requests_of(service)) == 1


async def test_a_refused_application_says_what_chat_says_and_makes_nothing(client: TestClient[Any, Any],
                                                                          service: LeaveService) -> None:
    token = await csrf(client)
    too_long = {**CHRISTMAS_WEEK, "end": "2027-03-31"}
    refused = await client.post("/web/me/apply", data={"csrf": token, **too_long})
    chat = service.handle_text(ANANYA, "plan casual 2026-12-21 to 2027-03-31", "test")
    assert refused.status == 400
    assert requests_of(service) == ()
    assert "balance" in (await refused.text()).lower() and chat is not None

    bad_date = await client.post("/web/me/plan", data={"csrf": token, **CHRISTMAS_WEEK, "start": "21/12"})
    assert bad_date.status == 400 and "must be a date such as 2026-12-24" in await bad_date.text()


async def test_a_post_without_the_right_csrf_token_is_refused_and_changes_nothing(
        client: TestClient[Any, Any], service: LeaveService) -> None:
    for token in (None, "0" * 64):
        form = {**CHRISTMAS_WEEK, **({"csrf": token} if token else {})}
        response = await client.post("/web/me/apply", data=form, allow_redirects=False)
        assert response.status == 403 and "Nothing was changed" in await response.text()
    assert requests_of(service) == ()


async def test_cancelling_a_request_or_some_of_its_days(client: TestClient[Any, Any], service: LeaveService) -> None:
    whole = service.execute(ANANYA, ApplyLeave("casual", date(2026, 12, 7), date(2026, 12, 8)), "test")
    part = service.execute(ANANYA, ApplyLeave("casual", date(2026, 12, 14), date(2026, 12, 18)), "test")
    assert isinstance(whole, AppliedView) and isinstance(part, AppliedView)
    token = await csrf(client)

    done = await client.post("/web/me/cancel", data={"csrf": token, "request": str(whole.request.id)},
                             allow_redirects=False)
    assert done.status == 303
    some = await client.post("/web/me/cancel", data={"csrf": token, "request": str(part.request.id),
                                                     "start": "2026-12-17", "end": "2026-12-18"},
                             allow_redirects=False)
    assert some.status == 303
    after = {r.id: r for r in requests_of(service)}
    assert after[whole.request.id].status is RequestStatus.CANCELLED
    assert after[part.request.id].cancelled_dates == (date(2026, 12, 17), date(2026, 12, 18))

    someone_elses = service.execute("rahul@x.test", ApplyLeave("casual", date(2026, 12, 9), date(2026, 12, 9)),
                                    "test")
    assert isinstance(someone_elses, AppliedView)
    refused = await client.post("/web/me/cancel", data={"csrf": token, "request": str(someone_elses.request.id)})
    assert refused.status == 400
    assert requests_of(service, "rahul@x.test")[0].status is RequestStatus.PENDING

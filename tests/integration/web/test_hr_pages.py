"""HR's pages of the web dashboard over HTTP, on SQLite and MariaDB/MySQL: the all-or-nothing CSV
import with its line-by-line report, a policy upload checked as the CLI checks it, report downloads
identical to the CLI's files, the audit search, holiday sync, the outbox's failures, deactivation,
and everyone but HR refused on every page and POST (403, recorded, nothing changed)."""

from __future__ import annotations

import html as html_text
from collections.abc import Awaitable, Callable
from datetime import date, timedelta
from typing import Any

import pytest
import pytest_asyncio
import yaml
from aiohttp import FormData, web
from aiohttp.test_utils import TestClient
from sqlalchemy import Engine

from core.commands import ApplyLeave, Decide
from core.domain.model import EmployeeStatus, Event
from core.ports import AuditQuery, UnitOfWork
from core.service import LeaveService
from core.views import AppliedView
from tests.unit.conftest import DEFAULT_POLICY, ORG_CSV
from tests.unit.fakes import FixedClock
from tests.web_door import chat_link, web_app

pytestmark = pytest.mark.asyncio

Client = Callable[[web.Application], Awaitable[TestClient[Any, Any]]]
HR, BOSS, ANANYA = "hr@x.test", "boss@x.test", "ananya@x.test"
HEADER = ORG_CSV.splitlines()[0]
NEW_ROW = "E9,neha@x.test,Neha,Kapoor,boss@x.test,EMPLOYEE,Engineering,Pune,INDIA,2026-01-05,ACTIVE,Asia/Kolkata"
BAD_ROWS = (f"{HEADER}\n{NEW_ROW}\n"
            "E10,not-an-email,Bad,Row,,EMPLOYEE,Engineering,Pune,INDIA,2026-01-05,ACTIVE,Asia/Kolkata\n"
            "E11,ok@x.test,Bad,Date,,EMPLOYEE,Engineering,Pune,INDIA,someday,ACTIVE,Asia/Kolkata\n")
HR_PAGES = ("/web/hr/people", "/web/hr/policy", "/web/hr/holidays", "/web/hr/reports", "/web/hr/audit",
            "/web/hr/ops", "/web/hr/reports/file?period=2026-11&name=x.csv", "/web/hr/reports/payroll?month=2026-11")


@pytest_asyncio.fixture
async def client(engine: Engine, service: LeaveService, clock: FixedClock,
                 aiohttp_client: Client) -> TestClient[Any, Any]:
    return await aiohttp_client(web_app(engine, service, clock))


async def sign_in(client: TestClient[Any, Any], service: LeaveService, email: str) -> str:
    """Sign ``email`` in from a chat link; the session's CSRF token."""
    client.session.cookie_jar.clear()
    assert (await client.post(chat_link(service, email), allow_redirects=False)).status == 303
    page = await (await client.get("/web/hr/people" if email == HR else "/web/")).text()
    marker = 'name="csrf" value="'
    start = page.index(marker) + len(marker)
    return page[start:page.index('"', start)]


def employee(service: LeaveService, email: str) -> Any:
    return service.employee_by_email(email)


def refusals(service: LeaveService, who: str) -> int:
    return len(service.audit_log(AuditQuery(actor=who, action="not_hr")))


def policy_history(service: LeaveService) -> int:
    return len(service.audit_log(AuditQuery(action="policies.load")))


async def test_a_bad_import_is_reported_line_by_line_and_writes_nothing_then_a_good_one_does(
        client: TestClient[Any, Any], service: LeaveService) -> None:
    token = await sign_in(client, service, HR)
    refused = await client.post("/web/hr/people/import", data={"csrf": token, "csv_text": BAD_ROWS})
    page = await refused.text()
    assert refused.status == 400 and "nothing was changed" in page
    assert "<li>Line 3: " in page and "<li>Line 4: " in page and "Line 2:" not in page
    assert "not-an-email" in html_text.unescape(page)  # the file is shown again to be fixed
    assert employee(service, "neha@x.test") is None

    form = FormData({"csrf": token})
    form.add_field("csv_file", f"{HEADER}\n{NEW_ROW}\n".encode(), filename="people.csv", content_type="text/csv")
    done = await client.post("/web/hr/people/import", data=form, allow_redirects=False)
    assert done.status == 303 and done.headers["Location"] == "/web/hr/people"
    shown = await (await client.get("/web/hr/people?q=neha")).text()
    assert "people.csv: 1 created, 0 updated" in shown and "Neha Kapoor" in shown and "Vikram Rao" in shown
    assert employee(service, "neha@x.test").manager_id == "E2"
    (entry,) = service.audit_log(AuditQuery(action="employees.import", actor=HR))
    assert entry.source == "web"


async def test_a_policy_with_a_bad_key_is_refused_by_name_then_a_good_one_is_in_force(
        client: TestClient[Any, Any], service: LeaveService) -> None:
    token = await sign_in(client, service, HR)
    document = yaml.safe_load(DEFAULT_POLICY.read_text())
    document["leave_types"]["casual"]["days_per_year"] = "lots"
    before = policy_history(service)
    refused = await client.post("/web/hr/policy", data={"csrf": token, "policy_text": yaml.safe_dump(document)})
    page = await refused.text()
    assert refused.status == 400 and "leave_types.casual.days_per_year" in page and "unchanged" in page
    broken = await client.post("/web/hr/policy", data={"csrf": token, "policy_text": "leave_types: [\n"})
    assert broken.status == 400 and "YAML syntax error" in await broken.text()
    assert policy_history(service) == before

    form = FormData({"csrf": token})
    form.add_field("policy_file", DEFAULT_POLICY.read_bytes(), filename="policy-2027.yaml")
    done = await client.post("/web/hr/policy", data=form, allow_redirects=False)
    assert done.status == 303
    page = await (await client.get("/web/hr/policy")).text()
    assert "policy-2027.yaml: loaded" in page and "Casual" in page
    assert policy_history(service) == before + 1
    assert service.audit_log(AuditQuery(action="policies.load"))[-1].actor == HR


async def test_the_report_page_and_its_downloads_are_the_cli_report(
        client: TestClient[Any, Any], service: LeaveService, clock: FixedClock) -> None:
    applied = service.execute(ANANYA, ApplyLeave("casual", date(2026, 11, 26), date(2026, 11, 27)), "test")
    assert isinstance(applied, AppliedView)
    service.execute(BOSS, Decide(applied.request.id, approve=True), "test")
    await sign_in(client, service, HR)
    page = await client.get("/web/hr/reports?period=2026-11")
    html = await page.text()
    assert page.status == 200 and "Report 2026-11" in html and "Casual leave" in html
    assert 'src="data:image/png;base64,' in html

    expected = service.report(service.read_report("2026-11")).files
    for file in expected:
        got = await client.get("/web/hr/reports/file", params={"period": "2026-11", "name": file.name})
        assert got.status == 200 and got.headers["Content-Disposition"] == f'attachment; filename="{file.name}"'
        assert got.content_type == "text/csv" and await got.text() == file.text
    assert "E3" in expected[0].text
    payroll = await client.get("/web/hr/reports/payroll?month=2026-11")
    assert payroll.status == 200 and await payroll.text() == service.payroll("2026-11").files[0].text
    assert "attachment" in payroll.headers["Content-Disposition"]

    bad = await client.get("/web/hr/reports?period=2026-13")
    assert bad.status == 400 and "There is no month 13" in await bad.text()


async def test_the_audit_search(client: TestClient[Any, Any], service: LeaveService) -> None:
    applied = service.execute(ANANYA, ApplyLeave("casual", date(2026, 12, 7), date(2026, 12, 8)), "test")
    assert isinstance(applied, AppliedView)
    await sign_in(client, service, HR)
    found = await (await client.get("/web/hr/audit", params={"request": applied.request.number})).text()
    assert "1 entries" in found and "apply" in found and ANANYA in found
    by_person = await (await client.get("/web/hr/audit", params={"person": ANANYA, "action": "apply",
                                                                  "from": "2026-11-25", "to": "2026-11-25"})).text()
    assert applied.request.number in by_person
    later = await (await client.get("/web/hr/audit", params={"person": ANANYA, "from": "2026-11-26"})).text()
    assert "Nothing matches." in later
    bad = await client.get("/web/hr/audit", params={"request": "LV-12"})
    assert bad.status == 400 and "is not a request id" in await bad.text()


@pytest.mark.parametrize("who", [ANANYA, BOSS])
async def test_anyone_but_hr_is_refused_on_every_page_and_post_and_it_is_recorded(
        client: TestClient[Any, Any], service: LeaveService, who: str) -> None:
    token = await sign_in(client, service, who)
    before = refusals(service, who)
    for path in HR_PAGES:
        response = await client.get(path)
        assert response.status == 403, path
        assert "HR" in await response.text()
    posts = {
        "/web/hr/people/import": {"csv_text": f"{HEADER}\n{NEW_ROW}\n"},
        "/web/hr/people/deactivate": {"email": "rahul@x.test", "confirmed": "yes"},
        "/web/hr/policy": {"policy_text": DEFAULT_POLICY.read_text()},
        "/web/hr/holidays/sync": {"country": "IN", "year": "2026"},
    }
    for path, form in posts.items():
        response = await client.post(path, data={"csrf": token, **form}, allow_redirects=False)
        assert response.status == 403, path
    assert refusals(service, who) == before + len(HR_PAGES) + len(posts)  # each recorded once
    assert employee(service, "neha@x.test") is None
    assert employee(service, "rahul@x.test").status is EmployeeStatus.ACTIVE
    assert service.audit_log(AuditQuery(action="holidays.sync")) == []
    assert policy_history(service) == 1
    home = await (await client.get("/web/")).text()
    assert 'href="/web/hr"' not in home


async def test_an_hr_post_without_the_csrf_token_is_refused(client: TestClient[Any, Any],
                                                            service: LeaveService) -> None:
    await sign_in(client, service, HR)
    for form in ({"csv_text": f"{HEADER}\n{NEW_ROW}\n"}, {"csrf": "0" * 64, "csv_text": f"{HEADER}\n{NEW_ROW}\n"}):
        response = await client.post("/web/hr/people/import", data=form, allow_redirects=False)
        assert response.status == 403 and "Nothing was changed" in await response.text()
    assert employee(service, "neha@x.test") is None


async def test_holiday_sync_from_the_holidays_package(client: TestClient[Any, Any], service: LeaveService) -> None:
    token = await sign_in(client, service, HR)
    page = await (await client.get("/web/hr/holidays?year=2027")).text()
    assert "Holidays 2027" in page and "Sync IN 2027" in page and "Bengaluru → KA" in page
    done = await client.post("/web/hr/holidays/sync", data={"csrf": token, "country": "IN", "subdivision": "KA",
                                                            "year": "2027"}, allow_redirects=False)
    assert done.status == 303 and done.headers["Location"] == "/web/hr/holidays?year=2027"
    shown = await (await client.get("/web/hr/holidays?year=2027")).text()
    assert "public holidays for IN-KA in 2027" in shown and "holidays:IN-KA" in shown
    (entry,) = service.audit_log(AuditQuery(action="holidays.sync"))
    assert (entry.actor, entry.source) == (HR, "web")
    bad = await client.post("/web/hr/holidays/sync", data={"csrf": token, "country": "IN", "subdivision": "ZZ",
                                                           "year": "2027"})
    assert bad.status == 400 and "No location of region INDIA maps to subdivision" in await bad.text()


async def test_the_ops_page_lists_a_failed_outbox_event(client: TestClient[Any, Any], service: LeaveService,
                                                        uow_factory: Callable[[], UnitOfWork],
                                                        clock: FixedClock) -> None:
    with uow_factory() as uow:
        uow.outbox.add(Event("probe_event", {}), clock.now())
        uow.commit()
    with uow_factory() as uow:
        (item,) = [i for i in uow.outbox.due(clock.now(), 100) if i.event.name == "probe_event"]
        uow.outbox.mark_failed(item.id, "slack: <channel_not_found>", clock.now() + timedelta(minutes=5))
        uow.commit()
    await sign_in(client, service, HR)
    page = await (await client.get("/web/hr/ops")).text()
    assert "probe_event" in page and "slack: &lt;channel_not_found&gt;" in page and 'class="failed"' in page
    assert "Scheduled jobs" in page and "Calendar sync" in page


async def test_deactivating_asks_first_and_never_oneself(client: TestClient[Any, Any], service: LeaveService) -> None:
    token = await sign_in(client, service, HR)
    asked = await client.post("/web/hr/people/deactivate", data={"csrf": token, "email": "rahul@x.test"})
    assert asked.status == 200 and "Deactivate Rahul Verma?" in await asked.text()
    assert employee(service, "rahul@x.test").status is EmployeeStatus.ACTIVE
    done = await client.post("/web/hr/people/deactivate", data={"csrf": token, "email": "rahul@x.test",
                                                                "confirmed": "yes"}, allow_redirects=False)
    assert done.status == 303
    assert employee(service, "rahul@x.test").status is EmployeeStatus.INACTIVE
    me = await client.post("/web/hr/people/deactivate", data={"csrf": token, "email": HR, "confirmed": "yes"})
    assert me.status == 400 and "can't deactivate yourself" in html_text.unescape(await me.text())
    assert employee(service, HR).status is EmployeeStatus.ACTIVE

"""Leave types stay private: a colleague sees "Out", the half and the day someone is back, never why.

Rahul takes the second half of Friday 4 December off as sick leave, approved by his manager Vikram.
His peer Ananya looks through every door a colleague has (the terminal, Slack's ``/leave team``,
the who's-out channel post, App Home, the team calendar feed, the calendar event in his Google
calendar) and must never read "Sick leave", the key ``sick`` or the code ``SL``. Rahul himself,
Vikram, HR (here Hana, an HR admin sitting in the same team) and a delegate covering Vikram read
the type; a type the policy makes public shows to everyone; HR's weekly digest keeps the types.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import re
import time
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from icalendar import Calendar
from sqlalchemy import Engine, func, select

from bot.calendars import mount_feeds
from bot.cli.calendar import cmd_feeds_create
from bot.cli.chat import run_chat
from bot.delivery import OutboxDelivery
from bot.runtime import Runtime
from bot.scheduled import SlackPoster
from bot.server import create_app
from bot.settings import Settings
from bot.slack.api import sync_client
from core.commands import ApplyLeave, Decide
from core.domain.model import HalfDay
from core.errors import PolicyError
from core.ports import UnitOfWork
from core.ports.chat import ChatStore
from core.service import LeaveService
from core.views import AppliedView, DecidedView
from scheduler.runner import AlwaysLeader, SchedulerRunner
from storage.calendars.google import GoogleCalendar
from storage.tables import policy_versions
from tests.integration.calendars.conftest import notifier_for
from tests.integration.calendars.stand_in import GoogleStandIn
from tests.integration.scheduler.helpers import at
from tests.integration.slack.conftest import ANANYA, RAHUL, VIKRAM, SlackHarness, slack_settings
from tests.integration.slack.fake_slack import FakeSlack
from tests.integration.slack.test_slack_commands import shown
from tests.integration.slack.test_slack_home import homes_of, opened
from tests.integration.teams.conftest import TeamsRig, texts
from tests.unit.conftest import policy_document
from tests.unit.fakes import FixedClock

pytestmark = pytest.mark.asyncio

SICK_DAY = date(2026, 12, 4)  # a Friday
WHEN = "Fri 4 Dec 2026 (second half)"
BACK = "Mon 7 Dec 2026"  # the weekend is skipped
#: Hana is an HR admin who reports to Vikram: a colleague of Rahul's who is also HR.
HANA_CSV = (
    "employee_id,email,first_name,last_name,manager_email,role,department,location,country,joining_date,status,"
    "time_zone\nE6,hana@x.test,Hana,Sato,boss@x.test,HR_ADMIN,Engineering,Bengaluru,INDIA,2021-01-04,ACTIVE,"
    "Asia/Kolkata\n"
)
U_HANA = "U0HANA"
MONDAY_0901_KOLKATA = at(2026, 11, 30, 3, 31)
Client = Callable[..., Any]


def leaks(text: str) -> list[str]:
    """Every trace of the sick leave's type in ``text``: its name, key or code."""
    return re.findall(r"sick|\bSL\b", text, flags=re.IGNORECASE)


def sick_leave(service: LeaveService) -> int:
    """Rahul's approved sick leave on the afternoon of Friday 4 December; its id."""
    applied = service.execute("rahul@x.test", ApplyLeave("sick", SICK_DAY, SICK_DAY, half=HalfDay.SECOND), "test")
    assert isinstance(applied, AppliedView), applied
    decided = service.execute("boss@x.test", Decide(applied.request.id, True), "test")
    assert isinstance(decided, DecidedView), decided
    return applied.request.id


def chat(service: LeaveService, email: str, *lines: str) -> str:
    """What ``email`` reads in the terminal chat after typing ``lines``."""
    out = io.StringIO()
    assert run_chat(service, email, io.StringIO("\n".join(lines) + "\n"), out) == 0
    return out.getvalue()


def rahul_line(text: str) -> str:
    [line] = [line for line in text.splitlines() if "Rahul Verma" in line]
    return line


def with_policy(service: LeaveService, **sections: Any) -> None:
    document = policy_document()
    document.update(sections)
    service.load_policy(document, "test")


async def test_terminal_team_tells_a_colleague_out_and_the_person_manager_and_hr_the_type(
        service: LeaveService) -> None:
    service.import_employees(HANA_CSV)
    sick_leave(service)
    colleague = rahul_line(chat(service, "ananya@x.test", "team 4 Dec"))
    assert leaks(colleague) == []
    assert re.search(rf"\bOut\b.*{re.escape(WHEN)}.*{BACK}", colleague), colleague
    for email in ("rahul@x.test", "boss@x.test", "hana@x.test"):
        line = rahul_line(chat(service, email, "team 4 Dec"))
        assert "Sick leave" in line and WHEN in line and BACK in line, (email, line)


async def test_terminal_a_delegate_covering_the_manager_sees_the_type(service: LeaveService) -> None:
    sick_leave(service)
    assert "decides for you" in chat(service, "boss@x.test", "delegate ananya@x.test 7 Dec to 11 Dec")
    assert leaks(rahul_line(chat(service, "ananya@x.test", "team 4 Dec"))) == []  # not covering on that day
    assert "decides for you" in chat(service, "boss@x.test", "delegate ananya@x.test 4 Dec to 4 Dec")
    assert "Sick leave" in rahul_line(chat(service, "ananya@x.test", "team 4 Dec"))


async def test_a_type_the_policy_makes_public_shows_to_colleagues_also_by_its_older_name(
        service: LeaveService) -> None:
    sick_leave(service)
    with_policy(service, privacy={"public_types": ["sick"]})
    assert "Sick leave" in rahul_line(chat(service, "ananya@x.test", "team 4 Dec"))
    with_policy(service, calendar={"show_type": ["sick"]})
    assert "Sick leave" in rahul_line(chat(service, "ananya@x.test", "team 4 Dec"))
    with_policy(service, privacy={"public_types": ["casual"]})
    assert leaks(rahul_line(chat(service, "ananya@x.test", "team 4 Dec"))) == []


async def test_a_public_type_that_is_not_a_leave_type_is_refused_and_nothing_is_loaded(
        service: LeaveService, engine: Engine) -> None:
    with engine.connect() as connection:
        before = connection.execute(select(func.count()).select_from(policy_versions)).scalar_one()
    document = policy_document()
    document["privacy"] = {"public_types": ["sik"]}
    with pytest.raises(PolicyError, match=r"privacy\.public_types: 'sik' is not a leave type"):
        service.load_policy(document, "test")
    with engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(policy_versions)).scalar_one() == before


async def test_slack_leave_team_says_out_to_a_colleague_and_the_type_to_the_manager(slack: SlackHarness) -> None:
    sick_leave(slack.service)
    colleague = shown(await slack.reply_to(ANANYA, "team 4 Dec"))
    assert leaks(colleague) == []
    assert f"Rahul Verma: Out, {WHEN}, back {BACK}" in colleague
    manager = shown(await slack.reply_to(VIKRAM, "team 4 Dec"))
    assert f"Rahul Verma: Sick leave, {WHEN}, back {BACK}" in manager
    assert "Sick leave" in shown(await slack.reply_to(RAHUL, "team 4 Dec"))


async def test_teams_leave_team_says_out_to_a_colleague_and_the_type_to_the_manager(rig: TeamsRig) -> None:
    sick_leave(rig.service)
    colleague = texts(await rig.say("ananya", "team 4 Dec"))
    assert leaks(colleague) == []
    assert f"Rahul Verma: Out, {WHEN}, back {BACK}" in colleague
    assert f"Rahul Verma: Sick leave, {WHEN}, back {BACK}" in texts(await rig.say("boss", "team 4 Dec"))


async def test_slack_app_home_shows_the_type_to_the_person_and_approver_and_nothing_of_it_to_a_colleague(
        slack: SlackHarness) -> None:
    sick_leave(slack.service)
    pending = slack.service.execute("rahul@x.test", ApplyLeave("sick", date(2026, 12, 9), date(2026, 12, 9)), "test")
    assert isinstance(pending, AppliedView)
    for user in (ANANYA, RAHUL, VIKRAM):
        assert (await slack.event(opened(user))).status == 200
        await slack.api.wait_for_calls(lambda user=user: homes_of(slack, user))
    colleague = shown(homes_of(slack, ANANYA)[-1])
    assert "Rahul" not in colleague and "LV-1001" not in colleague
    assert f"*LV-1001* · Sick leave · {WHEN}" in shown(homes_of(slack, RAHUL)[-1])
    assert "*Rahul Verma* · *LV-1002* · Sick leave" in shown(homes_of(slack, VIKRAM)[-1])


async def test_the_whos_out_post_says_out_and_the_hr_digest_keeps_the_type(
        service: LeaveService, uow_factory: Callable[[], UnitOfWork], chat_store: ChatStore, clock: FixedClock,
        slack_api: FakeSlack) -> None:
    sick_leave(service)
    with uow_factory() as uow:
        uow.channels.save("slack", "digest:hr", "CHR", clock.now())
        uow.channels.save("slack", "digest:dept:Engineering", "CENG", clock.now())
        uow.commit()
    poster = SlackPoster(service, chat_store, sync_client(slack_settings(slack_api)))
    runner = SchedulerRunner(service, clock, AlwaysLeader(), {"slack": poster},
                             sleep=time.sleep)
    clock.at = MONDAY_0901_KOLKATA
    await asyncio.get_running_loop().run_in_executor(None, runner.tick)
    posted = {c.params["channel"]: c.params for c in slack_api.calls_to("chat.postMessage") if c.status == 200}
    channel = shown(_blocks(posted["CENG"])) + posted["CENG"]["text"]
    assert leaks(channel) == []
    assert f"Rahul Verma: Out, {WHEN}, back {BACK}" in channel
    assert "Rahul Verma (Engineering): Sick leave" in shown(_blocks(posted["CHR"]))


def _blocks(params: dict[str, Any]) -> dict[str, Any]:
    blocks = params["blocks"]
    return {"blocks": json.loads(blocks) if isinstance(blocks, str) else blocks}


async def test_a_team_feed_says_out_of_office_and_a_persons_own_feed_keeps_the_type(
        service: LeaveService, engine: Engine, uow_factory: Callable[[], UnitOfWork], clock: FixedClock,
        aiohttp_client: Client, db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    sick_leave(service)
    cli = Settings(database_url=db_url)
    assert cmd_feeds_create(argparse.Namespace(employee=None, department="Engineering"), cli) == 0
    team_path = capsys.readouterr().out.strip()
    assert cmd_feeds_create(argparse.Namespace(employee="rahul@x.test", department=None), cli) == 0
    own_path = capsys.readouterr().out.strip()
    app = create_app(engine, service=service)
    mount_feeds(app, Runtime(service, engine, uow_factory, clock, OutboxDelivery(service)))
    client = await aiohttp_client(app)

    team = await client.get(team_path)
    assert team.status == 200
    body = (await team.read()).decode()
    assert leaks(body) == []
    [event] = Calendar.from_ical(body).walk("VEVENT")
    assert str(event["summary"]) == "Rahul Verma: Out of office (second half)"
    own = (await (await client.get(own_path)).read()).decode()
    assert [str(e["summary"]) for e in Calendar.from_ical(own).walk("VEVENT")] == ["Sick leave (second half)"]


async def test_the_google_calendar_event_keeps_the_type_out_unless_it_is_public(
        service: LeaveService, google: GoogleStandIn, google_gateway: GoogleCalendar) -> None:
    sick_leave(service)
    notifier = notifier_for(google_gateway, service)
    service.deliver_notices([notifier])
    [event] = google.calls.live("rahul@x.test")
    assert leaks(json.dumps(event)) == []
    assert event["summary"] == "Out of office (second half)"

    with_policy(service, privacy={"public_types": ["casual"]})
    applied = service.execute("rahul@x.test", ApplyLeave("casual", date(2026, 12, 14), date(2026, 12, 14)), "test")
    assert isinstance(applied, AppliedView)
    service.execute("boss@x.test", Decide(applied.request.id, True), "test")
    service.deliver_notices([notifier])
    assert sorted(e["summary"] for e in google.calls.live("rahul@x.test")) == [
        "Out of office (second half)", "Out of office: Casual leave"]

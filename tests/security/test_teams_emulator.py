"""The Teams Emulator door: not there unless asked for, and then this machine's alone.

Without an app id nothing authenticates a Teams request, and the Emulator channel lets an activity
name its sender's e-mail. Each attack is made the way an outsider would make it: against the door
nobody asked for, through a reverse proxy on the same host (every request then arrives from
loopback), with a ``serviceUrl`` elsewhere so that the bot posts there, with a real person's e-mail
so that the Emulator's user is linked to them. The app is built by the composition root
(:func:`bot.main.mount_doors`), as ``leavebot serve`` builds it.
"""

from __future__ import annotations

import asyncio
import copy
import ipaddress
import json
import logging
import socket
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from aiohttp import ClientSession, web
from sqlalchemy import Engine, Table, select, update

from bot.delivery import OutboxDelivery
from bot.main import mount_doors
from bot.runtime import Runtime
from bot.server import create_app
from bot.settings import Settings, door_states
from bot.teams import TeamsNotifier
from bot.teams.directory import EMULATOR_PLATFORM, PLATFORM, TeamsDirectory
from core.commands import ApplyLeave
from core.domain.model import RequestStatus
from core.ports import UnitOfWork
from core.ports.chat import ChatStore
from core.service import LeaveService
from core.views import AppliedView
from storage import tables
from tests.integration.teams.conftest import Client, actions, payload, texts
from tests.integration.teams.connector import FakeConnector
from tests.unit.fakes import FixedClock

pytestmark = pytest.mark.asyncio

#: Every table an activity could change.
WATCHED = (tables.leave_requests, tables.approval_decisions, tables.ledger_entries, tables.audit_log, tables.outbox,
           tables.chat_addresses, tables.chat_cards, tables.employees, tables.downloads)
APP_ID = "6f1c2a0e-8d4b-4c1e-9a7f-0b2d3c4e5f60"


@dataclass
class Door:
    client: Client
    runtime: Runtime

    async def deliver(self) -> None:
        """One outbox round, in a worker thread as the server runs it."""
        await asyncio.get_running_loop().run_in_executor(None, self.runtime.delivery.deliver_now)


DoorFactory = Callable[..., Awaitable[Door]]


@pytest.fixture
def open_door(aiohttp_client: Callable[..., Awaitable[Client]], service: LeaveService, engine: Engine,
              uow_factory: Callable[[], UnitOfWork], clock: FixedClock,
              monkeypatch: pytest.MonkeyPatch) -> DoorFactory:
    """The server as ``leavebot serve`` builds it, with the given settings (and no scheduler)."""
    for name in Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)

    async def make(**overrides: Any) -> Door:
        settings = Settings(_env_file=None, enable_scheduled_jobs=False, **overrides)  # type: ignore[call-arg]
        # Rounds only when the test asks: no background round races the test's own.
        runtime = Runtime(service, engine, uow_factory, clock, OutboxDelivery(service, every=3600))
        app = create_app(engine, service=service, doors={key: d.state for key, d in door_states(settings).items()})
        mount_doors(app, runtime, settings)
        client = await aiohttp_client(app)
        # The server starts its delivery thread with one round at once; end it (that round
        # finished) so that every later round is one the test asks for.
        await asyncio.get_running_loop().run_in_executor(None, runtime.delivery.stop)
        return Door(client, runtime)

    return make


@pytest.fixture
def elsewhere() -> Iterator[FakeConnector]:
    """A connector listening on every address of this machine: a call to any non-loopback URL
    below would reach it, so that its silence proves nothing was sent."""
    fake = FakeConnector(host="0.0.0.0")
    fake.start()
    try:
        yield fake
    finally:
        fake.stop()


def emulator_message(service_url: str, email: str, text: str) -> dict[str, Any]:
    """A message as the Bot Framework Emulator sends it, from a user whose name is ``email``."""
    activity = copy.deepcopy(payload("message_personal"))
    activity.update(channelId="emulator", serviceUrl=service_url, text=text)
    activity["from"] = {"id": f"emulator-user-{email}", "name": email}
    activity["conversation"] = {"id": chat_of(email)}
    activity.pop("channelData")
    return activity


def emulator_click(service_url: str, email: str, verb: str, data: dict[str, Any]) -> dict[str, Any]:
    activity = emulator_message(service_url, email, "")
    activity.pop("text")
    activity.update(type="invoke", name="adaptiveCard/action", id="emulator-invoke",
                    value={"action": {"type": "Action.Execute", "verb": verb, "data": data}, "trigger": "manual"})
    return activity


def chat_of(email: str) -> str:
    return f"emulator-chat-{email}"


def contents(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every watched table, to compare before and after an attack.

    Of the outbox only what an event *is* counts: the delivery round the server starts with may
    settle an earlier event's attempts meanwhile, which no attack caused.
    """
    def columns(table: Table) -> Any:
        return select(table.c.id, table.c.name, table.c.payload) if table is tables.outbox else select(table)

    with engine.connect() as connection:
        return {table.name: sorted((tuple(row) for row in connection.execute(columns(table))), key=repr)
                for table in WATCHED}


def rows(engine: Engine, table: Table, *where: Any) -> list[tuple[Any, ...]]:
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(select(table).where(*where))]


def pending_request(service: LeaveService) -> int:
    applied = service.execute("ananya@x.test", ApplyLeave("casual", date(2026, 12, 7), date(2026, 12, 9)), "test")
    assert isinstance(applied, AppliedView)
    return applied.request.id


def same_host_proxy(target: str) -> web.Application:
    """A reverse proxy on this machine, as Caddy or nginx in front of the bot: it forwards every
    request to ``target`` and adds ``X-Forwarded-For`` with the client's address."""

    async def forward(request: web.Request) -> web.Response:
        headers = {name: value for name, value in request.headers.items()
                   if name.lower() not in ("host", "content-length", "transfer-encoding")}
        headers["X-Forwarded-For"] = str(request.remote)
        headers["X-Forwarded-Proto"] = "https"
        async with ClientSession() as session, session.request(request.method, target + request.path_qs,
                                                               data=await request.read(), headers=headers) as answer:
            return web.Response(status=answer.status, body=await answer.read(), content_type=answer.content_type)

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", forward)
    return app


def this_machines_addresses() -> list[str]:
    """This machine's non-loopback IPv4 addresses (the ones a route leads out of), e.g. eth0's."""
    found: set[str] = set()
    for target in ("192.0.2.1", "198.51.100.1", "203.0.113.1", "10.255.255.254"):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            try:
                probe.connect((target, 9))  # UDP: picks the outgoing address, sends nothing
            except OSError:
                continue
            found.add(probe.getsockname()[0])
    return sorted(a for a in found if not ipaddress.ip_address(a).is_loopback and a != "0.0.0.0")


# -- the door nobody asked for ------------------------------------------------------------------------


async def test_without_an_app_id_or_the_emulator_teams_is_not_served(open_door: DoorFactory, connector: FakeConnector,
                                                                     engine: Engine) -> None:
    door = await open_door()
    before = contents(engine)
    attack = emulator_message(connector.url, "hr@x.test", "report 2026-12")
    response = await door.client.post("/api/messages", json=attack)
    assert response.status == 404
    assert contents(engine) == before and connector.recorded() == []
    assert not any(isinstance(n, TeamsNotifier) for n in door.runtime.delivery.notifiers)
    health = await (await door.client.get("/health")).json()
    assert health["checks"]["teams"] == "off"


@pytest.mark.parametrize(("overrides", "state", "line"), [
    ({}, "off", "Teams: off (no MICROSOFT_APP_ID, TEAMS_EMULATOR not set): /api/messages is not served"),
    ({"teams_emulator": True}, "emulator", "Teams: Emulator mode (TEAMS_EMULATOR=true, no MICROSOFT_APP_ID)"),
    ({"microsoft_app_id": APP_ID, "microsoft_app_password": "secret"}, "configured",
     f"Teams: on at /api/messages with Bot Framework authentication for app {APP_ID}"),
    # An app id wins: TEAMS_EMULATOR cannot switch authentication off.
    ({"microsoft_app_id": APP_ID, "microsoft_app_password": "secret", "teams_emulator": True}, "configured",
     f"Teams: on at /api/messages with Bot Framework authentication for app {APP_ID}"),
], ids=["off", "emulator", "configured", "configured-despite-emulator"])
async def test_start_up_says_which_mode_and_health_shows_it(open_door: DoorFactory, connector: FakeConnector,
                                                            caplog: pytest.LogCaptureFixture, overrides: dict[str, Any],
                                                            state: str, line: str) -> None:
    caplog.set_level(logging.INFO)
    door = await open_door(**overrides)
    said = [r.getMessage() for r in caplog.records if r.getMessage().startswith("Teams: ")]
    assert len(said) == 1 and said[0].startswith(line), said
    health = await (await door.client.get("/health")).json()
    assert health["checks"]["teams"] == state
    if state == "configured":  # the Emulator's unauthenticated activity is not let in
        response = await door.client.post("/api/messages", json=emulator_message(connector.url, "hr@x.test", "help"))
        assert response.status == 401 and connector.recorded() == []


# -- the Emulator mode's limits ----------------------------------------------------------------------


async def test_through_a_same_host_proxy_nobody_acts_as_the_hr_admin(
        open_door: DoorFactory, aiohttp_client: Callable[..., Awaitable[Client]], connector: FakeConnector,
        service: LeaveService, engine: Engine) -> None:
    door = await open_door(teams_emulator=True)
    request_id = pending_request(service)
    proxy = await aiohttp_client(same_host_proxy(str(door.client.make_url("")).rstrip("/")))
    attacks = [emulator_message(connector.url, "hr@x.test", "report 2026-12"),
               emulator_click(connector.url, "hr@x.test", "approve", {"requestId": request_id})]
    before = contents(engine)
    for attack in attacks:
        response = await proxy.post("/api/messages", json=attack)
        assert response.status == 403, await response.text()
        for header in ({"Forwarded": "for=203.0.113.50;proto=https"}, {"X-Forwarded-For": "203.0.113.50"},
                       {"X-Real-IP": "203.0.113.50"}, {"Via": "1.1 caddy"}):
            response = await door.client.post("/api/messages", json=attack, headers=header)
            assert response.status == 403, header
            assert "proxy" in (await response.json())["error"]
    assert contents(engine) == before and connector.recorded() == []
    # The same click straight from this machine is the Emulator's, and works: only the proxy was refused.
    response = await door.client.post("/api/messages", json=attacks[1])
    assert response.status == 200
    assert service.list_requests("ananya@x.test")[0].status is RequestStatus.APPROVED


async def test_a_service_url_off_this_machine_is_refused_and_never_called(
        open_door: DoorFactory, connector: FakeConnector, elsewhere: FakeConnector, engine: Engine) -> None:
    door = await open_door(teams_emulator=True)
    reachable = [f"http://0.0.0.0:{elsewhere.port}/", f"http://{socket.gethostname()}:{elsewhere.port}/",
                 *(f"http://{address}:{elsewhere.port}/" for address in this_machines_addresses())]
    before = contents(engine)
    for service_url in [*reachable, "http://203.0.113.5/", "http://example.com/", "https://smba.trafficmanager.net/in/"]:
        attack = emulator_message(service_url, "ananya@x.test", "balance")
        response = await door.client.post("/api/messages", json=attack)
        assert response.status == 403, service_url
        assert "loopback" in (await response.json())["error"]
    assert contents(engine) == before
    assert elsewhere.recorded() == [] and connector.recorded() == []
    # Each of those URLs does reach the listener, so its silence above means nothing was sent.
    async with ClientSession() as session:
        for service_url in reachable:
            async with session.post(f"{service_url}v3/conversations/probe/activities", json={}) as answer:
                assert answer.status == 201
    assert len(elsewhere.recorded()) == len(reachable)


async def test_a_stored_conversation_off_this_machine_is_not_sent_to(
        open_door: DoorFactory, connector: FakeConnector, elsewhere: FakeConnector, service: LeaveService,
        engine: Engine) -> None:
    door = await open_door(teams_emulator=True)
    response = await door.client.post("/api/messages", json=emulator_message(connector.url, "boss@x.test", "help"))
    assert response.status in (200, 201)
    # The stored conversation is changed behind the door's back (a tampered row, an older version's data).
    with engine.begin() as connection:
        key = (tables.chat_addresses.c.platform == EMULATOR_PLATFORM) & (tables.chat_addresses.c.key == "employee:E2")
        stored = json.loads(connection.execute(select(tables.chat_addresses.c.address).where(key)).scalar_one())
        stored["serviceUrl"] = f"http://0.0.0.0:{elsewhere.port}/"
        connection.execute(update(tables.chat_addresses).where(key).values(address=json.dumps(stored)))
    connector.clear()
    request_id = pending_request(service)
    await door.deliver()
    assert elsewhere.recorded() == [] and connector.recorded() == []
    (unreachable,) = [a for a in service.audit_log() if a.action == "notice.unreachable"]
    assert unreachable.request_id == request_id and "loopback" in unreachable.detail


async def test_a_real_persons_email_never_touches_their_teams_link(
        open_door: DoorFactory, connector: FakeConnector, service: LeaveService, engine: Engine,
        chat_store: ChatStore, clock: FixedClock) -> None:
    # Ananya uses Teams for real: linked, and her personal chat with the bot is known.
    assert service.link_by_email("teams", "aad-ananya", "ananya@x.test") is not None
    real_chat = {"channelId": "msteams", "serviceUrl": "https://smba.trafficmanager.net/in/",
                 "conversation": {"id": "a:1personal-ananya", "conversationType": "personal"},
                 "user": {"id": "29:1ananya-mri", "aadObjectId": "aad-ananya"}}
    TeamsDirectory(service, chat_store, clock).remember({"employee:E3": real_chat})
    employees_before = rows(engine, tables.employees)
    teams_before = rows(engine, tables.chat_addresses, tables.chat_addresses.c.platform == PLATFORM)
    door = await open_door(teams_emulator=True)
    for email in ("ananya@x.test", "rahul@x.test"):  # linked already, and never linked
        attack = emulator_message(connector.url, email, "balance")
        attack["from"]["aadObjectId"] = "aad-of-the-emulator"
        response = await door.client.post("/api/messages", json=attack)
        assert response.status in (200, 201)
        (reply,) = connector.sent(chat_of(email))
        assert reply.card is not None and "Balances for" in texts(reply.card)  # the try-out works...
    # ...and nobody's Teams link or Teams chat changed.
    assert rows(engine, tables.employees) == employees_before
    assert rows(engine, tables.chat_addresses, tables.chat_addresses.c.platform == PLATFORM) == teams_before
    assert not [a for a in service.audit_log() if a.action == "identity.link" and a.actor != "ananya@x.test"]
    emulator_keys = {row[1] for row in rows(engine, tables.chat_addresses,
                                            tables.chat_addresses.c.platform == EMULATOR_PLATFORM)}
    assert emulator_keys == {"employee:E3", "employee:E4"}


async def test_the_local_try_out_goes_end_to_end(open_door: DoorFactory, connector: FakeConnector,
                                                 service: LeaveService, engine: Engine) -> None:
    door = await open_door(teams_emulator=True)
    url = connector.url
    assert (await door.client.post("/api/messages", json=emulator_message(url, "boss@x.test", "help"))).status in (
        200, 201)
    applying = emulator_message(url, "ananya@x.test", "apply casual 7 Dec to 9 Dec family visit")
    assert (await door.client.post("/api/messages", json=applying)).status in (200, 201)
    (applied,) = connector.sent(chat_of("ananya@x.test"))
    assert applied.card is not None and "LV-1001" in texts(applied.card)
    connector.clear()

    await door.deliver()
    (asked,) = connector.sent(chat_of("boss@x.test"))
    assert asked.card is not None and asked.activity_id is None  # a new message: the approver's card
    (approve, _reject) = actions(asked.card)
    assert approve["verb"] == "approve"
    response = await door.client.post("/api/messages",
                                      json=emulator_click(url, "boss@x.test", "approve", approve["data"]))
    assert response.status == 200
    assert actions((await response.json())["value"]) == []
    connector.clear()

    await door.deliver()
    (told,) = connector.sent(chat_of("ananya@x.test"))
    assert told.card is not None and "(LV-1001), were approved by" in texts(told.card)
    (updated,) = connector.recorded("PUT")
    assert updated.conversation_id == chat_of("boss@x.test") and updated.activity_id == asked.answer
    assert service.list_requests("ananya@x.test")[0].status is RequestStatus.APPROVED
    # All of it on the Emulator's side: no Teams link, no Teams chat, no Teams card of anyone's.
    assert rows(engine, tables.employees, tables.employees.c.teams_aad_object_id.is_not(None)) == []
    assert rows(engine, tables.chat_addresses, tables.chat_addresses.c.platform == PLATFORM) == []
    assert rows(engine, tables.chat_cards, tables.chat_cards.c.platform == PLATFORM) == []

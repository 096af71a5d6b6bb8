"""Feed tokens stay secret: kept only as hashes, and a feed stops with its owner.

Each test runs against the running server on SQLite and MariaDB: the attacker holds a copy of the
database (a backup, a replica) and looks for working links in it, or keeps using the link of
someone who has left.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from sqlalchemy import Engine, func, select, text

from bot.calendars import mount_feeds
from bot.delivery import OutboxDelivery
from bot.runtime import Runtime
from bot.server import create_app
from core.commands import ApplyLeave, Decide
from core.ports import UnitOfWork
from core.service import LeaveService
from core.views import AppliedView, DecidedView, FeedView
from storage import migrate
from storage import uow as storage_uow
from storage.engine import make_engine
from storage.tables import feed_tokens
from tests.unit.conftest import ORG_CSV, policy_document
from tests.unit.fakes import FixedClock

pytestmark = pytest.mark.asyncio

Client = Callable[..., Any]
#: A token as the server handed them out before they were hashed (``secrets.token_urlsafe(32)``).
OLD_TOKEN = "Q2hhbmdlLW1lLXRoaXMtaXMtYW4tb2xkLWZlZWQtdG9rZW4"


async def _client(aiohttp_client: Client, engine: Engine, service: LeaveService,
                  uow_factory: Callable[[], UnitOfWork], clock: FixedClock) -> Any:
    app = create_app(engine, service=service)
    mount_feeds(app, Runtime(service, engine, uow_factory, clock, OutboxDelivery(service)))
    return await aiohttp_client(app)


def _approve(service: LeaveService, email: str, manager: str, start: date) -> None:
    applied = service.execute(email, ApplyLeave("casual", start, start), "test")
    assert isinstance(applied, AppliedView), applied
    assert isinstance(service.execute(manager, Decide(applied.request.id, True), "test"), DecidedView)


def _feed_rows(engine: Engine) -> list[tuple[Any, ...]]:
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(select(feed_tokens).order_by(feed_tokens.c.created_at))]


async def test_a_plaintext_token_of_an_older_version_is_hashed_in_place_and_its_link_still_works(
        db_url: str, clock: FixedClock, aiohttp_client: Client) -> None:
    engine = make_engine(db_url)
    try:
        migrate.upgrade(engine, "0010")
        with engine.begin() as connection:
            connection.execute(text("INSERT INTO feed_tokens (token, kind, subject, created_at) "
                                    "VALUES (:token, 'employee', 'E3', :at)"), {"token": OLD_TOKEN, "at": clock.now()})
        migrate.upgrade(engine)
        factory = storage_uow.uow_factory(engine)
        service = LeaveService(factory, clock, default_time_zone="Asia/Kolkata")
        service.load_policy(policy_document(), "test")
        service.import_employees(ORG_CSV)
        _approve(service, "ananya@x.test", "boss@x.test", date(2026, 12, 7))

        client = await _client(aiohttp_client, engine, service, factory, clock)
        response = await client.get(f"/calendar/{OLD_TOKEN}.ics")
        assert response.status == 200 and b"BEGIN:VEVENT" in await response.read()

        rows = _feed_rows(engine)
        assert [row[0] for row in rows] == [hashlib.sha256(OLD_TOKEN.encode()).hexdigest()]
        assert not any(OLD_TOKEN in str(value) for row in rows for value in row)
    finally:
        engine.dispose()


async def test_a_new_feed_link_is_shown_once_and_only_its_hash_is_stored(
        service: LeaveService, engine: Engine, uow_factory: Callable[[], UnitOfWork], clock: FixedClock,
        aiohttp_client: Client) -> None:
    view = service.handle_text("ananya@x.test", "/leave feed", "test")
    assert isinstance(view, FeedView)
    token = view.path.removeprefix("/calendar/").removesuffix(".ics")
    rows = _feed_rows(engine)
    assert len(rows) == 1 and not any(token in str(value) for value in rows[0])

    client = await _client(aiohttp_client, engine, service, uow_factory, clock)
    assert (await client.get(view.path)).status == 200
    # The stored value itself is no link.
    assert (await client.get(f"/calendar/{rows[0][0]}.ics")).status == 404


async def test_the_feed_of_someone_who_became_inactive_answers_404_and_shows_nothing(
        service: LeaveService, engine: Engine, uow_factory: Callable[[], UnitOfWork], clock: FixedClock,
        aiohttp_client: Client) -> None:
    _approve(service, "rahul@x.test", "boss@x.test", date(2026, 12, 7))
    view = service.handle_text("rahul@x.test", "/leave feed", "test")
    assert isinstance(view, FeedView)
    client = await _client(aiohttp_client, engine, service, uow_factory, clock)
    assert (await client.get(view.path)).status == 200

    service.import_employees(ORG_CSV.replace("2023-02-01,ACTIVE", "2023-02-01,INACTIVE"))
    rows_before = _feed_rows(engine)
    with engine.connect() as connection:
        audit_before = connection.execute(text("SELECT COUNT(*) FROM audit_log")).scalar()

    response = await client.get(view.path)
    body = await response.text()
    assert response.status == 404 and body == "Not found\n"
    assert response.content_type == "text/plain" and "Rahul" not in body and "Verma" not in body
    assert _feed_rows(engine) == rows_before
    with engine.connect() as connection:
        assert connection.execute(text("SELECT COUNT(*) FROM audit_log")).scalar() == audit_before
        assert connection.execute(select(func.count()).select_from(feed_tokens)).scalar() == 1

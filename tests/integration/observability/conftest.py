"""A serving app wired as ``leavebot serve`` wires it (metrics, request ids), with a door in miniature.

``POST /chat`` does what every door does: it hands what a person typed to the core through
:func:`bot.server.call_core` and answers with the kind of view that came back.
"""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import Any, cast

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import Engine

from bot.observability.context import current_request_id
from bot.observability.logs import log_handler
from bot.observability.metrics import Telemetry
from bot.server import SERVICE, call_core, create_app
from bot.settings import load_settings
from core.ports import UnitOfWorkFactory
from core.service import LeaveService
from storage.uow import uow_factory
from tests.unit.conftest import ORG_CSV, policy_document
from tests.unit.fakes import FixedClock

Client = Callable[[web.Application], Awaitable[TestClient[Any, Any]]]
DOOR = "test"


@dataclass
class Observed:
    telemetry: Telemetry
    uow_factory: UnitOfWorkFactory
    service: LeaveService
    app: web.Application


async def chat(request: web.Request) -> web.Response:
    said = await request.json()
    service = cast(LeaveService, request.app[SERVICE])
    view = await call_core(request.app, service.handle_text, said["as"], said["text"], DOOR)
    return web.json_response({"view": type(view).__name__})


@pytest.fixture
def observed(engine: Engine, clock: FixedClock) -> Observed:
    """The service, its metrics and its app, wired as :func:`bot.main.build_runtime` wires them."""
    telemetry = Telemetry()
    factory = uow_factory(engine, correlation=current_request_id)
    service = LeaveService(factory, clock, default_time_zone="Asia/Kolkata", watch=telemetry.watch)
    telemetry.watch_database(service, clock)
    service.load_policy(policy_document(), "test")
    service.import_employees(ORG_CSV)
    app = create_app(engine, service=service, telemetry=telemetry)
    app.router.add_post("/chat", chat)
    return Observed(telemetry, factory, service, app)


@pytest.fixture
def json_log() -> Iterator[io.StringIO]:
    """Everything logged meanwhile, as the JSON lines ``LOG_FORMAT=json`` writes."""
    stream = io.StringIO()
    handler = log_handler(load_settings(log_format="json"), stream)
    root = logging.getLogger()
    previous = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(previous)


def log_entries(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def samples(text: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    """Every sample of a scrape by (name, labels)."""
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(scraped: dict[tuple[str, frozenset[tuple[str, str]]], float], name: str, **labels: str) -> float:
    """One sample's value; 0 when the series was never written (as Prometheus reads an absent counter)."""
    return scraped.get((name, frozenset(labels.items())), 0.0)

"""The request id: echoed to the caller, and on every log line of the work, wherever it continues."""

from __future__ import annotations

import io
import logging
import re
import threading

import pytest

from bot.observability.context import REQUEST_ID_HEADER
from core.ports import RetryLater
from core.views import Notice
from scheduler.runner import AlwaysLeader, SchedulerRunner
from tests.integration.observability.conftest import Client, Observed, log_entries
from tests.unit.fakes import FixedClock

pytestmark = pytest.mark.asyncio

APPLY = {"as": "ananya@x.test", "text": "apply casual 2026-12-01"}
GENERATED = re.compile(r"[0-9a-f]{32}")


class Throttled:
    """A door that says what it is doing, then asks to be tried again later."""

    name = "slack"

    def __init__(self) -> None:
        self.tried = 0

    def deliver(self, notice: Notice) -> None:
        self.tried += 1
        logging.getLogger("tests.door").info("sending a notice about %s", notice.request.number)
        raise RetryLater("rate limited", after=30)


async def test_a_sane_request_id_is_kept_and_echoed(observed: Observed, aiohttp_client: Client) -> None:
    client = await aiohttp_client(observed.app)
    response = await client.get("/health", headers={REQUEST_ID_HEADER: "lb-7f3a:2026.11.25_1"})
    assert response.headers[REQUEST_ID_HEADER] == "lb-7f3a:2026.11.25_1"


@pytest.mark.parametrize("offered", [None, "two words", "x" * 200, "<script>", "-starts-with-a-dash", "ünïcode"])
async def test_anything_else_gets_a_fresh_id(offered: str | None, observed: Observed, aiohttp_client: Client) -> None:
    client = await aiohttp_client(observed.app)
    headers = {REQUEST_ID_HEADER: offered} if offered is not None else {}
    first = (await client.get("/health", headers=headers)).headers[REQUEST_ID_HEADER]
    second = (await client.get("/health", headers=headers)).headers[REQUEST_ID_HEADER]
    assert GENERATED.fullmatch(first) and GENERATED.fullmatch(second) and first != second


async def test_the_id_follows_a_request_into_the_core_the_outbox_and_the_delivery(
        observed: Observed, clock: FixedClock, aiohttp_client: Client, json_log: io.StringIO) -> None:
    client = await aiohttp_client(observed.app)
    response = await client.post("/chat", json=APPLY, headers={REQUEST_ID_HEADER: "trace-42"})
    assert (await response.json())["view"] == "AppliedView"
    with observed.uow_factory() as uow:
        events = uow.outbox.due(clock.now(), 10)
    assert events and {e.correlation for e in events} == {"trace-42"}
    assert not [e for e in events if "_correlation" in e.event.payload]

    door = Throttled()
    # Later, in the delivery thread, which never saw the request.
    delivery = threading.Thread(target=observed.service.deliver_notices, args=([door],))
    delivery.start()
    delivery.join()
    assert door.tried > 0

    entries = log_entries(json_log)
    sending = [e for e in entries if e["logger"] == "tests.door"]
    problems = [e for e in entries if "rate limited" in e["message"]]
    assert sending and problems
    assert {e["request_id"] for e in sending + problems} == {"trace-42"}


async def test_each_scheduled_job_run_logs_under_an_id_of_its_own(
        observed: Observed, clock: FixedClock, json_log: io.StringIO) -> None:
    runner = SchedulerRunner(observed.service, clock, AlwaysLeader(), {},
                             sleep=lambda seconds: None, jobs=["accrual", "reassign"], watch=observed.telemetry.watch)
    ticking = threading.Thread(target=runner.tick)
    ticking.start()
    ticking.join()
    runs = [e for e in log_entries(json_log) if e["message"].startswith("scheduler: ")]
    assert [e["message"].split()[1] for e in runs] == ["accrual", "reassign"]
    ids = [e["request_id"] for e in runs]
    assert all(GENERATED.fullmatch(i) for i in ids) and len(set(ids)) == 2

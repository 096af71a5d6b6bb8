"""``GET /metrics``: what people asked for and how it went, HTTP latency, the outbox, jobs, calendars."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from bot.server import create_app
from core.ports.calendars import CalendarFailure
from core.views import Notice
from scheduler.runner import AlwaysLeader, SchedulerRunner
from storage.engine import is_sqlite, make_engine
from tests.integration.observability.conftest import DOOR, Client, Observed, samples, value
from tests.unit.fakes import FixedClock

pytestmark = pytest.mark.asyncio

APPLY = {"as": "ananya@x.test", "text": "apply casual 2026-12-01"}


class Accepting:
    """A door that takes every notice."""

    name = "slack"

    def deliver(self, notice: Notice) -> None:
        return None


async def scrape(observed: Observed, aiohttp_client: Client) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    client = await aiohttp_client(observed.app)
    response = await client.get("/metrics")
    assert response.status == 200
    return samples(await response.text())


async def test_commands_are_counted_by_door_command_and_outcome(observed: Observed, aiohttp_client: Client) -> None:
    client = await aiohttp_client(observed.app)
    said = [APPLY, {"as": "ananya@x.test", "text": "balance"}, {"as": "rahul@x.test", "text": "cancel LV-9999"},
            {"as": "rahul@x.test", "text": "fly me to the moon"}]
    views = [(await (await client.post("/chat", json=s)).json())["view"] for s in said]
    assert views[:2] == ["AppliedView", "BalanceView"] and views[2:] == ["RefusalView", "RefusalView"]

    response = await client.get("/metrics")
    assert response.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    scraped = samples(await response.text())
    commands = "leavebot_commands_total"
    assert value(scraped, commands, door=DOOR, command="apply", outcome="ok") == 1
    assert value(scraped, commands, door=DOOR, command="balance", outcome="ok") == 1
    assert value(scraped, commands, door=DOOR, command="cancel", outcome="refused") == 1
    assert value(scraped, commands, door=DOOR, command="unparsed", outcome="refused") == 1
    assert value(scraped, "leavebot_command_duration_seconds_count", door=DOOR, command="apply") == 1
    assert value(scraped, "leavebot_http_requests_total", method="POST", route="/chat", status="200") == 4
    assert value(scraped, "leavebot_http_request_duration_seconds_count", method="POST", route="/chat") == 4


async def test_routes_are_labelled_by_pattern_and_unknown_paths_share_one_label(
        observed: Observed, aiohttp_client: Client) -> None:
    client = await aiohttp_client(observed.app)
    for path in ("/nothing-here", "/wp-admin.php", "/calendar/not-a-token.ics"):
        await client.get(path)
    scraped = samples(await (await client.get("/metrics")).text())
    assert value(scraped, "leavebot_http_requests_total", method="GET", route="unmatched", status="404") == 3
    assert not [labels for name, labels in scraped if ("route", "/wp-admin.php") in labels]


async def test_each_app_counts_in_its_own_registry(observed: Observed, engine: Engine, aiohttp_client: Client) -> None:
    other = await aiohttp_client(create_app(engine))
    await other.get("/health")
    await other.get("/health")
    assert value(samples(await (await other.get("/metrics")).text()), "leavebot_http_requests_total",
                 method="GET", route="/health", status="200") == 2
    mine = await scrape(observed, aiohttp_client)
    assert value(mine, "leavebot_http_requests_total", method="GET", route="/health", status="200") == 0


async def test_outbox_depth_and_age_are_read_at_scrape_time(
        observed: Observed, clock: FixedClock, aiohttp_client: Client) -> None:
    client = await aiohttp_client(observed.app)
    written_at = clock.at
    assert (await (await client.post("/chat", json=APPLY)).json())["view"] == "AppliedView"
    with observed.uow_factory() as uow:
        waiting, _ = uow.outbox.depth()
    assert waiting > 0
    clock.at = written_at + timedelta(seconds=90)

    scraped = samples(await (await client.get("/metrics")).text())
    assert value(scraped, "leavebot_database_scrape_ok") == 1
    assert value(scraped, "leavebot_outbox_depth") == waiting
    assert value(scraped, "leavebot_outbox_oldest_age_seconds") == 90

    report = observed.service.deliver_notices([Accepting()])
    assert report.delivered == waiting
    scraped = samples(await (await client.get("/metrics")).text())
    assert value(scraped, "leavebot_outbox_depth") == 0
    assert value(scraped, "leavebot_outbox_oldest_age_seconds") == 0
    delivered = [v for (name, labels), v in scraped.items()
                 if name == "leavebot_outbox_deliveries_total" and ("outcome", "delivered") in labels]
    assert sum(delivered) == waiting


async def test_calendar_failures_are_counted_per_provider(
        observed: Observed, clock: FixedClock, aiohttp_client: Client) -> None:
    client = await aiohttp_client(observed.app)
    await client.post("/chat", json=APPLY)
    with observed.uow_factory() as uow:
        (request,) = uow.requests.search(employee_ids=["E3"])
        assert request.id is not None
        uow.calendars.fail(CalendarFailure(request.id, "google", "ananya@x.test", "403 forbidden", clock.now()))
        uow.commit()
    scraped = samples(await (await client.get("/metrics")).text())
    assert value(scraped, "leavebot_calendar_sync_failures", provider="google") == 1
    assert value(scraped, "leavebot_calendar_sync_failures", provider="outlook") == 0


async def test_a_database_that_is_gone_leaves_the_other_metrics_scrapable(
        tmp_path: Path, aiohttp_client: Client) -> None:
    gone = make_engine(f"sqlite:///{tmp_path}/no/such/dir/leavebot.db")
    try:
        client = await aiohttp_client(create_app(gone))
        await client.get("/health")
        response = await client.get("/metrics")
        assert response.status == 200
        scraped = samples(await response.text())
        assert value(scraped, "leavebot_database_scrape_ok") == 0
        assert value(scraped, "leavebot_http_requests_total", method="GET", route="/health", status="503") == 1
    finally:
        gone.dispose()


async def test_job_runs_and_failures_are_counted_by_job(
        observed: Observed, engine: Engine, clock: FixedClock, aiohttp_client: Client) -> None:
    """The database refuses to record the accrual run as finished; the reassignment runs as usual."""
    refuse = (
        "CREATE TRIGGER refuse_accrual BEFORE UPDATE ON job_runs FOR EACH ROW WHEN NEW.job = 'accrual' "
        "AND NEW.outcome = 'ok' BEGIN SELECT RAISE(ABORT, 'disk full'); END"
        if is_sqlite(engine) else
        "CREATE TRIGGER refuse_accrual BEFORE UPDATE ON job_runs FOR EACH ROW BEGIN IF NEW.job = 'accrual' "
        "AND NEW.outcome = 'ok' THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'disk full'; END IF; END"
    )
    with engine.begin() as connection:
        connection.execute(text(refuse))
    runner = SchedulerRunner(observed.service, clock, AlwaysLeader(), {},
                             sleep=lambda seconds: None, jobs=["accrual", "reassign"], watch=observed.telemetry.watch)
    report = runner.tick()
    assert [run.job for run in report.runs] == ["reassign"] and len(report.errors) == 1

    scraped = await scrape(observed, aiohttp_client)
    assert value(scraped, "leavebot_job_runs_total", job="accrual", outcome="failed") == 1
    assert value(scraped, "leavebot_job_runs_total", job="accrual", outcome="ok") == 0
    assert value(scraped, "leavebot_job_runs_total", job="reassign", outcome="ok") == 1

"""Approved leave reaches a Google Calendar stand-in exactly once, through outages and cancellations.

Runs on SQLite and MariaDB: the event ids, failures and outbox state live in the database.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.cli.calendar import cmd_calendar_resync, cmd_calendar_status
from bot.delivery import OutboxDelivery
from bot.settings import Settings
from core.commands import ApplyLeave, CancelRequest, Decide
from core.delivery.relay import MAX_ATTEMPTS
from core.domain.model import HalfDay, RequestStatus
from core.ports import UnitOfWork
from core.service import LeaveService
from core.views import AppliedView, DecidedView
from storage.calendars.google import GoogleCalendar
from tests.integration.calendars.conftest import notifier_for
from tests.integration.calendars.stand_in import GoogleStandIn
from tests.unit.fakes import FixedClock

ZONES = {"ananya@x.test": "Asia/Kolkata", "kiran@x.test": "America/New_York", "lena@x.test": "Europe/Berlin"}


def _instant(value: dict[str, str]) -> datetime:
    return datetime.fromisoformat(value["dateTime"]).replace(tzinfo=ZoneInfo(value["timeZone"])).astimezone(UTC)


def test_approval_makes_one_out_of_office_event_per_person_in_their_zone(
        org: LeaveService, approve: Callable[..., int], google: GoogleStandIn, google_gateway: GoogleCalendar,
        uow_factory: Callable[[], UnitOfWork]) -> None:
    for email in ZONES:
        approve(email, date(2026, 12, 7), date(2026, 12, 8))
    notifier = notifier_for(google_gateway, org)
    org.deliver_notices([notifier])
    org.deliver_notices([notifier])  # nothing left to do: no second event
    expected_utc = {"ananya@x.test": datetime(2026, 12, 6, 18, 30, tzinfo=UTC),
                    "kiran@x.test": datetime(2026, 12, 7, 5, 0, tzinfo=UTC),
                    "lena@x.test": datetime(2026, 12, 6, 23, 0, tzinfo=UTC)}
    for email, zone in ZONES.items():
        [event] = google.calls.live(email)
        assert event["eventType"] == "outOfOffice"
        assert event["start"] == {"dateTime": "2026-12-07T00:00:00", "timeZone": zone}
        assert event["end"] == {"dateTime": "2026-12-09T00:00:00", "timeZone": zone}
        assert _instant(event["start"]) == expected_utc[email]
        assert _instant(event["end"]) - _instant(event["start"]) == timedelta(days=2)
        assert event["summary"] == "Out of office"  # the type stays private by default
        assert "declineMessage" in event["outOfOfficeProperties"]
    assert len([c for c in google.calls.api_calls if c[0] == "POST"]) == 3
    with uow_factory() as uow:
        assert uow.calendars.counts() == {"google": 3}


def test_half_day_covers_its_half(org: LeaveService, approve: Callable[..., int], google: GoogleStandIn,
                                  google_gateway: GoogleCalendar) -> None:
    approve("kiran@x.test", date(2026, 12, 9), date(2026, 12, 9), half=HalfDay.FIRST)
    approve("lena@x.test", date(2026, 12, 9), date(2026, 12, 9), half=HalfDay.SECOND)
    org.deliver_notices([notifier_for(google_gateway, org)])
    [morning] = google.calls.live("kiran@x.test")
    assert (morning["start"]["dateTime"], morning["end"]["dateTime"]) == ("2026-12-09T00:00:00", "2026-12-09T13:00:00")
    assert "first half" in morning["summary"]
    [afternoon] = google.calls.live("lena@x.test")
    assert (afternoon["start"]["dateTime"], afternoon["end"]["dateTime"]) == (
        "2026-12-09T13:00:00", "2026-12-10T00:00:00")


def test_cancel_deletes_and_partial_cancel_updates(
        org: LeaveService, approve: Callable[..., int], google: GoogleStandIn, google_gateway: GoogleCalendar,
        uow_factory: Callable[[], UnitOfWork]) -> None:
    notifier = notifier_for(google_gateway, org)
    whole = approve("ananya@x.test", date(2026, 12, 14), date(2026, 12, 15))
    cut = approve("ananya@x.test", date(2026, 12, 7), date(2026, 12, 11))
    org.deliver_notices([notifier])
    assert len(google.calls.live("ananya@x.test")) == 2
    first_id = {e["start"]["dateTime"]: e["id"] for e in google.calls.live("ananya@x.test")}["2026-12-07T00:00:00"]

    org.execute("ananya@x.test", CancelRequest(whole), "test")
    org.execute("ananya@x.test", CancelRequest(cut, date(2026, 12, 9), date(2026, 12, 9)), "test")
    org.deliver_notices([notifier])
    spans = sorted((e["start"]["dateTime"], e["end"]["dateTime"], e["id"]) for e in google.calls.live("ananya@x.test"))
    assert [s[:2] for s in spans] == [("2026-12-07T00:00:00", "2026-12-09T00:00:00"),
                                      ("2026-12-10T00:00:00", "2026-12-12T00:00:00")]
    assert spans[0][2] == first_id  # the first run was updated in place, not made again
    assert ("PUT", f"/calendar/v3/calendars/primary/events/{first_id}") in google.calls.api_calls
    with uow_factory() as uow:
        assert uow.calendars.of(whole, "google") == []
        assert [link.segment for link in uow.calendars.of(cut, "google")] == [0, 1]


def test_outage_then_recovery_leaves_exactly_one_event(
        org: LeaveService, approve: Callable[..., int], google: GoogleStandIn, google_gateway: GoogleCalendar,
        clock: FixedClock) -> None:
    notifier = notifier_for(google_gateway, org)
    approve("lena@x.test", date(2026, 12, 7), date(2026, 12, 8))
    google.calls.fail_next(500)
    first = org.deliver_notices([notifier])
    assert first.retrying == 1
    google.calls.fail_next(429, retry_after="600")
    clock.at += timedelta(minutes=1)
    assert org.deliver_notices([notifier]).retrying == 1
    clock.at += timedelta(minutes=5)
    assert org.deliver_notices([notifier]).retrying == 0  # Retry-After (10 min) not over yet: not tried
    google.calls.lose_answers = 1  # the insert goes through but its answer is lost
    clock.at += timedelta(minutes=10)
    assert org.deliver_notices([notifier]).retrying == 1
    clock.at += timedelta(hours=1)
    assert org.deliver_notices([notifier]).delivered == 1
    assert len(google.calls.live("lena@x.test")) == 1


def test_no_out_of_office_falls_back_to_an_all_day_busy_event(
        org: LeaveService, approve: Callable[..., int], google: GoogleStandIn, google_gateway: GoogleCalendar) -> None:
    google.calls.no_out_of_office.add("rahul@x.test")
    approve("rahul@x.test", date(2026, 12, 7), date(2026, 12, 8))
    org.deliver_notices([notifier_for(google_gateway, org)])
    [event] = google.calls.live("rahul@x.test")
    assert "eventType" not in event
    assert (event["start"], event["end"]) == ({"date": "2026-12-07"}, {"date": "2026-12-09"})


def test_permanent_refusal_is_recorded_not_retried_and_listed(
        org: LeaveService, approve: Callable[..., int], google: GoogleStandIn, google_gateway: GoogleCalendar,
        uow_factory: Callable[[], UnitOfWork], clock: FixedClock, db_url: str,
        google_stand_in: tuple[GoogleStandIn, Path], capsys: pytest.CaptureFixture[str]) -> None:
    google.calls.forbidden.add("kiran@x.test")
    request_id = approve("kiran@x.test", date(2026, 12, 7), date(2026, 12, 8))
    notifier = notifier_for(google_gateway, org)
    report = org.deliver_notices([notifier])
    assert report.retrying == 0 and report.given_up == 0 and "403" in report.errors[0]
    calls = len(google.calls.api_calls)
    for _ in range(3):
        clock.at += timedelta(hours=2)
        org.deliver_notices([notifier])
    assert len(google.calls.api_calls) == calls  # settled as failed: never tried again
    with uow_factory() as uow:
        [failure] = uow.calendars.failures()
        audit = [a.action for a in uow.audit.since()]
    assert (failure.request_id, failure.provider, failure.calendar) == (request_id, "google", "kiran@x.test")
    assert "notice.failed" in audit

    settings = Settings(database_url=db_url, google_service_account_file=google_stand_in[1],
                        google_calendar_api_url=f"{google.url}/calendar/v3/")
    assert cmd_calendar_status(argparse.Namespace(json=False), settings) == 0
    printed = capsys.readouterr().out
    assert "google: configured, 0 events kept" in printed
    assert f"FAILED LV-{1000 + request_id} google kiran@x.test" in printed and "403" in printed


def test_the_approval_neither_fails_nor_waits_for_the_calendar(
        uow_factory: Callable[[], UnitOfWork], clock: FixedClock, google: GoogleStandIn,
        google_gateway: GoogleCalendar) -> None:
    from tests.unit.conftest import ORG_CSV, policy_document

    kicks: list[OutboxDelivery] = []
    service = LeaveService(uow_factory, clock, "Asia/Kolkata", on_change=lambda: kicks[0].kick())
    service.load_policy(policy_document(), "test")
    service.import_employees(ORG_CSV)
    delivery = OutboxDelivery(service, [notifier_for(google_gateway, service)], every=0.2)
    kicks.append(delivery)
    google.calls.delay = 1.5
    google.calls.fail_next(*([503] * MAX_ATTEMPTS))
    delivery.start()
    try:
        applied = service.execute("ananya@x.test", ApplyLeave("casual", date(2026, 12, 7), date(2026, 12, 8)), "t")
        assert isinstance(applied, AppliedView)
        started = time.monotonic()
        decided = service.execute("boss@x.test", Decide(applied.request.id, True), "test")
        assert time.monotonic() - started < 1.0
        assert isinstance(decided, DecidedView) and decided.request.status is RequestStatus.APPROVED
    finally:
        delivery.stop()
    [view] = service.list_requests("ananya@x.test")
    assert view.status is RequestStatus.APPROVED


def test_resync_repairs_an_event_deleted_by_hand(
        org: LeaveService, approve: Callable[..., int], google: GoogleStandIn, google_gateway: GoogleCalendar,
        db_url: str,
        google_stand_in: tuple[GoogleStandIn, Path], capsys: pytest.CaptureFixture[str]) -> None:
    approve("lena@x.test", date(2026, 12, 7), date(2026, 12, 8))
    approve("rahul@x.test", date(2026, 12, 7), date(2026, 12, 8))
    org.deliver_notices([notifier_for(google_gateway, org)])
    for event in google.calls.live("lena@x.test"):
        event["status"] = "cancelled"  # someone deleted it in their calendar
    settings = Settings(database_url=db_url, google_service_account_file=google_stand_in[1],
                        google_calendar_api_url=f"{google.url}/calendar/v3/")
    assert cmd_calendar_resync(argparse.Namespace(employee="lena@x.test"), settings) == 0
    assert "1 request checked: 1 event written" in capsys.readouterr().out
    assert len(google.calls.live("lena@x.test")) == 1
    assert len(google.calls.live("rahul@x.test")) == 1

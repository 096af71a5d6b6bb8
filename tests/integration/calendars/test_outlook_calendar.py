"""Approved leave reaches an HTTPS stand-in of the Microsoft identity platform and Graph, exactly once.

msal runs for real against the stand-in (OpenID discovery, client credentials, its token cache);
the stand-in's throwaway certificate is trusted through ``REQUESTS_CA_BUNDLE`` only.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from core.commands import CancelRequest
from core.domain.model import HalfDay
from core.ports import UnitOfWork
from core.service import LeaveService
from storage.calendars.outlook import OutlookCalendar
from tests.integration.calendars.conftest import notifier_for, outlook_gateway
from tests.integration.calendars.stand_in import MicrosoftStandIn
from tests.unit.fakes import FixedClock

ZONES = {"ananya@x.test": "Asia/Kolkata", "kiran@x.test": "America/New_York", "lena@x.test": "Europe/Berlin"}


def test_approval_makes_one_oof_event_per_person_with_one_token(
        org: LeaveService, approve: Callable[..., int], microsoft: MicrosoftStandIn, outlook: OutlookCalendar) -> None:
    for email in ZONES:
        approve(email, date(2026, 12, 7), date(2026, 12, 8))
    approve("rahul@x.test", date(2026, 12, 9), date(2026, 12, 9), half=HalfDay.SECOND)
    notifier = notifier_for(outlook, org, default="outlook")
    org.deliver_notices([notifier])
    org.deliver_notices([notifier])
    for email, zone in ZONES.items():
        [event] = microsoft.calls.live(email)
        assert (event["showAs"], event["isAllDay"]) == ("oof", True)
        assert event["start"] == {"dateTime": "2026-12-07T00:00:00", "timeZone": zone}
        assert event["end"] == {"dateTime": "2026-12-09T00:00:00", "timeZone": zone}
        assert event["transactionId"]
    [half] = microsoft.calls.live("rahul@x.test")
    assert half["isAllDay"] is False
    assert (half["start"]["dateTime"], half["end"]["dateTime"]) == ("2026-12-09T13:00:00", "2026-12-10T00:00:00")
    assert microsoft.calls.token_calls == 1  # msal's cache serves the other calls


def test_retries_through_throttling_and_lost_answers_make_one_event(
        org: LeaveService, approve: Callable[..., int], microsoft: MicrosoftStandIn, outlook: OutlookCalendar,
        uow_factory: Callable[[], UnitOfWork], clock: FixedClock) -> None:
    notifier = notifier_for(outlook, org, default="outlook")
    approve("kiran@x.test", date(2026, 12, 7), date(2026, 12, 8))
    microsoft.calls.fail_next(503, 429, retry_after="90")
    assert org.deliver_notices([notifier]).retrying == 1
    clock.at += timedelta(minutes=2)
    assert org.deliver_notices([notifier]).retrying == 1
    microsoft.calls.lose_answers = 1  # Graph made the event, the answer never arrived
    clock.at += timedelta(minutes=5)
    assert org.deliver_notices([notifier]).retrying == 1
    clock.at += timedelta(minutes=30)
    org.deliver_notices([notifier])
    assert len(microsoft.calls.live("kiran@x.test")) == 1
    with uow_factory() as uow:
        [request] = uow.requests.search()
        [link] = uow.calendars.of(request.id or 0, "outlook")
    assert link.external_id == microsoft.calls.live("kiran@x.test")[0]["id"]


def test_cancel_deletes_and_partial_cancel_patches(
        org: LeaveService, approve: Callable[..., int], microsoft: MicrosoftStandIn, outlook: OutlookCalendar) -> None:
    notifier = notifier_for(outlook, org, default="outlook")
    whole = approve("lena@x.test", date(2026, 12, 14), date(2026, 12, 15))
    shortened = approve("lena@x.test", date(2026, 12, 7), date(2026, 12, 11))
    org.deliver_notices([notifier])
    assert len(microsoft.calls.live("lena@x.test")) == 2
    org.execute("lena@x.test", CancelRequest(whole), "test")
    org.execute("lena@x.test", CancelRequest(shortened, date(2026, 12, 10), date(2026, 12, 11)), "test")
    org.deliver_notices([notifier])
    [event] = microsoft.calls.live("lena@x.test")
    assert (event["start"]["dateTime"], event["end"]["dateTime"]) == ("2026-12-07T00:00:00", "2026-12-10T00:00:00")
    assert any(method == "PATCH" for method, _ in microsoft.calls.api_calls)
    assert any(method == "DELETE" for method, _ in microsoft.calls.api_calls)


def test_forbidden_mailbox_and_bad_secret_are_recorded_not_retried(
        org: LeaveService, approve: Callable[..., int], microsoft: MicrosoftStandIn,
        uow_factory: Callable[[], UnitOfWork], clock: FixedClock) -> None:
    microsoft.calls.forbidden.add("ananya@x.test")
    refused = approve("ananya@x.test", date(2026, 12, 7), date(2026, 12, 8))
    report = org.deliver_notices([notifier_for(outlook_gateway(microsoft), org, "outlook")])
    assert report.retrying == 0 and "403" in report.errors[0]

    approve("rahul@x.test", date(2026, 12, 7), date(2026, 12, 8))
    wrong = notifier_for(outlook_gateway(microsoft, secret="wrong"), org, "outlook")
    report = org.deliver_notices([wrong])
    assert report.retrying == 0 and "invalid_client" in report.errors[0]
    clock.at += timedelta(hours=3)
    calls = len(microsoft.calls.api_calls)
    org.deliver_notices([wrong])
    assert len(microsoft.calls.api_calls) == calls
    with uow_factory() as uow:
        failures = {f.calendar: f for f in uow.calendars.failures()}
    assert set(failures) == {"ananya@x.test", "rahul@x.test"}
    assert failures["ananya@x.test"].request_id == refused

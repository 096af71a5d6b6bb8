"""Calendars through the service on the in-memory stores: who is synced where, what a notice does,
what a resync repairs and reports, and the feed links HR makes and revokes."""

from __future__ import annotations

from datetime import date

import pytest

from bot.calendars.notifier import CalendarNotifier
from core.commands import ApplyLeave, CancelRequest, Decide
from core.errors import LeaveError
from core.ports import DeliveryFailed, RetryLater
from core.ports.calendars import CalendarEntry
from core.service import LeaveService
from core.views import AppliedView
from tests.unit.conftest import policy_document
from tests.unit.fakes import FakeStore


class Recording:
    """A gateway that keeps events in memory, as a provider would; it raises ``refusals[calendar]``
    for the calendars named there."""

    def __init__(self, name: str, refusals: dict[str, Exception] | None = None) -> None:
        self.name = name
        self.events: dict[tuple[str, str], CalendarEntry] = {}
        self.refusals = refusals or {}

    def upsert(self, calendar: str, entry: CalendarEntry, external_id: str | None) -> str:
        if calendar in self.refusals:
            raise self.refusals[calendar]
        self.events[(calendar, entry.key)] = entry
        return entry.key

    def delete(self, calendar: str, external_id: str) -> None:
        self.events.pop((calendar, external_id), None)


def _approved(service: LeaveService, email: str = "ananya@x.test", approver: str = "boss@x.test") -> int:
    applied = service.execute(email, ApplyLeave("casual", date(2026, 12, 7), date(2026, 12, 8)), "test")
    assert isinstance(applied, AppliedView)
    service.execute(approver, Decide(applied.request.id, True), "test")
    return applied.request.id


def test_each_provider_syncs_only_its_people(service: LeaveService) -> None:
    document = policy_document()
    document["calendar"] = {"providers": {"rahul@x.test": "outlook"}}
    service.load_policy(document, "test")
    google, outlook = Recording("google"), Recording("outlook")
    targets = [CalendarNotifier(google, service, "google"), CalendarNotifier(outlook, service, "google")]
    _approved(service)
    _approved(service, "rahul@x.test")
    service.deliver_notices(targets)
    assert [calendar for calendar, _ in google.events] == ["ananya@x.test"]
    assert [calendar for calendar, _ in outlook.events] == ["rahul@x.test"]


def test_without_a_configured_provider_nothing_is_synced(service: LeaveService) -> None:
    google = Recording("google")
    _approved(service)
    report = service.deliver_notices([CalendarNotifier(google, service, None)])
    assert google.events == {} and report.errors == [] and report.retrying == 0


def test_a_cancel_removes_what_an_approval_made(service: LeaveService, store: FakeStore) -> None:
    google = Recording("google")
    target = CalendarNotifier(google, service, "google")
    request_id = _approved(service)
    service.deliver_notices([target])
    assert len(google.events) == 1
    service.execute("ananya@x.test", CancelRequest(request_id), "test")
    service.deliver_notices([target])
    assert google.events == {}
    with store() as uow:
        assert uow.calendars.of(request_id, "google") == []


def test_a_resync_repairs_lists_refusals_for_the_status_and_names_what_to_retry(service: LeaveService) -> None:
    _approved(service)
    rahul = _approved(service, "rahul@x.test")
    kiran = _approved(service, "kiran@x.test", approver="ananya@x.test")
    google = Recording("google", {"rahul@x.test": DeliveryFailed("403 forbidden"),
                                  "kiran@x.test": RetryLater("503 unavailable")})
    done = service.resync_calendars([google], "google")
    assert (done.checked, done.written, done.removed) == (3, 1, 0)
    assert done.refused == (f"LV-{1000 + rahul} rahul@x.test: 403 forbidden",)
    assert done.later == (f"LV-{1000 + kiran} google: try again later: 503 unavailable",)
    assert [calendar for calendar, _ in google.events] == ["ananya@x.test"]
    status = service.calendar_status()
    assert status.events == {"google": 1, "outlook": 0}
    [failure] = status.failures
    assert (failure.request, failure.provider, failure.employee) == (f"LV-{1000 + rahul}", "google", "rahul@x.test")

    google.refusals.clear()
    again = service.resync_calendars([google], "google", "Rahul@X.test")
    assert (again.checked, again.written, again.refused) == (1, 1, ())
    assert service.calendar_status().failures == ()  # repaired: no longer listed


def test_a_resync_of_someone_unknown_is_refused(service: LeaveService) -> None:
    with pytest.raises(LeaveError, match=r"nobody@x\.test"):
        service.resync_calendars([Recording("google")], "google", "nobody@x.test")


def test_a_feed_link_serves_until_revoked_by_its_token_or_its_link(service: LeaveService) -> None:
    _approved(service)
    path = service.create_feed(department="Engineering")
    token = path.removeprefix("/calendar/").removesuffix(".ics")
    feed = service.feed(token)
    assert feed is not None and feed.name == "Leave: Engineering"
    assert [item.title for item in feed.items] == ["Ananya Iyer: Out of office"]
    assert service.revoke_feed(f"https://leave.example.com{path}")
    assert service.feed(token) is None
    assert not service.revoke_feed(token)
    own = service.create_feed(employee_email="rahul@x.test")
    assert service.revoke_feed(own.removeprefix("/calendar/").removesuffix(".ics"))


def test_a_feed_link_needs_someone_known_or_a_department(service: LeaveService) -> None:
    with pytest.raises(LeaveError, match=r"nobody@x\.test"):
        service.create_feed(employee_email="nobody@x.test")
    with pytest.raises(LeaveError, match="Nowhere"):
        service.create_feed(department="Nowhere")
    with pytest.raises(LeaveError, match="employee or the department"):
        service.create_feed()

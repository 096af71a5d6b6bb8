"""The calendar target on the in-memory stores: who is synced where, and what a notice does."""

from __future__ import annotations

from datetime import date

from bot.calendars.notifier import CalendarNotifier
from core.commands import ApplyLeave, CancelRequest, Decide
from core.ports.calendars import CalendarEntry
from core.service import LeaveService
from core.views import AppliedView
from tests.unit.conftest import policy_document
from tests.unit.fakes import FakeStore, FixedClock


class Recording:
    """A gateway that keeps events in memory, as a provider would."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.events: dict[tuple[str, str], CalendarEntry] = {}

    def upsert(self, calendar: str, entry: CalendarEntry, external_id: str | None) -> str:
        self.events[(calendar, entry.key)] = entry
        return entry.key

    def delete(self, calendar: str, external_id: str) -> None:
        self.events.pop((calendar, external_id), None)


def _approved(service: LeaveService, email: str = "ananya@x.test") -> int:
    applied = service.execute(email, ApplyLeave("casual", date(2026, 12, 7), date(2026, 12, 8)), "test")
    assert isinstance(applied, AppliedView)
    service.execute("boss@x.test", Decide(applied.request.id, True), "test")
    return applied.request.id


def test_each_provider_syncs_only_its_people(service: LeaveService, store: FakeStore, clock: FixedClock) -> None:
    document = policy_document()
    document["calendar"] = {"providers": {"rahul@x.test": "outlook"}}
    service.load_policy(document, "test")
    google, outlook = Recording("google"), Recording("outlook")
    targets = [CalendarNotifier(google, store, clock, "google"), CalendarNotifier(outlook, store, clock, "google")]
    _approved(service)
    _approved(service, "rahul@x.test")
    service.deliver_notices(targets)
    assert [calendar for calendar, _ in google.events] == ["ananya@x.test"]
    assert [calendar for calendar, _ in outlook.events] == ["rahul@x.test"]


def test_without_a_configured_provider_nothing_is_synced(service: LeaveService, store: FakeStore,
                                                         clock: FixedClock) -> None:
    google = Recording("google")
    _approved(service)
    report = service.deliver_notices([CalendarNotifier(google, store, clock, None)])
    assert google.events == {} and report.errors == [] and report.retrying == 0


def test_a_cancel_removes_what_an_approval_made(service: LeaveService, store: FakeStore, clock: FixedClock) -> None:
    google = Recording("google")
    target = CalendarNotifier(google, store, clock, "google")
    request_id = _approved(service)
    service.deliver_notices([target])
    assert len(google.events) == 1
    service.execute("ananya@x.test", CancelRequest(request_id), "test")
    service.deliver_notices([target])
    assert google.events == {}
    with store() as uow:
        assert uow.calendars.of(request_id, "google") == []

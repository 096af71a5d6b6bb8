"""The pure calendar rules: runs of days, event times and ids, privacy, and who syncs where."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from core.calendars.entries import desired_entries, event_key, segments, visible_title
from core.domain.model import HalfDay, LeaveRequest, RequestStatus
from core.errors import PolicyError
from core.policy.calendar import CalendarPolicy, parse_calendar_policy, provider_for
from core.policy.rules import parse_policy
from core.service import LeaveService
from core.views import FeedView
from tests.unit.conftest import ORG_CSV, policy_document
from tests.unit.fakes import FakeStore, FixedClock

CREATED = datetime(2026, 11, 25, 4, 30, tzinfo=UTC)


def _request(start: date, end: date, half: HalfDay | None = None, status: RequestStatus = RequestStatus.APPROVED,
             cancelled: frozenset[date] = frozenset()) -> LeaveRequest:
    return LeaveRequest("E3", "casual", start, end, Decimal(1), status, CREATED, half=half, id=7,
                        cancelled_dates=cancelled)


def test_segments_split_around_cancelled_days() -> None:
    assert segments(date(2026, 12, 7), date(2026, 12, 11), [date(2026, 12, 9)]) == [
        (date(2026, 12, 7), date(2026, 12, 8)), (date(2026, 12, 10), date(2026, 12, 11))]
    assert segments(date(2026, 12, 7), date(2026, 12, 8), [date(2026, 12, 7), date(2026, 12, 8)]) == []
    assert segments(date(2026, 12, 7), date(2026, 12, 7), []) == [(date(2026, 12, 7), date(2026, 12, 7))]


def test_event_keys_are_stable_google_ids_distinct_per_segment_and_request() -> None:
    key = event_key(7, CREATED, 0)
    assert re.fullmatch(r"[a-v0-9]{5,1024}", key)
    assert key == event_key(7, CREATED, 0)
    assert len({key, event_key(7, CREATED, 1), event_key(8, CREATED, 0),
                event_key(7, datetime(2026, 1, 1, tzinfo=UTC), 0)}) == 4


def test_whole_days_run_midnight_to_midnight_and_halves_split_at_one() -> None:
    [whole] = desired_entries(_request(date(2026, 12, 7), date(2026, 12, 8)), "Europe/Berlin", "Casual leave",
                              frozenset()).values()
    assert (whole.starts_at(), whole.ends_at()) == (datetime(2026, 12, 7), datetime(2026, 12, 9))
    assert whole.time_zone == "Europe/Berlin" and "Wed 09 Dec 2026" in whole.decline_message
    [first] = desired_entries(_request(date(2026, 12, 9), date(2026, 12, 9), HalfDay.FIRST), "UTC", "Casual leave",
                              frozenset()).values()
    assert (first.starts_at(), first.ends_at()) == (datetime(2026, 12, 9), datetime(2026, 12, 9, 13))
    [second] = desired_entries(_request(date(2026, 12, 9), date(2026, 12, 9), HalfDay.SECOND), "UTC", "Casual",
                               frozenset()).values()
    assert (second.starts_at(), second.ends_at()) == (datetime(2026, 12, 9, 13), datetime(2026, 12, 10))


def test_only_approved_requests_call_for_events() -> None:
    for status in (RequestStatus.PENDING, RequestStatus.REJECTED, RequestStatus.CANCELLED):
        assert desired_entries(_request(date(2026, 12, 7), date(2026, 12, 8), status=status), "UTC", "Casual",
                               frozenset()) == {}
    cut = _request(date(2026, 12, 7), date(2026, 12, 11), cancelled=frozenset({date(2026, 12, 9)}))
    assert [(e.first, e.last) for e in desired_entries(cut, "UTC", "Casual", frozenset()).values()] == [
        (date(2026, 12, 7), date(2026, 12, 8)), (date(2026, 12, 10), date(2026, 12, 11))]


def test_titles_are_private_unless_the_policy_shows_the_type() -> None:
    public = frozenset({"casual"})
    assert visible_title("sick", "Sick leave", None, frozenset()) == "Out of office"
    assert visible_title("sick", "Sick leave", None, public) == "Out of office"
    assert visible_title("casual", "Casual leave", HalfDay.FIRST, public) == "Out of office: Casual leave (first half)"
    assert visible_title("sick", "Sick leave", None, frozenset(), private=False) == "Sick leave"


def test_provider_overrides_by_person_then_domain_then_default() -> None:
    policy = parse_calendar_policy({"providers": {"ops.example": "outlook", "Ana@Ops.Example": "none",
                                                  "bo@ops.example": "google"}})
    assert provider_for("x@example.com", policy, "google") == "google"
    assert provider_for("x@ops.example", policy, "google") == "outlook"
    assert provider_for("ana@ops.example", policy, "google") is None
    assert provider_for("bo@ops.example", policy, None) == "google"
    assert provider_for("x@example.com", CalendarPolicy(), None) is None


def test_the_policy_section_is_optional_and_checked() -> None:
    assert parse_policy(policy_document()).calendar == CalendarPolicy()
    document = policy_document()
    document["calendar"] = {"show_type": ["casual"], "providers": {"x.test": "outlook"}}
    assert parse_policy(document).calendar.show_type == frozenset({"casual"})
    assert parse_policy(document).privacy.public_types == frozenset({"casual"})  # the older spelling still counts
    with pytest.raises(PolicyError, match=r"calendar\.providers\.x\.test"):
        parse_calendar_policy({"providers": {"x.test": "yahoo"}})
    with pytest.raises(PolicyError, match="calendar"):
        parse_calendar_policy({"colours": 1})


def test_the_feed_reply_carries_the_full_link_when_the_service_knows_the_public_url() -> None:
    store = FakeStore()
    service = LeaveService(store, FixedClock(datetime(2026, 11, 23, 4, tzinfo=UTC)), default_time_zone="Asia/Kolkata",
                           public_url="https://leave.example.com/")
    service.load_policy(policy_document(), "test")
    service.import_employees(ORG_CSV)
    view = service.handle_text("ananya@x.test", "/leave feed", "test")
    assert isinstance(view, FeedView) and view.path.startswith("/calendar/")
    assert view.url == "https://leave.example.com" + view.path

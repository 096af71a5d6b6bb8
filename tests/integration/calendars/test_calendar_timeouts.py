"""A calendar provider that never answers costs the relay's worker one time-out, then a later retry."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from core.ports import RetryLater
from core.ports.calendars import CalendarEntry
from storage.calendars.google import GoogleCalendar
from storage.calendars.outlook import OutlookCalendar
from tests.integration.calendars.stand_in import (
    CLIENT_ID,
    CLIENT_SECRET,
    TENANT,
    GoogleStandIn,
    MicrosoftStandIn,
    rsa_key,
    service_account_file,
)

TIMEOUT_SECONDS = 0.3
ENTRY = CalendarEntry(key="lv1s0", segment=0, title="Out of office", first=date(2026, 12, 7), last=date(2026, 12, 7),
                      half=None, time_zone="Asia/Kolkata", decline_message="On leave")


def test_google_calendar_api_that_never_answers(google_stand_in: tuple[GoogleStandIn, Path], silent: str) -> None:
    _server, account = google_stand_in
    gateway = GoogleCalendar(account, f"{silent}/calendar/v3/", timeout=TIMEOUT_SECONDS)
    with pytest.raises(RetryLater, match="ReadTimeout"):
        gateway.upsert("ananya@x.test", ENTRY, None)


def test_google_token_endpoint_that_never_answers(tmp_path: Path, google: GoogleStandIn, silent: str) -> None:
    account = service_account_file(tmp_path, rsa_key(), f"{silent}/token")
    gateway = GoogleCalendar(account, f"{google.url}/calendar/v3/", timeout=TIMEOUT_SECONDS)
    with pytest.raises(RetryLater, match="Google token"):
        gateway.delete("ananya@x.test", "lv1s0")
    assert google.calls.api_calls == []


def test_graph_that_never_answers(microsoft: MicrosoftStandIn, silent: str) -> None:
    gateway = OutlookCalendar(TENANT, CLIENT_ID, CLIENT_SECRET, f"{microsoft.url}/", f"{silent}/v1.0/",
                              timeout=TIMEOUT_SECONDS)
    with pytest.raises(RetryLater, match="ReadTimeout"):
        gateway.upsert("ananya@x.test", ENTRY, None)


def test_microsoft_login_that_never_answers(silent: str) -> None:
    """msal, which makes its own calls, is held to the time-out too (msal only takes https authorities)."""
    login = silent.replace("http://", "https://")
    gateway = OutlookCalendar(TENANT, CLIENT_ID, CLIENT_SECRET, f"{login}/", f"{silent}/v1.0/",
                              timeout=TIMEOUT_SECONDS)
    with pytest.raises(RetryLater, match="Graph token: ReadTimeout"):
        gateway.delete("ananya@x.test", "event-1")

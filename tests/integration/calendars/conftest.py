"""Fixtures: the Google and Microsoft stand-ins, the gateways pointed at them, and a small org in
three time zones (Kolkata, New York, Berlin) on SQLite and MariaDB."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization

from bot.calendars.notifier import CalendarNotifier
from core.commands import ApplyLeave, Decide
from core.service import LeaveService
from core.views import AppliedView, DecidedView
from storage.calendars.google import GoogleCalendar
from storage.calendars.outlook import OutlookCalendar
from tests.integration.calendars.stand_in import (
    CLIENT_ID,
    CLIENT_SECRET,
    TENANT,
    GoogleStandIn,
    MicrosoftStandIn,
    rsa_key,
    self_signed,
    serve,
    service_account_file,
)

BERLIN = (
    "employee_id,email,first_name,last_name,manager_email,role,department,location,country,joining_date,status,"
    "time_zone\nE6,lena@x.test,Lena,Roth,boss@x.test,EMPLOYEE,Engineering,Bengaluru,INDIA,2021-01-04,ACTIVE,"
    "Europe/Berlin\n"
)


@pytest.fixture
def org(service: LeaveService) -> LeaveService:
    """The integration org plus Lena in Berlin; Kiran (New York) reports to Ananya (Kolkata)."""
    service.import_employees(BERLIN)
    return service


@pytest.fixture
def google_stand_in(tmp_path: Path) -> Iterator[tuple[GoogleStandIn, Path]]:
    key = rsa_key()
    public = key.public_key().public_bytes(serialization.Encoding.PEM,
                                           serialization.PublicFormat.SubjectPublicKeyInfo)
    server = GoogleStandIn(public)
    serve(server)
    try:
        yield server, service_account_file(tmp_path, key, f"{server.url}/token")
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def google(google_stand_in: tuple[GoogleStandIn, Path]) -> GoogleStandIn:
    return google_stand_in[0]


@pytest.fixture
def google_gateway(google_stand_in: tuple[GoogleStandIn, Path]) -> GoogleCalendar:
    server, account = google_stand_in
    return GoogleCalendar(account, f"{server.url}/calendar/v3/")


@pytest.fixture
def microsoft(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[MicrosoftStandIn]:
    """The HTTPS stand-in; its certificate is trusted through the standard CA-bundle variables."""
    cert, key = self_signed(tmp_path)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(cert))
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    server = MicrosoftStandIn(cert, key)
    serve(server)
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def outlook_gateway(server: MicrosoftStandIn, secret: str = CLIENT_SECRET) -> OutlookCalendar:
    return OutlookCalendar(TENANT, CLIENT_ID, secret, f"{server.url}/", f"{server.url}/v1.0/")


@pytest.fixture
def outlook(microsoft: MicrosoftStandIn) -> OutlookCalendar:
    return outlook_gateway(microsoft)


Approve = Callable[[str, str, date, date], int]


@pytest.fixture
def approve(org: LeaveService) -> Callable[..., int]:
    """Apply as ``email`` and have the manager approve; the request's id."""
    managers = {"ananya@x.test": "boss@x.test", "rahul@x.test": "boss@x.test", "lena@x.test": "boss@x.test",
                "kiran@x.test": "ananya@x.test"}

    def run(email: str, start: date, end: date, leave_type: str = "casual", half: object = None) -> int:
        applied = org.execute(email, ApplyLeave(leave_type, start, end, half=half), "test")  # type: ignore[arg-type]
        assert isinstance(applied, AppliedView), applied
        decided = org.execute(managers[email], Decide(applied.request.id, True), "test")
        assert isinstance(decided, DecidedView), decided
        return applied.request.id

    return run


def notifier_for(gateway: GoogleCalendar | OutlookCalendar, service: LeaveService,
                 default: str = "google") -> CalendarNotifier:
    return CalendarNotifier(gateway, service, default)

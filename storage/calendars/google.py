"""Google Calendar through a service account with domain-wide delegation.

The service account acts as each employee in turn (``with_subject``) on their ``primary``
calendar, with the ``calendar.events`` scope only. Tokens are fetched and refreshed by google-auth
in the caller's thread, which is the outbox relay's worker, never the event loop; each
employee's credentials are kept so that a token is reused until it expires.

Out-of-office events must be timed (Google refuses all-day ones), so they run from local midnight
to local midnight. Accounts without out-of-office (consumer accounts, some editions) answer 400;
the event is then written as an ordinary busy event, all day for whole days. The event id is
supplied by us (:func:`core.calendars.entries.event_key`): a retried insert gets 409 and becomes an update,
so an outage in the middle of an insert never leaves two events.
"""

from __future__ import annotations

import json
import threading
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import requests
from google.auth.exceptions import RefreshError, TransportError
from google.auth.transport.requests import Request
from google.oauth2 import service_account

from core.ports import DeliveryFailed, RetryLater
from core.ports.calendars import CalendarEntry
from storage.calendars.http import DEFAULT_TIMEOUT_SECONDS, check, send

SCOPE = "https://www.googleapis.com/auth/calendar.events"
CALENDAR = "calendars/primary/events"


class _TimedRequest(Request):
    """google-auth's transport with our time-out instead of its two minutes."""

    def __init__(self, session: requests.Session, timeout: float) -> None:
        super().__init__(session)
        self._timeout = timeout

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        kwargs["timeout"] = self._timeout
        return super().__call__(*args, **kwargs)


class GoogleCalendar:
    """:class:`core.ports.calendars.CalendarGateway` for Google Workspace."""

    name = "google"

    def __init__(self, service_account_file: Path, api_url: str, session: requests.Session | None = None,
                 timeout: float = DEFAULT_TIMEOUT_SECONDS) -> None:
        info = json.loads(Path(service_account_file).read_text(encoding="utf-8"))
        self._account = service_account.Credentials.from_service_account_info(info, scopes=[SCOPE])
        self._base = api_url.rstrip("/") + "/"
        self._session = session or requests.Session()
        self._timeout = timeout
        self._people: dict[str, service_account.Credentials] = {}
        self._lock = threading.Lock()

    def upsert(self, calendar: str, entry: CalendarEntry, external_id: str | None) -> str:
        if external_id:
            found = self._write(calendar, "PUT", f"{CALENDAR}/{quote(external_id)}", entry, missing_ok=True)
            if found is not None:
                return found
        created = self._write(calendar, "POST", CALENDAR, entry, missing_ok=False, duplicate_ok=True)
        if created is not None:
            return created
        # 409: the id exists (an earlier try went through, or the event was deleted by hand).
        updated = self._write(calendar, "PUT", f"{CALENDAR}/{entry.key}", entry, missing_ok=False)
        assert updated is not None
        return updated

    def delete(self, calendar: str, external_id: str) -> None:
        response = send(self._session, "DELETE", self._base + f"{CALENDAR}/{quote(external_id)}",
                        "Google delete", self._timeout, headers=self._headers(calendar))
        if response.status_code in (404, 410):
            return  # already gone
        check(response, "Google delete")

    def _write(self, calendar: str, method: str, path: str, entry: CalendarEntry, missing_ok: bool,
               duplicate_ok: bool = False) -> str | None:
        """Write the event as out-of-office, or as busy where that is refused; its id, or None
        for a 404/410 (``missing_ok``) or 409 (``duplicate_ok``)."""
        what = f"Google {method} {entry.key}"
        for out_of_office in (True, False):
            response = send(self._session, method, self._base + path, what, self._timeout,
                            headers=self._headers(calendar), json=event_body(entry, out_of_office))
            if response.status_code == 400 and out_of_office:
                continue
            if (missing_ok and response.status_code in (404, 410)) or (duplicate_ok and response.status_code == 409):
                return None
            check(response, what)
            return str(response.json()["id"])
        raise DeliveryFailed(f"{what}: refused")  # pragma: no cover - the loop always returns or raises

    def _headers(self, calendar: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self._token(calendar)}"}

    def _token(self, calendar: str) -> str:
        with self._lock:
            credentials = self._people.get(calendar)
            if credentials is None:
                credentials = self._people[calendar] = self._account.with_subject(calendar)
        if not credentials.valid:
            try:
                credentials.refresh(_TimedRequest(self._session, self._timeout))
            except TransportError as error:
                raise RetryLater(f"Google token: {error}") from error
            except RefreshError as error:
                if getattr(error, "retryable", False):
                    raise RetryLater(f"Google token: {error}") from error
                raise DeliveryFailed(f"Google token for {calendar}: {error}") from error
        return str(credentials.token)


def event_body(entry: CalendarEntry, out_of_office: bool = True) -> dict[str, Any]:
    """The Calendar API event: out-of-office and timed, or busy (all day for whole days)."""
    body: dict[str, Any] = {"id": entry.key, "summary": entry.title, "transparency": "opaque",
                            "reminders": {"useDefault": False}}
    if out_of_office:
        body["eventType"] = "outOfOffice"
        body["outOfOfficeProperties"] = {"autoDeclineMode": "declineAllConflictingInvitations",
                                         "declineMessage": entry.decline_message}
    if out_of_office or entry.half is not None:
        body["start"] = {"dateTime": entry.starts_at().isoformat(), "timeZone": entry.time_zone}
        body["end"] = {"dateTime": entry.ends_at().isoformat(), "timeZone": entry.time_zone}
    else:
        body["start"] = {"date": entry.first.isoformat()}
        body["end"] = {"date": (entry.last + timedelta(days=1)).isoformat()}
    return body

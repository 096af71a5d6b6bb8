"""Outlook / Microsoft 365 calendars through Microsoft Graph, with application permissions.

msal's client-credentials flow gets one token for the whole tenant (``Calendars.ReadWrite``
application permission) and keeps it in the application's token cache, so a token is fetched
again only when it expires. Everything runs in the caller's thread (the outbox relay's worker).

Events are ``showAs: oof`` in the employee's time zone, all day for whole days. Each creation
carries a ``transactionId`` derived from the request, which Graph uses to recognise a retried
POST, so an outage between Graph's commit and our reading of the answer never leaves two events.
"""

from __future__ import annotations

import threading
from typing import Any
from urllib.parse import quote, urlsplit

import msal
import requests

from core.ports import DeliveryFailed, RetryLater
from core.ports.calendars import CalendarEntry
from storage.calendars.http import DEFAULT_TIMEOUT_SECONDS, TimedSession, check, send

#: msal's errors that no retry can fix: wrong secret, app not consented, unknown tenant.
PERMANENT_TOKEN_ERRORS = frozenset({"invalid_client", "unauthorized_client", "invalid_request", "invalid_scope",
                                    "invalid_grant"})


class OutlookCalendar:
    """:class:`core.ports.calendars.CalendarGateway` for Exchange Online."""

    name = "outlook"

    def __init__(self, tenant_id: str, client_id: str, client_secret: str, authority_url: str, api_url: str,
                 session: requests.Session | None = None, timeout: float = DEFAULT_TIMEOUT_SECONDS) -> None:
        self._authority = authority_url.rstrip("/") + "/" + tenant_id
        self._client_id = client_id
        self._secret = client_secret
        self._base = api_url.rstrip("/") + "/"
        parts = urlsplit(self._base)
        # The resource is the Graph host configured (graph.microsoft.com, or a national cloud's).
        self._scope = f"{parts.scheme}://{parts.netloc}/.default"
        self._session = session or requests.Session()
        self._timeout = timeout
        self._app: msal.ConfidentialClientApplication | None = None
        self._lock = threading.Lock()

    def upsert(self, calendar: str, entry: CalendarEntry, external_id: str | None) -> str:
        events = f"users/{quote(calendar)}/events"
        body = event_body(entry)
        if external_id:
            response = self._call("PATCH", f"{events}/{quote(external_id)}", f"Graph update {entry.key}",
                                  json={k: v for k, v in body.items() if k != "transactionId"})
            if response.status_code != 404:
                check(response, f"Graph update {entry.key}")
                return str(response.json()["id"])
        response = self._call("POST", events, f"Graph create {entry.key}", json=body)
        check(response, f"Graph create {entry.key}")
        return str(response.json()["id"])

    def delete(self, calendar: str, external_id: str) -> None:
        response = self._call("DELETE", f"users/{quote(calendar)}/events/{quote(external_id)}", "Graph delete")
        if response.status_code in (404, 410):
            return
        check(response, "Graph delete")

    def _call(self, method: str, path: str, what: str, **kwargs: Any) -> requests.Response:
        headers = {"Authorization": f"Bearer {self._token()}"}
        return send(self._session, method, self._base + path, what, self._timeout, headers=headers, **kwargs)

    def _token(self) -> str:
        try:
            with self._lock:
                if self._app is None:
                    # The authority comes from our own configuration, so msal need not check it
                    # against Microsoft's list of clouds (a network call of its own).
                    self._app = msal.ConfidentialClientApplication(
                        self._client_id, client_credential=self._secret, authority=self._authority,
                        http_client=TimedSession(self._timeout), instance_discovery=False)
                app = self._app
            result = app.acquire_token_for_client(scopes=[self._scope])
        except requests.RequestException as error:
            raise RetryLater(f"Graph token: {type(error).__name__}: {error}") from error
        except ValueError as error:  # msal: the authority's discovery document was refused or malformed
            raise RetryLater(f"Graph token: {error}") from error
        if "access_token" in result:
            return str(result["access_token"])
        code = str(result.get("error", "unknown"))
        detail = f"Graph token: {code}: {str(result.get('error_description', ''))[:300]}"
        if code in PERMANENT_TOKEN_ERRORS:
            raise DeliveryFailed(detail)
        raise RetryLater(detail)


def event_body(entry: CalendarEntry) -> dict[str, Any]:
    """A Graph event: out of office in the employee's zone, all day unless it is a half day."""
    return {
        "subject": entry.title,
        "showAs": "oof",
        "isAllDay": entry.half is None,
        "start": {"dateTime": entry.starts_at().isoformat(), "timeZone": entry.time_zone},
        "end": {"dateTime": entry.ends_at().isoformat(), "timeZone": entry.time_zone},
        "isReminderOn": False,
        "responseRequested": False,
        "body": {"contentType": "text", "content": entry.decline_message},
        "transactionId": entry.key,
    }

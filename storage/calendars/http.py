"""What the calendar gateways share: time-outs, and turning HTTP answers into the relay's exceptions.

The outbox relay (:mod:`core.delivery.relay`) retries :class:`~core.ports.RetryLater` with back-off
(honouring ``Retry-After``) and records :class:`~core.ports.DeliveryFailed` without retrying, so
the only decision made here is which answers are worth another try.
"""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import requests

from core.ports import DeliveryFailed, RetryLater

#: Seconds a call may take (``HTTP_TIMEOUT_SECONDS`` in the server); the relay's worker must never
#: hang on a provider.
DEFAULT_TIMEOUT_SECONDS = 10.0
#: Google says "slow down" with a 403 carrying one of these reasons, not only with a 429.
RATE_LIMIT_REASONS = ("rateLimitExceeded", "userRateLimitExceeded", "quotaExceeded")


class TimedSession(requests.Session):
    """A session whose requests time out after ``timeout`` seconds unless the caller says otherwise.

    For libraries that make their own calls through a session they are given and pass no time-out
    (msal drops its ``timeout`` option once it is handed a session), which would otherwise wait
    for ever on a provider that has hung.
    """

    def __init__(self, timeout: float) -> None:
        super().__init__()
        self.timeout = timeout

    def request(self, *args: Any, **kwargs: Any) -> requests.Response:
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = self.timeout
        return super().request(*args, **kwargs)


def retry_after(response: requests.Response) -> float | None:
    """``Retry-After`` in seconds, whether given as seconds or as an HTTP date."""
    value = response.headers.get("Retry-After")
    if not value:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        return max((parsedate_to_datetime(value) - datetime.now(UTC)).total_seconds(), 0.0)
    except (TypeError, ValueError):
        return None


def check(response: requests.Response, what: str) -> None:
    """Return for a success; raise what the relay should do about anything else."""
    if response.ok:
        return
    status = response.status_code
    detail = f"{what}: HTTP {status} {_message(response)}".strip()
    if status == 429 or status >= 500 or status == 408:
        raise RetryLater(detail, retry_after(response))
    if status == 403 and any(reason in response.text for reason in RATE_LIMIT_REASONS):
        raise RetryLater(detail, retry_after(response))
    raise DeliveryFailed(detail)


def send(session: requests.Session, method: str, url: str, what: str, timeout: float,
         **kwargs: Any) -> requests.Response:
    """One request given ``timeout`` seconds to connect and as long to answer; a network failure
    or no answer in time is worth another try later."""
    try:
        return session.request(method, url, timeout=timeout, **kwargs)
    except requests.RequestException as error:
        raise RetryLater(f"{what}: {type(error).__name__}: {error}") from error


def _message(response: requests.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:200]
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict):
        return str(error.get("message") or error.get("code") or "")[:300]
    return str(error or "")[:300]

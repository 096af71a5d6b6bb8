"""The Slack Web API clients, built from the settings, and what Slack's errors mean for delivery.

``SLACK_API_URL`` is the only thing that points the clients somewhere else (README, "Configuration"), so the
same code talks to Slack and to a local stand-in. Short rate limits are waited out by slack-sdk's
retry handlers; longer ones become :class:`core.ports.RetryLater` so that the outbox retries
later instead of holding a worker thread.
"""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.handler import RetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.web.async_client import AsyncWebClient

from bot.settings import Settings
from core.ports import DeliveryFailed, RetryLater, Unreachable

#: A ``Retry-After`` up to this long is waited out in place; a longer one goes back to the outbox.
LONGEST_WAIT_IN_PLACE = 5

#: Errors after which retrying cannot help until someone fixes the app's configuration.
PERMANENT_ERRORS = frozenset({
    "invalid_auth", "account_inactive", "token_revoked", "token_expired", "not_authed", "missing_scope",
    "not_allowed_token_type", "no_permission", "ekm_access_denied", "team_access_not_granted",
})
#: Errors that mean this person cannot be reached on Slack at all.
UNREACHABLE_ERRORS = frozenset({
    "users_not_found", "user_not_found", "user_disabled", "cannot_dm_bot", "channel_not_found",
    "is_archived", "user_is_bot",
})


def api_base_url(settings: Settings) -> str:
    """``SLACK_API_URL`` with the trailing slash that slack-sdk joins method names onto."""
    url = settings.slack_api_url
    return url if url.endswith("/") else url + "/"


def timeout(settings: Settings) -> int:
    """``HTTP_TIMEOUT_SECONDS`` as slack-sdk takes it: whole seconds, at least one."""
    return max(1, round(settings.http_timeout_seconds))


def bot_token(settings: Settings) -> str:
    if settings.slack_bot_token is None:
        raise ValueError("SLACK_BOT_TOKEN is not set")
    return settings.slack_bot_token.get_secret_value()


def retry_after(headers: Any) -> float | None:
    """The ``Retry-After`` seconds of a response, whatever the header's case; None when absent."""
    for name, value in dict(headers or {}).items():
        if name.lower() == "retry-after":
            raw = value[0] if isinstance(value, list | tuple) else value
            try:
                return float(raw)
            except (TypeError, ValueError):
                return None
    return None


class BriefRateLimitRetryHandler(RateLimitErrorRetryHandler):
    """Waits out a 429 only when Slack asks for a short pause; the outbox handles longer ones."""

    def __init__(self, longest_wait: float = LONGEST_WAIT_IN_PLACE, max_retry_count: int = 1) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self.longest_wait = longest_wait

    def _can_retry(self, *, state: RetryState, request: HttpRequest, response: HttpResponse | None = None,
                   error: Exception | None = None) -> bool:
        if response is None or response.status_code != 429:
            return False
        wait = retry_after(response.headers)
        return wait is None or wait <= self.longest_wait


def async_client(settings: Settings) -> AsyncWebClient:
    """The client of the async doors (bolt's listeners)."""
    handlers: list[AsyncRetryHandler] = [
        AsyncConnectionErrorRetryHandler(),
        AsyncServerErrorRetryHandler(max_retry_count=1),
        AsyncRateLimitErrorRetryHandler(max_retry_count=1),
    ]
    return AsyncWebClient(token=bot_token(settings), base_url=api_base_url(settings), timeout=timeout(settings),
                          retry_handlers=handlers)


def sync_client(settings: Settings) -> WebClient:
    """The client of the notifier, which runs in the outbox's worker thread."""
    handlers: list[RetryHandler] = [
        ConnectionErrorRetryHandler(),
        ServerErrorRetryHandler(max_retry_count=1),
        BriefRateLimitRetryHandler(),
    ]
    return WebClient(token=bot_token(settings), base_url=api_base_url(settings), timeout=timeout(settings),
                     retry_handlers=handlers)


def error_code(error: SlackApiError) -> str:
    response = error.response
    data = getattr(response, "data", None)
    return str(data.get("error", "")) if isinstance(data, dict) else ""


def delivery_error(error: SlackApiError, what: str) -> Exception:
    """What a failed Web API call means to the outbox: retry later, give up, or unreachable.

    Anything not recognised is returned as it is, and the outbox retries it with back-off.
    """
    code = error_code(error)
    status = getattr(error.response, "status_code", None)
    if status == 429 or code == "ratelimited":
        return RetryLater(f"{what}: rate limited", after=retry_after(getattr(error.response, "headers", None)))
    if code in PERMANENT_ERRORS:
        return DeliveryFailed(f"{what}: {code}")
    if code in UNREACHABLE_ERRORS:
        return Unreachable(f"{what}: {code}")
    return error

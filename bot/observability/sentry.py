"""Optional error reporting to Sentry (``SENTRY_DSN``; ``pip install leavebot[sentry]``).

Nothing personal and nothing secret leaves: ``send_default_pii`` is off, and every event is
scrubbed by the same redaction as the logs before it is sent. Each event is tagged with the request
id, so that a report leads straight to the log lines of the same request.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from bot.observability.context import current_request_id
from bot.observability.redaction import Redactor, settings_secrets
from bot.settings import Settings, SettingsError

if TYPE_CHECKING:
    from sentry_sdk.types import Event, Hint

INSTALL_HINT = "SENTRY_DSN: set, but sentry-sdk is not installed; pip install leavebot[sentry]"


def start_sentry(settings: Settings) -> bool:
    """Start reporting errors when ``SENTRY_DSN`` is set; False when it is not.

    Raises:
        SettingsError: ``SENTRY_DSN`` is set but the SDK is missing (one line saying what to install).
    """
    if settings.sentry_dsn is None:
        return False
    try:
        import sentry_sdk
        from sentry_sdk.integrations.aiohttp import AioHttpIntegration
    except ImportError:
        raise SettingsError(INSTALL_HINT) from None
    sentry_sdk.init(
        dsn=settings.sentry_dsn,
        environment=settings.sentry_environment,
        send_default_pii=False,
        before_send=scrubbing(Redactor(settings_secrets(settings))),
        integrations=[AioHttpIntegration()],
    )
    return True


def scrubbing(redactor: Redactor) -> Callable[[Event, Hint], Event]:
    """A ``before_send`` hook: tag the event with the request id, then redact every string in it."""

    def before_send(event: Event, hint: Hint) -> Event:
        request_id = current_request_id()
        if request_id is not None:
            event["tags"] = {**(event.get("tags") or {}), "request_id": request_id}
        scrubbed: Event = redactor.scrub(event)
        return scrubbed

    return before_send

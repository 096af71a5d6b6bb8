"""Logging for every ``leavebot`` command: text for people, JSON lines for log collectors.

Both formats carry the request id of the work a line is about, and both go through the same
redaction, which runs before any formatting so that no format can leak what the other hides.
Each text line is one line: a value with a line break in it (a name someone typed, say) cannot
forge a log line of its own. The platforms' client libraries write whole requests and replies at
DEBUG (a reply's text, the ``response_url`` that lets its holder post into the conversation), so
their debug lines are left out, whatever the level.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from datetime import UTC, datetime
from typing import Any

from bot.observability.context import RequestIdFilter
from bot.observability.redaction import RedactingFilter, Redactor, settings_secrets
from bot.settings import Settings

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s]: %(message)s"
#: Loggers whose DEBUG lines carry request and reply bodies: Slack's SDK and bolt, and the Bot
#: Framework's HTTP logger.
PAYLOAD_LOGGERS = ("slack_sdk", "slack_bolt", "msrest.http_logger")
#: What could start a new line or rewrite one on a terminal: line breaks and control characters
#: (a tab is kept).
_CONTROL = re.compile("[\x00-\x08\x0a-\x1f\x7f\x85\u2028\u2029]")


class TextFormatter(logging.Formatter):
    """:data:`TEXT_FORMAT`, with line breaks and control characters in the message escaped
    (``\\n``, ``\\x1b``); a traceback that follows keeps its lines."""

    def __init__(self) -> None:
        super().__init__(TEXT_FORMAT)

    def formatMessage(self, record: logging.LogRecord) -> str:  # noqa: N802  (logging's name)
        record.message = _CONTROL.sub(_escape, record.message)
        return super().formatMessage(record)


def _escape(match: re.Match[str]) -> str:
    return match.group().encode("unicode_escape").decode("ascii")


class PayloadFilter(logging.Filter):
    """Drops the DEBUG lines of :data:`PAYLOAD_LOGGERS`; their warnings and errors still pass."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno > logging.DEBUG or not record.name.startswith(PAYLOAD_LOGGERS)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: ``at``, ``level``, ``logger``, ``message``, ``request_id``, and
    ``exception`` (the traceback) when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "at": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
        }
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = record.stack_info
        return json.dumps(entry, ensure_ascii=False)


def log_handler(settings: Settings, stream: Any = None) -> logging.Handler:
    """A handler for ``stream`` (stderr) in ``LOG_FORMAT``, with request ids and secrets redacted."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter() if settings.log_format == "json" else TextFormatter())
    handler.addFilter(PayloadFilter())
    handler.addFilter(RequestIdFilter())
    handler.addFilter(RedactingFilter(Redactor(settings_secrets(settings))))
    return handler


def configure_logging(settings: Settings, debug: bool = False) -> None:
    """Send logs to stderr at ``LOG_LEVEL`` (or debug), as text or JSON per ``LOG_FORMAT``."""
    root = logging.getLogger()
    root.handlers[:] = [log_handler(settings)]
    root.setLevel(logging.DEBUG if debug else settings.log_level.upper())
    # Alembic narrates every connection at INFO; the commands say what they did themselves.
    quiet = not debug and settings.log_level != "debug"
    logging.getLogger("alembic").setLevel(logging.WARNING if quiet else logging.NOTSET)

"""Logging for every ``leavebot`` command: text for people, JSON lines for log collectors.

Both formats carry the request id of the work a line is about, and both go through the same
redaction, which runs before any formatting so that no format can leak what the other hides.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any

from bot.observability.context import RequestIdFilter
from bot.observability.redaction import RedactingFilter, Redactor, settings_secrets
from bot.settings import Settings

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s]: %(message)s"


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
    handler.setFormatter(JsonFormatter() if settings.log_format == "json" else logging.Formatter(TEXT_FORMAT))
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

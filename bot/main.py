"""The composition root: the one place where concrete pieces are wired together.

Everything else receives what it needs (a service, an engine, a clock) as arguments, so that
tests can wire the same pieces differently without patching globals.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from importlib import resources
from typing import Any

import yaml
from sqlalchemy import Engine

from bot.settings import Settings
from core.service import LeaveService
from storage.engine import make_engine
from storage.migrate import upgrade
from storage.uow import uow_factory

DEFAULT_POLICY = "policies/default.yaml"


class SystemClock:
    """The real clock. Core never reads the time itself; it is handed this (or a fake)."""

    def now(self) -> datetime:
        return datetime.now(UTC)


def default_policy_text() -> str:
    """The built-in policy file, read as package data so that it works from a wheel too."""
    return resources.files("bot").joinpath(DEFAULT_POLICY).read_text(encoding="utf-8")


def default_policy_document() -> Any:
    return yaml.safe_load(default_policy_text())


def build_service(settings: Settings) -> tuple[LeaveService, Engine]:
    """Connect, migrate, make sure a policy is in force, and return the service and its engine.

    A new database starts with the default policy so that the bot is usable at once; an existing
    policy is never replaced here (only ``leavebot policies load`` does that).
    """
    engine = make_engine(settings.database_url)
    upgrade(engine)
    service = LeaveService(uow_factory(engine), SystemClock(), default_time_zone=settings.timezone)
    service.ensure_policy(default_policy_document(), source="default")
    return service, engine


class JsonFormatter(logging.Formatter):
    """One JSON object per line, for log collectors that parse structured logs."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "at": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(settings: Settings, debug: bool = False) -> None:
    """Send logs to stderr at ``LOG_LEVEL`` (or debug), as text or JSON per ``LOG_FORMAT``."""
    handler = logging.StreamHandler(sys.stderr)
    if settings.log_format == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.DEBUG if debug else settings.log_level.upper())
    # Alembic narrates every connection at INFO; the commands say what they did themselves.
    quiet = not debug and settings.log_level != "debug"
    logging.getLogger("alembic").setLevel(logging.WARNING if quiet else logging.NOTSET)

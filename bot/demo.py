"""The demo organisation that ``leavebot demo`` seeds into an empty database, and the demo's settings.

It goes in through the same import as HR's own CSV files, so the demo exercises the real path
and shows what a good file looks like (``bot/demo/employees.csv``). The demo runs on its
organisation's clock (India), and its console shows what the bot does, not the scheduler library
reporting every minute that its tick ran.
"""

from __future__ import annotations

import logging
from importlib import resources

from bot.settings import Settings
from core.errors import UnknownEmployee
from core.service import LeaveService
from core.views import ImportResult

DEMO_CSV = "demo/employees.csv"
EMPLOYEE = "ananya.iyer@demo.leavebot.example"
MANAGER = "rohan.mehta@demo.leavebot.example"
HR_ADMIN = "kavita.rao@demo.leavebot.example"
#: Where the demo people work (every row of the demo file), and so the demo's clock.
TIME_ZONE = "Asia/Kolkata"
#: The scheduler library's loggers that write two lines a minute, one per tick of the scheduler.
TICK_LOGGERS = ("apscheduler.executors.default",)


def demo_settings(settings: Settings) -> Settings:
    """The demo's settings: the organisation's time zone unless ``TIMEZONE`` names another, and the Bot
    Framework Emulator on this machine may try Teams, unless a real Teams app is configured (then its
    authentication stays on, as always)."""
    changes: dict[str, object] = {}
    if "timezone" not in settings.model_fields_set:
        changes["timezone"] = TIME_ZONE
    if not settings.teams_auth_enabled:
        changes["teams_emulator"] = True
    return settings.model_copy(update=changes)


def quiet_ticks(debug: bool) -> None:
    """Keep the scheduler's per-minute lines out of the demo's console, unless ``--debug`` asked for everything."""
    if not debug:
        for name in TICK_LOGGERS:
            logging.getLogger(name).setLevel(logging.WARNING)


def demo_csv() -> str:
    return resources.files("bot").joinpath(DEMO_CSV).read_text(encoding="utf-8")


def seed_demo(service: LeaveService) -> ImportResult | None:
    """Import the demo people when the directory is empty; None when it already has people.

    A database that already has employees is someone's real data (or an earlier demo), so it
    is left alone.
    """
    if service.has_employees():
        return None
    return service.import_employees(demo_csv(), source="demo")


def demo_present(service: LeaveService) -> bool:
    """True when the demo people are in the directory (seeded now or by an earlier run)."""
    try:
        service.balance_of(EMPLOYEE)
    except UnknownEmployee:
        return False
    return True


def chat_hints(command: str = "leavebot") -> list[str]:
    """Lines telling people whom to chat as, one per role, for a second terminal."""
    return [
        "Chat with the bot from a second terminal, as:",
        f"  an employee:  {command} chat --as {EMPLOYEE}",
        f"  her manager:  {command} chat --as {MANAGER}",
        f"  HR:           {command} chat --as {HR_ADMIN}",
    ]

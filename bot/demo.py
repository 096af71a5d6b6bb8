"""The demo organisation that ``leavebot demo`` seeds into an empty database.

It goes in through the same import as HR's own CSV files, so the demo exercises the real path
and shows what a good file looks like (``bot/demo/employees.csv``).
"""

from __future__ import annotations

from importlib import resources

from bot.settings import Settings
from core.directory.csv_import import ImportResult
from core.errors import UnknownEmployee
from core.service import LeaveService

DEMO_CSV = "demo/employees.csv"
EMPLOYEE = "ananya.iyer@demo.leavebot.example"
MANAGER = "rohan.mehta@demo.leavebot.example"
HR_ADMIN = "kavita.rao@demo.leavebot.example"


def demo_settings(settings: Settings) -> Settings:
    """The demo's settings: the Bot Framework Emulator on this machine may try Teams, unless a real
    Teams app is configured (then its authentication stays on, as always)."""
    return settings if settings.teams_auth_enabled else settings.model_copy(update={"teams_emulator": True})


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

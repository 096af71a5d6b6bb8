"""``channels set|list``, ``jobs list`` and ``jobs run``, through the same ``add`` helper as ``leavebot``."""

from __future__ import annotations

import argparse
from typing import Any

import pytest

from bot.cli import scheduler as cli_scheduler
from bot.settings import Settings
from core.service import LeaveService


def parser() -> argparse.ArgumentParser:
    """The subcommands as :func:`bot.cli.build_parser` adds them."""
    root = argparse.ArgumentParser(prog="leavebot")
    commands = root.add_subparsers(dest="command", required=True)

    def add(name: str, handler: Any, help_text: str, into: Any = commands) -> argparse.ArgumentParser:
        sub: argparse.ArgumentParser = into.add_parser(name, help=help_text)
        sub.set_defaults(handler=handler)
        return sub

    cli_scheduler.add_commands(commands, add)
    return root


def run(settings: Settings, *argv: str) -> int:
    args = parser().parse_args(argv)
    code: int = args.handler(args, settings)
    return code


@pytest.fixture
def settings(db_url: str, monkeypatch: pytest.MonkeyPatch, service: LeaveService) -> Settings:
    for name in Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)
    return Settings(_env_file=None, database_url=db_url, timezone="Asia/Kolkata")  # type: ignore[call-arg]


def test_channels_are_set_and_listed_and_missing_ones_are_reported(settings: Settings,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    assert run(settings, "jobs", "list") == 0
    listed = capsys.readouterr().out
    assert "no HR channel" in listed and "no channel for: Engineering, People" in listed
    assert "hr-digest" in listed and "next 20" in listed

    assert run(settings, "channels", "set", "--hr", "--slack", "CHR") == 0
    assert run(settings, "channels", "set", "--department", "Engineering", "--teams", "channel:T:ENG") == 0
    capsys.readouterr()
    assert run(settings, "channels", "list") == 0
    rows = capsys.readouterr().out.splitlines()
    assert any("Engineering" in r and "teams" in r and "channel:T:ENG" in r for r in rows)
    assert any(r.startswith("HR") and "CHR" in r for r in rows)

    assert run(settings, "jobs", "list") == 0
    listed = capsys.readouterr().out
    assert "no HR channel" not in listed and "no channel for: People" in listed


def test_a_manual_run_posts_once_and_a_second_one_says_it_was_done(settings: Settings,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    run(settings, "channels", "set", "--hr", "--slack", "CHR")
    capsys.readouterr()
    assert run(settings, "jobs", "run", "hr-digest", "--as-of", "2026-11-25") == 0
    first = capsys.readouterr().out
    assert "hr-digest 2026-11-23: HR digest of the week of 2026-11-23" in first
    assert run(settings, "jobs", "run", "hr-digest", "--as-of", "2026-11-24") == 0
    assert "already done, not repeated" in capsys.readouterr().out
    assert run(settings, "jobs", "list") == 0
    assert "last ok 2026-11-23" in capsys.readouterr().out

"""``leavebot demo`` runs on its organisation's clock and keeps the scheduler's per-minute lines out of its console."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from bot.demo import TICK_LOGGERS, TIME_ZONE, demo_csv, demo_settings, quiet_ticks
from bot.settings import load_settings


@pytest.fixture
def tick_loggers() -> Iterator[list[logging.Logger]]:
    """The scheduler library's tick loggers, put back as they were afterwards."""
    loggers = [logging.getLogger(name) for name in TICK_LOGGERS]
    levels = [logger.level for logger in loggers]
    yield loggers
    for logger, level in zip(loggers, levels, strict=True):
        logger.setLevel(level)


def test_the_demo_runs_in_its_peoples_time_zone_unless_timezone_names_another(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TIMEZONE", raising=False)
    assert {row.rsplit(",", 1)[1] for row in demo_csv().strip().splitlines()[1:]} == {TIME_ZONE}
    assert demo_settings(load_settings()).timezone == TIME_ZONE
    monkeypatch.setenv("TIMEZONE", "Europe/Paris")
    assert demo_settings(load_settings()).timezone == "Europe/Paris"


def test_the_per_minute_tick_lines_are_quiet_unless_debugging(tick_loggers: list[logging.Logger]) -> None:
    quiet_ticks(debug=False)
    assert all(not logger.isEnabledFor(logging.INFO) and logger.isEnabledFor(logging.WARNING)
               for logger in tick_loggers)
    for logger in tick_loggers:
        logger.setLevel(logging.NOTSET)
    quiet_ticks(debug=True)
    assert all(logger.level == logging.NOTSET for logger in tick_loggers)

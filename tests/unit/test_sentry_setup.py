"""``SENTRY_DSN``: checked at start-up, and a missing SDK stops start-up with one line saying what to install."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from bot.cli.main import main
from bot.observability.sentry import start_sentry
from bot.settings import SettingsError, load_settings


@pytest.fixture(autouse=True)
def clean(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)  # no stray .env
    monkeypatch.delenv("SENTRY_DSN", raising=False)


def test_without_a_dsn_nothing_is_reported() -> None:
    assert start_sentry(load_settings()) is False


@pytest.mark.parametrize("dsn", ["sentry.example.com/1", "https://sentry.example.com/1", "https://key@sentry.example.com/",
                                 "ftp://key@sentry.example.com/1"])
def test_a_malformed_dsn_is_named(dsn: str) -> None:
    with pytest.raises(SettingsError, match=r"^SENTRY_DSN: not a Sentry DSN: expected https://PUBLIC_KEY@HOST/PROJECT_ID$"):
        load_settings(sentry_dsn=dsn)


def test_a_dsn_without_the_sdk_stops_start_up_with_one_line(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setitem(sys.modules, "sentry_sdk", None)  # as if sentry-sdk were not installed
    monkeypatch.setenv("SENTRY_DSN", "https://publickey@sentry.example.com/1")
    assert main(["db", "upgrade"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err == "leavebot: SENTRY_DSN: set, but sentry-sdk is not installed; pip install leavebot[sentry]\n"

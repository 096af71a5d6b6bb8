"""The composition root: which doors a configuration mounts, and who the outbox notifies."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot.main import build_runtime, mount_doors
from bot.server import create_app
from bot.settings import load_settings

PLATFORM_PREFIXES = ("SLACK_", "MICROSOFT_", "MS_GRAPH_", "GOOGLE_", "TEAMS_")


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)  # no stray .env
    for name in list(os.environ):
        if name.startswith(PLATFORM_PREFIXES):
            monkeypatch.delenv(name)


def routes(settings_overrides: dict[str, str], tmp_path: Path) -> tuple[set[str], list[str]]:
    settings = load_settings(database_url=f"sqlite:///{tmp_path / 'w.db'}", **settings_overrides)
    runtime = build_runtime(settings)
    app = create_app(runtime.engine, service=runtime.service)
    mount_doors(app, runtime, settings)
    paths = {resource.canonical for resource in app.router.resources()}
    return paths, [n.name for n in runtime.delivery.notifiers]


def test_nothing_configured_mounts_no_door_and_notifies_nobody(tmp_path: Path) -> None:
    paths, notifiers = routes({}, tmp_path)
    assert "/health" in paths and not {"/api/messages", "/slack/events"} & paths
    assert notifiers == []


def test_the_teams_emulator_is_mounted_when_asked_for_and_notified(tmp_path: Path) -> None:
    paths, notifiers = routes({"teams_emulator": "true"}, tmp_path)
    assert "/api/messages" in paths and notifiers == ["teams"]


def test_slack_over_http_and_teams_with_credentials(tmp_path: Path) -> None:
    paths, notifiers = routes({
        "slack_bot_token": "xoxb-test", "slack_signing_secret": "shh",
        "microsoft_app_id": "00000000-0000-4000-8000-000000000001", "microsoft_app_password": "pw",
    }, tmp_path)
    assert {"/health", "/slack/events", "/api/messages"} <= paths
    assert sorted(notifiers) == ["slack", "teams"]


def test_socket_mode_needs_no_public_route(tmp_path: Path) -> None:
    paths, notifiers = routes({"slack_bot_token": "xoxb-test", "slack_app_token": "xapp-test"}, tmp_path)
    assert "/slack/events" not in paths and notifiers == ["slack"]

"""Settings: the documented defaults, one clear line per bad value, and ``.env`` in the working directory."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import Settings, SettingsError, door_states, load_settings


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No variable of ours from the real environment, and no .env but the test's own."""
    for name in Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)
    monkeypatch.chdir(tmp_path)


def test_defaults() -> None:
    settings = load_settings()
    assert settings.database_url == "sqlite:///leavebot.db"
    assert (settings.host, settings.port) == ("0.0.0.0", 3978)
    assert settings.timezone == "UTC"
    assert settings.enable_scheduled_jobs is True
    assert (settings.log_level, settings.log_format) == ("info", "text")
    assert settings.slack_api_url == "https://slack.com/api/"
    assert settings.ms_graph_api_url.startswith("https://graph.microsoft.com/")
    assert settings.ms_graph_authority_url.startswith("https://login.microsoftonline.com")
    assert settings.google_calendar_api_url.startswith("https://www.googleapis.com/calendar/")
    assert not (settings.slack_enabled or settings.teams_auth_enabled)
    assert not (settings.google_sync_enabled or settings.outlook_sync_enabled)


@pytest.mark.parametrize(
    ("variable", "value"),
    [("PORT", "abc"), ("PORT", "70000"), ("TIMEZONE", "Mars/Olympus_Mons"), ("LOG_FORMAT", "xml"),
     ("LOG_LEVEL", "chatty"), ("ENABLE_SCHEDULED_JOBS", "maybe"), ("DATABASE_URL", "no-scheme"),
     ("PUBLIC_URL", "leave.example.com"), ("PUBLIC_URL", "ftp://leave.example.com"), ("TIMEZONE", "Mars/Base"),
     ("DATABASE_URL", "nonsense"), ("DATABASE_URL", "postgresql://db/leave"),
     ("DATABASE_URL", "mysql+pymysql://bot:pw@db:port/leave"), ("MICROSOFT_APP_TYPE", "Personal"),
     ("SLACK_API_URL", "slack.com/api"), ("MS_GRAPH_AUTHORITY_URL", "login"), ("MICROSOFT_LOGIN_URL", "ftp://x"),
     ("SHUTDOWN_TIMEOUT", "soon"), ("SHUTDOWN_TIMEOUT", "0"), ("HTTP_TIMEOUT_SECONDS", "0"),
     ("RATE_LIMIT_PER_MINUTE", "-1"), ("RATE_LIMIT_BURST", "0")],
)
def test_a_bad_value_is_one_line_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError) as caught:
        load_settings()
    message = str(caught.value)
    assert message.startswith(f"{variable}: ")
    assert "\n" not in message
    if variable != "DATABASE_URL":  # a URL may carry a password, so it is never echoed
        assert value in message


def test_a_database_url_is_never_echoed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "mysql+pymysql://bot:hunter2@db:port/leave")
    with pytest.raises(SettingsError) as caught:
        load_settings()
    assert "hunter2" not in str(caught.value)


def test_endpoints_and_shutdown_timeout_have_defaults() -> None:
    settings = load_settings()
    assert settings.microsoft_login_url == "https://login.microsoftonline.com/"
    assert settings.shutdown_timeout > 0


def test_the_rate_limit_has_a_default_and_zero_turns_it_off(monkeypatch: pytest.MonkeyPatch) -> None:
    limit = load_settings().rate_limit
    assert limit is not None and (limit.per_minute, limit.burst) == (20, 10)
    monkeypatch.setenv("RATE_LIMIT_PER_MINUTE", "0")
    assert load_settings().rate_limit is None


def test_public_url_is_optional_and_an_http_url(monkeypatch: pytest.MonkeyPatch) -> None:
    assert load_settings().public_url is None
    monkeypatch.setenv("PUBLIC_URL", "https://leave.example.com/")
    assert load_settings().public_url == "https://leave.example.com/"


def test_dotenv_in_the_working_directory_is_read_and_the_environment_wins(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / ".env").write_text("PORT=8080\nTIMEZONE=Asia/Kolkata\nLOG_FORMAT=json\nSLACK_BOT_TOKEN=\n")
    monkeypatch.setenv("LOG_FORMAT", "text")
    settings = load_settings()
    assert settings.port == 8080
    assert settings.timezone == "Asia/Kolkata"
    assert settings.log_format == "text"
    assert settings.slack_bot_token is None  # an empty line means "not set"


def test_a_half_configured_platform_names_what_is_missing_without_echoing_secrets(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-very-secret")
    with pytest.raises(SettingsError) as caught:
        load_settings()
    assert str(caught.value).startswith("SLACK_SIGNING_SECRET: ")
    assert "xoxb-very-secret" not in str(caught.value)


def test_graph_credentials_come_as_a_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MS_GRAPH_TENANT_ID", "tenant")
    with pytest.raises(SettingsError, match=r"^MS_GRAPH_CLIENT_ID: "):
        load_settings()


def test_secrets_stay_out_of_repr_and_door_states(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-very-secret")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "signing-very-secret")
    settings = load_settings()
    assert settings.slack_enabled and not settings.slack_socket_mode
    shown = repr(settings) + repr(door_states(settings))
    assert "very-secret" not in shown


def test_door_states_say_what_is_off_and_why() -> None:
    doors = door_states(load_settings())
    assert doors["slack"].state == "off"
    assert "SLACK_BOT_TOKEN" in doors["slack"].detail
    assert doors["teams"].state == "off"
    assert "TEAMS_EMULATOR" in doors["teams"].detail
    assert doors["google_calendar"].state == "off"
    assert doors["outlook_calendar"].state == "off"


def test_teams_emulator_is_asked_for_and_an_app_id_overrides_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEAMS_EMULATOR", "true")
    assert door_states(load_settings())["teams"].state == "emulator"
    monkeypatch.setenv("MICROSOFT_APP_ID", "app-1")
    monkeypatch.setenv("MICROSOFT_APP_PASSWORD", "secret")
    assert load_settings().teams_mode == "configured"


def test_socket_mode_needs_no_signing_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1")
    monkeypatch.setenv("SLACK_APP_TOKEN", "xapp-1")
    settings = load_settings()
    assert settings.slack_socket_mode
    assert "Socket Mode" in door_states(settings)["slack"].detail

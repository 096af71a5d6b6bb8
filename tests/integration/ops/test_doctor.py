"""``leavebot doctor`` against real databases and the local stand-ins of Slack, Microsoft and Google.

Each platform is checked with good credentials (ok) and with bad ones (fail, naming the setting
to fix, never echoing the secret). The database checks read and never write: a database that is
behind stays behind.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, inspect

from bot import cli
from bot.doctor import healthy, run_checks
from bot.doctor_probes import Check
from bot.settings import Settings
from core.service import LeaveService
from storage import migrate
from storage.engine import make_engine
from tests.integration.calendars.stand_in import (
    CLIENT_ID,
    CLIENT_SECRET,
    TENANT,
    GoogleStandIn,
    MicrosoftStandIn,
    rsa_key,
    service_account_file,
)
from tests.integration.slack.fake_slack import APP_TOKEN, BOT_TOKEN, SIGNING_SECRET, FakeSlack


def settings(db_url: str = "sqlite://", **values: Any) -> Settings:
    return Settings(_env_file=None, database_url=db_url, **values)  # type: ignore[call-arg]


def by_name(checks: list[Check]) -> dict[str, Check]:
    return {check.name: check for check in checks}


def test_a_migrated_organisation_is_healthy(service: LeaveService, db_url: str) -> None:
    checks = by_name(run_checks(settings(db_url)))
    assert [checks[n].status for n in ("settings", "database", "migrations", "policy", "employees")] == ["ok"] * 5
    assert checks["employees"].detail.startswith("5 active")
    assert healthy(list(checks.values()))


def test_a_database_without_schema_is_reported_and_left_alone(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        engine.connect().close()  # the database exists (a SQLite file too), with nothing in it
        checks = by_name(run_checks(settings(db_url)))
        assert inspect(engine).get_table_names() == []  # doctor never migrates
    finally:
        engine.dispose()
    assert checks["database"].status == "ok"
    assert checks["migrations"].status == "fail" and "`leavebot db upgrade`" in checks["migrations"].detail
    assert "policy" not in checks


def test_a_missing_sqlite_file_is_a_warning_and_is_not_created(tmp_path: Path) -> None:
    checks = by_name(run_checks(settings(f"sqlite:///{tmp_path / 'new.db'}")))
    assert checks["database"].status == "warn" and "db upgrade" in checks["database"].detail
    assert not (tmp_path / "new.db").exists()


def test_a_database_behind_the_code_says_to_upgrade(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        migrate.upgrade(engine, "0004")
        checks = by_name(run_checks(settings(db_url)))
        assert migrate.current_revision(engine) == "0004"
    finally:
        engine.dispose()
    assert checks["migrations"].status == "fail"
    assert "revision 0004" in checks["migrations"].detail and "`leavebot db upgrade`" in checks["migrations"].detail


def test_an_empty_directory_is_a_warning(engine: Engine, db_url: str) -> None:
    checks = by_name(run_checks(settings(db_url)))
    assert checks["employees"].status == "warn" and "employees import" in checks["employees"].detail
    assert checks["policy"].status == "warn"
    assert healthy(list(checks.values()))


def test_an_unreachable_database_fails_with_the_cause_and_without_the_password() -> None:
    checks = by_name(run_checks(settings("mysql+pymysql://bot:hunter2@127.0.0.1:9/leave")))
    assert checks["database"].status == "fail"
    assert "Can't connect" in checks["database"].detail and "DATABASE_URL" in checks["database"].detail
    assert "hunter2" not in checks["database"].detail and "migrations" not in checks


# --- Slack -------------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_slack_token_checked_with_auth_test(slack_api: FakeSlack) -> None:
    url = f"{slack_api.base_url}/api/"
    good = by_name(await asyncio.to_thread(run_checks, settings(
        slack_bot_token=BOT_TOKEN, slack_signing_secret=SIGNING_SECRET, slack_api_url=url)))
    assert good["slack"].status == "ok" and "ULEAVEBOT" in good["slack"].detail
    assert good["slack signing"].status == "ok"
    assert [c.token for c in slack_api.calls_to("auth.test")] == [BOT_TOKEN]

    slack_api.fail("auth.test", status=200, error="invalid_auth")
    bad = by_name(await asyncio.to_thread(run_checks, settings(
        slack_bot_token="xoxb-revoked-secret", slack_signing_secret=SIGNING_SECRET, slack_api_url=url)))
    assert bad["slack"].status == "fail" and "SLACK_BOT_TOKEN" in bad["slack"].detail
    assert "invalid_auth" in bad["slack"].detail and "revoked-secret" not in bad["slack"].detail


@pytest.mark.asyncio
async def test_socket_mode_app_token_is_checked_for_shape_and_online(slack_api: FakeSlack) -> None:
    url = f"{slack_api.base_url}/api/"
    good = by_name(await asyncio.to_thread(run_checks, settings(
        slack_bot_token=BOT_TOKEN, slack_app_token=APP_TOKEN, slack_api_url=url)))
    assert good["slack socket mode"].status == "ok"
    assert [c.token for c in slack_api.calls_to("apps.connections.open")] == [APP_TOKEN]
    wrong = by_name(await asyncio.to_thread(run_checks, settings(
        slack_bot_token=BOT_TOKEN, slack_app_token="xoxb-not-an-app-token", slack_api_url=url)))
    assert wrong["slack socket mode"].status == "fail" and "xapp-" in wrong["slack socket mode"].detail
    assert "not-an-app-token" not in wrong["slack socket mode"].detail


def test_an_unreachable_slack_api_is_a_failure_naming_the_url() -> None:
    checks = by_name(run_checks(settings(slack_bot_token=BOT_TOKEN, slack_signing_secret=SIGNING_SECRET,
                                         slack_api_url="http://127.0.0.1:9/api/")))
    assert checks["slack"].status == "fail" and "SLACK_API_URL" in checks["slack"].detail


# --- Microsoft: Teams (Bot Framework) and Outlook (Graph) ----------------------------------------


def teams_settings(server: MicrosoftStandIn, password: str) -> Settings:
    return settings(microsoft_app_id=CLIENT_ID, microsoft_app_password=password, microsoft_app_type="SingleTenant",
                    microsoft_app_tenant_id=TENANT, microsoft_login_url=f"{server.url}/")


def test_the_teams_app_password_is_exchanged_for_a_token(microsoft: MicrosoftStandIn) -> None:
    good = by_name(run_checks(teams_settings(microsoft, CLIENT_SECRET)))
    assert good["teams"].status == "ok" and microsoft.calls.token_calls == 1
    bad = by_name(run_checks(teams_settings(microsoft, "an-old-secret")))
    assert bad["teams"].status == "fail" and "MICROSOFT_APP_PASSWORD" in bad["teams"].detail
    assert "an-old-secret" not in bad["teams"].detail and not healthy(list(bad.values()))


def test_a_teams_tenant_without_a_sign_in_service_names_the_tenant(microsoft: MicrosoftStandIn) -> None:
    values = teams_settings(microsoft, CLIENT_SECRET).model_copy(update={"microsoft_app_tenant_id": "nobody"})
    check = by_name(run_checks(values))["teams"]
    assert check.status == "fail" and "MICROSOFT_APP_TENANT_ID" in check.detail


def test_graph_credentials_are_exchanged_for_a_token(microsoft: MicrosoftStandIn) -> None:
    def graph(secret: str) -> Check:
        return by_name(run_checks(settings(
            ms_graph_tenant_id=TENANT, ms_graph_client_id=CLIENT_ID, ms_graph_client_secret=secret,
            ms_graph_authority_url=f"{microsoft.url}/", ms_graph_api_url=f"{microsoft.url}/v1.0/")))["outlook calendar"]

    assert graph(CLIENT_SECRET).status == "ok"
    bad = graph("wrong-secret-value")
    assert bad.status == "fail" and "MS_GRAPH_CLIENT_SECRET" in bad.detail and "wrong-secret-value" not in bad.detail


# --- Google ------------------------------------------------------------------------------------


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)  # the directory is only read for a name
def test_the_service_account_gets_a_token_acting_as_someone_in_the_directory(
        service: LeaveService, db_url: str, google_stand_in: tuple[GoogleStandIn, Path]) -> None:
    server, account = google_stand_in
    check = by_name(run_checks(settings(db_url, google_service_account_file=account)))["google calendar"]
    assert check.status == "ok" and "acting as hr@x.test" in check.detail
    assert server.calls.token_calls == 1


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_key_the_token_endpoint_does_not_know_fails(
        service: LeaveService, db_url: str, google_stand_in: tuple[GoogleStandIn, Path], tmp_path: Path) -> None:
    server, _account = google_stand_in
    (tmp_path / "other").mkdir()
    other = service_account_file(tmp_path / "other", rsa_key(), f"{server.url}/token")
    check = by_name(run_checks(settings(db_url, google_service_account_file=other)))["google calendar"]
    assert check.status == "fail" and "refused the key" in check.detail and "invalid_grant" in check.detail
    assert server.calls.token_calls == 0


@pytest.mark.parametrize(("content", "expected"), [
    ("{not json", "not JSON"),
    (json.dumps({"type": "authorized_user"}), "not a service-account key"),
    (json.dumps({"type": "service_account", "client_email": "a@b.test", "token_uri": "http://x/token"}),
     "missing private_key"),
])
def test_a_malformed_service_account_file_says_what_is_wrong(tmp_path: Path, content: str, expected: str) -> None:
    path = tmp_path / "key.json"
    path.write_text(content)
    check = by_name(run_checks(settings(google_service_account_file=path)))["google calendar"]
    assert check.status == "fail" and expected in check.detail and "GOOGLE_SERVICE_ACCOUNT_FILE" in check.detail


# --- the command -------------------------------------------------------------------------------


def test_the_command_exits_1_on_a_failure_and_0_otherwise(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    for name in Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'd.db'}")
    monkeypatch.setenv("PORT", "abc")
    assert cli.main(["doctor"]) == 1
    out = capsys.readouterr().out
    assert out.startswith("fail  settings  PORT: ") and "abc" in out
    monkeypatch.delenv("PORT")
    assert cli.main(["db", "upgrade"]) == 0
    capsys.readouterr()
    assert cli.main(["doctor"]) == 0
    out = capsys.readouterr().out
    assert "ok    migrations" in out and "0 failed" in out


def test_the_command_prints_its_findings_without_the_client_libraries_retry_chatter(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    for name in Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'd.db'}")
    monkeypatch.setenv("SLACK_BOT_TOKEN", BOT_TOKEN)
    monkeypatch.setenv("SLACK_SIGNING_SECRET", SIGNING_SECRET)
    monkeypatch.setenv("SLACK_API_URL", "http://127.0.0.1:9/api/")
    assert cli.main(["doctor"]) == 1
    captured = capsys.readouterr()
    assert "fail  slack" in captured.out and "SLACK_API_URL" in captured.out
    assert "slack_sdk" not in captured.err, captured.err

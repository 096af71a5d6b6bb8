"""Log lines: JSON or text, each with its request id, and never a secret or a token in them."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import pytest

from bot.observability.context import request_context
from bot.observability.logs import log_handler
from bot.observability.redaction import REDACTED, Redactor, settings_secrets
from bot.observability.sentry import scrubbing
from bot.settings import Settings, load_settings

PRIVATE_KEY = ("-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nBKcwggSjAgEAAoIBAQC7\n"
               "-----END PRIVATE KEY-----\n")
SECRETS = {
    "slack_bot_token": "xoxb-1111-2222-botsecret",
    "slack_signing_secret": "8f14e45fceea167a5a36dedd4bea2543",
    "slack_app_token": "xapp-1-A111-222-appsecret",
    "microsoft_app_password": "Tq8~teams.app.password",
    "ms_graph_client_secret": "Gr4ph~client~secret~value",
}
DATABASE_PASSWORD = "db-Pa55word-42"


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.chdir(tmp_path)  # no stray .env
    account = tmp_path / "service-account.json"
    account.write_text(json.dumps({"type": "service_account", "client_email": "bot@p.iam.gserviceaccount.com",
                                   "private_key_id": "a1b2c3d4e5f6", "private_key": PRIVATE_KEY}))
    return load_settings(
        **SECRETS, microsoft_app_id="00000000-0000-4000-8000-000000000001", ms_graph_tenant_id="t",
        ms_graph_client_id="c", google_service_account_file=str(account),
        database_url=f"mysql+pymysql://leave:{DATABASE_PASSWORD}@db.example/leavebot",
    )


def all_secrets() -> list[str]:
    return [*SECRETS.values(), DATABASE_PASSWORD, PRIVATE_KEY.strip(), "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC"]


class Logged:
    def __init__(self, settings: Settings, log_format: str) -> None:
        self.stream = io.StringIO()
        self.handler = log_handler(settings.model_copy(update={"log_format": log_format}), self.stream)
        self.logger = logging.getLogger(f"tests.logs.{log_format}")

    def text(self) -> str:
        return self.stream.getvalue()


@pytest.fixture(params=["json", "text"])
def logged(request: pytest.FixtureRequest, settings: Settings) -> Iterator[Logged]:
    logged = Logged(settings, request.param)
    logged.logger.addHandler(logged.handler)
    logged.logger.setLevel(logging.DEBUG)
    logged.logger.propagate = False
    try:
        yield logged
    finally:
        logged.logger.removeHandler(logged.handler)


def test_json_lines_carry_time_level_logger_message_and_request_id(settings: Settings) -> None:
    logged = Logged(settings, "json")
    logged.logger.addHandler(logged.handler)
    logged.logger.setLevel(logging.INFO)
    try:
        logged.logger.info("outside any request")
        with request_context("req-1"):
            try:
                raise ValueError("the calendar refused")
            except ValueError:
                logged.logger.exception("sync of %s failed", "LV-1042")
    finally:
        logged.logger.removeHandler(logged.handler)
    first, second = (json.loads(line) for line in logged.text().splitlines())
    assert {"at", "level", "logger", "message", "request_id"} <= first.keys() and "exception" not in first
    assert (first["level"], first["logger"], first["request_id"]) == ("info", "tests.logs.json", "-")
    assert (second["level"], second["message"], second["request_id"]) == ("error", "sync of LV-1042 failed", "req-1")
    assert "ValueError: the calendar refused" in second["exception"]


def test_text_lines_carry_the_request_id(settings: Settings) -> None:
    logged = Logged(settings, "text")
    logged.logger.addHandler(logged.handler)
    logged.logger.setLevel(logging.INFO)
    try:
        with request_context("req-2"):
            logged.logger.warning("slow answer from %s", "Teams")
    finally:
        logged.logger.removeHandler(logged.handler)
    assert " WARNING tests.logs.text [req-2]: slow answer from Teams" in logged.text()


@pytest.mark.parametrize("secret", all_secrets())
def test_no_configured_secret_reaches_a_log_line(secret: str, logged: Logged) -> None:
    logged.logger.info("in the message: " + secret)
    logged.logger.info("in an argument: %s, %r", secret, {"credentials": secret})
    try:
        raise RuntimeError(f"the platform echoed {secret}")
    except RuntimeError:
        logged.logger.exception("in the traceback")
    written = logged.text()
    assert secret not in written and secret.replace("\n", "\\n") not in written
    assert written.count(REDACTED) >= 4


@pytest.mark.parametrize(("shaped", "kept"), [
    ("token xoxb-9999-8888-abcdefABCDEF rejected", "token [redacted] rejected"),
    ("user token xoxp-1-2-3-abc leaked", "user token [redacted] leaked"),
    ("socket xapp-1-A0-123-deadbeef closed", "socket [redacted] closed"),
    ("Authorization: Bearer abc.DEF-123_xyz~ ok", "Authorization: Bearer [redacted] ok"),
    ("jwt eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJib3QifQ.c2lnbmF0dXJl here", "jwt [redacted] here"),
    ('GET /calendar/Zx9_feedtoken.ics HTTP/1.1" 200', 'GET /calendar/[redacted].ics HTTP/1.1" 200'),
    ("opened https://leave.example.in/email/decide/Ab3_-xyz?x=1", "opened https://leave.example.in/email/decide/[redacted]?x=1"),
    ('POST /email/notify/Ab3_-xyz HTTP/1.1" 410', 'POST /email/notify/[redacted] HTTP/1.1" 410'),
])
def test_token_shaped_strings_are_redacted_whoever_they_belong_to(shaped: str, kept: str) -> None:
    assert Redactor()(shaped) == kept


def test_a_pem_key_is_redacted_even_with_escaped_newlines() -> None:
    escaped = json.dumps({"private_key": "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n"})
    assert "AAAA" not in Redactor()(escaped)


def test_an_error_report_is_scrubbed_and_tagged_with_the_request_id(settings: Settings) -> None:
    secret = SECRETS["slack_bot_token"]
    event: dict[str, Any] = {
        "message": f"failed with {secret}",
        "exception": {"values": [{"value": f"invalid_auth for {secret}", "stacktrace": {"frames": [
            {"vars": {"token": secret, "headers": ["Authorization", f"Bearer {SECRETS['slack_app_token']}"]}}]}}]},
        "breadcrumbs": {"values": [{"message": f"password={SECRETS['microsoft_app_password']}"}]},
        "tags": {"door": "slack"},
    }
    before_send = scrubbing(Redactor(settings_secrets(settings)))
    with request_context("req-3"):
        sent = before_send(cast(Any, event), {})
    shown = json.dumps(sent)
    assert not [s for s in SECRETS.values() if s in shown]
    assert sent["tags"] == {"door": "slack", "request_id": "req-3"}

"""The SMTP transport against a real server on loopback: STARTTLS and login, what each failure means
for the outbox, and ``leavebot doctor``'s login check; the password never shows."""

from __future__ import annotations

import socket
from typing import Any
from urllib.parse import quote

import pytest

from bot.doctor import run_checks
from bot.email.compose import compose
from bot.email.transport import Mailer
from bot.settings import Settings
from core.ports import DeliveryFailed, RetryLater
from tests.integration.email.conftest import PASSWORD, SENDER, USER, SmtpServer


def login_url(server: SmtpServer, password: str = PASSWORD) -> str:
    return f"smtp://{USER}:{quote(password, safe='')}@127.0.0.1:{server.port}"


def message(to: str = "ananya@x.test") -> Any:
    return compose(sender=SENDER, to=to, subject="LV-1001 approved", text="Approved.", html="<p>Approved.</p>",
                   message_id_seed="7/email:decided:E3")


def test_a_message_goes_out_over_starttls_after_a_login(smtp_login_server: SmtpServer) -> None:
    smtp_login_server.mailer(login_url(smtp_login_server)).send(message())
    [received] = smtp_login_server.messages
    assert received["Subject"] == "LV-1001 approved" and received["To"] == "ananya@x.test"
    assert smtp_login_server.logins[-1] == ("PLAIN", USER)


def test_a_refused_login_is_permanent_and_never_shows_the_password(smtp_login_server: SmtpServer) -> None:
    with pytest.raises(DeliveryFailed) as refused:
        smtp_login_server.mailer(login_url(smtp_login_server, "not-the-pass-word")).send(message())
    assert "535" in str(refused.value) and f"login of {USER}" in str(refused.value)
    assert "not-the-pass-word" not in str(refused.value)
    assert smtp_login_server.messages == []


def test_a_password_is_not_sent_to_a_server_without_starttls(smtp_server: SmtpServer) -> None:
    with pytest.raises(DeliveryFailed, match="does not offer STARTTLS"):
        smtp_server.mailer(login_url(smtp_server)).send(message())
    assert smtp_server.messages == []


def test_a_server_out_of_reach_is_worth_another_try(smtp_server: SmtpServer) -> None:
    closed = Mailer(smtp_server.settings(f"smtp://127.0.0.1:{_closed_port()}"), timeout=2)
    with pytest.raises(RetryLater, match="could not be reached"):
        closed.send(message())


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def doctor(server: SmtpServer, url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """The doctor's e-mail line, trusting the test server's throwaway certificate as an operator trusts
    a private authority: by ``SSL_CERT_FILE``."""
    monkeypatch.setenv("SSL_CERT_FILE", str(server.ca_file))
    settings = Settings(_env_file=None, database_url="sqlite://", smtp_url=url,  # type: ignore[call-arg]
                        email_from=SENDER)
    [check] = [c for c in run_checks(settings) if c.name == "email"]
    return f"{check.status} {check.detail}"


def test_doctor_logs_in_and_names_the_setting_when_refused(smtp_login_server: SmtpServer,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    good = doctor(smtp_login_server, login_url(smtp_login_server), monkeypatch)
    assert good == f"ok the mail server 127.0.0.1:{smtp_login_server.port} answers (starttls, logged in as {USER})"
    bad = doctor(smtp_login_server, login_url(smtp_login_server, "wrong horse"), monkeypatch)
    assert bad.startswith("fail the mail server refused the login of leavebot: 535")
    assert bad.endswith("(check SMTP_URL)")
    assert "wrong horse" not in bad and "wrong%20horse" not in bad
    assert smtp_login_server.messages == []  # a check sends nothing

"""``HR_DIGEST_EMAILS``: with e-mail set up, the scheduler sends the weekly HR digest to those addresses,
once, through the same planned posts as the chat digests (here by ``leavebot jobs run``)."""

from __future__ import annotations

import pytest

from bot.settings import Settings
from core.service import LeaveService
from tests.integration.email.conftest import SENDER, SmtpServer
from tests.integration.scheduler.test_scheduler_cli import run


@pytest.fixture
def settings(db_url: str, monkeypatch: pytest.MonkeyPatch, service: LeaveService,
             smtp_server: SmtpServer) -> Settings:
    for name in Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)
    return Settings(_env_file=None, database_url=db_url, timezone="Asia/Kolkata",  # type: ignore[call-arg]
                    smtp_url=f"smtp://127.0.0.1:{smtp_server.port}", email_from=SENDER,
                    hr_digest_emails="hr@x.test, cfo@x.test")


def test_the_hr_digest_goes_to_the_addresses_set_once(settings: Settings, smtp_server: SmtpServer,
                                                       service: LeaveService,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    assert run(settings, "jobs", "run", "hr-digest", "--as-of", "2026-11-25") == 0
    assert "hr-digest 2026-11-23: HR digest of the week of 2026-11-23" in capsys.readouterr().out
    assert ("HR", "email", "hr@x.test, cfo@x.test") in service.digest_channels()
    (digest,) = smtp_server.messages
    assert digest["To"] == "hr@x.test, cfo@x.test"
    assert str(digest["Subject"]).startswith("HR digest: week of")
    assert {part.get_content_type() for part in digest.walk()} >= {"text/plain", "text/html", "image/png"}

    assert run(settings, "jobs", "run", "hr-digest", "--as-of", "2026-11-24") == 0
    assert "already done, not repeated" in capsys.readouterr().out
    assert len(smtp_server.messages) == 1

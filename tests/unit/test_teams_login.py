"""The bot's own sign-in: the Teams door asks for its token where ``leavebot doctor`` checks it."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import SecretStr

from bot import doctor_probes
from bot.settings import Settings
from bot.teams.adapter import TeamsConfig
from bot.teams.sign_in import SignInCredentialsFactory

LOGIN = "https://login.cloud.test/"


def app_settings(**changes: Any) -> Settings:
    values: dict[str, Any] = {"microsoft_app_id": "app-1", "microsoft_app_password": SecretStr("secret"),
                              "microsoft_login_url": LOGIN, **changes}
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def doctor_authority(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> str:
    """The authority the doctor's Teams check asks for a token (recorded instead of asked)."""
    asked: list[str] = []

    def record(authority: str, **_: Any) -> None:
        asked.append(authority)

    monkeypatch.setattr(doctor_probes, "client_credentials_problem", record)
    assert doctor_probes.teams_check(settings).status == "ok"
    (authority,) = asked
    return authority


@pytest.mark.parametrize(("changes", "expected"), [
    ({}, "https://login.cloud.test/botframework.com"),
    ({"microsoft_app_type": "MultiTenant", "microsoft_login_url": "https://login.cloud.test"},
     "https://login.cloud.test/botframework.com"),
    ({"microsoft_app_type": "SingleTenant", "microsoft_app_tenant_id": "tenant-1"},
     "https://login.cloud.test/tenant-1"),
])
def test_the_door_and_the_doctor_sign_in_at_the_same_authority(
        changes: dict[str, Any], expected: str, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = app_settings(**changes)
    door = TeamsConfig.from_settings(settings).LOGIN_AUTHORITY
    assert (door, doctor_authority(settings, monkeypatch)) == (expected, expected)


def test_by_default_the_door_signs_in_where_the_sdk_would() -> None:
    settings = Settings(_env_file=None, microsoft_app_id="app-1",  # type: ignore[call-arg]
                        microsoft_app_password=SecretStr("secret"))
    assert TeamsConfig.from_settings(settings).LOGIN_AUTHORITY == "https://login.microsoftonline.com/botframework.com"


@pytest.mark.asyncio
async def test_no_credentials_are_made_for_another_app_id() -> None:
    factory = SignInCredentialsFactory("app-1", "secret", "https://login.cloud.test/botframework.com", timeout=1)
    credentials = await factory.create_credentials("app-1", "https://api.botframework.com", "", True)
    assert credentials.oauth_endpoint == "https://login.cloud.test/botframework.com"
    with pytest.raises(PermissionError, match="app-2"):
        await factory.create_credentials("app-2", "https://api.botframework.com", "", True)

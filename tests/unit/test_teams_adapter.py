"""Bot Framework authentication: configured from the settings, and every bad token is a 401."""

from __future__ import annotations

from typing import Any

import jwt
import pytest
from botbuilder.schema import Activity
from pydantic import SecretStr

from bot.settings import Settings
from bot.teams.adapter import RefusingAuthentication, TeamsConfig


class Raising:
    """An inner authentication that fails the way the SDK does."""

    def __init__(self, error: BaseException) -> None:
        self.error = error

    async def authenticate_request(self, activity: Activity, auth_header: str) -> Any:
        raise self.error


def test_the_config_carries_the_settings_under_the_sdk_names() -> None:
    settings = Settings(_env_file=None, microsoft_app_id="app-1",  # type: ignore[call-arg]
                        microsoft_app_password=SecretStr("secret"), microsoft_app_type="SingleTenant",
                        microsoft_app_tenant_id="tenant-1")
    config = TeamsConfig.from_settings(settings)
    assert (config.APP_ID, config.APP_PASSWORD, config.APP_TYPE, config.APP_TENANTID) == (
        "app-1", "secret", "SingleTenant", "tenant-1")
    assert config.authenticated
    assert config.TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL is None  # the public cloud's own endpoints
    assert not TeamsConfig().authenticated


@pytest.mark.asyncio
@pytest.mark.parametrize("error", [jwt.DecodeError("not a JWT"), IndexError("no such key"),
                                   AttributeError("no identity"), Exception("Could not validate endorsement key"),
                                   PermissionError("Unauthorized")])
async def test_a_bad_token_is_always_a_permission_error(error: Exception) -> None:
    auth = RefusingAuthentication(Raising(error))
    with pytest.raises(PermissionError):
        await auth.authenticate_request(Activity(type="message"), "Bearer x")


@pytest.mark.asyncio
async def test_an_unreachable_key_endpoint_is_an_outage_not_a_bad_token() -> None:
    auth = RefusingAuthentication(Raising(ConnectionError("login.botframework.com unreachable")))
    with pytest.raises(ConnectionError):
        await auth.authenticate_request(Activity(type="message"), "Bearer x")

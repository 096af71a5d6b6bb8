"""How the bot gets its own Bot Framework token, for every call it makes to Teams.

The token comes from ``MICROSOFT_LOGIN_URL``, the same authority ``leavebot doctor`` checks, so
that a national cloud, a private sign-in service or a local stand-in is reached through that one
setting. The SDK on its own always signs in at Microsoft's public host unless it is switched to
its parameterized mode, which would also replace how it checks the tokens that come in.
"""

from __future__ import annotations

import threading
from typing import Any

import msal
from botframework.connector.auth import AppCredentials, PasswordServiceClientCredentialFactory
from msrest.authentication import Authentication

from bot.settings import Settings

#: The Bot Framework's own tenant, where multi-tenant bots get their tokens.
BOT_FRAMEWORK_TENANT = "botframework.com"


def bot_framework_authority(settings: Settings) -> str:
    """``MICROSOFT_LOGIN_URL`` and the tenant the bot signs in to: its own for a single-tenant app,
    the Bot Framework's for a multi-tenant one."""
    tenant = (settings.microsoft_app_tenant_id if settings.microsoft_app_type == "SingleTenant"
              else BOT_FRAMEWORK_TENANT)
    return settings.microsoft_login_url.rstrip("/") + "/" + str(tenant)


class SignInCredentialsFactory(PasswordServiceClientCredentialFactory):
    """Credentials whose tokens come from ``authority``, for the app id and password it holds.

    One msal app serves every connector the SDK makes, so a token is asked for once and reused
    until it nears its expiry (the SDK's own credentials start afresh for every turn). It is built
    on the first call that needs a token, because msal reads the authority's OpenID configuration
    as it is built, and a sign-in service that is down must not stop the server from starting.

    The msal app skips instance discovery, as ``leavebot doctor`` does. That lookup only asks
    login.microsoftonline.com whether it knows the authority's host; msal skips it anyway for
    Microsoft's own hosts, so it adds no check there, and for any other host (a cloud msal has
    not heard of, a private sign-in service, a machine without internet access) it fails before
    the authority is asked anything. The authority comes from the operator's own setting, and
    the token endpoint still has to answer with a token for this app id and password. The SDK's
    ``validate_authority`` is ignored for the same reason.
    """

    def __init__(self, app_id: str, password: str, authority: str, timeout: float) -> None:
        super().__init__(app_id, password)
        self.authority = authority
        self._timeout = timeout
        self._msal: msal.ConfidentialClientApplication | None = None
        self._lock = threading.Lock()

    async def create_credentials(self, app_id: str, oauth_scope: str, login_endpoint: str,
                                 validate_authority: bool) -> Authentication:
        if not await self.is_valid_app_id(app_id):
            raise PermissionError(f"no credentials for app {app_id}: this bot is {self.app_id}")
        return SignedInCredentials(self, oauth_scope)

    def token(self, scope: str) -> str:
        """An access token for ``scope`` (msal's cached one while it is valid).

        Raises:
            PermissionError: the authority refused this app id or password.
        """
        result: dict[str, Any] = self._app().acquire_token_for_client(scopes=[scope])
        if "access_token" in result:
            return str(result["access_token"])
        raise PermissionError(f"no Bot Framework token from {self.authority} for app {self.app_id}: "
                              f"{result.get('error', 'unknown error')} (check MICROSOFT_APP_ID, "
                              "MICROSOFT_APP_PASSWORD and MICROSOFT_LOGIN_URL; `leavebot doctor` says which)")

    def _app(self) -> msal.ConfidentialClientApplication:
        with self._lock:
            if self._msal is None:
                self._msal = msal.ConfidentialClientApplication(
                    self.app_id, client_credential=self.password, authority=self.authority,
                    timeout=self._timeout, instance_discovery=False)
            return self._msal


class SignedInCredentials(AppCredentials):
    """The ``Authorization`` header of the calls to one audience, with a token from the factory."""

    def __init__(self, factory: SignInCredentialsFactory, audience: str) -> None:
        super().__init__(app_id=factory.app_id, oauth_scope=audience)
        self.oauth_endpoint = factory.authority
        self._factory = factory

    def get_access_token(self, force_refresh: bool = False) -> str:
        scope = self.oauth_scope if self.oauth_scope.endswith("/.default") else f"{self.oauth_scope}/.default"
        return self._factory.token(scope)

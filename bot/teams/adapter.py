"""The Bot Framework adapter for Teams, configured from the ``MICROSOFT_APP_*`` settings.

With an app id every request must carry a valid Bot Framework token; without one the adapter
runs unauthenticated for the Bot Framework Emulator (only when ``TEAMS_EMULATOR=true``; see
:mod:`bot.teams.emulator`), and then every connector it makes reaches loopback URLs only.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable
from dataclasses import dataclass

from botbuilder.core import TurnContext
from botbuilder.integration.aiohttp import CloudAdapter, ConfigurationBotFrameworkAuthentication
from botbuilder.schema import Activity, ActivityTypes
from botframework.connector.aio import ConnectorClient
from botframework.connector.auth import (
    AuthenticateRequestResult,
    AuthenticationConstants,
    BotFrameworkAuthentication,
    ClaimsIdentity,
    ConnectorFactory,
    ServiceClientCredentialsFactory,
    UserTokenClient,
)
from botframework.connector.skills import BotFrameworkClient

from bot.settings import Settings
from bot.teams.emulator import check_service_url
from bot.teams.sign_in import SignInCredentialsFactory, bot_framework_authority
from core.errors import LeaveError
from core.ports import Unavailable
from core.service import UNAVAILABLE

log = logging.getLogger(__name__)

#: Seconds a call to the Bot Framework may take; ``mount_teams`` passes ``HTTP_TIMEOUT_SECONDS``.
DEFAULT_TIMEOUT_SECONDS = 10.0


@dataclass(frozen=True)
class TeamsConfig:
    """What ``ConfigurationBotFrameworkAuthentication`` reads, under the attribute names it reads.

    The endpoint fields stay None for the public Azure cloud. Set them for a national or private
    cloud (or a local stand-in of the Bot Framework's token service); once any of them is set the
    SDK trusts only what they name, so set the issuer and metadata URL together.

    ``LOGIN_AUTHORITY`` is ours, not the SDK's: where the bot exchanges its password for its own
    token (see :mod:`bot.teams.sign_in`). :meth:`from_settings` always sets it from
    ``MICROSOFT_LOGIN_URL``; once set it wins over ``TO_CHANNEL_FROM_BOT_LOGIN_URL``, and it leaves
    the SDK's checks of incoming tokens as they are. None leaves the bot's token to the SDK.
    """

    APP_ID: str | None = None
    APP_PASSWORD: str | None = None
    APP_TYPE: str = "MultiTenant"
    APP_TENANTID: str | None = None
    TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL: str | None = None
    TO_BOT_FROM_CHANNEL_TOKEN_ISSUER: str | None = None
    TO_CHANNEL_FROM_BOT_LOGIN_URL: str | None = None
    TO_CHANNEL_FROM_BOT_OAUTH_SCOPE: str | None = None
    LOGIN_AUTHORITY: str | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> TeamsConfig:
        password = settings.microsoft_app_password
        return cls(
            APP_ID=settings.microsoft_app_id or None,
            APP_PASSWORD=password.get_secret_value() if password is not None else None,
            APP_TYPE=settings.microsoft_app_type,
            APP_TENANTID=settings.microsoft_app_tenant_id,
            LOGIN_AUTHORITY=bot_framework_authority(settings),
        )

    @property
    def authenticated(self) -> bool:
        return bool(self.APP_ID)


class RefusingAuthentication(BotFrameworkAuthentication):
    """Every way an inbound token can be wrong becomes :class:`PermissionError` (a 401).

    The SDK raises ``PermissionError`` for most bad tokens, but lets others escape as whatever
    broke first: a token that is not a JWT (``jwt.DecodeError``), an unknown key id
    (``IndexError``), a missing header in its parameterized mode (``AttributeError``), a failed
    endorsement (``Exception``). Those would be 500s, which the Bot Framework retries and which
    hide an attack in the error log. Network errors (``OSError``, which covers ``requests``'
    errors) still propagate: an unreachable key endpoint is an outage, not a bad token.

    A token without an expiry is refused as well: the SDK's check of ``exp`` passes when the claim
    is absent, and such a token, once seen, would open the door for ever.

    The connector clients it makes (replies, proactive messages, member info) wait at most
    ``timeout`` seconds for the Bot Framework instead of the SDK's 100; with ``loopback_only``
    (the Emulator mode) they refuse any ``serviceUrl`` that is not on this machine.
    """

    def __init__(self, inner: BotFrameworkAuthentication, timeout: float = DEFAULT_TIMEOUT_SECONDS,
                 loopback_only: bool = False) -> None:
        self._inner = inner
        self._timeout = timeout
        self._loopback_only = loopback_only

    async def authenticate_request(self, activity: Activity, auth_header: str) -> AuthenticateRequestResult:
        return await self._refused_unless_valid(self._inner.authenticate_request(activity, auth_header))

    async def authenticate_streaming_request(self, auth_header: str,
                                             channel_id_header: str) -> AuthenticateRequestResult:
        return await self._refused_unless_valid(
            self._inner.authenticate_streaming_request(auth_header, channel_id_header))

    async def _refused_unless_valid(
            self, checking: Awaitable[AuthenticateRequestResult]) -> AuthenticateRequestResult:
        """The inner check's result, or :class:`PermissionError` for whatever else it raised."""
        try:
            result = await checking
        except (PermissionError, OSError):
            raise
        except Exception as error:
            raise PermissionError(f"invalid Bot Framework token ({type(error).__name__})") from error
        return self._checked(result)

    def create_connector_factory(self, claims_identity: ClaimsIdentity) -> ConnectorFactory:
        return self._connectors(self._inner.create_connector_factory(claims_identity))

    def _checked(self, result: AuthenticateRequestResult) -> AuthenticateRequestResult:
        """The result, once its token is known to expire, with its turn's connectors bounded like the others."""
        _require_expiry(result.claims_identity)
        if result.connector_factory is not None:
            result.connector_factory = self._connectors(result.connector_factory)
        return result

    def _connectors(self, factory: ConnectorFactory) -> ConnectorFactory:
        timed = TimedConnectorFactory(factory, self._timeout)
        return LoopbackConnectorFactory(timed) if self._loopback_only else timed

    async def create_user_token_client(self, claims_identity: ClaimsIdentity) -> UserTokenClient:
        return await self._inner.create_user_token_client(claims_identity)

    def create_bot_framework_client(self) -> BotFrameworkClient:
        return self._inner.create_bot_framework_client()

    def get_originating_audience(self) -> str:
        return self._inner.get_originating_audience()

    async def authenticate_channel_request(self, auth_header: str) -> ClaimsIdentity:
        return await self._inner.authenticate_channel_request(auth_header)


class TimedConnectorFactory(ConnectorFactory):
    """Connector clients whose every call to the Bot Framework gives up after ``timeout`` seconds."""

    def __init__(self, inner: ConnectorFactory, timeout: float) -> None:
        self._inner = inner
        self._timeout = timeout

    async def create(self, service_url: str, audience: str | None = None) -> ConnectorClient:
        client = await self._inner.create(service_url, audience)
        client.config.connection.timeout = self._timeout
        return client


class LoopbackConnectorFactory(ConnectorFactory):
    """Connector clients for loopback URLs only: the last check before the Emulator mode sends anything.

    Raises:
        ForeignServiceUrl: from :meth:`create`, for any other URL (nothing is sent).
    """

    def __init__(self, inner: ConnectorFactory) -> None:
        self._inner = inner

    async def create(self, service_url: str, audience: str | None = None) -> ConnectorClient:
        check_service_url(service_url)
        return await self._inner.create(service_url, audience)


def _require_expiry(identity: ClaimsIdentity | None) -> None:
    """Refuse a verified token that never expires (the unauthenticated Emulator identity has no token)."""
    if identity is None or identity.authentication_type == AuthenticationConstants.ANONYMOUS_AUTH_TYPE:
        return
    if not isinstance((identity.claims or {}).get("exp"), int | float):
        raise PermissionError("invalid Bot Framework token (no expiry)")


def make_adapter(config: TeamsConfig, timeout: float = DEFAULT_TIMEOUT_SECONDS) -> CloudAdapter:
    """A ``CloudAdapter`` that checks tokens when an app id is configured; without one (the Emulator)
    it skips them and reaches loopback URLs only. Its calls, and its requests for the bot's own
    token, give up after ``timeout`` seconds."""
    sdk = ConfigurationBotFrameworkAuthentication(config, credentials_factory=_credentials(config, timeout))
    authentication = RefusingAuthentication(sdk, timeout, loopback_only=not config.authenticated)
    adapter = CloudAdapter(authentication)
    adapter.on_turn_error = _on_turn_error
    return adapter


def _credentials(config: TeamsConfig, timeout: float) -> ServiceClientCredentialsFactory | None:
    """Where the bot's own tokens come from: ``LOGIN_AUTHORITY`` for an app with a password; None
    (the SDK's choice) without one, and for a managed identity, whose token comes from Azure itself."""
    if not (config.LOGIN_AUTHORITY and config.APP_ID and config.APP_PASSWORD) or config.APP_TYPE == "UserAssignedMSI":
        return None
    return SignInCredentialsFactory(config.APP_ID, config.APP_PASSWORD, config.LOGIN_AUTHORITY, timeout)


async def _on_turn_error(context: TurnContext, error: Exception) -> None:
    """Log the bug and tell the person something went wrong, rather than leaving them waiting.

    A refusal from the core (the database is unreachable, say) is passed on in its own words.
    """
    if isinstance(error, LeaveError | Unavailable):
        log.warning("Teams: a %s turn refused: %s", context.activity.type, error)
        reply = error.message if isinstance(error, LeaveError) else UNAVAILABLE
    else:
        log.error("Teams: unhandled error in a %s turn", context.activity.type, exc_info=error)
        reply = "Sorry, something went wrong on my side. Please try again in a moment."
    if context.activity.type != ActivityTypes.message:
        return
    try:
        await context.send_activity(reply)
    except Exception:  # the connector may be what failed; the log line above is what matters
        log.warning("Teams: could not tell the person about the error", exc_info=True)

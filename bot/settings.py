"""The one settings object, read once at start-up from the environment and ``.env``.

Every variable of the outward contract lives here so that a typo or a malformed value stops
start-up with one line naming the variable, instead of surfacing later as a puzzling failure in
some door. A platform whose credentials are absent is not an error: its door is simply off, and
:func:`door_states` says so. Secrets are :class:`~pydantic.SecretStr` so that they never end up
in a log line or a ``repr``.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.utils import parseaddr
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from bot.email.transport import SmtpSettings, parse_smtp_url
from core.ports.limits import RateLimit

LOG_LEVELS = ("debug", "info", "warning", "error", "critical")
DATABASES = ("sqlite", "mysql", "mariadb")
SECRET_FIELDS = frozenset(
    {"slack_bot_token", "slack_signing_secret", "slack_app_token", "microsoft_app_password",
     "ms_graph_client_secret", "metrics_token", "smtp_url"}
)


class SettingsError(Exception):
    """A setting is missing or malformed; ``str()`` is one line that names it."""


class Settings(BaseSettings):
    """LeaveBot's configuration (README, "Configuration"). Field names are the variables, lower-cased."""

    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        case_sensitive=False,
        extra="ignore",
        # An empty ``SLACK_BOT_TOKEN=`` line in .env means "not set", as people expect.
        env_ignore_empty=True,
    )

    database_url: str = "sqlite:///leavebot.db"
    port: int = 3978
    host: str = "0.0.0.0"
    timezone: str = "UTC"
    enable_scheduled_jobs: bool = True
    log_level: str = "info"
    log_format: Literal["text", "json"] = "text"
    #: Where people reach this server (e.g. https://leave.example.com): makes feed links complete.
    public_url: str | None = None

    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_api_url: str = "https://slack.com/api/"

    microsoft_app_id: str | None = None
    microsoft_app_password: SecretStr | None = None
    microsoft_app_type: Literal["MultiTenant", "SingleTenant", "UserAssignedMSI"] = "MultiTenant"
    microsoft_app_tenant_id: str | None = None
    #: Without an app id, answer the Bot Framework Emulator on this machine (off: Teams is not mounted at all).
    teams_emulator: bool = False

    google_service_account_file: Path | None = None
    google_calendar_api_url: str = "https://www.googleapis.com/calendar/v3/"

    ms_graph_tenant_id: str | None = None
    ms_graph_client_id: str | None = None
    ms_graph_client_secret: SecretStr | None = None
    ms_graph_api_url: str = "https://graph.microsoft.com/v1.0/"
    ms_graph_authority_url: str = "https://login.microsoftonline.com/"
    #: Where the Bot Framework's app password is exchanged for a token (``leavebot doctor`` checks it there).
    microsoft_login_url: str = "https://login.microsoftonline.com/"

    #: Seconds ``leavebot serve`` gives requests in flight to finish after SIGTERM (then each stage is cut short).
    shutdown_timeout: float = 25.0
    #: Processes ``leavebot serve`` answers with, on its one port (unset: one per CPU it may use).
    workers: int | None = Field(None, ge=1)
    #: Seconds every outgoing call (Slack, Bot Framework, Google, Graph) may take before it counts as failed.
    http_timeout_seconds: float = 10.0
    #: Each person's commands and clicks: this many a minute on average (0: no limit), up to the burst at once.
    rate_limit_per_minute: float = Field(20, ge=0)
    rate_limit_burst: int = Field(10, ge=1)

    #: Where errors are reported (optional; needs ``pip install leavebot[sentry]``), and as which environment.
    sentry_dsn: str | None = None
    sentry_environment: str | None = None

    #: The bearer token a Prometheus scrape of ``/metrics`` must carry (unset: ``/metrics`` is open).
    metrics_token: SecretStr | None = None
    #: Serve ``/metrics`` on 127.0.0.1 at this port instead of the main port (unset: on the main port).
    metrics_port: int | None = None

    #: The mail server notices are sent through (unset: e-mail off): ``smtp://user:password@host:587``
    #: (STARTTLS) or ``smtps://user:password@host`` (TLS); a secret, since it holds the password.
    smtp_url: SecretStr | None = None
    #: The sender of every e-mail, e.g. ``LeaveBot <leave@example.com>``; required with SMTP_URL.
    email_from: str | None = None
    #: Comma-separated addresses that receive HR's digest by e-mail.
    hr_digest_emails: str | None = None

    @field_validator("port", "metrics_port")
    @classmethod
    def _port_in_range(cls, value: int | None) -> int | None:
        if value is not None and not 0 <= value <= 65535:
            raise ValueError(f"{value} is not a TCP port (0-65535)")
        return value

    @field_validator("timezone")
    @classmethod
    def _iana_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"'{value}' is not an IANA time zone (e.g. Asia/Kolkata, UTC)") from None
        return value

    @field_validator("log_format", mode="before")
    @classmethod
    def _lower_format(cls, value: Any) -> Any:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        level = value.strip().lower()
        if level not in LOG_LEVELS:
            raise ValueError(f"'{value}' is not one of {', '.join(LOG_LEVELS)}")
        return level

    @field_validator("database_url")
    @classmethod
    def _has_scheme(cls, value: str) -> str:
        if "://" not in value:
            raise ValueError("expected an SQLAlchemy URL such as sqlite:///leavebot.db or mysql+pymysql://...")
        return value

    @field_validator("database_url")
    @classmethod
    def _supported_database(cls, value: str) -> str:
        try:
            backend = make_url(value).get_backend_name()
        except (ArgumentError, ValueError):
            raise ValueError("not a valid SQLAlchemy URL (e.g. mysql+pymysql://user:pass@host/db)") from None
        if backend not in DATABASES:
            raise ValueError(f"'{backend}' is not supported: use sqlite:///FILE or mysql+pymysql://...")
        return value

    @field_validator("public_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        parts = urlsplit(value.strip())
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"'{value}' is not an http(s) URL such as https://leave.example.com")
        return value.strip()

    @field_validator("slack_api_url", "google_calendar_api_url", "ms_graph_api_url", "ms_graph_authority_url",
                     "microsoft_login_url")
    @classmethod
    def _endpoint(cls, value: str) -> str:
        parts = urlsplit(value.strip())
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"'{value}' is not an http(s) URL")
        return value.strip()

    @field_validator("sentry_dsn")
    @classmethod
    def _sentry_dsn(cls, value: str | None) -> str | None:
        if value is None:
            return None
        parts = urlsplit(value.strip())
        complete = parts.hostname and parts.username and parts.path.strip("/")
        if parts.scheme not in ("http", "https") or not complete:
            raise ValueError("not a Sentry DSN: expected https://PUBLIC_KEY@HOST/PROJECT_ID")
        return value.strip()

    @field_validator("email_from")
    @classmethod
    def _sender(cls, value: str | None) -> str | None:
        if value is not None and "@" not in parseaddr(value)[1]:
            raise ValueError("must be an e-mail address, e.g. LeaveBot <leave@example.com>")
        return value

    @field_validator("hr_digest_emails")
    @classmethod
    def _addresses(cls, value: str | None) -> str | None:
        for address in (value or "").split(","):
            if address.strip() and "@" not in parseaddr(address.strip())[1]:
                raise ValueError(f"'{address.strip()}' is not an e-mail address (separate addresses with commas)")
        return value

    @field_validator("shutdown_timeout", "http_timeout_seconds")
    @classmethod
    def _positive_seconds(cls, value: float) -> float:
        if not 0 < value <= 3600:
            raise ValueError(f"{value} is not a number of seconds between 0 and 3600")
        return value

    @property
    def rate_limit(self) -> RateLimit | None:
        """The per-person brake of the chat doors; None when ``RATE_LIMIT_PER_MINUTE`` is 0."""
        if not self.rate_limit_per_minute:
            return None
        return RateLimit(per_minute=self.rate_limit_per_minute, burst=self.rate_limit_burst)

    @model_validator(mode="after")
    def _complete_pairs(self) -> Settings:
        """Half-configured platforms are mistakes worth stopping for; absent ones are not."""
        if self.slack_bot_token is None and (self.slack_signing_secret or self.slack_app_token):
            raise ValueError("SLACK_BOT_TOKEN: required when SLACK_SIGNING_SECRET or SLACK_APP_TOKEN is set")
        if self.slack_bot_token is not None and not (self.slack_signing_secret or self.slack_app_token):
            raise ValueError(
                "SLACK_SIGNING_SECRET: required with SLACK_BOT_TOKEN (or set SLACK_APP_TOKEN for Socket Mode)"
            )
        if (
            self.microsoft_app_id
            and self.microsoft_app_password is None
            and self.microsoft_app_type != "UserAssignedMSI"
        ):
            raise ValueError("MICROSOFT_APP_PASSWORD: required when MICROSOFT_APP_ID is set")
        if self.microsoft_app_type == "SingleTenant" and self.microsoft_app_id and not self.microsoft_app_tenant_id:
            raise ValueError("MICROSOFT_APP_TENANT_ID: required when MICROSOFT_APP_TYPE is SingleTenant")
        graph = {
            "MS_GRAPH_TENANT_ID": self.ms_graph_tenant_id,
            "MS_GRAPH_CLIENT_ID": self.ms_graph_client_id,
            "MS_GRAPH_CLIENT_SECRET": self.ms_graph_client_secret,
        }
        missing = [name for name, value in graph.items() if not value]
        if 0 < len(missing) < len(graph):
            raise ValueError(f"{missing[0]}: required when the other MS_GRAPH_* credentials are set")
        if self.metrics_port is not None and self.metrics_port == self.port:
            raise ValueError("METRICS_PORT: must differ from PORT (it serves /metrics on 127.0.0.1 alone)")
        account = self.google_service_account_file
        if account is not None and not account.is_file():
            raise ValueError(f"GOOGLE_SERVICE_ACCOUNT_FILE: no such file '{account}'")
        if self.smtp_url is not None and not self.email_from:
            raise ValueError("EMAIL_FROM: required when SMTP_URL is set (the sender of every e-mail)")
        if self.smtp_url is not None:
            try:
                self.smtp()
            except ValueError as error:
                raise ValueError(f"SMTP_URL: {error}") from None
        return self

    def smtp(self) -> SmtpSettings | None:
        """Where and how to send e-mail; None when e-mail is off (no ``SMTP_URL``)."""
        if self.smtp_url is None or not self.email_from:
            return None
        return parse_smtp_url(self.smtp_url.get_secret_value(), self.email_from)

    @property
    def email_enabled(self) -> bool:
        return self.smtp_url is not None

    @property
    def hr_digest_addresses(self) -> tuple[str, ...]:
        """``HR_DIGEST_EMAILS`` as a list, empty entries left out."""
        return tuple(a.strip() for a in (self.hr_digest_emails or "").split(",") if a.strip())

    @property
    def slack_enabled(self) -> bool:
        return self.slack_bot_token is not None

    @property
    def slack_socket_mode(self) -> bool:
        return self.slack_enabled and self.slack_app_token is not None

    @property
    def teams_auth_enabled(self) -> bool:
        return bool(self.microsoft_app_id)

    @property
    def teams_mode(self) -> Literal["configured", "emulator", "off"]:
        """How ``/api/messages`` is served: with Bot Framework tokens, for the local Emulator, or not at all.

        An app id always wins: ``TEAMS_EMULATOR`` cannot switch authentication off.
        """
        if self.teams_auth_enabled:
            return "configured"
        return "emulator" if self.teams_emulator else "off"

    @property
    def google_sync_enabled(self) -> bool:
        return self.google_service_account_file is not None

    @property
    def outlook_sync_enabled(self) -> bool:
        return bool(self.ms_graph_tenant_id and self.ms_graph_client_id and self.ms_graph_client_secret)


@dataclass(frozen=True)
class DoorState:
    """How one platform is configured: ``state`` for machines, ``detail`` for people."""

    name: str
    state: str
    detail: str


def door_states(settings: Settings) -> dict[str, DoorState]:
    """Each platform's state, worked out from the settings alone (nothing is probed)."""
    if settings.slack_socket_mode:
        slack = DoorState("Slack", "socket-mode", "Socket Mode, no public URL needed (SLACK_APP_TOKEN set)")
    elif settings.slack_enabled:
        slack = DoorState("Slack", "configured", "HTTP at /slack/events")
    else:
        slack = DoorState("Slack", "off", "SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET not set")
    if settings.teams_mode == "configured":
        teams = DoorState("Teams", "configured", f"app {settings.microsoft_app_id} at /api/messages")
    elif settings.teams_mode == "emulator":
        teams = DoorState("Teams", "emulator", "TEAMS_EMULATOR=true, no MICROSOFT_APP_ID: no authentication, "
                                               "this machine's Emulator only (loopback, no proxy)")
    else:
        teams = DoorState("Teams", "off", "MICROSOFT_APP_ID not set (TEAMS_EMULATOR=true for the local Emulator)")
    if settings.google_sync_enabled:
        google = DoorState("Google Calendar", "configured", f"service account {settings.google_service_account_file}")
    else:
        google = DoorState("Google Calendar", "off", "GOOGLE_SERVICE_ACCOUNT_FILE not set")
    if settings.outlook_sync_enabled:
        outlook = DoorState("Outlook Calendar", "configured", f"tenant {settings.ms_graph_tenant_id}")
    else:
        outlook = DoorState(
            "Outlook Calendar", "off", "MS_GRAPH_TENANT_ID, MS_GRAPH_CLIENT_ID and MS_GRAPH_CLIENT_SECRET not set"
        )
    smtp = settings.smtp()
    if smtp is not None:
        email = DoorState("E-mail", "configured", f"{smtp.host}:{smtp.port} ({smtp.security}) from {smtp.from_address}")
    else:
        email = DoorState("E-mail", "off", "SMTP_URL not set")
    return {"slack": slack, "teams": teams, "google_calendar": google, "outlook_calendar": outlook, "email": email}


def load_settings(**overrides: Any) -> Settings:
    """Read the settings once; raise :class:`SettingsError` with one line naming the setting.

    ``overrides`` are for tests and tools that build settings by hand; they win over the
    environment just as constructor arguments do in pydantic-settings.
    """
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        raise SettingsError(_first_problem(exc)) from None


def _first_problem(exc: ValidationError) -> str:
    """One line for the first problem: the variable's name, what is wrong, and the bad value.

    The bad value is echoed only for settings that are not secrets.
    """
    error = exc.errors(include_url=False)[0]
    message = str(error.get("msg", "invalid value"))
    message = message.removeprefix("Value error, ")
    location = [str(part) for part in error.get("loc", ())]
    if not location:
        # Cross-field checks already start with the variable they are about.
        return message
    field = location[0]
    name = field.upper()
    if error.get("type") == "value_error" or field in SECRET_FIELDS:
        return f"{name}: {message}"
    return f"{name}: {message}, got {error.get('input')!r}"

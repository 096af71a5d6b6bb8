"""The checks of ``leavebot doctor`` that go online: Slack, Teams, Google, Outlook and SMTP credentials.

Each platform is asked the cheapest question that proves its credentials: Slack's ``auth.test``
(and ``apps.connections.open`` for a Socket Mode app token), a client-credentials token from the
Microsoft identity platform for the Bot Framework and for Graph, and a service-account token from
Google's ``token_uri``. Every address comes from the settings, as everywhere else, so that the
checks run against local stand-ins too. A refusal names the setting to fix, never its value.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

import msal
import requests
from google.auth.exceptions import RefreshError, TransportError
from google.auth.transport.requests import Request
from google.oauth2 import service_account
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.email.transport import Mailer
from bot.settings import Settings
from bot.slack.api import api_base_url, error_code
from bot.teams.sign_in import bot_framework_authority
from core.ports import DeliveryFailed, RetryLater
from storage.calendars.google import SCOPE as GOOGLE_SCOPE

Status = Literal["ok", "warn", "fail"]
TIMEOUT_SECONDS = 10
BOT_FRAMEWORK_SCOPE = "https://api.botframework.com/.default"
#: Slack's answers that mean "this token is not valid", as opposed to "Slack is having trouble".
BAD_TOKEN = frozenset({"invalid_auth", "not_authed", "token_revoked", "token_expired", "account_inactive",
                       "not_allowed_token_type"})
GOOGLE_FIELDS = ("client_email", "private_key", "token_uri")


@dataclass(frozen=True)
class Check:
    """One finding: what was checked, how it went, and one line for a person."""

    name: str
    status: Status
    detail: str


# --- Slack -------------------------------------------------------------------------------------


def slack_checks(settings: Settings) -> list[Check]:
    """The bot token against ``auth.test``, and the signing secret or the app token for how Slack connects."""
    if settings.slack_bot_token is None:
        return [Check("slack", "ok", "off (SLACK_BOT_TOKEN not set)")]
    token = settings.slack_bot_token.get_secret_value()
    checks = []
    if not token.startswith("xoxb-"):
        checks.append(Check("slack token", "warn", "SLACK_BOT_TOKEN does not start with xoxb-: use the Bot User "
                                                   "OAuth Token from the app's OAuth & Permissions page"))
    checks.append(_slack_call("slack", token, settings, "auth.test", "SLACK_BOT_TOKEN"))
    if settings.slack_app_token is not None:
        app_token = settings.slack_app_token.get_secret_value()
        if not app_token.startswith("xapp-"):
            checks.append(Check("slack socket mode", "fail", "SLACK_APP_TOKEN is not an app-level token (xapp-...): "
                                "create one with connections:write under Basic Information"))
        else:
            checks.append(_slack_call("slack socket mode", app_token, settings, "apps.connections.open",
                                      "SLACK_APP_TOKEN"))
    elif settings.slack_signing_secret is not None:
        checks.append(Check("slack signing", "ok", "SLACK_SIGNING_SECRET set: requests to /slack/events are "
                                                   "verified"))
    return checks


def _slack_call(name: str, token: str, settings: Settings, method: str, setting: str) -> Check:
    client = WebClient(token=token, base_url=api_base_url(settings), timeout=TIMEOUT_SECONDS)
    try:
        answer = client.api_call(method)
    except SlackApiError as error:
        code = error_code(error) or f"HTTP {getattr(error.response, 'status_code', '?')}"
        if code in BAD_TOKEN:
            return Check(name, "fail", f"Slack refused {setting} ({code}): copy the token again from the app's "
                                       "settings (reinstall the app if it was revoked)")
        return Check(name, "fail", f"{method} answered {code}: check the app's scopes and SLACK_API_URL")
    except OSError as error:
        return Check(name, "fail", f"cannot reach SLACK_API_URL {settings.slack_api_url} ({_cause(error)})")
    if method == "auth.test":
        return Check(name, "ok", f"{setting} is the bot {answer.get('user_id')} of workspace {answer.get('team')}")
    return Check(name, "ok", f"{setting} may open a Socket Mode connection")


# --- Microsoft: the Bot Framework and Graph ------------------------------------------------------


def teams_check(settings: Settings) -> Check:
    """A Bot Framework token for ``MICROSOFT_APP_ID`` with its password, from ``MICROSOFT_LOGIN_URL``."""
    if not settings.microsoft_app_id:
        where = ("answers this machine's Bot Framework Emulator only (TEAMS_EMULATOR=true)"
                 if settings.teams_emulator else "is not served (Teams off)")
        return Check("teams", "warn", f"MICROSOFT_APP_ID not set: /api/messages {where}; "
                                      "set the Azure Bot's app id and password")
    if settings.microsoft_app_type == "UserAssignedMSI" or settings.microsoft_app_password is None:
        return Check("teams", "warn", "managed identity: its token comes from Azure's own endpoint, "
                                      "not verified online")
    problem = client_credentials_problem(
        authority=bot_framework_authority(settings), client_id=settings.microsoft_app_id,
        secret=settings.microsoft_app_password.get_secret_value(), scope=BOT_FRAMEWORK_SCOPE,
        names={"client": "MICROSOFT_APP_ID", "secret": "MICROSOFT_APP_PASSWORD",
               "tenant": "MICROSOFT_APP_TENANT_ID", "authority": "MICROSOFT_LOGIN_URL"})
    if problem:
        return Check("teams", "fail", problem)
    return Check("teams", "ok", f"app {settings.microsoft_app_id} got a Bot Framework token")


def outlook_check(settings: Settings) -> Check:
    """A Graph token for the ``MS_GRAPH_*`` app, from ``MS_GRAPH_AUTHORITY_URL``."""
    if not settings.outlook_sync_enabled or settings.ms_graph_client_secret is None:
        return Check("outlook calendar", "ok", "off (MS_GRAPH_* not set)")
    api = urlsplit(settings.ms_graph_api_url)
    problem = client_credentials_problem(
        authority=_join(settings.ms_graph_authority_url, str(settings.ms_graph_tenant_id)),
        client_id=str(settings.ms_graph_client_id), secret=settings.ms_graph_client_secret.get_secret_value(),
        scope=f"{api.scheme}://{api.netloc}/.default",
        names={"client": "MS_GRAPH_CLIENT_ID", "secret": "MS_GRAPH_CLIENT_SECRET", "tenant": "MS_GRAPH_TENANT_ID",
               "authority": "MS_GRAPH_AUTHORITY_URL"})
    if problem:
        return Check("outlook calendar", "fail", problem)
    return Check("outlook calendar", "ok", f"app {settings.ms_graph_client_id} got a Graph token "
                                           "(Calendars.ReadWrite is checked on the first event)")


def client_credentials_problem(authority: str, client_id: str, secret: str, scope: str,
                               names: dict[str, str]) -> str | None:
    """What is wrong with a client-credentials app, naming the setting to fix; None when a token came.

    ``names`` maps ``client``, ``secret``, ``tenant`` and ``authority`` to the settings that hold them.
    """
    try:
        app = msal.ConfidentialClientApplication(client_id, client_credential=secret, authority=authority,
                                                 timeout=TIMEOUT_SECONDS, instance_discovery=False)
        result: dict[str, Any] = app.acquire_token_for_client(scopes=[scope])
    except requests.RequestException as error:
        return f"cannot reach {names['authority']} ({_cause(error)})"
    except ValueError as error:  # msal: no OpenID configuration at the authority
        return (f"no sign-in service for this tenant at {authority} ({_cause(error)}): check {names['tenant']} "
                f"and {names['authority']}")
    if "access_token" in result:
        return None
    code = str(result.get("error", "unknown"))
    description = str(result.get("error_description", "")).splitlines()[0][:160] if result.get(
        "error_description") else ""
    if code == "invalid_client" and "AADSTS700016" not in description:
        return f"{names['secret']} was refused for app {client_id} (invalid_client): create a new client secret"
    if code in ("invalid_client", "unauthorized_client"):
        return f"{names['client']} {client_id} is not an app of this tenant ({code}): check {names['client']}"
    if code == "invalid_request" and "AADSTS90002" in description:
        return f"{names['tenant']} names no tenant ({code}): check it"
    return f"token refused ({code}{': ' + description if description else ''})"


def _join(base: str, tenant: str) -> str:
    return base.rstrip("/") + "/" + tenant


# --- Google ------------------------------------------------------------------------------------


def google_check(settings: Settings, subject: str | None) -> Check:
    """The service-account file's shape, then a token from its ``token_uri`` (as ``subject`` when given,
    which also proves domain-wide delegation)."""
    path = settings.google_service_account_file
    if path is None:
        return Check("google calendar", "ok", "off (GOOGLE_SERVICE_ACCOUNT_FILE not set)")
    info, problem = _service_account(path)
    if info is None:
        return Check("google calendar", "fail", f"GOOGLE_SERVICE_ACCOUNT_FILE {path}: {problem}")
    try:
        credentials = service_account.Credentials.from_service_account_info(info, scopes=[GOOGLE_SCOPE])
        if subject:
            credentials = credentials.with_subject(subject)
        session = requests.Session()
        credentials.refresh(Request(session))
    except ValueError as error:  # the key cannot be read
        return Check("google calendar", "fail", f"GOOGLE_SERVICE_ACCOUNT_FILE {path}: unusable private key "
                                                f"({_cause(error)}): download a new JSON key")
    except TransportError as error:
        return Check("google calendar", "fail", f"cannot reach the token_uri of {path} ({_cause(error)})")
    except RefreshError as error:
        return Check("google calendar", "fail", _google_refusal(info, subject, error))
    who = f" acting as {subject}" if subject else ""
    return Check("google calendar", "ok", f"{info['client_email']} got a token{who}")


def _service_account(path: Path) -> tuple[dict[str, Any] | None, str]:
    try:
        info = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        return None, f"cannot be read ({error.strerror})"
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        return None, f"not JSON ({_cause(error)}): download the key again as JSON"
    if not isinstance(info, dict) or info.get("type") != "service_account":
        return None, "not a service-account key (\"type\": \"service_account\" missing)"
    missing = [name for name in GOOGLE_FIELDS if not info.get(name)]
    if missing:
        return None, f"missing {', '.join(missing)}: download a new JSON key"
    return info, ""


def _google_refusal(info: dict[str, Any], subject: str | None, error: RefreshError) -> str:
    text = _cause(error)
    if "unauthorized_client" in text and subject:
        return (f"{info['client_email']} may not act as {subject}: grant domain-wide delegation to client id "
                f"{info.get('client_id', '?')} with scope {GOOGLE_SCOPE} in the Google Admin console")
    return f"the token_uri refused the key of {info['client_email']} ({text}): download a new JSON key"


def _cause(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    return (lines[0][:200] if lines else "") or type(error).__name__


# --- e-mail --------------------------------------------------------------------------------------


def email_check(settings: Settings) -> Check:
    """A login to the ``SMTP_URL`` server (connect, greet, STARTTLS or TLS, log in); nothing is sent."""
    smtp = settings.smtp()
    if smtp is None:
        return Check("email", "ok", "off (SMTP_URL not set): people without Slack or Teams hear nothing")
    try:
        verdict = Mailer(smtp, timeout=TIMEOUT_SECONDS).check_login()
    except (DeliveryFailed, RetryLater) as error:
        return Check("email", "fail", f"{error} (check SMTP_URL)")
    return Check("email", "ok", verdict)
